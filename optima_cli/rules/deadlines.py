"""Deadlines: when a mandate ends, when a decision is late, what `due` and `list` warn about.

What a deadline is (`DEADLINES`) and when it is flagged (`FLAGS`) are tables, read here by
Python for one case and by store/deadlines.py to build the same rule in SQL.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from optima_cli.rules.codes import OPEN_STATUSES, Status
from optima_cli.rules.settings import DEFAULTS

# the concept's: the steering group may set others (rules/settings.py decision-days, due-days)
DECISION_DAYS = DEFAULTS.decision_days  # a referral waiting longer than this for a decision is flagged
DEFAULT_WITHIN = DEFAULTS.due_days  # days ahead that `due` and `list` look


class DueKind(StrEnum):
    OVERDUE = "overdue"  # mandate end has passed, case not closed
    DUE_SOON = "due-soon"  # mandate ends within the window
    DECISION_LATE = "decision-late"  # referral waiting for a decision over DECISION_DAYS
    SUSPENSION_ENDING = "suspension-ending"  # job-search suspension ends within the window
    SUSPENSION_OUTLASTS = "suspension-outlasts"  # suspension runs beyond the mandate's end
    # a joint strategy's next review (rules/joint.py): passed, or within the window
    REVIEW_OVERDUE = "joint-review-overdue"
    REVIEW_DUE = "joint-review-due"
    # a follow-up after the closing not recorded (rules/followup.py, issue 19): for the referrer
    FOLLOW_UP_DUE = "follow-up-due"


@dataclass(frozen=True)
class Window:
    """The cut-off dates that the queries use, computed once from the as-of date."""

    as_of: date
    within: int
    horizon: date  # last day of the look-ahead window
    decision_cutoff: date  # referred before this date: decision is late
    decision_days: int = DECISION_DAYS  # the days a referral may wait for a decision


def window(as_of: date, within: int = DEFAULT_WITHIN, decision_days: int = DECISION_DAYS) -> Window:
    if within < 0:
        raise ValueError("within must not be negative")
    return Window(
        as_of=as_of,
        within=within,
        horizon=as_of + timedelta(days=within),
        decision_cutoff=as_of - timedelta(days=decision_days),
        decision_days=decision_days,
    )


@dataclass(frozen=True)
class DeadlineRule:
    """What an open case in one status waits for: a date of the case plus a number of days."""

    kind: str  # the case's `deadline_kind`
    counts_from: str  # the case's field (`referred_on`, `due_on`) the deadline counts from
    days: int = 0


def deadline_rules(decision_days: int = DECISION_DAYS) -> dict[str, DeadlineRule]:
    """The one definition of a deadline: an open status -> what its case waits for, with the
    days a referral may wait for a decision (the steering group's setting)."""
    return {
        Status.REFERRED.value: DeadlineRule("decision", "referred_on", decision_days),
        Status.ACCEPTED.value: DeadlineRule("mandate-end", "due_on"),
    }


DEADLINES: dict[str, DeadlineRule] = deadline_rules()  # with the concept's days
assert set(DEADLINES) == set(OPEN_STATUSES), "every open status, and only those, has a deadline"

# When a deadline is flagged, first match wins: (flag, comparison, the window's day compared to).
# The comparisons are operators, so that they read a date (Python) and a column (SQL) alike.
FLAGS: tuple[tuple[DueKind, Callable[[Any, Any], Any], str], ...] = (
    (DueKind.OVERDUE, operator.lt, "as_of"),
    (DueKind.DUE_SOON, operator.le, "horizon"),
)


def decision_due(referred_on: date, decision_days: int = DECISION_DAYS) -> date:
    """The day after which a pending referral counts as waiting too long."""
    rule = deadline_rules(decision_days)[Status.REFERRED.value]
    return referred_on + timedelta(days=rule.days)


def deadline_of(status: str, referred_on: date, due_on: date | None,
                decision_days: int = DECISION_DAYS) -> date | None:
    """The next deadline of an open case: its mandate end, or the decision it waits for."""
    rule = deadline_rules(decision_days).get(status)
    if rule is None:
        return None
    start = {"referred_on": referred_on, "due_on": due_on}[rule.counts_from]
    return start + timedelta(days=rule.days) if start is not None else None


def flag(deadline: date | None, w: Window) -> str | None:
    """`overdue`, `due-soon` or None, for highlighting a row."""
    if deadline is None:
        return None
    for kind, compare, bound in FLAGS:
        if compare(deadline, getattr(w, bound)):
            return kind.value
    return None


def derived(case: Mapping[str, Any], w: Window) -> dict[str, Any]:
    """The fields a case's row derives from its status and dates as of the window's day:
    `deadline`, `deadline_kind`, `flag` and `days_left` (the one place that computes them for
    every output: list, show, the report's workbook)."""
    deadline = deadline_of(case["status"], case["referred_on"], case["due_on"], w.decision_days)
    return {
        "deadline": deadline,
        "deadline_kind": DEADLINES[case["status"]].kind if deadline is not None else None,
        "flag": flag(deadline, w),
        "days_left": (deadline - w.as_of).days if deadline is not None else None,
    }

