"""Engine-level upkeep: backup, integrity, journal, permissions, compaction, and the files
optima writes beside the database.

For a SQLite file: the online backup API, PRAGMA integrity and foreign-key checks, WAL
checkpoints and VACUUM. For PostgreSQL, the server keeps its pages and keys whole itself (and
pg_dump backs up the whole server); optima backs up its own database into a SQLite file
(store/transfer.py) and compacts the tables that held erased values.

A backup or a workbook is written to a private temporary file in the target's folder
(`.NAME.optima-XXXXXXXX.tmp`, with a scratch folder `.d` beside it if its writer needs one),
locked (flock) while it is written, and moved onto the target only when whole. A killed optima
leaves its file unlocked: the next write into that folder removes it (a sweep under a lock on
the folder), and `optima doctor` names any it finds.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from optima_cli.errors import OptimaError
from optima_cli.language import t
from optima_cli.store.engine import BUSY_TIMEOUT_S, Damaged, Database


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    return con


TEMP_MARK = ".optima-"  # in every temporary name: `.NAME.optima-XXXXXXXX.tmp`
SIDECARS = ("-wal", "-shm", "-journal")  # what SQLite adds beside a file it writes
SCRATCH = ".d"  # a folder beside it for what its writer keeps aside (a workbook's sheet rows)
TEMP_NAME = re.compile(r"\..*\.optima-[a-z0-9_]{8}\.tmp(-wal|-shm|-journal|\.d)?", re.DOTALL)


def refuse_special(target: Path) -> None:
    """Only a regular file (or nothing) may be replaced: never a device such as /dev/null, a
    pipe, a folder or a socket, nor a link to one (as root, replacing /dev/null breaks the system)."""
    try:
        mode = os.stat(target).st_mode  # through a link: what it points to
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OptimaError(t("cannot write {path}: {problem}", path=target,
                            problem=exc.strerror or exc)) from None
    if not stat.S_ISREG(mode):
        raise OptimaError(t("{path} exists and is not a regular file (a folder, device, pipe or "
                            "socket, or a link to one); give the name of a file", path=target))


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Writers and sweepers of one folder, one at a time (held for a moment, not for the write)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # a folder that cannot be opened cannot be locked; nothing to sweep either
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _in_use(path: Path) -> bool:
    """Whether a live process holds the lock of this temporary file (or it is no plain file)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return True
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _stale(folder: Path) -> list[Path]:
    """optima's temporary files in `folder` that no live optima is writing, with their -wal,
    -shm, -journal and scratch folder."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    groups: dict[str, list[str]] = {}
    for name in names:
        found = TEMP_NAME.fullmatch(name)
        if found:
            groups.setdefault(name[:len(name) - len(found.group(1) or "")], []).append(name)
    return [folder / name for base, members in sorted(groups.items())
            if not _in_use(folder / base) for name in sorted(members)]


def stale_temporary_files(folder: Path) -> list[Path]:
    """What a killed backup or workbook left in `folder` (for doctor)."""
    with _folder_lock(folder):
        return _stale(folder)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if stat.S_ISDIR(path.lstat().st_mode):  # a scratch folder (a link is only unlinked)
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def _sweep(folder: Path) -> None:
    for path in _stale(folder):
        _remove(path)


def _beside(temp: Path) -> list[Path]:
    return [Path(f"{temp}{suffix}") for suffix in (*SIDECARS, SCRATCH)]


def scratch_folder(temp: Path) -> Path:
    """A private folder beside the temporary file of into_place, for what its writer keeps aside
    until the file is whole (a workbook's sheet rows): removed with it, swept with it."""
    folder = Path(f"{temp}{SCRATCH}")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextlib.contextmanager
def into_place(target: Path) -> Iterator[Path]:
    """A private temporary file beside `target` to write, moved onto `target` only when the block
    ends without error: a crash never leaves half a file at the target. Stale temporary files of
    killed writers in the folder are removed first; this one is locked while it is written."""
    if not target.parent.is_dir():
        raise OptimaError(t("cannot write {path}: the folder {folder} does not exist",
                            path=target, folder=target.parent))
    refuse_special(target)
    with _folder_lock(target.parent):
        _sweep(target.parent)
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}", suffix=".tmp",
                                         dir=target.parent)
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    temp = Path(temp_name)
    try:
        yield temp
        for path in _beside(temp):
            _remove(path)
        os.chmod(temp, 0o600)
        refuse_special(target)  # made meanwhile?
        os.replace(temp, target)
    except BaseException:
        for path in (temp, *_beside(temp)):
            _remove(path)
        raise
    finally:
        os.close(fd)


