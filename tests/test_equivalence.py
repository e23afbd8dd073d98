"""The same random histories through the commands and through the import write the same database.

Hypothesis draws clients and their referrals with histories (accept or reject, extend, suspend and
resume the job search, withdraw or close, on drawn days). The rows the import refuses are left out
(a dry run names them) until it takes every row; then the import writes them into one database,
and the commands (the workflow functions) type the same history into another, in the order the
import applies it. Both databases must hold the same rows, ids included, and the same audit trail
(action, entity, reference, day, values before and after); only the moments and the hashes that
cover them differ. On SQLite and on PostgreSQL, a fresh database for each example.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from optima_cli.importing.rows import COLUMNS, import_rows
from optima_cli.records.packing import unpack
from optima_cli.rules.codes import Cause, Outcome, RejectReason, Topic, WithdrawReason
from optima_cli.workflow import cases, clients
from optima_cli.workflow.clients import ClientInput
from optima_cli.workflow.context import Context

FILE = "history.csv"
SOURCE = f"import:{FILE}"
MOMENTS = {"created_at", "updated_at", "at", "prev_hash", "hash"}
START = date(2025, 1, 1)
UNITS = ("RAV", "SD", "IV")


def ahv(n: int) -> str:
    """A valid AHV number (EAN-13 check digit) made of `n`."""
    digits = f"756{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    digits += str((10 - total % 10) % 10)
    return f"{digits[:3]}.{digits[3:7]}.{digits[7:11]}.{digits[11:]}"


@st.composite
def referral(draw: st.DrawFn, client: dict[str, str], municipality: bool) -> dict[str, str]:
    referrer, receiver = draw(st.sampled_from((("RAV", "SD"), ("RAV", "IV"), ("SD", "RAV"),
                                               ("IV", "RAV"), ("RAV", "SD"), ("SD", "IV"))))
    day = START + timedelta(days=draw(st.integers(0, 400)))
    row = {**client, "referrer": referrer, "receiver": receiver,
           "topics": ";".join(draw(st.lists(st.sampled_from([t.value for t in Topic]), min_size=1,
                                            max_size=2, unique=True))),
           "months": str(months := draw(st.sampled_from((3, 6)))), "referred_on": day.isoformat()}
    if not municipality:
        row["municipality"] = ""
    if draw(st.booleans()):
        row["override"] = "Lage geklärt"

    def later(base: date, most: int = 120) -> date:
        return base + timedelta(days=draw(st.integers(0, most)))

    decision = draw(st.sampled_from(("", "accepted", "rejected")))
    last = day
    if decision:
        last = later(day, 20)
        row.update(decision=decision, decided_on=last.isoformat())
    if decision == "rejected":
        row.update(reason=draw(st.sampled_from([r.value for r in RejectReason])), reason_note="passt nicht")
    latest = last
    if decision == "accepted":
        if months == 3 and draw(st.booleans()):
            latest = later(last, 80)
            row["extended_on"] = latest.isoformat()
        if referrer == "RAV" and draw(st.booleans()):
            start = later(last, 30)
            until = later(start, 60)
            row.update(suspended_from=start.isoformat(), suspended_until=until.isoformat())
            latest = max(latest, until)
            if draw(st.booleans()):
                row["search_resumed_on"] = later(start, (until - start).days).isoformat()
    ending = draw(st.sampled_from(("", "withdraw", "close") if decision == "accepted" else ("", "withdraw")
                                  if not decision else ("",)))
    end = later(latest, 100)
    if ending == "withdraw":
        row.update(withdrawn_on=end.isoformat(),
                   withdraw_reason=draw(st.sampled_from([r.value for r in WithdrawReason
                                                         if r != WithdrawReason.JOINT_STRATEGY])),
                   withdraw_note="zieht zurück")
    elif ending == "close":
        outcome = draw(st.sampled_from([o.value for o in Outcome]))
        row.update(closed_on=end.isoformat(), outcome=outcome,
                   employed=draw(st.sampled_from(("", "yes", "no"))))
        if outcome == "not-achieved":
            row.update(cause=draw(st.sampled_from([c.value for c in Cause])), close_note="kein Kontakt")
    return row


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, str]]:
    rows = []
    for i in range(draw(st.integers(1, 4))):
        client = {"name": f"Person {i} Muster", "birth_date": f"198{i}-0{i + 1}-1{i}",
                  "consent_on": "2024-12-01",
                  "municipality": "Emmen"}
        if draw(st.booleans()):
            client["external_ref"] = f"X-{i}"
        if draw(st.booleans()):
            client["ahv"] = ahv(10_000 + i)
        if draw(st.booleans()):
            client["iv_rejected_on"] = "2024-10-01"
        from_row = draw(st.integers(0, 2))  # the municipality is known from this referral on
        for j in range(draw(st.integers(1, 3))):
            rows.append(draw(referral(client, j >= from_row)))
    return [{**dict.fromkeys(COLUMNS, ""), **r} for r in rows]


def numbered(rows: list[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    return list(enumerate(rows, start=2))


def accepted_rows(ctx: Context, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows, without those the import refuses or lists as differing from an earlier row of
    the same case (asked again until there are none)."""
    for _ in range(10):
        out = import_rows(ctx, FILE, numbered(rows), dry_run=True)
        if not out.errors and not out.difference_rows:
            return rows
        bad = {e.row for e in out.errors} | {d["row"] for d in out.difference_rows}
        rows = [r for n, r in numbered(rows) if n not in bad]
    return []


