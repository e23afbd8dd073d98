"""Files and privacy on disk (issue 14, h3): what optima leaves in files and folders.

1. `anonymize` says so (exit 1) when the erased values could not be compacted out of the file,
   records that in the database, and a later run finishes the job; `doctor` reports it meanwhile;
2. a closing day after today is refused; the goal goes with the personal data; `examples` never
   shows a counsellor;
3. a personal-data workbook whose export cannot be recorded is not left at the target;
4. temporary files of a killed backup or workbook are removed by the next write into the folder
   (never those of a live one), and `doctor` names them;
5. a target that is not a regular file is refused, an existing backup replaced only with --force;
6. a backup of a file under continuous writes finishes while the writes go on;
7. a damaged file, /proc and a full disk give one line, never a traceback.

Real files, real processes (SIGKILL), a real reader holding a snapshot; no mocks.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import days_ago, is_url, query
from test_trust import ok, settle
from typer.testing import Result

from optima_cli.store import maintenance

NAME = "Zacharias Geheimnisvoll"
GOAL = "Herr Geheimnisvoll findet eine Stelle als Koch"
COUNSELLORS = ("Ottilie Namenlos", "Quirin Unbekannt")
NOTE = "Schulden beim Onkel Xaverius"


# --- helpers -----------------------------------------------------------------------------------

def one_line_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr,
                                      result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return lines[0]


def env() -> dict[str, str]:
    e = os.environ.copy()
    e.pop("OPTIMA_DB", None)
    e["NO_COLOR"] = "1"
    return e


def optima(db: Path | str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "optima_cli", "--db", str(db), "--user", "t", *args],
                          capture_output=True, text=True, timeout=timeout, env=env())


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """A refusal of a whole process: exit 1 and exactly one line on stderr, nothing else (no
    traceback, no 'Exception ignored' at exit)."""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    return lines[0]


def file_bytes(db: Path) -> bytes:
    wal = Path(f"{db}-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def temps(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if ".tmp" in n)


def closed_case(run: Callable[..., Result]) -> tuple[str, str]:
    """A client whose only referral was closed 80 days ago, with a goal, a note and counsellors."""
    client = ok(run("register", "--name", NAME, "--birth-date", "1971-04-05", "--from", "SD",
                    "--consent-on", days_ago(200)))
    case = ok(run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                  "--goal", GOAL, "--counsellor", COUNSELLORS[0], "--on", days_ago(120)))
    ok(run("accept", case, "--counsellor", COUNSELLORS[1], "--on", days_ago(110)))
    ok(run("close", case, "--outcome", "achieved", "--employed", "--note", NOTE,
           "--on", days_ago(80)))
    return client, case


def doctor(run: Callable[..., Result]) -> tuple[int, dict[str, Any]]:
    result = run("doctor", "--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    return result.exit_code, {c["check"]: c for c in report["checks"]}


@contextmanager
def reader(db: Path | str) -> Iterator[None]:
    """Another connection in an open read transaction that has read the client table: on SQLite a
    snapshot that keeps a checkpoint from completing, on PostgreSQL a lock that VACUUM FULL waits
    for."""
    if is_url(db):
        import psycopg

        con = psycopg.connect(str(db).replace("postgresql+psycopg://", "postgresql://"))
        con.execute("SELECT count(*), max(name) FROM client").fetchone()
        try:
            yield
        finally:
            con.rollback()
            con.close()
    else:
        con = sqlite3.connect(db, isolation_level=None)
        con.execute("BEGIN")
        con.execute("SELECT count(*), max(name) FROM client").fetchone()
        try:
            yield
        finally:
            con.execute("COMMIT")
            con.close()


def pending(db: Path | str) -> list[tuple]:
    return query(db, "SELECT value FROM meta WHERE key = 'compaction_pending'")


# --- 1. anonymize and the compaction -----------------------------------------------------------

@pytest.mark.both_backends
def test_anonymize_that_cannot_compact_says_so_and_a_later_run_finishes(
        run, db_path, backend, monkeypatch):
    monkeypatch.setattr(maintenance, "COMPACT_WAIT_S", 0.5, raising=False)  # not 30 s per try
    closed_case(run)
    cutoff = days_ago(60)
    if backend == "sqlite":
        settle(db_path)
        assert NAME.encode() in file_bytes(db_path)

    with reader(db_path):
        result = run("anonymize", "--closed-before", cutoff, "--yes")
        line = one_line_error(result, 1)
        assert "1" in result.stdout  # what was done is shown: one client anonymized
        assert f"optima anonymize --closed-before {cutoff} --yes" in line, line
        # the erasure is committed, and the database says the compaction is owed
        assert query(db_path, "SELECT name FROM client") == [("(anonymized)",)]
        assert pending(db_path) == [(cutoff,)]
        code, checks = doctor(run)
        assert code == 1 and checks["compaction"]["ok"] is False
        assert cutoff in checks["compaction"]["detail"]
        if backend == "sqlite":  # what the message warns of: the name is still in the file
            assert NAME.encode() in file_bytes(db_path)

    # once nobody reads, the same command again finishes the job (it anonymizes nobody new)
    result = run("anonymize", "--closed-before", cutoff, "--yes")
    ok(result)
    assert pending(db_path) == []
    code, checks = doctor(run)
    assert checks["compaction"]["ok"] is True
    if backend == "sqlite":
        gc.collect()
        raw = file_bytes(db_path)
        for needle in (NAME, GOAL, NOTE, *NAME.split()):
            assert needle.encode() not in raw, needle
    else:  # the server: what it may still hold, and what the administrator must do
        assert "write-ahead log" in result.stderr and "pg_dump" in result.stderr, result.stderr


@pytest.mark.slow
@pytest.mark.sqlite_only  # a kill between the commit and the compaction of the file
def test_anonymize_killed_before_the_compaction_is_finished_by_the_next_run(run, db_path):
    closed_case(run)
    cutoff = days_ago(60)
    settle(db_path)
    with reader(db_path):  # holds the compaction up, so that the kill lands in it
        proc = subprocess.Popen([sys.executable, "-m", "optima_cli", "--db", str(db_path),
                                 "--user", "t", "anonymize", "--closed-before", cutoff, "--yes"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
        try:
            deadline = time.monotonic() + 60
            while query(db_path, "SELECT name FROM client") != [("(anonymized)",)]:
                assert proc.poll() is None, "anonymize ended before it was killed"
                assert time.monotonic() < deadline, "anonymize never committed"
                time.sleep(0.01)
            proc.send_signal(signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    code, checks = doctor(run)
    assert code == 1 and checks["compaction"]["ok"] is False, checks

    ok(run("anonymize", "--closed-before", cutoff, "--yes"))
    code, checks = doctor(run)
    assert checks["compaction"]["ok"] is True
    gc.collect()
    assert NAME.encode() not in file_bytes(db_path)


# --- 2. a day after today; the goal; counsellors in examples -----------------------------------

def test_anonymize_refuses_a_day_after_today(run, db_path, snapshot, today):
    ok(run("register", "--name", "Heute Registriert", "--birth-date", "1980-02-03", "--from", "RAV"))
    before = snapshot()
    for day in ("2099-01-01", (today.replace(year=today.year + 1)).isoformat()):
        for extra in ((), ("--dry-run",)):
            line = one_line_error(run("anonymize", "--closed-before", day, "--yes", *extra), 1)
            assert day in line and "--closed-before" in line, line
            assert snapshot() == before
    # today itself is allowed: a client registered today is not before it
    done = json.loads(ok(run("anonymize", "--closed-before", today.isoformat(), "--yes",
                             "--format", "json")))
    assert done["clients"] == 0
    assert query(db_path, "SELECT name FROM client") == [("Heute Registriert",)]


@pytest.mark.both_backends
def test_anonymize_erases_the_goal_and_examples_show_no_counsellor(run, db_path):
    _, case = closed_case(run)

    def shown() -> str:
        return "".join(ok(run("examples", *fmt)) for fmt in ((), ("--format", "json"),
                                                              ("--format", "csv")))

    before = shown()
    assert GOAL in before
    for name in COUNSELLORS:
        assert name not in before and name.split()[1] not in before
    ok(run("anonymize", "--closed-before", days_ago(60), "--yes"))
    assert query(db_path, "SELECT goal FROM referral WHERE case_id = ?", case) == [(None,)]
    after = shown()
    assert GOAL not in after and "Geheimnisvoll" not in after
    for name in COUNSELLORS:
        assert name not in after


# --- 3. a personal-data workbook whose export cannot be recorded -------------------------------

def _trap_export_event(db: Path | str) -> None:
    """Make the commit of any transaction that records a personal-data export fail (as a full
    disk or a lost lock would), after every statement of it succeeded."""
    if is_url(db):
        query(db, "CREATE FUNCTION optima_trap() RETURNS trigger LANGUAGE plpgsql AS "
                  "$$ BEGIN RAISE EXCEPTION 'could not write to file: No space left on device'; END $$")
        query(db, "CREATE CONSTRAINT TRIGGER optima_trap AFTER INSERT ON audit_event "
                  "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                  "WHEN (NEW.action = 'export-personal-data') EXECUTE FUNCTION optima_trap()")
        return
    con = sqlite3.connect(db)
    try:
        con.executescript("""
            CREATE TABLE trap_parent (id INTEGER PRIMARY KEY);
            CREATE TABLE trap (parent INTEGER REFERENCES trap_parent(id)
                               DEFERRABLE INITIALLY DEFERRED);
            CREATE TRIGGER trap_export AFTER INSERT ON audit_event
                WHEN NEW.action = 'export-personal-data'
                BEGIN INSERT INTO trap VALUES (1); END;
        """)
    finally:
        con.close()


@pytest.mark.both_backends
def test_personal_workbook_is_removed_when_its_export_cannot_be_recorded(run, db_path, tmp_path):
    closed_case(run)
    out = tmp_path / "personal.xlsx"
    ok(run("report", "--xlsx", str(out)))  # without personal data: nothing to record
    out.unlink()
    _trap_export_event(db_path)
    result = run("report", "--xlsx", str(out), "--with-personal-data")
    one_line_error(result, 1)
    assert not out.exists()
    assert temps(tmp_path) == []
    assert query(db_path, "SELECT count(*) FROM audit_event WHERE action = 'export-personal-data'"
                 ) == [(0,)]


# --- 4. temporary files of a killed writer -----------------------------------------------------

HOLDER = r"""
import sys, time
from pathlib import Path
from optima_cli.store.maintenance import into_place

