"""Where the database is, how it is opened, and the SQLite settings (the only SQLite-specific code).

Writes run in `BEGIN IMMEDIATE` so that concurrent writers wait for each other (busy timeout)
instead of failing half-way; reads run in a plain deferred transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from optima_cli.errors import OptimaError
from optima_cli.store import models

BUSY_TIMEOUT_S = 30
MMAP_BYTES = 1 << 30  # address space only: the OS pages the file in as it is read
DEFAULT_INSTITUTIONS = (
    ("RAV", "RAV", "RAV Luzern"),
    ("IV", "IV", "WAS IV Luzern"),
    ("SD", "SD", "Sozialdienste Luzern"),
)


def default_db_path(name: str = "optima.db") -> Path:
    """The database in the user's data directory (e.g. ~/.local/share/optima/optima.db)."""
    from platformdirs import user_data_path

    return user_data_path("optima", appauthor=False) / name


def resolve_db_path(cli_value: str | None) -> Path:
    """`--db` wins over `OPTIMA_DB`, which wins over the default."""
    value = cli_value or os.environ.get("OPTIMA_DB")
    return Path(value).expanduser() if value else default_db_path()


def _create_private_file(path: Path) -> None:
    """Create the database file and its folder, readable by the owner only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise OptimaError(
            f"cannot create the database {path}: {exc.strerror}; choose another place with --db"
        ) from None


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


def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
    if conn.get_execution_options().get("optima_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


@dataclass
class Database:
    """An opened optima database: a reader engine and a writer engine over one file."""

    path: Path
    engine: Engine

    @property
    def writer(self) -> Engine:
        return self.engine.execution_options(optima_write=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction for one change: all of it or none of it."""
        with _translated(self.path):
            with Session(self.writer, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _translated(self.path):
            with Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    """Turn database failures into one line for the user."""
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig) if exc.orig else str(exc)
        if "locked" in text or "busy" in text:
            raise OptimaError(
                f"the database {path} stayed locked by another optima for {BUSY_TIMEOUT_S} s; try again"
            ) from None
        if "readonly" in text or "read-only" in text:
            raise OptimaError(
                f"the database {path} is read-only; check the permissions of the file and its folder"
            ) from None
        raise OptimaError(f"the database {path} could not be used: {text}") from None
    except DatabaseError as exc:
        text = str(exc.orig) if exc.orig else str(exc)
        raise OptimaError(f"{path} is not a usable optima database ({text})") from None


def open_database(cli_value: str | None = None) -> Database:
    """Open (and on first use create) the database, with its schema and the three default units."""
    path = resolve_db_path(cli_value)
    if path.is_dir():
        raise OptimaError(f"{path} is a folder; give --db the path of a database file")
    named = bool(cli_value or os.environ.get("OPTIMA_DB"))
    if named and not path.parent.is_dir():
        raise OptimaError(f"the folder {path.parent} does not exist; create it first, or give "
                          "--db a file in an existing folder")
    _create_private_file(path)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    db = Database(path=path, engine=engine)
    _ensure_schema(db)
    _use_wal(db)
    return db


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
            raise OptimaError(f"the database {db.path} could not be used: {exc}") from None
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


def _ensure_schema(db: Database) -> None:
    with db.read() as session:
        if _check_existing(db, session):
            return
    with db.write() as session:
        if _check_existing(db, session):  # created by another process meanwhile
            return
        connection = session.connection()
        SQLModel.metadata.create_all(connection)
        session.add(models.Meta(key="schema_version", value=str(models.SCHEMA_VERSION)))
        for code, kind, name in DEFAULT_INSTITUTIONS:
            session.add(models.Institution(code=code, kind=kind, name=name))
        session.flush()
        from optima_cli.store.audit import record

        record(session, actor="optima", action="create-database", entity="database",
               entity_ref=str(db.path.name), after={"schema_version": models.SCHEMA_VERSION},
               now=datetime.now().astimezone())


def _check_existing(db: Database, session: Session) -> bool:
    """True if the file holds an optima database this optima can use; refuses foreign and newer
    ones; False if it is empty."""
    inspector = inspect(session.connection())
    if inspector.has_table("meta"):  # one look-up on every start, not the whole table list
        version = read_meta(session, "schema_version")
        if version is not None and int(version) > models.SCHEMA_VERSION:
            raise OptimaError(
                f"{db.path} was written by a newer optima (schema {version}, this one knows "
                f"{models.SCHEMA_VERSION}); upgrade optima before using it"
            )
        return True
    if inspector.get_table_names():
        raise OptimaError(
            f"{db.path} holds tables but is not an optima database; give another file with --db"
        )
    return False


def read_meta(session: Session, key: str) -> str | None:
    row = session.get(models.Meta, key)
    return row.value if row else None


def write_meta(session: Session, key: str, value: str) -> None:
    row = session.get(models.Meta, key) or models.Meta(key=key, value=value)
    row.value = value
    session.add(row)


def remove_database(path: Path) -> None:
    """Delete a database file with its write-ahead log and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
