"""How the database is opened, and the settings of each kind (the only dialect-specific code
besides store/dialects.py and store/maintenance.py).

SQLite: writes run in `BEGIN IMMEDIATE`, so that concurrent writers wait for each other (busy
timeout) instead of failing half-way; reads run in a plain deferred transaction (a snapshot).
PostgreSQL: a write transaction first takes one advisory lock, so that writers follow each other
as on SQLite. The audit trail is one chain of hashes, so two changes can never be written side by
side; and a writer always decides on what the one before it committed, so that two counsellors
deciding the same referral cannot both win, and case numbers stay unique. Reads run in REPEATABLE
READ: every figure of a report comes from one snapshot.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, InterfaceError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from optima_cli.errors import OptimaError
from optima_cli.language import t
from optima_cli.records import models
from optima_cli.store import access, audit, schema
from optima_cli.store.location import Location, default_db_path, locate  # noqa: F401 - re-exported

BUSY_TIMEOUT_S = 30
LOCK_STEP_MS = 200  # a writer waits for the lock in steps, so that Ctrl-C is heard between them
MMAP_BYTES = 1 << 30  # address space only: the OS pages the file in as it is read
DEFAULT_INSTITUTIONS = (
    ("RAV", "RAV", "RAV Luzern"),
    ("IV", "IV", "WAS IV Luzern"),
    ("SD", "SD", "Sozialdienste Luzern"),
)


def _create_private_file(path: Path) -> None:
    """Create the database file and its folder, readable by the owner only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise OptimaError(t(
            "cannot create the database {path}: {problem}; choose another place with --db",
            path=path, problem=exc.strerror)) from None


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event decide how transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA secure_delete = ON")  # erased personal data does not linger in free pages
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")  # scans read the file in place, not copied page by page
    cursor.close()


WRITE_LOCK = 7_230_551  # PostgreSQL advisory lock key of optima's writers ("OPTIMA" on a keypad)


def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
    options = conn.get_execution_options()
    write = options.get("optima_write")
    if conn.dialect.name == "sqlite":
        if write:
            _begin_immediate(conn)
        else:
            conn.exec_driver_sql("BEGIN")
    elif write:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_S}s'")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    elif options.get("isolation_level") != "AUTOCOMMIT":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _begin_immediate(conn) -> None:  # type: ignore[no-untyped-def]
    """Take SQLite's write lock, waiting up to BUSY_TIMEOUT_S for other writers, in steps of
    LOCK_STEP_MS: SQLite waits in C, where Ctrl-C is heard only when the wait ends."""
    raw = conn.connection.dbapi_connection
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    raw.execute(f"PRAGMA busy_timeout = {LOCK_STEP_MS}")
    try:
        while time.monotonic() < deadline:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    break
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the last try: its failure is SQLAlchemy's error
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")