with into_place(Path(sys.argv[1])) as temp:
    temp.write_bytes(b"Personal Paula 756.1234.5678.97\n" * 4096)
    Path(f"{temp}-wal").write_bytes(b"Personal Paula")
    print(temp, flush=True)
    time.sleep(120)
"""


@contextmanager
def started(*args: str, **extra_env: str) -> Iterator[subprocess.Popen[str]]:
    """`python ARGS` running, killed and reaped when the block ends if still running."""
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**env(), **extra_env})
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def first_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line, proc.stderr.read() if proc.stderr else ""
    return line


@contextmanager
def writing(target: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """A process in the middle of writing `target` through optima's temporary file."""
    with started("-c", HOLDER, str(target)) as proc:
        yield proc, Path(first_line(proc))


@pytest.mark.slow
@pytest.mark.sqlite_only  # files in the database's folder; the server writes none there
def test_temporary_files_of_a_killed_writer_are_swept_but_never_a_live_ones(run, db_path, tmp_path):
    closed_case(run)
    gc.collect()
    # a live writer: the next backup beside it leaves its file alone, and doctor does not name it
    with writing(tmp_path / "other.db") as (proc, live):
        ok(run("backup", str(tmp_path / "B1.db")))
        assert live.exists() and Path(f"{live}-wal").exists()
        code, checks = doctor(run)
        assert checks["temporary files"]["ok"] is True, checks
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert live.exists()  # a kill leaves it: personal data in the folder

    code, checks = doctor(run)
    assert code == 1 and checks["temporary files"]["ok"] is False
    assert live.name in checks["temporary files"]["detail"]

    ok(run("backup", str(tmp_path / "B2.db")))  # the next write into the folder sweeps it
    assert not live.exists() and not Path(f"{live}-wal").exists()
    assert temps(tmp_path) == []
    code, checks = doctor(run)
    assert checks["temporary files"]["ok"] is True

    # the same for a workbook's folder
    folder = tmp_path / "reports"
    folder.mkdir()
    with writing(folder / "optima-2026-10.xlsx") as (proc, stale):
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert stale.exists()
    ok(run("report", "--xlsx", str(folder / "optima-2026-11.xlsx")))
    assert temps(folder) == []


