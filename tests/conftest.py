"""Shared fixtures: a real SQLite file in tmp_path, a CLI runner bound to it, a fixed clock.

Nothing here touches the user's home directory: HOME and the XDG folders point into tmp_path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from optima_cli.cli import app
from optima_cli.workflow.context import Context

TODAY = date(2026, 11, 23)  # the clock of domain tests (CLI tests use the real today)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("OPTIMA_DB", raising=False)
    monkeypatch.delenv("OPTIMA_USER", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "optima.db"


@pytest.fixture
def ctx(db_path: Path) -> Context:
    """A workflow context on a fresh database, acting as 'tester' on TODAY."""
    return Context(db_path=str(db_path), user="tester", today=TODAY)


@pytest.fixture
def today() -> date:
    return date.today()


def days_ago(n: int) -> str:
    """An ISO date n days before the real today, for CLI tests (dates may not lie in the future)."""
    return (date.today() - timedelta(days=n)).isoformat()


@pytest.fixture
def run(db_path: Path) -> Callable[..., Result]:
    """Invoke optima on the test database as user 'tester': run("list", "--format", "json")."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, db: Path | None = None) -> Result:
        return runner.invoke(app, ["--db", str(db or db_path), "--user", "tester", *args],
                             input=input)

    return invoke


def copy_db(source: Path, target: Path) -> Path:
    """Copy a database with SQLite's backup API (the source may still have a write-ahead log)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    """Rows of one SQL query on a database file, read directly, not through optima."""
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def count(db: Path, table: str) -> int:
    return query(db, f'SELECT count(*) FROM "{table}"')[0][0]


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to compare a database before and after a refused command."""
    if not path.exists():
        return {}
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


@pytest.fixture
def snapshot(db_path: Path) -> Callable[[], dict[str, list[tuple]]]:
    return lambda: dump(db_path)
