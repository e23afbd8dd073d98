"""Arithmetic done in SQL for speed, held against Python's: day differences and date shifts
(store/dialects.py, run by SQLite on a real file), and the median the report takes from counts
that SQL grouped (rules/figures.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from statistics import median

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, create_engine, literal, select
from sqlalchemy.dialects import postgresql

from optima_cli.rules.figures import median_days
from optima_cli.store.dialects import add_days, days_between

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("sql") / "arithmetic.db"
    engine = create_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@settings(max_examples=200, deadline=None)
@given(start=days, end=days, shift=st.integers(min_value=-400, max_value=400))
def test_sqlite_counts_days_as_python_does(engine, start, end, shift):
    query = select(days_between(literal(start, Date), literal(end, Date)),
                   add_days(literal(start, Date), shift))
    with engine.connect() as connection:
        between, shifted = connection.execute(query).one()
    assert between == (end - start).days
    assert shifted == start + timedelta(days=shift)


def test_each_shift_compiles_to_its_own_statement():
    """The number of days is part of the statement: two shifts must not share a cached one."""
    a, b = select(add_days(literal(date(2026, 1, 1), Date), 10)), select(
        add_days(literal(date(2026, 1, 1), Date), 11))
    assert a._generate_cache_key() != b._generate_cache_key()


def test_postgresql_spelling():
    start, end = literal(date(2026, 1, 1), Date), literal(date(2026, 3, 1), Date)
    sql = str(select(days_between(start, end), add_days(start, -3)).compile(
        dialect=postgresql.dialect()))
    assert "julianday" not in sql and " - " in sql and "+ -3" in sql


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=60))
def test_the_median_of_counted_days_is_the_median_of_the_days(durations):
    histogram = list(Counter(durations).items())
    expected = median(durations) if durations else None
    assert median_days(histogram) == expected
    if expected is not None:
        assert isinstance(median_days(histogram), int) == float(expected).is_integer()


def test_median_ignores_empty_counts():
    assert median_days([(5, 0), (7, 2), (9, 1)]) == 7
    assert median_days([(3, 0)]) is None
