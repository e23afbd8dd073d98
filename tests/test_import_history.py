"""The import applies its rows in memory with the rules of the commands and writes them at once.

What it writes must be the history the commands would have written: the same rows and the same
audit events, in the same order (only timestamps, and so hashes, differ). A bad row anywhere in a
large file leaves nothing written; the audit chain continues across imports and commands.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, dump, query

from optima_cli.importing import rows as importer
from optima_cli.importing.rows import COLUMNS, import_rows
from optima_cli.rules.codes import Cause, Outcome, RejectReason, Topic, WithdrawReason
from optima_cli.workflow import cases, clients, trail
from optima_cli.workflow.clients import ClientInput
from optima_cli.workflow.context import Context

FILE = "cases.csv"
SOURCE = f"import:{FILE}"

ANNA = {"external_ref": "SD-1", "name": "Muster Anna", "birth_date": "1988-07-14",
        "ahv": "756.9217.0769.85", "consent_on": "2025-01-02"}
PETER = {"external_ref": "RAV-7", "name": "Beispiel Peter", "birth_date": "1979-11-02",
         "consent_on": "2025-01-20"}
CLARA = {"name": "Probe Clara", "birth_date": "1990-03-03", "consent_on": "2025-02-01",
         "iv_rejected_on": "2024-10-01"}


def row(**values: str) -> dict[str, str]:
    """A row as the csv module reads it: every column, blank unless given."""
    return {**dict.fromkeys(COLUMNS, ""), **values}


# Four referrals of three clients, in the file out of date order. Anna's second referral comes
# after her first was closed; it names her only by name and birth date, adds her municipality, and
# ends with her consent withdrawn.
ROWS = [
    row(**{**ANNA, "external_ref": "", "ahv": "", "consent_on": ""}, municipality="Emmen",
        referrer="SD", receiver="RAV", topics="placement", months="3", referred_on="2025-06-02",
        decision="accepted", decided_on="2025-06-05", withdrawn_on="2025-06-20",
        withdraw_reason="consent-withdrawn", withdraw_note="zieht zurück"),
    row(**ANNA, referrer="RAV", receiver="SD", topics="finances", months="3",
        referred_on="2025-01-10", decision="accepted", decided_on="2025-01-15",
        receiving_counsellor="B. Keller", suspended_from="2025-01-20", suspended_until="2025-03-01",
        search_resumed_on="2025-02-01", extended_on="2025-03-20", closed_on="2025-05-10",
        outcome="achieved", employed="yes"),
    row(**PETER, referrer="RAV", receiver="SD", topics="finances;conflict", months="6",
        referred_on="2025-02-03", decision="rejected", decided_on="2025-02-05", reason="other",
        reason_note="passt nicht", goal=" Schulden ordnen "),
    row(**CLARA, referrer="SD", receiver="IV", topics="health", months="3",
        referred_on="2025-03-01", override="Lage seit dem Entscheid verändert",
        decision="accepted", decided_on="2025-03-05", closed_on="2025-04-30",
        outcome="not-achieved", cause="no-cooperation", employed="no"),
]


def the_same_by_commands(ctx: Context) -> None:
    """What ROWS say, typed as commands, in the order the referrals happened."""
    d = date.fromisoformat
    anna = clients.register(ctx, ClientInput(
        name=ANNA["name"], birth_date=d(ANNA["birth_date"]), institution="RAV", ahv=ANNA["ahv"],
        external_ref=ANNA["external_ref"], consent_on=d(ANNA["consent_on"])))["client"]
    case = cases.refer(ctx, cases.Refer(client=anna, to="SD", topics=(Topic.FINANCES,), months=3,
                                        referrer="RAV", on=d("2025-01-10"))).record["case"]
    cases.accept(ctx, case, "B. Keller", d("2025-01-15"))
    cases.suspend_search(ctx, case, d("2025-03-01"), d("2025-01-20"))
    cases.resume_search(ctx, case, d("2025-02-01"))
    cases.extend(ctx, case, d("2025-03-20"))
    cases.close(ctx, case, Outcome.ACHIEVED, None, True, None, d("2025-05-10"))

    peter = clients.register(ctx, ClientInput(
        name=PETER["name"], birth_date=d(PETER["birth_date"]), institution="RAV",
        external_ref=PETER["external_ref"], consent_on=d(PETER["consent_on"])))["client"]
    case = cases.refer(ctx, cases.Refer(client=peter, to="SD", topics=(Topic.FINANCES, Topic.CONFLICT),
                                        months=6, goal=" Schulden ordnen ", referrer="RAV",
                                        on=d("2025-02-03"))).record["case"]
    cases.reject(ctx, case, RejectReason.OTHER, "passt nicht", d("2025-02-05"))

    clara = clients.register(ctx, ClientInput(
        name=CLARA["name"], birth_date=d(CLARA["birth_date"]), institution="SD",
        consent_on=d(CLARA["consent_on"]), iv_rejected_on=d(CLARA["iv_rejected_on"])))["client"]
    case = cases.refer(ctx, cases.Refer(client=clara, to="IV", topics=(Topic.HEALTH,), months=3,
                                        referrer="SD", on=d("2025-03-01"),
                                        override="Lage seit dem Entscheid verändert")).record["case"]
    cases.accept(ctx, case, None, d("2025-03-05"))
    cases.close(ctx, case, Outcome.NOT_ACHIEVED, Cause.NO_COOPERATION, False, None, d("2025-04-30"))

    clients.update(ctx, anna, ClientInput(municipality="Emmen"))
    case = cases.refer(ctx, cases.Refer(client=anna, to="RAV", topics=(Topic.PLACEMENT,), months=3,
                                        referrer="SD", on=d("2025-06-02"))).record["case"]
    cases.accept(ctx, case, None, d("2025-06-05"))
    cases.withdraw(ctx, case, WithdrawReason.CONSENT_WITHDRAWN, "zieht zurück", d("2025-06-20"))


MOMENTS = {"created_at", "updated_at", "at", "prev_hash", "hash"}  # differ from run to run


def history(db: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the order written, without the moments and the hashes that
    depend on them."""
    con = sqlite3.connect(db)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = {}
        for table in tables:
            cursor = con.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            names = [c[0] for c in cursor.description]
            found[table] = [{k: v for k, v in zip(names, r) if k not in MOMENTS} for r in cursor]
        head = found["meta"]
        found["meta"] = [m if m["key"] != "audit_head" else {**m, "value": m["value"].split(":")[0]}
                         for m in head]
        return found
    finally:
        con.close()


