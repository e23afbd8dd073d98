"""Shared fixtures: a real database, a CLI runner bound to it, a fixed clock.

A test that takes `db_path` (or `ctx`, `run`, `snapshot`, `new_db`) runs on a SQLite file in
tmp_path. Where SQL behaviour can differ (the store, queries, report figures, concurrency,
migrations, copies between backends, the import's writes, the audit trail), the module says
`pytestmark = pytest.mark.both_backends` (or a test says `@pytest.mark.both_backends`) and its
tests run twice: on SQLite and on a fresh database of a real PostgreSQL server that the tests
start themselves (tests/postgres_server.py), one server per pytest-xdist worker. For PostgreSQL
`db_path` is the database's URL (a str). Without PostgreSQL on the machine that half is skipped
with the reason; in CI it must run. OPTIMA_TEST_BACKENDS=all runs every database test on both.

Nothing here touches the user's home directory: HOME and the XDG folders point into tmp_path.

OPTIMA_TEST_RESIDENT=1 runs every command a test invokes through the resident optima (issue 21):
`CliRunner.invoke` of optima's app starts the installed `optima` launcher as a process, whose
command runs in a worker of a resident private to the test run. A test that changes optima's
code in its own process (monkeypatch) cannot reach a worker: it says `@pytest.mark.in_process`.
CI runs the suite both ways.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import postgres_server
import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner, Result

from optima_cli import language
from optima_cli.cli import app
from optima_cli.records import packing
from optima_cli.workflow.context import Context

TODAY = date(2026, 11, 23)  # the clock of domain tests (CLI tests use the real today)


# Hypothesis: no deadline per example (no timing asserts: on a machine shared by parallel workers
# an example's time says nothing), each test's own max_examples; HYPOTHESIS_PROFILE picks another.
settings.register_profile("optima", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "optima"))


RESIDENT = os.environ.get("OPTIMA_TEST_RESIDENT", "") == "1"
_RESIDENT_DIR: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """No terminal size from the runner: pytest-xdist's workers set COLUMNS=80 and LINES=24,
    which would wrap optima's plain output (200 columns off a terminal) in module fixtures too.
    The resident optima of the tests is private to this process (its own runtime folder), and
    off unless OPTIMA_TEST_RESIDENT=1 asks for it."""
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    if RESIDENT:
        import tempfile

        folder = tempfile.mkdtemp(prefix="optima-rt-", dir="/tmp")  # short: a socket path has 107 bytes
        _RESIDENT_DIR.append(folder)
        os.environ["XDG_RUNTIME_DIR"] = folder
        os.environ["OPTIMA_RESIDENT"] = "1"
        from typer import testing

        testing.CliRunner.invoke = _through_resident  # type: ignore[method-assign]
    else:
        os.environ["OPTIMA_RESIDENT"] = "0"


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _RESIDENT_DIR:
        import subprocess

        subprocess.run([_launcher(), "server", "stop"], env={**os.environ, "XDG_RUNTIME_DIR": folder},
                       capture_output=True, timeout=60, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _launcher() -> str:
    """The installed `optima` command beside this interpreter."""
    return str(Path(sys.executable).parent / "optima")


_IN_PROCESS_INVOKE = CliRunner.invoke


def _through_resident(self: CliRunner, cli: object, args: object = None, input: object = None,
                      env: object = None, **extra: object) -> Result:
    """CliRunner.invoke, run by the `optima` launcher in a process of its own (and so by the
    resident), unless the test is marked in_process."""
    import subprocess

    if cli is not app or (_CURRENT_TEST and _CURRENT_TEST[-1].get_closest_marker("in_process")):
        return _IN_PROCESS_INVOKE(self, cli, args, input=input, env=env, **extra)  # type: ignore[arg-type]
    import shlex

    argv = shlex.split(args) if isinstance(args, str) else list(args or ())  # type: ignore[call-overload]
    environ = dict(os.environ)
    for key, value in {**self.env, **dict(env or {})}.items():  # type: ignore[dict-item]
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    if any("\x00" in text for text in [*argv, *environ.values()]):  # no process can be given a NUL
        return _IN_PROCESS_INVOKE(self, cli, args, input=input, env=env, **extra)  # type: ignore[arg-type]
    data = input.encode() if isinstance(input, str) else input
    done = subprocess.run([_launcher(), *argv], input=data, capture_output=True, env=environ,
                          timeout=600, stdin=None if data is not None else subprocess.DEVNULL)
    code = done.returncode
    return Result(runner=self, stdout_bytes=done.stdout, stderr_bytes=done.stderr,
                  output_bytes=done.stdout + done.stderr, return_value=None, exit_code=code,
                  exception=SystemExit(code) if code else None)


_CURRENT_TEST: list[pytest.Item] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    _CURRENT_TEST.append(item)
    try:
        return (yield)
    finally:
        _CURRENT_TEST.pop()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("OPTIMA_DB", raising=False)
    monkeypatch.delenv("OPTIMA_USER", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("OPTIMA_DEBUG", "1")  # a fault optima did not foresee fails the test loudly
    for name in ("OPTIMA_LANG", "LANG", "LC_ALL", "LC_MESSAGES"):  # English unless a test asks
        monkeypatch.delenv(name, raising=False)
    language.use("en")


BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres_server.Server]:
    """One PostgreSQL server for the whole run, in a temporary folder, stopped at the end."""
    base = postgres_server.private_base()
    try:
        server = postgres_server.start(base)
    except postgres_server.Unavailable as exc:
        shutil.rmtree(base, ignore_errors=True)
        if postgres_server.REQUIRED:
            pytest.fail(f"PostgreSQL is required here (OPTIMA_TEST_POSTGRES=required): {exc}")
        pytest.skip(f"PostgreSQL half skipped: {exc}")
    yield server
    postgres_server.stop(server)
    shutil.rmtree(base, ignore_errors=True)


def is_url(db: object) -> bool:
    return isinstance(db, str) and "://" in db


def exists(db: Path | str) -> bool:
    """Whether optima has made the database yet (a server database of the tests always is)."""
    return is_url(db) or Path(db).exists()


EVERY_BACKEND = os.environ.get("OPTIMA_TEST_BACKENDS", "").lower() == "all"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test on a database runs on SQLite; marked both_backends (or with OPTIMA_TEST_BACKENDS=all)
    on PostgreSQL too, but never when marked sqlite_only (about the file itself: its journal, its
    permissions, SQLite's backup API)."""
    if "backend" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker
        both = (marked("both_backends") or EVERY_BACKEND) and not marked("sqlite_only")
        metafunc.parametrize("backend", list(BACKENDS) if both else ["sqlite"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


FIRST = ("test_state_machine.py", "test_reliability.py")  # the two longest files


def _heavy_first(items: list[pytest.Item]) -> None:
    """The longest files first, then the other files with slow tests, then the rest, each in its
    order: a parallel run (pytest-xdist, --dist loadfile without reordering) then starts the
    long files at once on different workers instead of leaving one of them for the end."""
    slow_files = {item.path.name for item in items if item.get_closest_marker("slow")}

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return FIRST.index(name) if name in FIRST else len(FIRST) + (name not in slow_files)

    items.sort(key=rank)


def _runs_optima(item: pytest.Item, cache: dict[Path, bool] = {}) -> bool:  # noqa: B006 - a cache
    """Whether a test runs optima's commands (the `run` fixture, CliRunner, a process): what the
    resident pass is for; the pure rules and store tests run the same with it."""
    if "run" in getattr(item, "fixturenames", ()):
        return True
    if item.path not in cache:
        text = item.path.read_text(encoding="utf-8")
        cache[item.path] = any(word in text for word in ("CliRunner", "invoke(", "subprocess"))
    return cache[item.path]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if RESIDENT:  # the second pass: only what runs commands
        kept = [item for item in items if _runs_optima(item)]
        ids = {id(item) for item in kept}
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in ids])
        items[:] = kept
    _heavy_first(items)
    for item in items:
        callspec = getattr(item, "callspec", None)
        if (callspec and callspec.params.get("backend") == "postgresql") or \
                "pg_server" in getattr(item, "fixturenames", ()):
            item.user_properties.append(("postgresql", ""))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """A report of the PostgreSQL half carries the server it ran on (reports, not the items, reach
    the summary when pytest-xdist runs the tests in workers)."""
    report: pytest.TestReport = yield
    if ("postgresql", "") in item.user_properties:
        server = postgres_server.STARTED[0] if postgres_server.STARTED else ""
        report.user_properties = [*item.user_properties, ("postgresql", server)]
    return report


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """One line saying how the PostgreSQL half went, so that CI's output shows it ran."""
    outcomes: dict[str, set[str]] = {}
    servers: set[str] = set()
    for key in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(key, []):
            found = [v for k, v in getattr(report, "user_properties", ()) if k == "postgresql"]
            if found:
                outcomes.setdefault(key, set()).add(report.nodeid)
                servers.update(v for v in found if v)
    if not outcomes:
        return
    ran = set().union(*outcomes.values())
    counts = ", ".join(f"{len(ids)} {key}" for key, ids in outcomes.items())
    where = f" on PostgreSQL {', '.join(sorted(servers))}" if servers else ""
    terminalreporter.write_line(f"PostgreSQL half{where}: {counts} (of {len(ran)} tests)")


