"""Unit tests of deadlines (optima_cli/rules/deadlines.py), and its SQL (store/deadlines.py) held
against it on both backends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, String, literal, select

from optima_cli.render import due
from optima_cli.rules import deadlines
from optima_cli.rules.codes import OPEN_STATUSES, Status
from optima_cli.rules.deadlines import DueKind
from optima_cli.store import deadlines as sql_deadlines

AS_OF = date(2026, 11, 23)
DAY = timedelta(days=1)


# --- window -----------------------------------------------------------------------------------

def test_window_default_looks_14_days_ahead():
    w = deadlines.window(AS_OF)
    assert w.as_of == AS_OF
    assert w.within == 14
    assert w.horizon == date(2026, 12, 7)
    assert w.decision_cutoff == date(2026, 11, 13)  # 10 days back


def test_window_with_other_width():
    w = deadlines.window(AS_OF, 30)
    assert w.within == 30
    assert w.horizon == date(2026, 12, 23)
    assert w.decision_cutoff == date(2026, 11, 13)


def test_window_of_zero_days_ends_today():
    assert deadlines.window(AS_OF, 0).horizon == AS_OF


def test_window_refuses_negative_width():
    with pytest.raises(ValueError):
        deadlines.window(AS_OF, -1)


# --- decision_due / deadline_of ---------------------------------------------------------------

def test_decision_due_is_10_days_after_referral():
    assert deadlines.decision_due(date(2026, 11, 23)) == date(2026, 12, 3)
    assert deadlines.decision_due(date(2026, 12, 28)) == date(2027, 1, 7)


def test_deadline_of_accepted_is_the_mandate_end():
    due = date(2027, 2, 23)
    assert deadlines.deadline_of("accepted", date(2026, 11, 1), due) == due
    assert deadlines.deadline_of("accepted", date(2026, 11, 1), None) is None


def test_deadline_of_referred_is_the_decision():
    assert deadlines.deadline_of("referred", date(2026, 11, 1), None) == date(2026, 11, 11)
    # a stray due date does not matter while the case waits for a decision
    assert deadlines.deadline_of("referred", date(2026, 11, 1), date(2027, 2, 1)) \
        == date(2026, 11, 11)


@pytest.mark.parametrize("status", ["rejected", "withdrawn", "closed"])
def test_closed_statuses_have_no_deadline(status):
    assert deadlines.deadline_of(status, date(2026, 11, 1), date(2027, 2, 1)) is None


# --- flag -------------------------------------------------------------------------------------

W = deadlines.window(AS_OF, 14)


@pytest.mark.parametrize(("deadline", "expected"), [
    (None, None),
    (AS_OF - 30 * DAY, "overdue"),
    (AS_OF - DAY, "overdue"),
    (AS_OF, "due-soon"),
    (AS_OF + DAY, "due-soon"),
    (AS_OF + 14 * DAY, "due-soon"),  # == horizon
    (AS_OF + 15 * DAY, None),  # horizon + 1
    (AS_OF + 365 * DAY, None),
], ids=repr)
def test_flag(deadline, expected):
    assert deadlines.flag(deadline, W) == expected


def test_flag_values_are_the_due_kinds():
    assert DueKind.OVERDUE.value == "overdue"
    assert DueKind.DUE_SOON.value == "due-soon"


def test_flag_with_zero_width_window():
    w = deadlines.window(AS_OF, 0)
    assert deadlines.flag(AS_OF, w) == "due-soon"
    assert deadlines.flag(AS_OF + DAY, w) is None
    assert deadlines.flag(AS_OF - DAY, w) == "overdue"


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
       st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_a_late_decision_is_flagged_overdue_and_before_the_cutoff(referred_on, as_of):
    # the two ways of saying "waiting too long" agree: the query cut-off and the row flag
    w = deadlines.window(as_of)
    late_by_cutoff = referred_on < w.decision_cutoff
    flagged = deadlines.flag(deadlines.deadline_of("referred", referred_on, None), w)
    assert late_by_cutoff == (flagged == "overdue")
    assert late_by_cutoff == ((as_of - referred_on).days > deadlines.DECISION_DAYS)


# --- describe ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("offset", "text"), [
    (-3, "3 days overdue"),
    (-1, "1 day overdue"),
    (0, "today"),
    (1, "in 1 day"),
    (5, "in 5 days"),
    (-100, "100 days overdue"),
])
def test_describe(offset, text):
    assert due.describe(AS_OF + offset * DAY, AS_OF) == text


# --- message ----------------------------------------------------------------------------------

def test_message_overdue_and_due_soon():
    overdue = due.message(DueKind.OVERDUE, "OPT-2026-0001", AS_OF - 3 * DAY, AS_OF)
    assert "OPT-2026-0001" in overdue and "2026-11-20" in overdue and "3 days overdue" in overdue
    soon = due.message(DueKind.DUE_SOON, "OPT-2026-0002", AS_OF + DAY, AS_OF)
    assert "2026-11-24" in soon and "in 1 day" in soon


def test_message_decision_late_counts_days_waiting():
    text = due.message(DueKind.DECISION_LATE, "OPT-2026-0003", date(2026, 11, 11), AS_OF,
                             extra=date(2026, 11, 1))
    assert "2026-11-01" in text
    assert "22 days" in text


def test_message_suspension():
    ending = due.message(DueKind.SUSPENSION_ENDING, "OPT-2026-0004", AS_OF, AS_OF)
    assert "today" in ending
    outlasts = due.message(DueKind.SUSPENSION_OUTLASTS, "OPT-2026-0005",
                                 date(2027, 3, 1), AS_OF, extra=date(2027, 2, 23))
    assert "2027-03-01" in outlasts and "2027-02-23" in outlasts


def test_every_due_kind_has_a_label():
    assert set(due.WARNING_LABELS) == set(DueKind)


# --- the one definition, in Python and in SQL --------------------------------------------------

def test_every_open_status_and_only_those_has_a_deadline():
    assert set(deadlines.DEADLINES) == set(OPEN_STATUSES)
    for status in Status:
        has_one = deadlines.deadline_of(status.value, AS_OF, AS_OF) is not None
        assert has_one == (status.value in OPEN_STATUSES)


def test_derived_fields_of_a_case():
    w = deadlines.window(AS_OF)
    referred = deadlines.derived({"status": "referred", "referred_on": AS_OF - 12 * DAY, "due_on": None}, w)
    assert referred == {"deadline": AS_OF - 2 * DAY, "deadline_kind": "decision", "flag": "overdue",
                        "days_left": -2}
    accepted = deadlines.derived({"status": "accepted", "referred_on": AS_OF, "due_on": AS_OF + 3 * DAY}, w)
    assert accepted == {"deadline": AS_OF + 3 * DAY, "deadline_kind": "mandate-end", "flag": "due-soon",
                        "days_left": 3}
    closed = deadlines.derived({"status": "closed", "referred_on": AS_OF, "due_on": AS_OF}, w)
    assert closed == dict.fromkeys(("deadline", "deadline_kind", "flag", "days_left"))


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


@pytest.mark.both_backends  # the same rule in SQL, on each dialect
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from([s.value for s in Status]), referred_on=dates,
       due_on=st.none() | dates, as_of=dates, within=st.integers(min_value=0, max_value=60))
def test_sql_deadline_flag_and_days_left_are_pythons(ctx, status, referred_on, due_on, as_of, within):
    """store/deadlines.py builds from the same tables the SQL that list, due and the report sort,
    filter and count by: on both backends it gives what Python gives for each case."""
    w = deadlines.window(as_of, within)
    deadline = sql_deadlines.deadline(literal(status, String), {
        "referred_on": literal(referred_on, Date), "due_on": literal(due_on, Date)})
    query = select(deadline,
                   sql_deadlines.flag(deadline, {"as_of": literal(w.as_of, Date),
                                                 "horizon": literal(w.horizon, Date)}),
                   sql_deadlines.days_left(deadline, literal(w.as_of, Date)))
    with ctx.read() as session:
        got = tuple(session.execute(query).one())
    want = deadlines.derived({"status": status, "referred_on": referred_on, "due_on": due_on}, w)
    assert got == (want["deadline"], want["flag"], want["days_left"])