BUILDER = r"""
import sys, time
from datetime import date
from optima_cli.rules.periods import choose
from optima_cli.workflow.context import Context
from optima_cli.workflow.report import export

def stop(done, total):  # the rows of the first sheets are written: stay here until killed
    print("building", flush=True)
    time.sleep(120)

ctx = Context(db_path=sys.argv[1], user="t")
export(ctx, choose(date.today(), None, None, None, None, None), sys.argv[2], personal=True,
       progress=stop)
"""


@pytest.mark.slow
@pytest.mark.sqlite_only  # files of a killed workbook export
def test_a_killed_workbook_leaves_no_sheet_rows_in_the_temp_folder(run, db_path, tmp_path):
    """openpyxl keeps a sheet's rows in temporary files until it saves: they go beside the
    target, where the next export sweeps them, not into the system's temporary folder."""
    closed_case(run)
    gc.collect()
    system_tmp, folder = tmp_path / "system-tmp", tmp_path / "reports"
    system_tmp.mkdir()
    folder.mkdir()
    with started("-c", BUILDER, str(db_path), str(folder / "p.xlsx"), TMPDIR=str(system_tmp)) as proc:
        assert first_line(proc) == "building"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert os.listdir(system_tmp) == []
    left = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.name.startswith("openpyxl.") for p in left), left  # a sheet's rows, beside it
    ok(run("report", "--xlsx", str(folder / "q.xlsx")))
    assert os.listdir(folder) == ["q.xlsx"]