@dataclass
class Database:
    """An opened optima database: one engine, whose write transactions take the write lock."""

    location: Location
    engine: Engine
    version: schema.Version = field(default_factory=lambda: schema.Version(schema.HEAD))
    # on a server with access control, the login role every change is recorded in the name of
    # (None: anyone's name may be given, as on SQLite or for an administrator)
    login: str | None = None

    @property
    def path(self) -> Path | None:
        """The SQLite file; None on a server."""
        return self.location.path

    @property
    def label(self) -> str:
        """The file, or the URL without its password: what messages name."""
        return self.location.label

    @property
    def dialect(self) -> str:
        return self.location.dialect

    @property
    def writer(self) -> Engine:
        return self.engine.execution_options(optima_write=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction for one change: all of it or none of it; committed with the head of
        the audit trail written last (`audit.write_head`), if the change added events."""
        with translated(self.label), Session(self.writer, expire_on_commit=False) as session, session.begin():
            yield session
            audit.write_head(session)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A snapshot to read; a read of personal data that is logged commits its event as a
        write does."""
        with translated(self.label), Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session
            audit.write_head(session)


def _server_problem(text: str, label: str) -> str | None:
    """The one line for a PostgreSQL failure whose cause the user can fix, if it is one."""
    lowered = text.lower()
    if "lock timeout" in lowered:
        return t("the database {database} stayed locked by another optima for {seconds} s; try again",
                 database=label, seconds=BUSY_TIMEOUT_S)
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return t("the server refused the login for {database}: wrong user or password; put the "
                 "password in ~/.pgpass or in the URL", database=label)
    if "role" in lowered and "does not exist" in lowered:
        return t("the server knows no such user (role) for {database}; check the user in the URL, "
                 "or ask the database administrator to create it (README: the shared database)",
                 database=label)
    if "database" in lowered and "does not exist" in lowered:
        return t("the database of {database} does not exist on the server; create it first "
                 "(README: the shared database)", database=label)
    if "row-level security" in lowered:
        return t("your login may not write this in {database}: it belongs to a unit you are not a "
                 "member of (optima access list shows who is)", database=label)
    if "duplicate key" in lowered and "ahv" in lowered:  # a client hidden from this login
        return t("a client with this AHV number is already registered in {database}, at a unit "
                 "whose cases you do not see; ask the IIZ coordinator", database=label)
    if "audit event's actor" in lowered:
        return t("{database} records every change in the name of the login role; {problem}",
                 database=label, problem=text.strip().splitlines()[0])
    if "permission denied" in lowered or "must have admin option" in lowered:  # PostgreSQL < 16
        return t("the database role of {database} may not do this ({problem}); ask the database "
                 "administrator for the grants in the README", database=label,
                 problem=text.strip().splitlines()[0])
    if any(s in lowered for s in ("connection refused", "could not connect", "connection failed",
                                  "timeout expired", "could not translate host name",
                                  "failed to resolve host")):
        return t("cannot reach the database server of {database}; is it running, and are host and "
                 "port right?", database=label)
    return None


class Damaged(OptimaError):
    """The SQLite file is damaged (SQLite says so in `problem`): the one line for every command,
    and `finding`, the same without the advice, for doctor's report."""

    def __init__(self, label: str, problem: str) -> None:
        problem = problem.strip().splitlines()[0] if problem.strip() else problem
        self.finding = t("the database file {database} is damaged: {problem}", database=label,
                         problem=problem)
        super().__init__(t("the database file {database} is damaged: {problem}; nothing was "
                           "written; run optima doctor, and restore the last good backup",
                           database=label, problem=problem))


def damaged(text: str, label: str) -> None:
    """Raise the one line for a damaged SQLite file, if SQLite's words `text` say it is one."""
    if "malformed" in text or "disk image" in text:
        raise Damaged(label, text) from None


@contextmanager
def translated(label: str) -> Iterator[None]:
    """Turn database failures into one line for the user."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        text = str(exc.orig) if exc.orig else str(exc)
        damaged(text, label)
        if "locked" in text or "busy" in text:
            raise OptimaError(t(
                "the database {database} stayed locked by another optima for {seconds} s; try again",
                database=label, seconds=BUSY_TIMEOUT_S)) from None
        if "readonly" in text or "read-only" in text:
            raise OptimaError(t(
                "the database {database} is read-only; check the permissions of the file and its "
                "folder", database=label)) from None
        problem = _server_problem(text, label)
        raise OptimaError(problem or t("the database {database} could not be used: {problem}",
                                       database=label,
                                       problem=text.strip().splitlines()[0] if text.strip() else exc)
                          ) from None
    except DatabaseError as exc:
        text = str(exc.orig) if exc.orig else str(exc)
        damaged(text, label)
        problem = _server_problem(text, label)
        if problem:
            raise OptimaError(problem) from None
        raise OptimaError(t("{database} is not a usable optima database ({problem})",
                            database=label, problem=text.strip().splitlines()[0])) from None


def _engine(location: Location) -> Engine:
    if location.path is not None:
        engine = create_engine(location.url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _on_connect)
    else:
        # a command is short: a connection per transaction, none held open in a pool
        engine = create_engine(location.url, poolclass=NullPool, connect_args={
            "connect_timeout": 10, "application_name": "optima"})
    event.listen(engine, "begin", _on_begin)
    return engine


# The databases kept open, by URL (and file, so that a file replaced meanwhile is opened anew):
# only `optima shell` keeps them (kept_open), so that its commands do not open and check the
# database anew each time. None: off.
_KEPT: dict[tuple[str, int | None], Database] | None = None


@contextmanager
def kept_open() -> Iterator[None]:
    """Keep each database opened meanwhile open (its engine and pooled connection; the data are
    still read anew in every transaction); closed at the end."""
    global _KEPT
    if _KEPT is not None:  # kept already
        yield
        return
    _KEPT = {}
    try:
        yield
    finally:
        kept, _KEPT = _KEPT, None
        for db in kept.values():
            db.engine.dispose()


def open_database(cli_value: str | None = None, *, schema_check: str = "current") -> Database:
    """Open the database that --db names: a new SQLite file gets today's schema and the three
    default units. `schema_check` "current" refuses a database whose schema is not this optima's
    (older: run `optima db upgrade`; newer: upgrade optima); "any" opens it as it is (for
    `db status`, `db upgrade` and the file backup)."""
    location = locate(cli_value)
    if _KEPT is not None and schema_check == "current":
        try:
            key = (location.url, location.path.stat().st_ino if location.path else None)
        except OSError:  # not there (yet): opened as always
            return _opened(location, schema_check)
        if key not in _KEPT:
            _KEPT[key] = _opened(location, schema_check)
        return _KEPT[key]
    return _opened(location, schema_check)


def _opened(location: Location, schema_check: str) -> Database:
    db = connect(location)
    db.version = _ensure_schema(db, schema_check)
    if db.path is not None:
        _use_wal(db)
    return db


def connect(location: Location) -> Database:
    """The database at `location`, as it is (a missing SQLite file is made, empty and private)."""
    path = location.path
    if path is not None:
        if path.is_dir():
            raise OptimaError(t("{path} is a folder; give --db the path of a database file", path=path))
        if location.named and not path.parent.is_dir():
            raise OptimaError(t("the folder {folder} does not exist; create it first, or give "
                                "--db a file in an existing folder", folder=path.parent))
        _create_private_file(path)
    return Database(location=location, engine=_engine(location))


def _use_wal(db: Database) -> None:
    """Write-ahead logging (readers never wait for the writer), switched on only once the file is
    known to be ours: a foreign file is refused unchanged. It stays on in the file."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc) and "read-only" not in str(exc):
            raise OptimaError(t("the database {database} could not be used: {problem}",
                                database=db.label, problem=exc)) from None
    finally:
        raw.close()


def inspect_file(path: Path) -> str:
    """What a file is, without changing it: missing, empty, demo, optima or foreign."""
    if not path.exists():
        return "missing"
    if path.is_file() and path.stat().st_size == 0:
        return "empty"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return "foreign"
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables or "referral" not in tables:
            return "foreign"
        demo = con.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
        return "demo" if demo and demo[0] == "1" else "optima"
    except sqlite3.Error:
        return "foreign"
    finally:
        con.close()


def _ensure_schema(db: Database, schema_check: str) -> schema.Version:
    with db.read() as session:
        found = _version(db, session)
        if found.current and db.path is None:
            db.login = access.login(session)
    if found.empty and db.path is not None:  # a new file: today's schema, at once
        with db.write() as session:
            found = _version(db, session)  # another process may have created it meanwhile
            if found.empty:
                initialize(session, db.location.name)
                found = schema.Version(schema.HEAD)
    if schema_check == "any" or found.current:
        return found
    if found.empty:
        raise OptimaError(t("the database {database} is empty; create optima's tables in it with "
                            "`optima db upgrade` (with the same --db)", database=db.label))
    if found.newer or not found.known:
        raise OptimaError(t("{database} was written by a newer optima (schema {revision}, this one "
                            "knows up to {head}); upgrade optima before using it",
                            database=db.label, revision=found.revision, head=schema.HEAD))
    raise OptimaError(t("{database} has schema {revision}, this optima needs {head}; make a backup "
                        "(optima backup FILE; on a server, pg_dump), then run: optima db upgrade",
                        database=db.label, revision=found.revision, head=schema.HEAD))


def _version(db: Database, session: Session) -> schema.Version:
    try:
        return schema.version(session.connection())
    except schema.ForeignDatabase:
        raise OptimaError(t(
            "{database} holds tables but is not an optima database; give another one with --db",
            database=db.label)) from None


def initialize(session: Session, name: str) -> None:
    """Today's tables in an empty database, the three default units, and the first audit event."""
    schema.create(session.connection())
    session.add(models.Meta(key="schema_version", value=str(models.SCHEMA_VERSION)))
    for code, kind, unit in DEFAULT_INSTITUTIONS:
        session.add(models.Institution(code=code, kind=kind, name=unit))
    session.flush()
    audit.record(session, actor="optima", action="create-database", entity="database",
           entity_ref=name,
           after={"schema_version": models.SCHEMA_VERSION}, now=datetime.now(UTC))


def read_meta(session: Session, key: str) -> str | None:
    row = session.get(models.Meta, key)
    return row.value if row else None


def write_meta(session: Session, key: str, value: str) -> None:
    row = session.get(models.Meta, key) or models.Meta(key=key, value=value)
    row.value = value
    session.add(row)


def delete_meta(session: Session, key: str) -> None:
    row = session.get(models.Meta, key)
    if row is not None:
        session.delete(row)


def remove_database(path: Path) -> None:
    """Delete a database file with its write-ahead log and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
