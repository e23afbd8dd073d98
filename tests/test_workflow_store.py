"""The database file: where it is, who may read it, what happens with files that are not ours,
and the audit chain that every change appends to."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import date

import pytest
from sqlmodel import select

from optima_cli.errors import OptimaError
from optima_cli.records.models import AuditEvent
from optima_cli.rules.codes import Topic
from optima_cli.store import audit
from optima_cli.store.engine import open_database
from optima_cli.store.location import locate
from optima_cli.workflow import cases, clients
from optima_cli.workflow.context import Context

pytestmark = pytest.mark.both_backends  # the store: transactions, the audit chain, case numbers


def _register(ctx: Context, name: str = "Test Person", source: str = "SD") -> str:
    data = clients.ClientInput(name=name, birth_date=date(1985, 5, 5), institution=source,
                               consent_on=date(2025, 6, 1))
    return clients.register(ctx, data)["client"]


def test_default_database_is_in_the_data_folder_and_private(tmp_path, monkeypatch):
    path = locate(None).path
    assert str(path).startswith(str(tmp_path / "home")), "tests must not touch the real home"
    ctx = Context(db_path=None, user="tester", today=date(2026, 11, 23))
    _register(ctx)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_optima_db_variable_and_option_choose_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTIMA_DB", str(tmp_path / "env.db"))
    assert locate(None).path == tmp_path / "env.db"
    assert locate(str(tmp_path / "cli.db")).path == tmp_path / "cli.db"


def test_new_database_knows_the_three_default_units(ctx):
    from optima_cli.workflow.institutions import list_institutions

    units = {u["code"]: (u["kind"], u["name"]) for u in list_institutions(ctx)}
    assert units == {"RAV": ("RAV", "RAV Luzern"), "IV": ("IV", "WAS IV Luzern"),
                     "SD": ("SD", "Sozialdienste Luzern")}


def test_a_file_that_is_not_a_database_is_refused_cleanly(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("this is not a database\n" * 100)
    with pytest.raises(OptimaError) as info:
        open_database(str(bogus))
    assert "not a usable optima database" in info.value.message
    assert bogus.read_text().startswith("this is not a database")


def test_a_foreign_sqlite_database_is_not_touched(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()
    with pytest.raises(OptimaError) as info:
        open_database(str(other))
    assert "not an optima database" in info.value.message
    tables = [r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")]
    assert tables == ["things"]


def test_a_database_from_a_newer_optima_is_refused(ctx, db_path):
    from conftest import query

    _register(ctx)
    query(db_path, "UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(OptimaError) as info:
        open_database(str(db_path))
    assert "newer optima" in info.value.message


def test_a_folder_given_as_database_is_refused(tmp_path):
    with pytest.raises(OptimaError) as info:
        open_database(str(tmp_path))
    assert "is a folder" in info.value.message


def test_every_change_appends_a_chained_audit_event(ctx):
    client = _register(ctx)
    result = cases.refer(ctx, cases.Refer(client=client, to="RAV", topics=(Topic.PLACEMENT,),
                                          months=3, on=date(2026, 10, 1)))
    cases.accept(ctx, result.record["case"], "B. Keller", date(2026, 10, 5))
    with ctx.db.read() as session:
        events = list(session.exec(select(AuditEvent).order_by(AuditEvent.id)))
    assert [e.action for e in events] == ["create-database", "register", "refer", "accept"]
    assert all(e.actor == "tester" for e in events[1:])
    previous = audit.GENESIS
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == audit.event_hash(event)
        assert event.payload_hash == audit.sha256(event.payload or "")
        previous = event.hash
    accepted = json.loads(events[-1].payload)
    assert accepted["before"]["status"] == "referred"
    assert accepted["after"]["status"] == "accepted"
    assert accepted["after"]["due_on"] == "2027-01-05"


def test_a_refused_change_writes_nothing(ctx, db_path):
    from conftest import dump

    client = _register(ctx, source="RAV")
    before = dump(db_path)
    assert before["client"]
    with pytest.raises(OptimaError):
        cases.refer(ctx, cases.Refer(client=client, to="RAV", topics=(Topic.PLACEMENT,), months=3))
    after = dump(db_path)
    # only the refusal is counted (every hurdle counted, issue 16): its rule, no person
    assert after.pop("refusal_rule") == [(1, "other-kind")] and len(after.pop("refusal")) == 1
    before.pop("refusal_rule"), before.pop("refusal")
    assert after == before


def test_case_numbers_count_per_year_of_the_referral(ctx):
    first = _register(ctx, "Erste Person")
    second = _register(ctx, "Zweite Person")
    a = cases.refer(ctx, cases.Refer(client=first, to="RAV", topics=(Topic.PLACEMENT,), months=3,
                                     on=date(2025, 12, 30)))
    b = cases.refer(ctx, cases.Refer(client=second, to="RAV", topics=(Topic.PLACEMENT,), months=3,
                                     on=date(2026, 1, 2)))
    c = cases.refer(ctx, cases.Refer(client=second, to="IV", topics=(Topic.HEALTH,), months=6,
                                     on=date(2026, 1, 3)))
    assert (a.record["case"], b.record["case"], c.record["case"]) == ("OPT-2025-0001", "OPT-2026-0001", "OPT-2026-0002")


@pytest.mark.sqlite_only
def test_an_optima_database_uses_write_ahead_logging(ctx, db_path):
    _register(ctx)
    mode = sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