@pytest.fixture
def db_path(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> Path | str:
    """The test's database: a SQLite file (Path) or a fresh PostgreSQL database (its URL)."""
    if backend == "sqlite":
        return tmp_path / "optima.db"
    server: postgres_server.Server = request.getfixturevalue("pg_server")
    name = server.new_database()
    request.addfinalizer(lambda: server.drop(name))
    return server.url(name)


@pytest.fixture
def new_db(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> Callable[[str], Path | str]:
    """Another database of the test's kind: new_db("other") is a file or a fresh server database."""
    def make(name: str) -> Path | str:
        if backend == "sqlite":
            return tmp_path / f"{name}.db"
        server: postgres_server.Server = request.getfixturevalue("pg_server")
        made = server.new_database()
        request.addfinalizer(lambda: server.drop(made))
        return server.url(made)
    return make


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


def copy_db(source: Path, target: Path | str) -> Path | str:
    """Copy a SQLite database (the source may still have a write-ahead log) into a file with
    SQLite's backup API, or into a test's PostgreSQL database (its tables replaced), row by row
    with ids, as `optima db copy` does but without recording the copy."""
    if is_url(target):
        from optima_cli.store import transfer
        from optima_cli.store.engine import connect
        from optima_cli.store.location import locate

        query(target, "DROP SCHEMA public CASCADE")
        query(target, "CREATE SCHEMA public")
        src, dst = connect(locate(str(source))), connect(locate(str(target)))
        with src.read() as reading, dst.write() as writing:
            transfer.copy_rows(reading, writing, dst.dialect)
        src.engine.dispose()
        return target
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def _pg_connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _as_sqlite(value: object) -> object:
    """A value read from PostgreSQL as SQLite gives it back, so that tests compare one way:
    dates as ISO text, moments as UTC text, booleans as 0 and 1."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _unpacked(value: object) -> object:
    """A packed payload or findings (records/packing.py) as the text it holds."""
    return packing.unpack(value) if isinstance(value, str) else value


def query(db: Path | str, sql: str, *params: object, raw: bool = False) -> list[tuple]:
    """Rows of one SQL query (with ? placeholders) on a database, read directly, not through
    optima; a statement that changes rows is committed. A packed value (an audit payload,
    findings) is read as the text it holds, unless `raw`."""
    if is_url(db):
        with _pg_connect(str(db)) as con:
            cursor = con.execute(sql.replace("?", "%s"), params)
            rows = [tuple(map(_as_sqlite, row)) for row in cursor] if cursor.description else []
    else:
        con = sqlite3.connect(db, timeout=30)
        try:
            rows = con.execute(sql, params).fetchall()
            con.commit()
        finally:
            con.close()
    return rows if raw else [tuple(map(_unpacked, row)) for row in rows]


def count(db: Path | str, table: str) -> int:
    return query(db, f'SELECT count(*) FROM "{table}"')[0][0]


def dump(path: Path | str) -> dict[str, list[tuple]]:
    """Every row of every table, to compare a database before and after a refused command
    (packed values as the text they hold, as `query` reads them)."""
    if is_url(path):
        tables = [r[0] for r in query(path, "SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = 'public' ORDER BY table_name")]
        return {t: sorted(query(path, f'SELECT * FROM "{t}"'), key=repr) for t in tables}
    assert isinstance(path, Path)
    if not path.exists():
        return {}
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted((tuple(map(_unpacked, row)) for row in con.execute(f'SELECT * FROM "{t}"')),
                          key=repr) for t in tables}
    finally:
        con.close()


@pytest.fixture
def snapshot(db_path: Path) -> Callable[[], dict[str, list[tuple]]]:
    return lambda: dump(db_path)


HURDLES = ("refusal", "refusal_rule")  # the refused refers, counted (issue 16)


def without_hurdles(tables: dict[str, object]) -> dict[str, object]:
    """A dump without the refused refers that a rule's refusal records (nothing else is written)."""
    return {name: rows for name, rows in tables.items() if name not in HURDLES}