def by_commands(ctx: Context, rows: list[dict[str, str]]) -> None:
    """The rows typed as commands, in the order the import applies them, each step as it does."""
    d = date.fromisoformat
    known: dict[tuple[str, str], dict[str, Any]] = {}
    ordered = sorted(numbered(rows), key=lambda item: (item[1]["referred_on"], item[0]))
    for _, r in ordered:
        person = (r["name"], r["birth_date"])
        client = known.get(person)
        if client is None:
            facts = {k: (d(r[k]) if k.endswith("_on") or k == "birth_date" else r[k])
                     for k in ("name", "birth_date", "ahv", "external_ref", "consent_on",
                               "iv_rejected_on", "municipality") if r[k]}
            client = known[person] = clients.register(
                ctx, ClientInput(institution=r["referrer"], **facts))
        elif r["municipality"] and not client["municipality"]:
            cases_typed = client.get("cases", {})  # the record of the update has none
            client = known[person] = clients.update(ctx, client["client"], ClientInput(
                municipality=r["municipality"])).record
            client["cases"] = cases_typed
        existing = client.get("cases", {}).get((r["receiver"], r["referred_on"]))
        if existing:
            continue
        case = cases.refer(ctx, cases.Refer(
            client=client["client"], to=r["receiver"], referrer=r["referrer"],
            topics=tuple(Topic(t) for t in r["topics"].split(";")), months=int(r["months"]),
            on=d(r["referred_on"]), override=r["override"] or None)).record["case"]
        client.setdefault("cases", {})[(r["receiver"], r["referred_on"])] = case
        for step in steps(ctx, case, r):
            step()


