"""A real PostgreSQL server for the tests, started in a temporary folder with the machine's own
binaries through pytest-postgresql's executor, and one fresh database per test.

Finding the binaries: OPTIMA_TEST_PG_CTL, else `pg_ctl` on PATH, else Debian's
/usr/lib/postgresql/*/bin, else `pg_config --bindir`. PostgreSQL refuses to run as root: as root
(as in CI), the server runs as the `postgres` user that Debian's package creates.

Without PostgreSQL the PostgreSQL half of the suite is skipped, with the reason; with
OPTIMA_TEST_POSTGRES=required (as `.ci/run` sets it) it fails instead.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REQUIRED = os.environ.get("OPTIMA_TEST_POSTGRES", "").lower() == "required"
SERVER_USER = "postgres"  # the server's superuser role, and the OS user when we are root
TEMPLATE = "optima_template"
_numbers = itertools.count(1)
STARTED: list[str] = []  # the version and pg_ctl of the server this run started, for the summary


class Unavailable(Exception):
    """Why there is no PostgreSQL to test against."""


def find_pg_ctl() -> str:
    named = os.environ.get("OPTIMA_TEST_PG_CTL")
    if named:
        return named
    found = shutil.which("pg_ctl")
    if found:
        return found
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                    key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if debian:
        return debian[-1]
    if shutil.which("pg_config"):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        if os.path.exists(os.path.join(bindir, "pg_ctl")):
            return os.path.join(bindir, "pg_ctl")
    raise Unavailable("pg_ctl not found: install PostgreSQL's server (Debian: apt-get install "
                      "postgresql) or set OPTIMA_TEST_PG_CTL")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    executor: object
    host: str
    port: int
    _admin: object = None
    _drops: queue.Queue | None = None
    _dropper: threading.Thread | None = None

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@{self.host}:{self.port}/{database}"

    def _connect(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=SERVER_USER, dbname="postgres",
                               autocommit=True)

    def admin(self, sql: str) -> None:
        """One statement on the maintenance database, outside a transaction (one connection kept
        for the run: a database per test is made in about 0.1 s)."""
        if self._admin is None:
            self._admin = self._connect()
        self._admin.execute(sql)  # type: ignore[attr-defined]

    def new_database(self) -> str:
        """A fresh database with optima's tables (copied from the template): its URL."""
        name = f"optima_test_{os.getpid()}_{next(_numbers)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        return name

    def empty_database(self) -> str:
        name = f"optima_empty_{os.getpid()}_{next(_numbers)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return name

    def drop(self, name: str) -> None:
        """Drop a test's database in the background (the next test need not wait for it)."""
        if self._drops is None:
            self._drops = queue.Queue()
            self._dropper = threading.Thread(target=self._drop_each, daemon=True)
            self._dropper.start()
        self._drops.put(name)

    def _drop_each(self) -> None:
        assert self._drops is not None
        with self._connect() as con:
            while (name := self._drops.get()) is not None:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self._drops.task_done()
            self._drops.task_done()

    def close(self) -> None:
        if self._drops is not None and self._dropper is not None:
            self._drops.put(None)
            self._dropper.join(timeout=60)
        if self._admin is not None:
            self._admin.close()  # type: ignore[attr-defined]


def start(base: Path, template: bool = True) -> Server:
    """Start a server whose files live under `base`; raises Unavailable with the reason. Without
    `template`, the server is bare: no optima database, none of optima's roles (as a new server)."""
    try:
        from pytest_postgresql.executors.proc import PostgreSQLExecutor
    except ImportError as exc:
        raise Unavailable(f"pytest-postgresql is not installed ({exc}); pip install '.[test]'") from None
    pg_ctl = find_pg_ctl()
    base.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:  # the server will not run as root: run it as the postgres user
        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise Unavailable("running as root and there is no 'postgres' user to run the server "
                              "as (Debian's postgresql package creates it)") from None
        os.chown(base, account.pw_uid, account.pw_gid)
        wrapper = base / "pg_ctl"
        wrapper.write_text(f'#!/bin/sh\nexec runuser -u {SERVER_USER} -- "{pg_ctl}" "$@"\n')
        wrapper.chmod(0o755)
        pg_ctl = str(wrapper)
    port = _free_port()
    executor = PostgreSQLExecutor(
        executable=pg_ctl, host="127.0.0.1", port=port, datadir=str(base / "data"),
        unixsocketdir=str(base), logfile=str(base / "server.log"), startparams="-w",
        dbname=TEMPLATE, user=SERVER_USER,
        # a test server: speed over durability
        postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                         "-c max_connections=200",
    )
    try:
        executor.start()
    except Exception as exc:  # noqa: BLE001 - any failure to start is a reason to report
        log = base / "server.log"
        tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        raise Unavailable(f"PostgreSQL at {pg_ctl} did not start: {exc} {tail}".strip()) from None
    server = Server(executor=executor, host="127.0.0.1", port=port)
    try:
        _wait_until_ready(server, base)
    except Unavailable:
        executor.stop()
        raise
    STARTED.append(f"{executor.version} ({find_pg_ctl()})")
    if template:
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        _fill_template(server)
    return server


def _wait_until_ready(server: Server, base: Path, seconds: float = 120) -> None:
    """The executor returns once the port listens; the server may still be starting up ("the
    database system is starting up"), the longer the busier the machine (one server per
    pytest-xdist worker starts at the same time): wait until it takes a connection."""
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            server._connect().close()
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                log = base / "server.log"
                tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
                raise Unavailable(f"PostgreSQL did not take connections: {exc} {tail}".strip()) from None
            time.sleep(0.1)


def _fill_template(server: Server) -> None:
    """The template holds what optima makes in a new database: tables, units, first event."""
    from optima_cli.workflow.context import Context
    from optima_cli.workflow.database import upgrade

    upgrade(Context(db_path=server.url(TEMPLATE), user="optima"))
    server.admin(f"ALTER DATABASE {TEMPLATE} WITH IS_TEMPLATE true")


def stop(server: Server) -> None:
    server.close()
    server.executor.stop()  # type: ignore[attr-defined]


def private_base() -> Path:
    """A folder the server's user can reach: pytest's own temporary folders are root's only."""
    return Path(tempfile.mkdtemp(prefix="optima-pg-"))
