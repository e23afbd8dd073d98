"""Issue 15: one decision per action, saved by the per-command store or the import's batch store."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from optima_cli.records.models import Client
from optima_cli.store import audit
from optima_cli.store.engine import read_meta
from optima_cli.workflow import clients
from optima_cli.workflow.context import Context


def test_the_audit_head_is_written_by_the_store_at_commit_not_by_a_listener(ctx: Context):
    clients.register(ctx, clients.ClientInput(name="Head Person", birth_date=date(1980, 1, 1),
                                              institution="SD"))
    with ctx.read() as session:
        head = read_meta(session, audit.HEAD_KEY)
    assert head is not None and head.split(":")[0] != "1"
    # a session that bypasses the store commits its event without moving the head
    with Session(ctx.db.writer) as session, session.begin():
        audit.record(session, actor="tester", action="read", entity="client", entity_ref="C-000001",
                     now=ctx.now())
    with ctx.read() as session:
        assert read_meta(session, audit.HEAD_KEY) == head


def test_both_stores_offer_what_the_decisions_ask_of_a_store():
    from optima_cli.store.batch_store import BatchStore
    from optima_cli.store.saving import Store
    from optima_cli.store.session_store import SessionStore

    wanted = {name for name in vars(Store) if not name.startswith("_")}
    assert wanted >= {"unit", "new_key", "duplicate_of", "open_referral_to", "next_case_seq", "save"}
    for store in (SessionStore, BatchStore):
        assert wanted <= set(dir(store)), (store, wanted - set(dir(store)))


def test_a_decision_returns_its_events_as_data_and_writes_nothing():
    from optima_cli.rules import actions
    from optima_cli.rules.codes import Kind, Status, WithdrawReason
    from optima_cli.rules.lifecycle import Case, Unit

    client = actions.Person(key=actions.ClientKey(7, (0, 7)), institution="SD", institution_id=3,
                            name="Muster Anna", name_key="anna muster",
                            birth_date=date(1988, 7, 14), consent_on=date(2025, 1, 2))
    case = Case(case_id="OPT-2025-0001", referrer=Unit("SD", Kind.SD), receiver=Unit("RAV", Kind.RAV),
                topics=("placement",), status=Status.REFERRED.value, months=3,
                referred_on=date(2025, 2, 1))
    outcome = actions.withdraw(case, client, date(2025, 2, 3), date(2026, 11, 23),
                               WithdrawReason.CONSENT_WITHDRAWN)
    assert outcome.client_write == actions.QUIET  # consent ends; updated_at is not touched
    assert outcome.client.consent_withdrawn_on == date(2025, 2, 3)
    assert client.consent_withdrawn_on is None  # the state given is not changed
    assert [(e.action, e.entity, e.on_date) for e in outcome.events] == [
        ("client-update", "client", date(2025, 2, 3)), ("withdraw", "referral", date(2025, 2, 3))]
    assert outcome.events[0].before == {"consent_withdrawn_on": None}
    assert outcome.events[1].after["status"] == "withdrawn"  # type: ignore[index]


@pytest.mark.both_backends  # ids handed out by SQLite and by a PostgreSQL sequence
def test_an_import_names_a_client_of_an_earlier_row_by_the_id_the_database_gives(ctx: Context):
    """Not a guess of the id: the clients registered so far are written (inside the import's
    transaction) when a message must name one; with a client already there, on both backends."""
    from optima_cli.importing.rows import COLUMNS, import_rows

    clients.register(ctx, clients.ClientInput(name="First Person", birth_date=date(1970, 1, 1),
                                              institution="SD"))

    def row(**values: str) -> dict[str, str]:
        return {**dict.fromkeys(COLUMNS, ""), "referrer": "SD", "receiver": "RAV",
                "topics": "placement", "months": "3", "consent_on": "2025-01-01", **values}

    rows = [row(external_ref="E-1", name="Muster Anna", birth_date="1988-07-14",
                referred_on="2025-02-01"),
            row(external_ref="E-1", name="Muster Anna", birth_date="1988-07-15",
                referred_on="2025-02-02")]
    named = []
    for dry_run in (True, False):
        out = import_rows(ctx, "cases.csv", list(enumerate(rows, start=2)), dry_run=dry_run)
        assert [(e.row, e.column) for e in out.errors] == [(3, "external_ref")]
        found = re.search(r"belongs to C-(\d{4}), born 1988-07-14", out.errors[0].message)
        assert found, out.errors[0].message
        named.append(int(found[1]))
    # the id the database gave; PostgreSQL does not give again the ids of a rolled-back transaction
    assert named[0] == 2 and named[1] >= 2
    with ctx.read() as session:
        assert session.exec(select(func.count()).select_from(Client)).one() == 1  # nothing kept