def fresh(folder: Path, source: str = "cli") -> Context:
    folder.mkdir(exist_ok=True)
    ctx = Context(db_path=str(folder / "optima.db"), user="tester", today=TODAY, source=source)
    ctx.db  # noqa: B018 - create it now, so that its first event is the same in both
    return ctx


def numbered(rows: list[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    return list(enumerate(rows, start=2))


def test_an_import_writes_what_the_commands_would_have_written(tmp_path):
    imported, typed = fresh(tmp_path / "imported"), fresh(tmp_path / "typed", SOURCE)

    out = import_rows(imported, FILE, numbered(ROWS))
    the_same_by_commands(typed)

    assert out.errors == [] and out.imported == 4 and out.clients_created == 3
    assert out.clients_matched == 1
    db = tmp_path / "imported" / "optima.db"
    assert history(db) == history(tmp_path / "typed" / "optima.db")
    for ctx in (imported, typed):
        assert trail.verify(ctx)["ok"]
    # what makes the comparison worth something is really there
    events = [a for (a,) in query(db, "SELECT action FROM audit_event WHERE source = ?", SOURCE)]
    assert events.count("client-update") == 2  # the municipality, then the consent
    assert {"suspend-search", "resume-search", "extend", "reject", "withdraw"} <= set(events)
    assert query(db, "SELECT ended_on FROM suspension") == [("2025-02-01",)]


def test_a_client_is_referred_again_once_the_earlier_case_is_closed_but_not_while_it_is_open(tmp_path):
    ctx = fresh(tmp_path)
    earlier = row(**PETER, referrer="RAV", receiver="SD", topics="finances", months="3",
                  referred_on="2025-03-01", decision="accepted", decided_on="2025-03-03")
    again = dict(earlier, referred_on="2025-05-01", decided_on="2025-05-02")

    out = import_rows(ctx, FILE, numbered([earlier, again]), dry_run=True)

    assert [(e.row, e.column) for e in out.errors] == [(3, "receiver")]
    assert "OPT-2025-0001 of this client to SD is still open" in out.errors[0].message

    closed = dict(earlier, closed_on="2025-04-30", outcome="partly", employed="no")
    out = import_rows(ctx, FILE, numbered([again, closed]))

    assert out.errors == [] and out.cases == ["OPT-2025-0001", "OPT-2025-0002"]
    assert (out.clients_created, out.clients_matched) == (1, 1)
    assert query(tmp_path / "optima.db", "SELECT case_id, status FROM referral ORDER BY id") == [
        ("OPT-2025-0001", "closed"), ("OPT-2025-0002", "accepted")]


def test_consent_withdrawn_in_one_row_refuses_the_next_referral(tmp_path):
    ctx = fresh(tmp_path)
    first = row(**PETER, referrer="RAV", receiver="SD", topics="finances", months="3",
                referred_on="2025-03-01", withdrawn_on="2025-03-10",
                withdraw_reason="consent-withdrawn", withdraw_note="will nicht mehr")
    later = row(**PETER, referrer="RAV", receiver="IV", topics="health", months="3",
                referred_on="2025-04-01")

    out = import_rows(ctx, FILE, numbered([first, later]))

    assert [(e.row, e.column) for e in out.errors] == [(3, "consent_on")]
    assert "withdrew consent on 2025-03-10" in out.errors[0].message

    out = import_rows(ctx, FILE, numbered([first]))  # alone, it records the withdrawal too

    assert out.errors == [] and out.imported == 1
    assert query(tmp_path / "optima.db", "SELECT consent_on, consent_withdrawn_on FROM client") == [
        ("2025-01-20", "2025-03-10")]


def test_an_ahv_number_of_another_client_is_refused_naming_that_client(tmp_path):
    ctx = fresh(tmp_path)
    anna = row(**ANNA, referrer="SD", receiver="RAV", topics="placement", months="3",
               referred_on="2025-02-01")
    peter = row(**PETER, referrer="RAV", receiver="SD", topics="finances", months="3",
                referred_on="2025-02-02")
    # Peter, by his external reference, with Anna's AHV number: matched to Peter, refused as a
    # duplicate of Anna (C-0001, registered by the first row of this very file)
    peter_again = dict(peter, ahv=ANNA["ahv"], referred_on="2025-02-03", receiver="IV",
                       topics="health")

    out = import_rows(ctx, FILE, numbered([anna, peter, peter_again]))

    assert [(e.row, e.column) for e in out.errors] == [(4, "ahv")]
    assert out.errors[0].message.startswith("client C-0001 has the same AHV number")


def large_file(n: int) -> list[dict[str, str]]:
    """n clients, each referred SD -> RAV, accepted, and every third one closed."""
    rows = []
    for i in range(n):
        referred = date(2024, 1, 8) + timedelta(days=i % 300)
        rows.append(row(
            external_ref=f"L-{i:05d}", name=f"Large File Person {i:05d}",
            birth_date=(date(1960, 1, 1) + timedelta(days=37 * i % 15000)).isoformat(),
            consent_on=(referred - timedelta(days=3)).isoformat(), referrer="SD", receiver="RAV",
            topics="placement", months="3", referred_on=referred.isoformat(), decision="accepted",
            decided_on=(referred + timedelta(days=2)).isoformat(),
            **({"closed_on": (referred + timedelta(days=60)).isoformat(), "outcome": "achieved",
                "employed": "yes"} if i % 3 == 0 else {})))
    return rows


def test_a_bad_row_deep_in_a_large_file_leaves_nothing_written(tmp_path):
    """The rows are applied in date order and written every FLUSH_ROWS rows inside the one
    transaction: a bad row applied after a write must still leave nothing."""
    ctx = fresh(tmp_path)
    rows = large_file(6000)
    rows[5699]["decided_on"] = "2023-12-31"  # before its referral, one of the last to happen
    assert importer.FLUSH_ROWS < 5900  # so it is applied after the first write
    before = dump(tmp_path / "optima.db")
    done: list[int] = []

    out = import_rows(ctx, FILE, numbered(rows), progress=done.append)

    assert [(e.row, e.column) for e in out.errors] == [(5701, "decided_on")]
    assert "before the referral on" in out.errors[0].message
    assert out.imported == 0 and out.cases == []
    assert dump(tmp_path / "optima.db") == before
    assert done == list(range(1, 6001))


def test_an_import_continues_the_audit_chain_and_commands_continue_it_after(tmp_path):
    db = tmp_path / "optima.db"
    ctx = fresh(tmp_path)
    paul = clients.register(ctx, ClientInput(name="Vorher Paul", birth_date=date(1970, 1, 1),
                                             institution="SD", consent_on=date(2025, 1, 1)))
    cases.refer(ctx, cases.Refer(client=paul["client"], to="RAV", topics=(Topic.PLACEMENT,),
                                 months=3, on=date(2025, 1, 5)))
    events_before = query(db, "SELECT count(*) FROM audit_event")[0][0]

    out = import_rows(ctx, FILE, numbered(large_file(300)))

    assert out.imported == 300
    last_id, last_hash = query(db, "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")[0]
    first_imported = query(db, "SELECT prev_hash FROM audit_event WHERE source = ? ORDER BY id "
                               "LIMIT 1", SOURCE)[0][0]
    assert first_imported == query(db, "SELECT hash FROM audit_event WHERE id = ?",
                                   events_before)[0][0]
    first_hash, total = query(db, "SELECT (SELECT hash FROM audit_event ORDER BY id LIMIT 1), "
                                  "count(*) FROM audit_event")[0]
    assert query(db, "SELECT value FROM meta WHERE key = 'audit_head'") == [
        (f"{last_id}:{last_hash}:{total}:{first_hash}",)]
    assert trail.verify(ctx)["ok"]

    cases.accept(ctx, "OPT-2025-0001", None, date(2025, 1, 6))  # a command right after it

    imported_events = query(db, "SELECT count(*) FROM audit_event WHERE source = ?", SOURCE)[0][0]
    verdict = trail.verify(ctx)
    assert verdict["ok"] and verdict["events"] == events_before + imported_events + 1


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_importing_the_same_file_again_adds_nothing(tmp_path, dry_run):
    ctx = fresh(tmp_path)
    assert import_rows(ctx, FILE, numbered(ROWS)).imported == 4
    before = dump(tmp_path / "optima.db")

    out = import_rows(ctx, FILE, numbered(ROWS), dry_run=dry_run)

    assert (out.imported, out.skipped, out.clients_matched, out.clients_created) == (0, 4, 4, 0)
    assert dump(tmp_path / "optima.db") == before