# --- 5. targets that are not regular files; an existing backup ---------------------------------

@pytest.mark.sqlite_only  # about the target file, the same on both
def test_targets_that_are_not_regular_files_are_refused(run, tmp_path):
    closed_case(run)
    null = os.stat("/dev/null")
    fifo_db, fifo_xlsx = tmp_path / "fifo.db", tmp_path / "fifo.xlsx"
    os.mkfifo(fifo_db)
    os.mkfifo(fifo_xlsx)
    link_db, link_xlsx = tmp_path / "null.db", tmp_path / "null.xlsx"
    link_db.symlink_to("/dev/null")
    link_xlsx.symlink_to("/dev/null")
    for args in (("backup", str(fifo_db)), ("backup", str(link_db)),
                 ("backup", str(fifo_db), "--force"), ("backup", str(link_db), "--force"),
                 ("report", "--xlsx", str(fifo_xlsx)), ("report", "--xlsx", str(link_xlsx)),
                 ("report", "--xlsx", str(link_xlsx), "--with-personal-data")):
        line = one_line_error(run(*args), 1)
        assert "regular file" in line, line
    for fifo in (fifo_db, fifo_xlsx):
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
    for link in (link_db, link_xlsx):
        assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and os.stat("/dev/null").st_rdev == null.st_rdev
    assert temps(tmp_path) == []


@pytest.mark.both_backends
def test_backup_replaces_an_existing_file_only_with_force(run, tmp_path):
    closed_case(run)
    target = tmp_path / "B.db"
    target.write_bytes(b"yesterday's backup")
    line = one_line_error(run("backup", str(target)), 1)
    assert "--force" in line, line
    assert target.read_bytes() == b"yesterday's backup"
    ok(run("backup", str(target), "--force"))
    assert query(target, "PRAGMA integrity_check") == [("ok",)]
    assert query(target, "SELECT name FROM client") == [(NAME,)]
    # the workbook of a cron job keeps replacing its own file
    out = tmp_path / "monthly.xlsx"
    ok(run("report", "--xlsx", str(out)))
    ok(run("report", "--xlsx", str(out)))
    assert temps(tmp_path) == []


# --- 6. a backup under continuous writes -------------------------------------------------------