def steps(ctx: Context, case: str, r: dict[str, str]) -> list[Any]:
    """A row's steps as commands, in the order the import takes them (decision, then extension
    and suspension by date, then the ending)."""
    d = date.fromisoformat
    found: list[tuple[int, date, Any]] = []
    if r["decision"] == "accepted":
        found.append((0, d(r["decided_on"]), lambda: cases.accept(ctx, case, None, d(r["decided_on"]))))
    elif r["decision"] == "rejected":
        found.append((0, d(r["decided_on"]), lambda: cases.reject(
            ctx, case, RejectReason(r["reason"]), r["reason_note"], d(r["decided_on"]))))
    if r["extended_on"]:
        found.append((1, d(r["extended_on"]), lambda: cases.extend(ctx, case, d(r["extended_on"]))))
    if r["suspended_from"]:
        found.append((1, d(r["suspended_from"]), lambda: cases.suspend_search(
            ctx, case, d(r["suspended_until"]), d(r["suspended_from"]))))
    if r["search_resumed_on"]:
        found.append((1, d(r["search_resumed_on"]), lambda: cases.resume_search(
            ctx, case, d(r["search_resumed_on"]))))
    if r["withdrawn_on"]:
        found.append((2, d(r["withdrawn_on"]), lambda: cases.withdraw(
            ctx, case, WithdrawReason(r["withdraw_reason"]), r["withdraw_note"], d(r["withdrawn_on"]))))
    if r["closed_on"]:
        found.append((2, d(r["closed_on"]), lambda: cases.close(
            ctx, case, Outcome(r["outcome"]), Cause(r["cause"]) if r["cause"] else None,
            {"yes": True, "no": False}.get(r["employed"]), r["close_note"] or None, d(r["closed_on"]))))
    return [step for _, _, step in sorted(found, key=lambda s: (s[0], s[1]))]


def tables(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table by id (or key), without the moments and the hashes; the audit
    head by the id of the event it names; a payload as its values."""
    engine = ctx.db.engine
    found = {}
    with engine.connect() as con:
        for table in sorted(inspect(con).get_table_names()):
            if table == "alembic_version":
                continue
            pk = inspect(con).get_pk_constraint(table)["constrained_columns"]
            rows = con.execute(text(f'SELECT * FROM "{table}" ORDER BY {", ".join(pk)}')).mappings()
            found[table] = [{k: v for k, v in row.items() if k not in MOMENTS} for row in rows]
    found["meta"] = [m if m["key"] != "audit_head" else {**m, "value": m["value"].split(":")[0]}
                     for m in found["meta"]]
    for event in found["audit_event"]:
        if event["action"] == "create-database":
            event.pop("entity_ref")  # the database's name
        event["payload"] = json.loads(unpack(event["payload"])) if event["payload"] else None
        event.pop("payload_hash")  # covers the payload, compared as values
    return found


def databases(request: pytest.FixtureRequest, backend: str) -> Any:
    """A function that gives two fresh databases (their --db values) for each example."""
    if backend == "sqlite":
        def sqlite_pair() -> tuple[str, str]:
            folder = Path(tempfile.mkdtemp(prefix="optima-eq-"))
            (folder / "imported").mkdir()
            (folder / "typed").mkdir()
            return str(folder / "imported" / "optima.db"), str(folder / "typed" / "optima.db")
        return sqlite_pair
    server = request.getfixturevalue("pg_server")

    def postgres_pair() -> tuple[str, str]:
        names = server.new_database(), server.new_database()
        for name in names:
            request.addfinalizer(lambda n=name: server.drop(n))
        return server.url(names[0]), server.url(names[1])
    return postgres_pair


@pytest.mark.both_backends  # the two stores write through SQL that can differ
def test_commands_and_the_import_write_the_same_history(request, backend):
    pair = databases(request, backend)

    @settings(max_examples=12 if backend == "sqlite" else 6, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(histories())
    def check(rows: list[dict[str, str]]) -> None:
        imported_db, typed_db = pair()
        imported = Context(db_path=imported_db, user="tester", today=TODAY)
        typed = Context(db_path=typed_db, user="tester", today=TODAY, source=SOURCE)
        imported.db  # noqa: B018 - create both now, so that their first events are alike
        typed.db  # noqa: B018
        rows = accepted_rows(imported, rows)
        out = import_rows(imported, FILE, numbered(rows))
        assert out.errors == []
        by_commands(typed, rows)
        assert tables(imported) == tables(typed)
        for ctx in (imported, typed):
            ctx.db.engine.dispose()

    check()
