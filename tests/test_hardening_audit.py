"""Issue 14, the checks that must catch what they claim: `audit verify` anchored against
truncation (a head with the count and the first event, `--expect HASH`, every client and referral
recorded), erasures only where an anonymization names the client, a malformed row named instead
of a traceback; `doctor` on a damaged file and on a database that lost a table.

Database tests run on SQLite and PostgreSQL; what is about the SQLite file (a damaged page, a
value of the wrong type in a column) on SQLite only.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, days_ago, query
from typer.testing import CliRunner, Result

from optima_cli.cli import app
from optima_cli.store import audit
from optima_cli.workflow.context import Context

pytestmark = pytest.mark.both_backends  # the audit trail and its head

runner = CliRunner()


def cli(db: Path | str, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), "--user", "tester", *args])


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def verdict(run: Any, *args: str) -> tuple[int, dict[str, Any]]:
    result = run("audit", "verify", "--format", "json", *args)
    no_traceback(result)
    return result.exit_code, json.loads(result.stdout)


def broken(run: Any, *args: str) -> dict[str, Any]:
    code, found = verdict(run, *args)
    assert code == 1 and found["ok"] is False and found["problem"], found
    return found


def whole(run: Any, *args: str) -> dict[str, Any]:
    code, found = verdict(run, *args)
    assert code == 0 and found["ok"] is True, found
    return found


def client_and_case(run: Any, name: str = "Anker Anna") -> tuple[str, str]:
    client = run("register", "--name", name, "--birth-date", "1970-03-04", "--from", "SD",
                 "--consent-on", days_ago(120)).stdout.strip()
    case = run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
               "--on", days_ago(100)).stdout.strip()
    assert client.startswith("C-") and case.startswith("OPT-"), (client, case)
    return client, case


def head(db: Any) -> str:
    return query(db, "SELECT value FROM meta WHERE key = 'audit_head'")[0][0]


# --- 1. truncation ----------------------------------------------------------------------------

def test_deleting_the_last_event_with_the_head_is_caught(run, db_path):
    client_and_case(run)
    whole(run)
    last = query(db_path, "SELECT max(id) FROM audit_event")[0][0]
    query(db_path, "DELETE FROM audit_event WHERE id = ?", last)
    query(db_path, "DELETE FROM meta WHERE key = 'audit_head'")
    found = broken(run)
    assert "head" in found["problem"]


def test_deleting_every_event_and_the_head_is_caught(run, db_path):
    client_and_case(run)
    query(db_path, "DELETE FROM audit_event")
    query(db_path, "DELETE FROM meta WHERE key = 'audit_head'")
    found = broken(run)
    assert found["events"] == 0


def test_a_forged_fresh_trail_is_caught_by_the_clients_and_referrals_it_lacks(run, db_path):
    """A forger who replaces the whole trail by one event chained from the start, with a head
    that fits it: the referral and the client that no event names give it away, in SQL."""
    client_and_case(run)
    row = audit.seal(audit.GENESIS, {
        "at": datetime(2026, 1, 1, tzinfo=UTC), "actor": "optima", "action": "create-database",
        "entity": "database", "entity_ref": "optima", "client_id": None, "referral_id": None,
        "on_date": None, "source": "cli", "before": None, "after": {"schema_version": 2}})
    query(db_path, "DELETE FROM audit_event")
    query(db_path, "INSERT INTO audit_event (id, at, actor, action, entity, entity_ref, source, "
                   "payload, payload_erased, payload_hash, prev_hash, hash) "
                   "VALUES (1, ?, 'optima', 'create-database', 'database', 'optima', 'cli', ?, "
                   "FALSE, ?, ?, ?)",
          row["at"].strftime("%Y-%m-%d %H:%M:%S.%f"), row["payload"], row["payload_hash"],
          row["prev_hash"], row["hash"])
    query(db_path, "UPDATE meta SET value = ? WHERE key = 'audit_head'",
          f"1:{row['hash']}:1:{row['hash']}")
    found = broken(run)
    assert "1 referral" in found["problem"] and "1 client" in found["problem"], found


def test_the_head_holds_the_count_and_the_first_event(run, db_path):
    client_and_case(run)
    found = whole(run)
    first = query(db_path, "SELECT hash FROM audit_event ORDER BY id LIMIT 1")[0][0]
    last_id, last = query(db_path, "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")[0]
    assert head(db_path) == f"{last_id}:{last}:{found['events']}:{first}"
    assert found["head"] == last


def test_a_removed_end_with_a_head_rewritten_by_hand_is_caught_by_the_count(run, db_path):
    client_and_case(run)
    last = query(db_path, "SELECT max(id) FROM audit_event")[0][0]
    query(db_path, "DELETE FROM audit_event WHERE id = ?", last)
    new_id, new_hash = query(db_path, "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")[0]
    _, _, count, first = head(db_path).split(":")
    query(db_path, "UPDATE meta SET value = ? WHERE key = 'audit_head'",
          f"{new_id}:{new_hash}:{count}:{first}")
    found = broken(run)
    assert str(count) in found["problem"]


def test_a_later_write_does_not_cover_a_removed_end(run, db_path):
    """optima extends the head only from a head that fits the trail: it never writes over the
    evidence of events removed at the end."""
    client, _ = client_and_case(run)
    last = query(db_path, "SELECT max(id) FROM audit_event")[0][0]
    query(db_path, "DELETE FROM audit_event WHERE id = ?", last)
    assert run("client", "update", client, "--municipality", "Kriens").exit_code == 0
    broken(run)


def test_a_head_of_the_old_form_still_verifies_and_is_renewed_by_the_next_write(run, db_path):
    client, _ = client_and_case(run)
    last_id, last = query(db_path, "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")[0]
    query(db_path, "UPDATE meta SET value = ? WHERE key = 'audit_head'", f"{last_id}:{last}")
    whole(run)
    assert run("client", "update", client, "--municipality", "Kriens").exit_code == 0
    found = whole(run)
    assert head(db_path).split(":")[2] == str(found["events"])


def test_expect_passes_for_a_noted_hash_and_names_it_once_removed(run, db_path):
    _, case = client_and_case(run)
    assert run("show", case).exit_code == 0  # a read: an event that no client or case needs
    noted = whole(run)
    assert run("show", case).exit_code == 0
    later = whole(run, "--expect", noted["head"])
    assert later["events"] == noted["events"] + 1 and later["expected"] is not None
    # the forger removes the end and writes a head that fits what is left: only the note shows it
    query(db_path, "DELETE FROM audit_event WHERE action = 'read'")
    new_id, new_hash = query(db_path, "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")[0]
    first = query(db_path, "SELECT hash FROM audit_event ORDER BY id LIMIT 1")[0][0]
    query(db_path, "UPDATE meta SET value = ? WHERE key = 'audit_head'",
          f"{new_id}:{new_hash}:{noted['events'] - 1}:{first}")
    whole(run)
    found = broken(run, "--expect", noted["head"])
    assert noted["head"] in found["problem"] and found["event"] is None


def test_expect_takes_only_a_hash(run):
    result = run("audit", "verify", "--expect", "not-a-hash")
    assert result.exit_code == 2 and "--expect" in result.stderr, result.stderr
    no_traceback(result)


@pytest.mark.sqlite_only
def test_verify_table_shows_the_hash_to_note_and_the_missing_expected_one(run):
    client_and_case(run)
    out = run("audit", "verify")
    assert out.exit_code == 0 and out.stdout.startswith("ok:")
    noted = json.loads(run("audit", "verify", "--format", "json").stdout)["head"]
    assert noted in out.stdout
    result = run("audit", "verify", "--expect", "a" * 64)
    assert result.exit_code == 1 and "a" * 64 in result.stdout, result.stdout
    no_traceback(result)


# --- 2. erasures need the anonymization that names the client -------------------------------

def _erase_by_hand(db: Any, client: str) -> int:
    client_id = int(client.split("-")[1])
    query(db, "UPDATE client SET anonymized_on = ?, name = '(anonymized)' WHERE id = ?",
          date(2026, 1, 1), client_id)
    query(db, "UPDATE audit_event SET payload = NULL, payload_erased = TRUE "
              "WHERE client_id = ? AND payload IS NOT NULL", client_id)
    return query(db, "SELECT min(id) FROM audit_event WHERE client_id = ? AND payload_erased",
                 client_id)[0][0]


def test_a_faked_anonymization_is_caught(run, db_path):
    client, _ = client_and_case(run)
    first_erased = _erase_by_hand(db_path, client)
    assert broken(run)["event"] == first_erased


def test_a_real_anonymization_does_not_cover_another_client(run, db_path):
    gone, case = client_and_case(run, "Alt Albert")
    assert run("withdraw", case, "--reason", "other", "--note", "Umzug", "--on",
               days_ago(90)).exit_code == 0
    kept, _ = client_and_case(run, "Bleib Berta")
    done = run("anonymize", "--closed-before", days_ago(30), "--yes", "--format", "json")
    assert done.exit_code == 0 and json.loads(done.stdout)["ids"] == [gone], done.stdout
    whole(run)
    (payload,), = query(db_path, "SELECT payload FROM audit_event WHERE action = 'anonymize'")
    assert json.loads(payload)["after"]["client_ids"] == [int(gone.split("-")[1])]
    assert "Albert" not in payload
    first_erased = _erase_by_hand(db_path, kept)
    assert broken(run)["event"] == first_erased


def test_an_anonymization_recorded_before_it_named_its_clients_still_verifies(ctx):
    """Anonymizations recorded before the events named their clients justify at most as many
    anonymized clients as they counted."""
    from optima_cli.workflow.clients import ClientInput, register

    ids = [int(register(ctx, ClientInput(name=f"Früher {n}", birth_date=date(1970, 1, n + 1),
                                         institution="SD", consent_on=date(2026, 1, 5)))["client"]
               .split("-")[1]) for n in range(2)]
    with ctx.write() as session:
        audit.erase_payloads(session, ids[:1])
        audit.record(session, actor="tester", action="anonymize", entity="database",
                     entity_ref="optima", now=ctx.now(),
                     after={"closed_before": TODAY, "clients": 1})
    query(ctx.db_path, "UPDATE client SET anonymized_on = ? WHERE id = ?", TODAY, ids[0])
    assert _verify(ctx)["ok"]
    _erase_by_hand(ctx.db_path, f"C-{ids[1]}")
    assert not _verify(ctx)["ok"]


def _verify(ctx: Context) -> dict[str, Any]:
    from optima_cli.workflow.trail import verify

    return verify(ctx)


# --- 3. a malformed row is a verdict, never a traceback ---------------------------------------

def _raw(db: Path, sql: str, *params: object) -> None:
    con = sqlite3.connect(db)
    try:
        with con:
            con.execute(sql, params)
    finally:
        con.close()


MALFORMED = {
    "garbage-head": ("UPDATE meta SET value = 'xyz' WHERE key = 'audit_head'", (), None),
    "bad-moment": ("UPDATE audit_event SET at = 'xyz' WHERE id = 2", (), "moment 'xyz'"),
    "blob-payload": ("UPDATE audit_event SET payload = ? WHERE id = 2", (b"\x00\xffblob",), "payload"),
    "impossible-date": ("UPDATE audit_event SET on_date = '2026-02-30' WHERE id = 3", (),
                        "2026-02-30"),
    "text-id": ("UPDATE audit_event SET client_id = 'abc' WHERE id = 2", (), "abc"),
    "odd-flag": ("UPDATE audit_event SET payload_erased = 'yes' WHERE id = 2", (), "yes"),
    "blob-hash": ("UPDATE audit_event SET hash = ? WHERE id = 2", (b"\x01",), "hash"),
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_row_is_named_not_a_traceback(run, db_path, kind):
    client_and_case(run)
    sql, params, words = MALFORMED[kind]
    _raw(db_path, sql, *params)
    found = broken(run)
    if kind == "garbage-head":
        assert "'xyz'" in found["problem"]
    else:
        assert found["event"] == (3 if kind == "impossible-date" else 2)
        assert words in found["problem"], found
    table = run("audit", "verify")
    no_traceback(table)
    assert table.exit_code == 1 and table.stdout.strip().count("\n") == 0, table.stdout
    doctor = run("doctor", "--format", "json")
    no_traceback(doctor)
    assert doctor.exit_code == 1
    assert {c["check"] for c in json.loads(doctor.stdout)["checks"] if not c["ok"]} == {"audit trail"}



@pytest.mark.sqlite_only
@pytest.mark.in_process  # reads the Python exception of the fault, in this process
def test_a_command_that_trips_over_a_malformed_row_says_one_line(run, db_path, monkeypatch):
    """`audit list` reads the events as they are: a moment that is not one is a fault optima did
    not foresee there, and the root's last net still makes it one line that points to doctor;
    OPTIMA_DEBUG=1 (set for every test) shows the traceback instead."""
    client_and_case(run)
    _raw(db_path, "UPDATE audit_event SET at = 'xyz' WHERE id = 2")
    assert isinstance(run("audit", "list").exception, ValueError)  # OPTIMA_DEBUG: the fault itself
    monkeypatch.delenv("OPTIMA_DEBUG")
    result = run("audit", "list")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "optima doctor" in result.stderr, result.stderr
    assert result.stderr.startswith("error: unexpected ValueError: "), result.stderr

# --- 4. doctor on a damaged file and on a database that lost a table -------------------------

@pytest.fixture
def filled(db_path: Path) -> Path:
    """A SQLite file with 300 imported referrals (about 460 pages)."""
    from test_import_history import FILE, large_file, numbered

    from optima_cli.importing.rows import import_rows

    ctx = Context(db_path=str(db_path), user="tester", today=TODAY)
    assert import_rows(ctx, FILE, numbered(large_file(300))).imported == 300
    ctx.db.engine.dispose()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db_path


def _damage(db: Path, table: str) -> None:
    """Overwrite most of the first page of `table` with garbage."""
    con = sqlite3.connect(db)
    (page,), = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
    (size,), = con.execute("PRAGMA page_size")
    con.close()
    with open(db, "r+b") as f:
        f.seek((page - 1) * size + 16)
        f.write(b"\xff" * (size - 32))


@pytest.mark.sqlite_only
def test_doctor_reports_a_damaged_file(filled):
    _damage(filled, "referral")
    result = cli(filled, "doctor", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1, result.stdout + result.stderr
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["integrity"]["ok"] is False
    assert "malformed" in checks["integrity"]["detail"] or "corrupt" in checks["integrity"]["detail"]
    table = cli(filled, "doctor")
    no_traceback(table)
    assert table.exit_code == 1 and "problems found" in table.stdout


@pytest.mark.sqlite_only
def test_other_commands_on_a_damaged_file_say_so_in_one_line(filled):
    _damage(filled, "referral")
    result = cli(filled, "list")
    no_traceback(result)
    assert result.exit_code == 1
    err = result.stderr.strip()
    assert err.count("\n") == 0 and "damaged" in err and "optima doctor" in err, err


@pytest.mark.parametrize("drop", ["DROP TABLE suspension", "DROP INDEX ix_referral_status"])
def test_doctor_finds_a_dropped_table_or_index(run, db_path, drop):
    client_and_case(run)
    assert run("doctor").exit_code == 0
    query(db_path, drop)
    result = run("doctor", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1
    failed = {c["check"]: c for c in json.loads(result.stdout)["checks"] if not c["ok"]}
    assert "tables" in failed and drop.split()[-1] in failed["tables"]["detail"], failed
    for name, found in failed.items():  # what needs the table says it cannot read it
        assert name == "tables" or "no such table" in found["detail"] or \
            "does not exist" in found["detail"], found


@pytest.mark.sqlite_only
def test_doctor_reports_a_file_too_damaged_to_open(filled):
    """The page that lists the tables is damaged: no command can open the file, but doctor still
    says what SQLite finds, in its report."""
    with open(filled, "r+b") as f:
        f.seek(100)  # the first page, after the file header: the list of tables
        f.write(b"\x0d" + b"\xff" * 3990)
    result = cli(filled, "doctor", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1, result.stdout + result.stderr
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["integrity"]["ok"] is False and "malformed" in checks["integrity"]["detail"]
    err = cli(filled, "list").stderr.strip()
    assert "damaged" in err and err.count("\n") == 0, err