WRITER = r"""
import sqlite3, sys, time
from pathlib import Path
db, stop = sys.argv[1], Path(sys.argv[2])
con = sqlite3.connect(db, timeout=30, isolation_level=None)
con.execute("PRAGMA busy_timeout = 30000")
deadline = time.monotonic() + 40
n = 0
while n < 1_000_000 and time.monotonic() < deadline and not stop.exists():
    con.execute("INSERT INTO noise (x) VALUES (?)", (n,))
    n += 1
    if n == 50:
        print("writing", flush=True)
print(n, flush=True)
"""


@pytest.mark.slow
@pytest.mark.sqlite_only  # SQLite's backup API and its restarts
def test_backup_finishes_while_another_process_writes_continuously(run, db_path, tmp_path):
    closed_case(run)
    gc.collect()
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("CREATE TABLE filler (b BLOB)")
    con.execute("CREATE TABLE noise (x INTEGER)")
    con.execute("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 10000) "
                "INSERT INTO filler SELECT randomblob(4000) FROM s")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    assert db_path.stat().st_size > 30_000_000  # many steps of the old copy
    stop = tmp_path / "stop"
    target = tmp_path / "B.db"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        done = optima(db_path, "backup", str(target), timeout=120)
        still_writing = writer.poll() is None  # the backup ended while the writes went on
        stop.touch()
        out, err = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert still_writing, "the backup finished only when the writer stopped"
    assert writer.returncode == 0, err
    assert query(target, "PRAGMA integrity_check") == [("ok",)]
    in_backup = query(target, "SELECT count(*) FROM noise")[0][0]
    assert 0 < in_backup < int(out.strip())
    assert query(target, "SELECT count(*) FROM filler") == [(10000,)]


# --- 7. a damaged file, /proc, a full disk -----------------------------------------------------

@pytest.mark.slow
@pytest.mark.sqlite_only  # a damaged page of the file
def test_backup_of_a_damaged_file_says_so_in_one_line(run, db_path, tmp_path):
    closed_case(run)
    settle(db_path)
    (root,), = query(db_path, "SELECT rootpage FROM sqlite_master WHERE name = 'client'")
    (size,), = query(db_path, "PRAGMA page_size")
    with open(db_path, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\x0d" + b"\xff" * 11)  # a leaf page header that points nowhere
    target = tmp_path / "B.db"
    done = optima(db_path, "backup", str(target))
    line = one_line(done)
    assert "malformed" in line or "damaged" in line, line
    assert not target.exists()
    assert temps(tmp_path) == []


@pytest.mark.slow
def test_export_into_proc_gives_one_line(tmp_path):
    db = tmp_path / "optima.db"
    assert optima(db, "register", "--name", NAME, "--birth-date", "1971-04-05",
                  "--from", "SD").returncode == 0
    for args in (("report", "--xlsx", "/proc/optima.xlsx"), ("backup", "/proc/optima.db"),
                 ("report", "--xlsx", "/proc/optima.xlsx", "--with-personal-data")):
        line = one_line(optima(db, *args))
        assert "/proc/optima" in line, line


@contextmanager
def full_disk(folder: Path) -> Iterator[Path]:
    """A tiny tmpfs filled to the last byte (root only; skipped where it cannot be mounted)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        fd = os.open(folder / "fill", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


@pytest.mark.slow
def test_full_disk_gives_one_line_and_leaves_nothing(tmp_path):
    db = tmp_path / "optima.db"
    assert optima(db, "register", "--name", NAME, "--birth-date", "1971-04-05",
                  "--from", "SD").returncode == 0
    with full_disk(tmp_path / "full") as folder:
        for args in (("backup", str(folder / "B.db")),
                     ("report", "--xlsx", str(folder / "r.xlsx")),
                     ("report", "--xlsx", str(folder / "p.xlsx"), "--with-personal-data")):
            line = one_line(optima(db, *args))
            assert "space" in line.lower() or "full" in line.lower(), line
            assert os.listdir(folder) == ["fill"], os.listdir(folder)
    assert query(db, "SELECT count(*) FROM audit_event WHERE action = 'export-personal-data'"
                 ) == [(0,)]
