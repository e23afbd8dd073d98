"""A case's history in `show` (issue 21): the reads of a case are left out in SQL, so a case shown
many times reads only the events it shows, and shows the same history as before."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from optima_cli.rules.codes import Topic
from optima_cli.store import audit
from optima_cli.workflow import case_reads, cases, clients
from optima_cli.workflow.context import Context

pytestmark = pytest.mark.both_backends  # the store's query on the audit trail


def _case(ctx: Context) -> str:
    client = clients.register(ctx, clients.ClientInput(
        name="Often Shown", birth_date=date(1985, 5, 5), institution="RAV",
        consent_on=date(2025, 6, 1)))["client"]
    case = cases.refer(ctx, cases.Refer(client=client, to="SD", topics=(Topic.FINANCES,),
                                        months=3, on=date(2026, 9, 1))).record["case"]
    cases.accept(ctx, case, "B. Keller", date(2026, 9, 3))
    return case


def _audit_reads(ctx: Context, run: Any) -> tuple[Any, list[tuple[str, Any]]]:
    """What `run()` returns, and the statements it sent that read the audit trail."""
    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "audit_event" in statement:
            seen.append((statement, params))

    engine = ctx.db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        return run(), seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_a_case_shown_many_times_shows_the_same_history(ctx):
    case = _case(ctx)
    first = case_reads.show_case(ctx, case)
    for _ in range(40):
        case_reads.show_case(ctx, case)
    cases.extend(ctx, case, date(2026, 10, 1))
    again, statements = _audit_reads(ctx, lambda: case_reads.show_case(ctx, case))
    assert [h["action"] for h in first["history"]] == ["refer", "accept"]
    assert again["history"][:2] == first["history"]
    assert [h["action"] for h in again["history"]] == ["refer", "accept", "extend"]
    # the history's query leaves the reads out in SQL, and reads only what is shown
    history = [s for s, _ in statements if "referral_id" in s and "payload" in s]
    assert len(history) == 1
    assert "NOT IN" in history[0].upper() and "prev_hash" not in history[0]
    with ctx.db.read() as session:
        shown = audit.history(session, _referral_id(ctx, case))
        every = audit.events(session, referral_id=_referral_id(ctx, case))
    assert [s.action for s in shown] == ["refer", "accept", "extend"]
    assert sum(e.action == "read" for e in every) == 42  # each show was recorded, as before


def test_an_undo_on_a_much_read_case_reads_no_reads(ctx):
    case = _case(ctx)
    for _ in range(5):
        case_reads.show_case(ctx, case)
    cases.extend(ctx, case, date(2026, 10, 1))
    with ctx.db.read() as session:
        loaded = audit.events(session, referral_id=_referral_id(ctx, case),
                              leaving_out=audit.HISTORY_LEAVES_OUT)
    assert [e.action for e in loaded] == ["refer", "accept", "extend"]
    undone = cases.undo(ctx, case, "extended by mistake")
    assert undone["due_on"] == date(2026, 12, 3)


def _referral_id(ctx: Context, case: str) -> int:
    from optima_cli.workflow import lookup

    with ctx.db.read() as session:
        return lookup.referral(session, case).id or 0