def _file_of(db: Database) -> Path:
    """The database's SQLite file: what follows works on the file, and is called for SQLite only."""
    assert db.path is not None, "a SQLite file's operation called for a server"
    return db.path


def backup(db: Database, target: Path) -> Path:
    """A consistent copy made with SQLite's online backup API while others may write, checked,
    then moved into place: a crash never leaves half a backup at the target. The copy is one
    step in one read transaction (a snapshot): writers go on, and it never starts over."""
    if target.resolve() == _file_of(db).resolve():
        raise OptimaError(t("the backup must go to another file than the database itself"))
    with into_place(target) as temp:
        source = _connect(_file_of(db))
        copy = sqlite3.connect(temp, isolation_level=None)
        try:
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot
            source.backup(copy, pages=-1)
            source.execute("COMMIT")
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise _file_problem(exc, db) from None
        finally:
            copy.close()
            source.close()
        if result != "ok":
            raise Damaged(db.label, result)
    return target


def _file_problem(exc: sqlite3.DatabaseError, db: Database) -> OptimaError:
    """A failure of SQLite while copying, as one line: a full disk, a damaged source."""
    text = str(exc)
    if "full" in text:
        return OptimaError(t("cannot write the backup: no space left on the device; nothing "
                             "written"))
    if "malformed" in text or "not a database" in text:
        return Damaged(db.label, text)
    return OptimaError(t("the backup failed: {problem}; nothing written", problem=text))


def integrity(db: Database) -> str:
    """"ok", or what SQLite finds wrong with the file, in its words."""
    con = _connect(_file_of(db))
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
    con = _connect(_file_of(db))
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
    path = _file_of(db)
    return Permissions(stat.S_IMODE(path.stat().st_mode), stat.S_IMODE(path.parent.stat().st_mode))


ERASED_IN = ("client", "referral", "suspension", "journal_entry", "joint_strategy", "joint_review",
             "measure", "follow_up", "audit_event")  # the tables anonymize changes
COMPACTION_PENDING = "compaction_pending"  # meta key, set with an erasure, cleared after compact()
COMPACT_WAIT_S: float = BUSY_TIMEOUT_S  # how long the compaction waits for readers to finish


def compact(db: Database) -> str | None:
    """Rewrite the file (or the tables on a server) so that erased values are gone from its
    pages; None when done, else why not (a reader kept a snapshot or a lock for COMPACT_WAIT_S)."""
    if db.path is None:
        from sqlalchemy.exc import DBAPIError

        try:
            with db.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # VACUUM needs it
                conn.exec_driver_sql(f"SET lock_timeout = '{int(COMPACT_WAIT_S * 1000)}ms'")
                for table in ERASED_IN:
                    conn.exec_driver_sql(f"VACUUM (FULL) {table}")
        except DBAPIError as exc:
            return str(exc.orig or exc).strip().splitlines()[0]
        return None
    con = _connect(db.path)
    con.execute(f"PRAGMA busy_timeout = {int(COMPACT_WAIT_S * 1000)}")
    try:
        con.execute("VACUUM")
        busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        con.close()
    if busy:
        return t("another connection kept reading the database for {seconds} s",
                 seconds=COMPACT_WAIT_S)
    return None


def checkpoint(db: Database) -> None:
    """Fold the write-ahead log into the file and empty it, if no reader is in the way now."""
    if db.path is None:
        return
    con = _connect(db.path)
    con.execute("PRAGMA busy_timeout = 0")
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass
    finally:
        con.close()
