"""SQL that SQLite and PostgreSQL spell differently, as SQLAlchemy constructs compiled per dialect.

Everything else in store/ is written once for both; what cannot be, is written here, once per
dialect, so that pointing optima at another server means adding its spelling in this one place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class days_between(FunctionElement[int]):  # noqa: N801 - used like a SQL function
    """Whole days from the first date to the second (negative if the second is earlier)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"

    def __init__(self, start: ColumnElement[Any], end: ColumnElement[Any]) -> None:
        super().__init__(start, end)


@compiles(days_between)
def _days_between_default(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"CAST(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


class add_days(FunctionElement[Any]):  # noqa: N801 - used like a SQL function
    """A date plus a whole number of days."""

    inherit_cache = True
    name = "add_days"

    def __init__(self, day: ColumnElement[Any], days: int) -> None:
        # the number travels as a clause of its own, so that it is part of the statement's cache key
        super().__init__(day, literal_column(str(int(days))))
        self.type = day.type


def _day_and_days(element: add_days, compiler: Any, **kw: Any) -> tuple[str, int]:
    day, days = list(element.clauses)
    return compiler.process(day, **kw), int(days.name)


@compiles(add_days)
def _add_days_default(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = _day_and_days(element, compiler, **kw)
    return f"date({day}, '{days:+d} days')"


@compiles(add_days, "postgresql")
def _add_days_postgresql(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = _day_and_days(element, compiler, **kw)
    return f"({day} + {days:d})"
