"""`list` and `due` as of today read the open cases in deadline order through the indexes on the
stored days their deadlines count from (issue 21): the same rows, in the same order, with the
same counts as the deadlines computed for the day, whatever the settings' decision days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from optima_cli.rules.codes import OPEN_STATUSES, Topic
from optima_cli.rules.deadlines import window
from optima_cli.store import queries
from optima_cli.workflow import cases, clients
from optima_cli.workflow import settings as settings_flow
from optima_cli.workflow.context import Context

pytestmark = pytest.mark.both_backends  # the SQL of the deadlines, on both databases

TODAY = date(2026, 11, 23)


def _cases(ctx: Context) -> None:
    """Referrals waiting and cases accepted, whose deadlines interleave and tie."""
    for i in range(12):
        client = clients.register(ctx, clients.ClientInput(
            name=f"Person {i}", birth_date=date(1980, 1, 1 + i), institution="RAV",
            consent_on=date(2025, 6, 1)))["client"]
        referred = TODAY - timedelta(days=150 - 11 * i)
        case = cases.refer(ctx, cases.Refer(client=client, to="SD" if i % 2 else "IV",
                                            topics=(Topic.FINANCES,) if i % 2 else (Topic.HEALTH,),
                                            months=3, on=referred)).record["case"]
        if i % 3:  # two of three accepted; the others wait for a decision
            cases.accept(ctx, case, on=referred + timedelta(days=(i * 7) % 20))


def _both_ways(ctx: Context, statuses: list[str], limit: int | None,
               decision_days: int) -> tuple[list[list[str]], list[dict[str, int]], list[dict]]:
    """Rows, counts and `due` rows as of today read by the stored days (current) and computed for
    the day (the query for any day)."""
    w = window(TODAY, 30, decision_days)
    rows, counts, due = [], [], []
    with ctx.read() as session:
        for current in (True, False):
            which = queries.CaseFilter(statuses=statuses, current=current)
            rows.append([r["case_id"] for r in queries.case_rows(
                session, TODAY, which, by_deadline=True, limit=limit, decision_days=decision_days)])
            counts.append(queries.deadline_counts(session, TODAY, w.horizon, which, decision_days))
            due.append({kind: (n, [r["case_id"] for r in found]) for kind, (n, found) in queries.due_rows(
                session, TODAY, w.horizon, w.decision_cutoff, current=current, limit=limit,
                decision_days=decision_days).items()})
    return rows, counts, due


@pytest.mark.parametrize("decision_days", [14, 3, 90])
def test_the_stored_days_give_the_deadline_order_of_the_day(ctx, decision_days):
    _cases(ctx)
    if decision_days != 14:  # the steering group's setting: the indexes do not depend on it
        settings_flow.set_value(ctx, "decision-days", str(decision_days))
    for statuses in (list(OPEN_STATUSES), ["accepted"], ["referred"]):
        for limit in (None, 1, 3, 5):
            rows, counts, due = _both_ways(ctx, statuses, limit, decision_days)
            assert rows[0] == rows[1], (statuses, limit)
            assert counts[0] == counts[1]
            assert due[0] == due[1]
    rows, counts, _ = _both_ways(ctx, list(OPEN_STATUSES), None, decision_days)
    assert len(rows[0]) == 12 and counts[0]["total"] == 12
    assert counts[0]["overdue"] > 0


def test_an_extension_dated_after_the_day_keeps_the_order_of_the_day(ctx, db_path):
    """A clock that was ahead can leave an extension dated after today (`doctor` names it): the
    stored mandate end is then not the day's, and the stored days are not used."""
    from conftest import query

    _cases(ctx)
    (case,) = query(db_path, "SELECT case_id FROM referral WHERE status = 'accepted' AND due_on >= ? "
                             "ORDER BY due_on LIMIT 1", TODAY.isoformat())[0]
    cases.extend(ctx, case, on=TODAY - timedelta(days=1))
    query(db_path, "UPDATE referral SET extended_on = ? WHERE case_id = ?",
          (TODAY + timedelta(days=5)).isoformat(), case)
    for limit in (None, 1, 3):
        rows, counts, due = _both_ways(ctx, list(OPEN_STATUSES), limit, 14)
        assert rows[0] == rows[1] and counts[0] == counts[1] and due[0] == due[1], limit
