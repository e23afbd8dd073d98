"""The shared PostgreSQL database: naming it, its errors, copying to and from SQLite, backups.

(The rest of the suite runs on PostgreSQL too, through conftest's `db_path`.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import count, days_ago, dump, query
from typer.testing import CliRunner, Result

from optima_cli.cli import app

pytestmark = pytest.mark.both_backends  # copies between backends and the server itself

runner = CliRunner()


def cli(db: Path | str, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), "--user", "tester", *args])


def one_line(result: Result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


def fill(db: Path | str) -> list[str]:
    """Two clients, an accepted case with a suspension, a rejected case: every table has rows."""
    run = lambda *a: cli(db, *a)  # noqa: E731
    one = run("register", "--name", "Kopie Karl", "--birth-date", "1970-01-01", "--from", "RAV",
              "--ahv", "756.1234.5678.97", "--consent-on", days_ago(60)).stdout.strip()
    two = run("register", "--name", "Kopie Klara", "--birth-date", "1985-05-05", "--from", "SD",
              "--consent-on", days_ago(60)).stdout.strip()
    case = run("refer", one, "--to", "SD", "--topics", "finances,conflict", "--months", "3",
               "--on", days_ago(50)).stdout.strip()
    assert run("accept", case, "--on", days_ago(45)).exit_code == 0
    assert run("suspend-search", case, "--from", days_ago(45), "--until", days_ago(-20)).exit_code == 0
    other = run("refer", two, "--to", "RAV", "--topics", "placement", "--months", "3",
                "--on", days_ago(40)).stdout.strip()
    assert run("reject", other, "--reason", "too-severe", "--on", days_ago(38)).exit_code == 0
    assert run("show", case).exit_code == 0  # a logged read
    return [case, other]


@pytest.mark.parametrize(("value", "fragment"), [
    ("mysql://u@host/optima", "SQLite files and PostgreSQL"),
    ("postgresql://u@host/", "names no database"),
    ("sqlite://", "needs a file"),
    ("post gres://u:s3cret@host/optima", "not a database URL"),
])
def test_a_url_optima_cannot_use_is_a_usage_error(value, fragment):
    error = one_line(cli(value, "list"), 2)
    assert fragment in error and "s3cret" not in error


def test_unreachable_server_missing_database_and_unknown_role_are_one_line(pg_server):
    host = f"{pg_server.host}:{pg_server.port}"
    assert "cannot reach" in one_line(cli("postgresql+psycopg://postgres@127.0.0.1:1/optima", "list"), 1)
    assert "does not exist" in one_line(cli(f"postgresql+psycopg://postgres@{host}/no_such_db", "list"), 1)
    error = one_line(cli(f"postgresql+psycopg://nobody:s3cret@{host}/postgres", "list"), 1)
    assert "no such user" in error and "s3cret" not in error and "***" in error


@pytest.mark.in_process  # hides the driver in this process
def test_without_the_driver_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    error = one_line(cli("postgresql+psycopg://u@host/optima", "list"), 1)
    assert "pip install 'optima-cli[postgres]'" in error


def test_the_demo_is_never_built_on_a_server(pg_server):
    error = one_line(cli(pg_server.url("postgres"), "demo"), 1)
    assert "SQLite file of its own" in error


def _copies_equal(a: dict, b: dict) -> None:
    for table in ("institution", "client", "referral", "referral_topic", "suspension"):
        assert a[table] == b[table], table


def test_copy_sqlite_to_postgresql_and_back_keeps_every_row_and_the_trail(tmp_path, pg_server):
    source = tmp_path / "source.db"
    cases = fill(source)
    before = dump(source)
    url = pg_server.url(name := pg_server.empty_database())
    try:
        copied = cli(source, "db", "copy", "--to", url, "--format", "json")
        assert copied.exit_code == 0, copied.stderr
        rows = json.loads(copied.stdout)["rows"]
        assert rows["referral"] == 2 and rows["client"] == 2 and rows["suspension"] == 1
        on_server = dump(url)
        _copies_equal(before, on_server)
        assert cli(url, "audit", "verify").exit_code == 0
        assert [r[0] for r in query(url, "SELECT action FROM audit_event ORDER BY id")][-2:] == \
            ["copy-out", "copy-in"]
        assert json.loads(cli(url, "db", "status", "--format", "json").stdout)["state"] == "current"
        listed = json.loads(cli(url, "list", "--status", "all", "--format", "json").stdout)
        assert {r["case"] for r in listed} == set(cases)
        # the server goes on numbering after the copied ids
        third = cli(url, "register", "--name", "Neu Nora", "--birth-date", "1990-01-01", "--from",
                    "IV", "--consent-on", days_ago(3))
        assert third.stdout.strip() == "C-0003", third.stderr

        back = tmp_path / "back.db"
        assert cli(url, "db", "copy", "--to", str(back)).exit_code == 0
        _copies_equal(dump(url), dump(back))
        assert cli(back, "audit", "verify").exit_code == 0
        assert cli(back, "doctor").exit_code == 0
    finally:
        pg_server.drop(name)


def test_copy_into_a_database_that_is_not_empty_is_refused_and_writes_nothing(tmp_path, db_path, run):
    source = tmp_path / "source.db"
    fill(source)
    assert run("institution", "list").exit_code == 0
    target, source_before = dump(db_path), dump(source)
    error = one_line(cli(source, "db", "copy", "--to", str(db_path)), 1)
    assert "not empty" in error
    assert dump(db_path) == target and dump(source) == source_before


@pytest.fixture
def server_db(pg_server) -> str:
    """A fresh optima database on the server (for what only a server has)."""
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.drop(name)


def test_backup_of_a_server_database_is_a_sqlite_file_that_verifies(server_db, tmp_path):
    db_path = server_db
    cases = fill(db_path)
    target = tmp_path / "backup.db"
    done = cli(db_path, "backup", str(target))
    assert done.exit_code == 0 and done.stdout.strip() == str(target), done.stderr
    assert target.stat().st_mode & 0o077 == 0
    _copies_equal(dump(db_path), dump(target))
    assert cli(target, "audit", "verify").exit_code == 0
    listed = json.loads(cli(target, "list", "--status", "all", "--format", "json").stdout)
    assert {r["case"] for r in listed} == set(cases)
    (action, actor, payload), = query(db_path, "SELECT action, actor, payload FROM audit_event "
                                               "ORDER BY id DESC LIMIT 1")
    assert (action, actor) == ("backup", "tester")
    assert json.loads(payload)["after"] == {"to": str(target)}  # where the personal data went
    assert count(target, "audit_event") == count(db_path, "audit_event")


def test_doctor_on_a_server_checks_what_a_server_leaves_to_optima(server_db):
    result = cli(server_db, "doctor", "--format", "json")
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert [c["check"] for c in report["checks"]] == ["schema", "tables", "row-level security",
                                                      "dates", "date order",
                                                      "audit trail", "duplicate clients",
                                                      "compaction", "temporary files"]
    assert report["database"].startswith("postgresql")

