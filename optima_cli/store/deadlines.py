"""A case's deadline and its flag in SQL, built from the tables of rules/deadlines.py, so that
the queries that sort, filter and count by deadline agree with the rows Python derives."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import case, literal
from sqlalchemy.sql import ColumnElement

from optima_cli.rules.deadlines import DECISION_DAYS, FLAGS, deadline_rules
from optima_cli.store.dialects import add_days, days_between


def deadline(status: ColumnElement[Any], dates: Mapping[str, Any],
             decision_days: int = DECISION_DAYS) -> ColumnElement[Any]:
    """The deadline of a case of `status`: each open status's date of the case (by the field
    name in `dates`, a column or an expression) plus its days (a decision's: `decision_days`);
    NULL for a case that is not open."""
    whens = [(status == code, add_days(dates[rule.counts_from], rule.days) if rule.days
              else dates[rule.counts_from]) for code, rule in deadline_rules(decision_days).items()]
    return case(*whens, else_=literal(None))


def flag(deadline: ColumnElement[Any], bounds: Mapping[str, Any]) -> ColumnElement[Any]:
    """`overdue`, `due-soon` or NULL, comparing the deadline with the window's days (`as_of`,
    `horizon`) as rules.deadlines.flag does."""
    whens = [(compare(deadline, bounds[bound]), literal(kind.value)) for kind, compare, bound in FLAGS]
    return case(*whens, else_=literal(None))


def days_left(deadline: ColumnElement[Any], as_of: ColumnElement[Any]) -> ColumnElement[Any]:
    """Whole days from `as_of` to the deadline (negative when overdue; NULL without one)."""
    return days_between(as_of, deadline)


def stored_start(status: str, decision_days: int = DECISION_DAYS) -> tuple[str, int]:
    """The stored field an open case's deadline counts from, and the days added to it: within
    one status the days are the same, so the stored day (indexed with the status) orders and
    bounds the deadlines without a column that depends on the settings."""
    rule = deadline_rules(decision_days)[status]
    return rule.counts_from, rule.days


def stored_flag(status: ColumnElement[Any], dates: Mapping[str, Any], bounds: Mapping[str, Any],
                decision_days: int = DECISION_DAYS) -> ColumnElement[Any]:
    """`flag` of the open cases as of a day from their stored days: each status's day compared
    with the window's days moved back by its days (a deadline before `as_of` is a start before
    `as_of` minus the days), so that no date is computed per row. `bounds`: dates."""
    whens = []
    for code in deadline_rules(decision_days):
        field, days = stored_start(code, decision_days)
        moved = {name: day - timedelta(days=days) for name, day in bounds.items()}
        whens.append((status == code, flag(dates[field], moved)))
    return case(*whens, else_=literal(None))
