"""Corrections after the merge of issue 14 (review r2): one definition of a case's free text, a
server backup recorded where it really is, an empty backup name refused like --db "" and
--xlsx "", and one sentence for a damaged file that doctor gives without telling to run doctor.
"""

from __future__ import annotations

import json

import pytest
from conftest import days_ago
from test_hardening_audit import _damage, cli, filled, no_traceback  # noqa: F401 (a fixture)
from test_trust import ok
from typer.testing import CliRunner

from optima_cli.cli import app
from optima_cli.rules.records import FREE_TEXT, PERSONAL_TEXT
from optima_cli.store.maintenance import TEMP_MARK
from optima_cli.workflow.retention import ERASED

GOAL = "Herr Vertraulich findet eine Stelle"


def _case_with_every_text(run) -> str:  # type: ignore[no-untyped-def]
    client = ok(run("register", "--name", "Vertraulich Vera", "--birth-date", "1970-02-03",
                    "--from", "RAV", "--consent-on", days_ago(300), "--iv-rejected-on",
                    days_ago(250)))
    case = ok(run("refer", client, "--to", "IV", "--topics", "health", "--months", "3",
                  "--goal", GOAL, "--override", "Arztbericht liegt vor", "--on", days_ago(200)))
    ok(run("accept", case, "--on", days_ago(190)))
    ok(run("suspend-search", case, "--from", days_ago(185), "--until", days_ago(180),
           "--note", "Kur in Davos"))
    ok(run("close", case, "--outcome", "achieved", "--note", "Schulden beim Onkel",
           "--on", days_ago(170)))
    return case


def _listed(run, *extra: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    (record,) = json.loads(ok(run("list", "--status", "all", "--format", "json", *extra)))
    return record  # type: ignore[no-any-return]


@pytest.mark.both_backends
def test_lists_show_the_goal_and_anonymize_erases_every_free_text(run):
    """The goal is no personal text (lists show it), but it is free text: anonymize erases it
    with the notes and the justification, as one definition says."""
    assert ("goal", *PERSONAL_TEXT) == FREE_TEXT
    case = _case_with_every_text(run)
    listed = _listed(run)
    assert listed["goal"] == GOAL
    assert all(listed[key] is None for key in PERSONAL_TEXT)
    personal = _listed(run, "--with-personal-data")
    assert all(personal[key] for key in ("goal", "close_note", "override"))  # no reason_note

    ok(run("anonymize", "--closed-before", days_ago(100), "--yes"))
    after = _listed(run, "--with-personal-data")
    assert {key: after[key] for key in FREE_TEXT} == {
        key: ERASED if key == "override" else None for key in FREE_TEXT}
    shown = json.loads(ok(run("show", case, "--format", "json")))
    assert [s.get("note") for s in shown["suspensions"]] == [None]


def test_a_server_backup_is_recorded_where_it_is_so_doctor_finds_what_a_killed_one_left(
        pg_server, tmp_path, monkeypatch):
    url = pg_server.url(name := pg_server.new_database())
    runner = CliRunner()
    try:
        backups, elsewhere = tmp_path / "backups", tmp_path / "elsewhere"
        backups.mkdir()
        elsewhere.mkdir()
        monkeypatch.chdir(backups)
        ok(runner.invoke(app, ["--db", url, "backup", "B.db"]))
        stale = backups / f".B2.db{TEMP_MARK}abcdefgh.tmp"  # as a killed backup leaves it
        stale.write_bytes(b"personal data")
        monkeypatch.chdir(elsewhere)  # doctor runs from another folder (cron, another shell)
        result = runner.invoke(app, ["--db", url, "doctor", "--format", "json"])
        checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
        assert checks["temporary files"]["ok"] is False, checks["temporary files"]
        assert stale.name in checks["temporary files"]["detail"]
    finally:
        pg_server.drop(name)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_backup_name_is_refused_like_an_empty_db_or_xlsx(run, db_path, tmp_path,
                                                                 monkeypatch, name):
    ok(run("institution", "list"))
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    result = run("backup", name)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stderr.count("\n") == 1 and "FILE is empty" in result.stderr, result.stderr
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.sqlite_only
def test_the_empty_db_of_demo_and_of_every_command_is_one_refusal():
    runner = CliRunner()
    demo = runner.invoke(app, ["demo", "--db", ""])
    listed = runner.invoke(app, ["--db", " ", "list"])
    for result in (demo, listed):  # one check: the demo names its own kind of file
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("error: --db is empty; give a file "), result.stderr


@pytest.mark.sqlite_only
def test_a_damaged_file_is_one_sentence_and_doctor_does_not_send_to_doctor(filled, tmp_path):  # noqa: F811
    _damage(filled, "referral")
    result = cli(filled, "doctor", "--format", "json")
    no_traceback(result)
    details = [c["detail"] for c in json.loads(result.stdout)["checks"] if not c["ok"]]
    assert any("damaged" in d for d in details), details
    assert not any("doctor" in d for d in details), details

    listed = cli(filled, "list").stderr
    backup = cli(filled, "backup", str(tmp_path / "B.db")).stderr
    assert "optima doctor" in listed and "optima doctor" in backup
    label = f"error: the database file {filled} is damaged: "
    advice = listed.rsplit(";", 1)[1]
    assert listed.startswith(label) and backup.startswith(label), (listed, backup)
    assert backup.endswith(advice), (listed, backup)
