"""Engine-level upkeep: backup, integrity, journal, permissions and compaction.

For a SQLite file: the online backup API, PRAGMA integrity and foreign-key checks, WAL
checkpoints and VACUUM. For PostgreSQL, the server keeps its pages and keys whole itself (and
pg_dump backs up the whole server); optima backs up its own database into a SQLite file
(store/transfer.py) and compacts the tables that held erased values.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from optima_cli.errors import OptimaError
from optima_cli.language import t
from optima_cli.store.engine import BUSY_TIMEOUT_S, Database


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    return con


@contextlib.contextmanager
def into_place(target: Path) -> Iterator[Path]:
    """A private temporary file beside `target` to write, moved onto `target` only when the block
    ends without error: a crash never leaves half a file at the target."""
    if not target.parent.is_dir():
        raise OptimaError(t("cannot write {path}: the folder {folder} does not exist",
                            path=target, folder=target.parent))
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        for suffix in ("-wal", "-shm"):
            Path(f"{temp}{suffix}").unlink(missing_ok=True)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def backup(db: Database, target: Path) -> Path:
    """A consistent copy made with SQLite's online backup API while others may write, checked,
    then moved into place: a crash never leaves half a backup at the target."""
    if target.resolve() == db.path.resolve():
        raise OptimaError(t("the backup must go to another file than the database itself"))
    with into_place(target) as temp:
        source = _connect(db.path)
        copy = sqlite3.connect(temp, isolation_level=None)
        try:
            source.backup(copy, pages=1024)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if result != "ok":
            raise OptimaError(t("the copy did not pass the integrity check ({result}); nothing written",
                                result=result))
    return target


def integrity(db: Database) -> str:
    """"ok", or what SQLite finds wrong with the file, in its words."""
    con = _connect(db.path)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        bad_keys = con.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:  # too damaged to finish the check
        return str(exc)
    finally:
        con.close()
    problems = [r for r in rows if r != "ok"]
    if bad_keys:
        problems.append(t("{n} rows point to missing rows (foreign keys)", n=len(bad_keys)))
    return "ok" if not problems else "; ".join(problems[:5])


def journal_mode(db: Database) -> str:
    con = _connect(db.path)
    try:
        return str(con.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        con.close()


@dataclass(frozen=True)
class Permissions:
    file_mode: int
    folder_mode: int

    @property
    def private(self) -> bool:
        return not (self.file_mode & 0o077) and not (self.folder_mode & 0o022)


def permissions(db: Database) -> Permissions:
    return Permissions(stat.S_IMODE(db.path.stat().st_mode),
                       stat.S_IMODE(db.path.parent.stat().st_mode))


ERASED_IN = ("client", "referral", "suspension", "audit_event")  # the tables anonymize changes


def compact(db: Database) -> None:
    """Rewrite the file (or the tables on a server) so that erased values are gone from its pages."""
    if db.path is None:
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # VACUUM needs it
            for table in ERASED_IN:
                conn.exec_driver_sql(f"VACUUM (FULL) {table}")
        return
    con = _connect(db.path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("VACUUM")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
