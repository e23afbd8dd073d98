"""Deadlines: when a mandate ends, when a decision is late, what `due` and `list` warn about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

DECISION_DAYS = 10  # a referral waiting longer than this for a decision is flagged
DEFAULT_WITHIN = 14  # days ahead that `due` and `list` look


class DueKind(StrEnum):
    OVERDUE = "overdue"  # mandate end has passed, case not closed
    DUE_SOON = "due-soon"  # mandate ends within the window
    DECISION_LATE = "decision-late"  # referral waiting for a decision over DECISION_DAYS
    SUSPENSION_ENDING = "suspension-ending"  # job-search suspension ends within the window
    SUSPENSION_OUTLASTS = "suspension-outlasts"  # suspension runs beyond the mandate's end


@dataclass(frozen=True)
class Window:
    """The cut-off dates that the queries use, computed once from the as-of date."""

    as_of: date
    within: int
    horizon: date  # last day of the look-ahead window
    decision_cutoff: date  # referred before this date: decision is late


def window(as_of: date, within: int = DEFAULT_WITHIN) -> Window:
    if within < 0:
        raise ValueError("within must not be negative")
    return Window(
        as_of=as_of,
        within=within,
        horizon=as_of + timedelta(days=within),
        decision_cutoff=as_of - timedelta(days=DECISION_DAYS),
    )


def decision_due(referred_on: date) -> date:
    """The day after which a pending referral counts as waiting too long."""
    return referred_on + timedelta(days=DECISION_DAYS)


def deadline_of(status: str, referred_on: date, due_on: date | None) -> date | None:
    """The next deadline of an open case: its mandate end, or the decision it waits for."""
    if status == "accepted":
        return due_on
    if status == "referred":
        return decision_due(referred_on)
    return None


def flag(deadline: date | None, w: Window) -> str | None:
    """`overdue`, `due-soon` or None, for highlighting a row."""
    if deadline is None:
        return None
    if deadline < w.as_of:
        return DueKind.OVERDUE.value
    if deadline <= w.horizon:
        return DueKind.DUE_SOON.value
    return None
