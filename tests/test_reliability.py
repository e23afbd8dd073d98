"""Trustworthy records (reliability issue): what survives concurrency, kills and backups.

Real operating-system processes, never mocks:

1. eight processes register, refer and accept at once: nothing lost, no "database is locked",
   case ids unique, the audit trail verifies;
2. an import killed (SIGKILL) at ten random moments is wholly there or wholly absent;
3. a killed `report --xlsx` never leaves half a workbook at the target;
4. a backup taken while another process writes holds a state that existed; a backup into a missing
   folder or onto the database itself is refused with one line;
5. a read-only database file can still be listed, and a write on it is refused with one line.

Every subprocess has a timeout and is killed in a `finally` if still running. The subprocesses
inherit the environment of the test (HOME and XDG_DATA_HOME in tmp, from conftest).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import re
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import copy_db, is_url, query
from openpyxl import load_workbook

pytestmark = [pytest.mark.both_backends, pytest.mark.slow]  # concurrent and killed processes

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "sample_data" / "import-template.csv"

IMPORT_ROWS = 5000  # a few thousand rows a second plus start-up: a full import takes 1.5-4 s,
# long enough for the kills below to land anywhere in it
WORKBOOK_SHEETS = {"Summary", "Cases", "Rejections", "Outcomes", "Deadlines"}


# --- helpers -----------------------------------------------------------------------------------

def _env(home: Path | None = None) -> dict[str, str]:
    """The environment of a subprocess: the test's own (HOME in tmp), or one pointing at `home`."""
    env = os.environ.copy()
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
        env["HOME"] = str(home)
        env["XDG_DATA_HOME"] = str(home / ".local" / "share")
    env.pop("OPTIMA_DB", None)
    env.pop("OPTIMA_USER", None)
    env["NO_COLOR"] = "1"
    return env


def optima(db: Path | str, *args: str, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python -m optima_cli --db DB --user t ARGS` to its end (bounded by `timeout`)."""
    return subprocess.run([sys.executable, "-m", "optima_cli", "--db", str(db), "--user", "t", *args],
                          capture_output=True, text=True, timeout=timeout, env=env or _env(),
                          cwd=db.parent if isinstance(db, Path) else None)


def optima_cmd(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "optima_cli", "--db", str(db), "--user", "t", *args]


@contextmanager
def reaped(procs: list[subprocess.Popen]) -> Iterator[list[subprocess.Popen]]:
    """Kill and collect every process still running when the block ends (also on failure)."""
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):  # a process that will not die
                proc.wait(timeout=10)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()


def scalar(db: Path, sql: str, *params: object) -> object:
    return query(db, sql, *params)[0][0]


def integrity(db: Path | str) -> str:
    """SQLite's own check of a file; a PostgreSQL server keeps its pages and keys whole itself,
    so there the check is that no row points to a missing one."""
    if not is_url(db):
        return str(scalar(db, "PRAGMA integrity_check"))
    orphans = scalar(db, "SELECT (SELECT count(*) FROM referral r LEFT JOIN client c ON c.id = r.client_id "
                         "WHERE c.id IS NULL) + (SELECT count(*) FROM referral_topic t LEFT JOIN referral r "
                         "ON r.id = t.referral_id WHERE r.id IS NULL)")
    return "ok" if orphans == 0 else f"{orphans} rows point to missing rows"


def wait_for(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


def has_bytes(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


# --- a large import file, and the database it makes ---------------------------------------------

def template_header() -> list[str]:
    with TEMPLATE.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def import_rows(n: int) -> list[dict[str, str]]:
    """n distinct clients, each referred SD -> RAV and accepted in 2023-2024; every odd row also
    closed (achieved, employed)."""
    header = template_header()
    rows = []
    first = date(2023, 1, 9)
    for i in range(n):
        referred = first + timedelta(days=i % 500)
        row = dict.fromkeys(header, "")
        row.update(
            external_ref=f"REL-{i:04d}", name=f"Reliability Person {i:04d}",
            birth_date=(date(1960, 1, 1) + timedelta(days=41 * i % 14000)).isoformat(),
            registered_at="SD", consent_on=(referred - timedelta(days=5)).isoformat(),
            referrer="SD", receiver="RAV", topics="placement", months="3",
            referred_on=referred.isoformat(), decision="accepted",
            decided_on=(referred + timedelta(days=3)).isoformat(),
        )
        if i % 2:
            row.update(closed_on=(referred + timedelta(days=40)).isoformat(), outcome="achieved",
                       employed="yes")
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=template_header())
        writer.writeheader()
        writer.writerows(rows)
    return path


class Imported:
    """The prepared (schema only) database, the import file, and one full import of it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = _env(folder / "home")
        self.prepared = folder / "prepared.db"
        done = optima(self.prepared, "institution", "list", env=self.env)
        assert done.returncode == 0, done.stderr
        self.events_prepared = scalar(self.prepared, "SELECT count(*) FROM audit_event")
        self.rows = import_rows(IMPORT_ROWS)
        self.n = len(self.rows)
        self.closed = sum(1 for r in self.rows if r["closed_on"])
        self.csv = write_csv(folder / "big-import.csv", self.rows)
        # the full import, measured in a subprocess as the kills will run it
        self.db = copy_db(self.prepared, folder / "imported.db")
        start = time.monotonic()
        done = optima(self.db, "import", str(self.csv), env=self.env, timeout=120)
        self.seconds = time.monotonic() - start
        assert done.returncode == 0, done.stderr
        assert scalar(self.db, "SELECT count(*) FROM referral") == self.n


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    return Imported(tmp_path_factory.mktemp("imported"))


# --- 1. eight writers at once ------------------------------------------------------------------

# in each process of a start-at-once test: say ready, then wait for the start signal
AWAIT_START = r"""
(folder / f"ready-{n}").touch()
deadline = time.monotonic() + 60
while not (folder / "go").exists():
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.002)
"""

WRITER_SCRIPT = r"""
import json, sys, time
from datetime import date, timedelta
from pathlib import Path
from optima_cli.rules.codes import Topic
from optima_cli.workflow import cases, clients
from optima_cli.workflow.clients import ClientInput
from optima_cli.workflow.context import Context

db, n, count, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
ctx = Context(db_path=db, user=f"p{n}")
ctx.db  # open before the start signal, so that all processes write at the same time
""" + AWAIT_START + r"""
on = date(2025, 3, 3)
made = []
for i in range(count):
    client = clients.register(ctx, ClientInput(
        name=f"Parallel {n} Person {i:02d}", birth_date=date(1970, 1, 1) + timedelta(days=100 * n + i),
        institution="SD", consent_on=date(2025, 3, 1)))["client"]
    case = cases.refer(ctx, cases.Refer(client=client, to="RAV", topics=(Topic.PLACEMENT,),
                                        months=3, on=on)).record["case"]
    cases.accept(ctx, case, None, on)
    made.append([client, case])
print(json.dumps(made))
"""


def test_eight_processes_register_refer_accept_at_once(ctx, db_path, tmp_path, run):
    processes, per_process = 8, 25
    total = processes * per_process
    ctx.db.engine.dispose()  # the database exists before the processes start; no connection kept
    signals = tmp_path / "signals"
    signals.mkdir()
    env = _env()
    with reaped([]) as procs:
        for n in range(processes):
            procs.append(subprocess.Popen(
                [sys.executable, "-c", WRITER_SCRIPT, str(db_path), str(n), str(per_process),
                 str(signals)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
        wait_for(lambda: all((signals / f"ready-{n}").exists() or procs[n].poll() is not None
                             for n in range(processes)), 90, "the processes to be ready")
        (signals / "go").touch()
        outputs = []
        deadline = time.monotonic() + 180
        for proc in procs:
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            outputs.append((proc.returncode, out, err))

    for n, (code, _out, err) in enumerate(outputs):
        assert code == 0, f"process p{n} exited {code}: {err}"
        assert "locked" not in err.lower(), f"process p{n}: {err}"
        assert "traceback" not in err.lower(), f"process p{n}: {err}"
    reported = {n: [tuple(pair) for pair in json.loads(out)] for n, (_c, out, _e) in enumerate(outputs)}
    assert all(len(pairs) == per_process for pairs in reported.values())
    reported_cases = [case for pairs in reported.values() for _client, case in pairs]
    assert len(set(reported_cases)) == total, "a case id was handed out twice"

    assert integrity(db_path) == "ok"
    rows = query(db_path, "SELECT r.case_id, r.case_year, r.case_seq, r.status, c.name "
                          "FROM referral r JOIN client c ON c.id = r.client_id")
    assert len(rows) == total
    assert len({r[0] for r in rows}) == total
    assert {r[0] for r in rows} == set(reported_cases)
    assert sorted(r[2] for r in rows if r[1] == 2025) == list(range(1, total + 1))
    assert [r for r in rows if r[3] != "accepted"] == []
    assert scalar(db_path, "SELECT count(*) FROM client") == total
    # each case belongs to the client its process registered, and was logged by that process
    by_case = {r[0]: r[4] for r in rows}
    actors = dict(query(db_path, "SELECT entity_ref, actor FROM audit_event WHERE action = 'refer'"))
    for n, pairs in reported.items():
        for index, (_client, case) in enumerate(pairs):
            assert by_case[case] == f"Parallel {n} Person {index:02d}"
            assert actors[case] == f"p{n}"
    counts = dict(query(db_path, "SELECT action, count(*) FROM audit_event GROUP BY action"))
    assert (counts.get("register"), counts.get("refer"), counts.get("accept")) == (total, total, total)

    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("ok:")


DECIDER_SCRIPT = r"""
import sys, time
from datetime import date
from pathlib import Path
from optima_cli.errors import OptimaError
from optima_cli.rules.codes import RejectReason
from optima_cli.workflow import cases
from optima_cli.workflow.context import Context

db, case, n, folder = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
ctx = Context(db_path=db, user=f"counsellor{n}")
ctx.db
""" + AWAIT_START + r"""
try:
    if n % 2:
        cases.reject(ctx, case, RejectReason.TOO_SEVERE, None, date(2025, 3, 5))
    else:
        cases.accept(ctx, case, None, date(2025, 3, 5))
except OptimaError as exc:
    print(exc.message, file=sys.stderr)
    sys.exit(1)
print("won")
"""


def test_counsellors_deciding_one_referral_at_once_cannot_both_win(ctx, db_path, tmp_path, run):
    """Six counsellors (three accepting, three rejecting) decide the same referral at the same
    moment: exactly one decision is recorded, the others are told what it was decided to."""
    from optima_cli.rules.codes import Topic
    from optima_cli.workflow import cases, clients

    client = clients.register(ctx, clients.ClientInput(
        name="Streit Stella", birth_date=date(1975, 5, 5), institution="SD",
        consent_on=date(2025, 3, 1)))["client"]
    case = cases.refer(ctx, cases.Refer(client=client, to="RAV", topics=(Topic.PLACEMENT,),
                                        months=3, on=date(2025, 3, 3))).record["case"]
    ctx.db.engine.dispose()
    signals = tmp_path / "signals"
    signals.mkdir()
    deciders = 6
    with reaped([]) as procs:
        for n in range(deciders):
            procs.append(subprocess.Popen(
                [sys.executable, "-c", DECIDER_SCRIPT, str(db_path), case, str(n), str(signals)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()))
        wait_for(lambda: all((signals / f"ready-{n}").exists() or procs[n].poll() is not None
                             for n in range(deciders)), 90, "the counsellors to be ready")
        (signals / "go").touch()
        outputs = [(*proc.communicate(timeout=120), proc.returncode) for proc in procs]

    winners = [n for n, (out, _err, code) in enumerate(outputs) if code == 0 and out.strip() == "won"]
    assert len(winners) == 1, outputs
    for n, (_out, err, code) in enumerate(outputs):
        if n in winners:
            continue
        assert code == 1, (n, err)
        assert f"it is {'rejected' if winners[0] % 2 else 'accepted'}" in err, (n, err)
        assert "Traceback" not in err, (n, err)
    status = "rejected" if winners[0] % 2 else "accepted"
    assert query(db_path, "SELECT status FROM referral WHERE case_id = ?", case) == [(status,)]
    decisions = query(db_path, "SELECT actor, action FROM audit_event WHERE entity_ref = ? AND "
                               "action IN ('accept', 'reject')", case)
    assert decisions == [(f"counsellor{winners[0]}", status[:-2] if status == "accepted" else "reject")]
    assert run("audit", "verify").exit_code == 0


# --- 2. an import killed at random moments -----------------------------------------------------

@pytest.mark.sqlite_only  # the kills run on copies of a SQLite file; `run` only verifies them
def test_killed_import_is_all_or_nothing(imported, tmp_path, run):
    n = imported.n
    assert 1.0 < imported.seconds < 30, f"a full import took {imported.seconds:.1f} s"
    rng = random.Random(20261123)
    # ten moments spread over the import's duration (one in each tenth), the last ones up to
    # just past its measured end, so that kills land from start-up to the commit
    moments = [(k + rng.random()) / 10 * imported.seconds * 1.05 for k in range(10)]
    # and one more kill, aimed at the commit: the moment the write-ahead log starts to grow (the
    # import's pages reach the file only when it commits)
    plans: list[tuple[str, float]] = [("time", m) for m in moments] + [("wal-grows", 0.0)]
    outcomes = []
    for k, (kind, moment) in enumerate(plans):
        db = copy_db(imported.prepared, tmp_path / f"kill-{k}.db")
        wal = Path(f"{db}-wal")
        with reaped([]) as procs:
            start = time.monotonic()
            proc = subprocess.Popen(optima_cmd(db, "import", str(imported.csv)),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                    env=imported.env, cwd=tmp_path)
            procs.append(proc)
            if kind == "time":
                time.sleep(max(0.0, start + moment - time.monotonic()))
            else:
                wait_for(lambda: has_bytes(wal) or proc.poll() is not None, 60,  # noqa: B023 - called now
                         "the import's commit", step=0.0002)
            finished = proc.poll() is not None
            if not finished:
                proc.kill()
            proc.wait(timeout=10)
            stderr = proc.stderr.read() if proc.stderr else ""
        if finished:
            assert proc.returncode == 0, stderr

        assert integrity(db) == "ok", f"kill {k} ({kind} {moment:.2f} s)"
        referrals = scalar(db, "SELECT count(*) FROM referral")
        clients = scalar(db, "SELECT count(*) FROM client")
        events = scalar(db, "SELECT count(*) FROM audit_event WHERE source LIKE 'import:%'")
        if referrals == 0:
            assert (clients, events) == (0, 0), f"kill {k} ({kind} {moment:.2f} s) left part of the import"
            assert scalar(db, "SELECT count(*) FROM audit_event") == imported.events_prepared
            assert not finished
            outcomes.append("absent")
        else:
            assert referrals == n, f"kill {k} ({kind} {moment:.2f} s): {referrals} of {n} referrals"
            assert clients == n
            accepted, closed = query(db, "SELECT sum(decided_on IS NOT NULL), "
                                         "sum(status = 'closed') FROM referral")[0]
            assert (accepted, closed) == (n, imported.closed)
            outcomes.append("present")
        verified = run("audit", "verify", db=db)
        assert verified.exit_code == 0, (k, verified.output)
        db.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    # the kills must have hit the import while it ran, or the test proves nothing
    assert "absent" in outcomes, outcomes


# --- 3. a killed workbook export ---------------------------------------------------------------

def _check_workbook(path: Path, cases: int, closed: int) -> None:
    try:
        wb = load_workbook(path, read_only=True)
    except Exception as exc:  # noqa: BLE001 - a truncated zip, a missing part: half a workbook
        pytest.fail(f"{path.name} is not a complete workbook: {type(exc).__name__}: {exc}")
    try:
        assert set(wb.sheetnames) >= WORKBOOK_SHEETS
        rows = list(wb["Cases"].iter_rows(values_only=True))
        assert rows[0][0] == "case" and len(rows) == cases + 1
        assert len(list(wb["Outcomes"].iter_rows(values_only=True))) == closed + 1
    finally:
        wb.close()


def test_killed_report_never_leaves_half_a_workbook(imported, tmp_path):
    db = copy_db(imported.db, tmp_path / "report.db")
    out = tmp_path / "OUT.xlsx"
    temp_pattern = re.compile(r"^\.OUT\.xlsx\..*\.tmp$")

    def temps() -> list[str]:
        return [name for name in os.listdir(tmp_path) if temp_pattern.match(name)]

    # a complete run, measured
    start = time.monotonic()
    done = optima(db, "report", "--xlsx", str(out), env=imported.env)
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    _check_workbook(out, imported.n, imported.closed)
    assert temps() == []
    out.unlink()

    # kills at fixed moments (very early, then through to just past the measured end), and kills
    # triggered by the temporary workbook: as soon as it appears, and once bytes are in it
    timed = [0.01, 0.1] + [f * seconds for f in (0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1)]
    plans: list[tuple[str, float]] = [("time", t) for t in timed]
    plans += [("temp-appears", 0.0), ("temp-has-bytes", 0.0)]
    results = []
    for kind, moment in plans:
        for name in temps():
            (tmp_path / name).unlink()
        with reaped([]) as procs:
            start = time.monotonic()
            proc = subprocess.Popen(optima_cmd(db, "report", "--xlsx", str(out)),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                    env=imported.env, cwd=tmp_path)
            procs.append(proc)
            if kind == "time":
                time.sleep(max(0.0, start + moment - time.monotonic()))
            else:
                def ready(kind: str = kind, proc: subprocess.Popen[str] = proc) -> bool:
                    found = temps()
                    if kind == "temp-appears":
                        return bool(found) or proc.poll() is not None
                    return proc.poll() is not None or any(has_bytes(tmp_path / f) for f in found)
                wait_for(ready, 60, f"the temporary workbook ({kind})", step=0.0005)
            finished = proc.poll() is not None
            if not finished:
                proc.kill()
            proc.wait(timeout=10)
            stderr = proc.stderr.read() if proc.stderr else ""
        label = f"{kind} {moment:.2f} s"
        if finished:
            assert proc.returncode == 0, (label, stderr)
            assert temps() == [], f"{label}: a finished export left {temps()}"
        if out.exists():
            _check_workbook(out, imported.n, imported.closed)  # never half a workbook
            results.append("complete")
            out.unlink()
        else:
            assert not finished, f"{label}: the export finished but wrote no {out.name}"
            results.append("absent")
    assert "absent" in results, results  # the kills hit the export before it was done


# --- 4. backup while another process writes ----------------------------------------------------

LOOP_SCRIPT = r"""
import sys, time
from datetime import date, timedelta
from pathlib import Path
from optima_cli.rules.codes import Topic
from optima_cli.workflow import cases, clients
from optima_cli.workflow.clients import ClientInput
from optima_cli.workflow.context import Context

db, stop, limit = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
ctx = Context(db_path=db, user="writer")
deadline = time.monotonic() + 20
done = 0
while done < limit and time.monotonic() < deadline and not stop.exists():
    client = clients.register(ctx, ClientInput(
        name=f"Loop Person {done:03d}", birth_date=date(1965, 1, 1) + timedelta(days=done),
        institution="SD", consent_on=date(2025, 1, 6)))["client"]
    cases.refer(ctx, cases.Refer(client=client, to="RAV", topics=(Topic.PLACEMENT,), months=3,
                                 on=date(2025, 2, 3)))
    done += 1
print(done)
"""


def test_backup_while_another_process_writes(ctx, db_path, tmp_path, run):
    ctx.db.engine.dispose()
    stop = tmp_path / "stop"
    backup = tmp_path / "B.db"
    limit = 300

    def live() -> int:
        return int(scalar(db_path, "SELECT count(*) FROM referral"))

    with reaped([]) as procs:
        writer = subprocess.Popen([sys.executable, "-c", LOOP_SCRIPT, str(db_path), str(stop),
                                   str(limit)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=_env())
        procs.append(writer)
        wait_for(lambda: live() >= 5 or writer.poll() is not None, 60, "the writer's first referrals")
        assert writer.poll() is None, "the writer stopped before the backup"
        done = optima(db_path, "backup", str(backup), timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(backup)
        in_backup = int(scalar(backup, "SELECT count(*) FROM referral"))
        # the writer goes on after the backup: the backup was taken in the middle of the writing
        wait_for(lambda: live() > in_backup + 2 or writer.poll() is not None, 60,
                 "more referrals after the backup")
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert "locked" not in err.lower(), err
    final = live()
    assert final == int(out.strip())
    assert 0 < in_backup < final

    # the backup is whole and holds a state that existed
    assert integrity(backup) == "ok"
    assert query(backup, "PRAGMA foreign_key_check") == []
    assert not has_bytes(Path(f"{backup}-wal"))  # one self-contained file
    assert stat.S_IMODE(backup.stat().st_mode) & 0o077 == 0  # personal data: the owner's only
    assert [f for f in os.listdir(tmp_path) if f.endswith(".tmp")] == []
    ids = [r[0] for r in query(backup, "SELECT id FROM referral ORDER BY id")]
    assert ids == list(range(1, in_backup + 1))  # the writer's first referrals, none missing
    clients_in_backup = scalar(backup, "SELECT count(*) FROM client")
    assert clients_in_backup in (in_backup, in_backup + 1)  # at most one registered, not yet referred
    assert query(backup, "SELECT r.id FROM referral r LEFT JOIN client c ON c.id = r.client_id "
                         "WHERE c.id IS NULL") == []
    assert query(backup, "SELECT r.case_id FROM referral r WHERE NOT EXISTS (SELECT 1 FROM "
                         "audit_event e WHERE e.action = 'refer' AND e.referral_id = r.id "
                         "AND e.entity_ref = r.case_id)") == []
    assert query(backup, "SELECT c.id FROM client c WHERE NOT EXISTS (SELECT 1 FROM audit_event e "
                         "WHERE e.action = 'register' AND e.client_id = c.id)") == []
    # and it is exactly the live database's first events: the same rows as then
    live_events = query(db_path, "SELECT id, hash FROM audit_event ORDER BY id")
    backup_events = query(backup, "SELECT id, hash FROM audit_event ORDER BY id")
    assert backup_events == live_events[:len(backup_events)]

    verified = run("audit", "verify", db=backup)
    assert verified.exit_code == 0, verified.output
    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output


def test_backup_into_a_missing_folder_fails_with_one_line(ctx, db_path, tmp_path, run, snapshot):
    ctx.db.engine.dispose()
    before = snapshot()
    target = tmp_path / "nowhere" / "B.db"
    result = run("backup", str(target))
    assert result.exit_code == 1, result.output
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "nowhere" in lines[0]
    assert not target.parent.exists()
    assert snapshot() == before


@pytest.mark.sqlite_only  # a server database is never a file a backup could overwrite
@pytest.mark.parametrize("spelling", ["same", "dotdot", "symlink"])
def test_backup_onto_the_database_itself_is_refused(ctx, db_path, tmp_path, run, snapshot,
                                                    spelling):
    ctx.db.engine.dispose()
    before = snapshot()
    target = {"same": db_path, "dotdot": tmp_path / "home" / ".." / db_path.name,
              "symlink": tmp_path / "link.db"}[spelling]
    if spelling == "symlink":
        target.symlink_to(db_path)

    def files() -> list[str]:  # the -wal and -shm of the open database aside
        return sorted(f for f in os.listdir(tmp_path) if not f.endswith(("-wal", "-shm")))

    before_files = files()
    result = run("backup", str(target))
    assert result.exit_code == 1, result.output
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert snapshot() == before
    assert integrity(db_path) == "ok"
    assert files() == before_files  # no temporary copy left behind
    if spelling == "symlink":
        assert target.is_symlink() and target.resolve() == db_path.resolve()


# --- 5. a read-only database file --------------------------------------------------------------

@pytest.mark.sqlite_only  # file modes; a server's read-only role is the administrator's business
def test_read_only_database_lists_and_refuses_writes(ctx, db_path, tmp_path, snapshot):
    from optima_cli.rules.codes import Topic
    from optima_cli.workflow import cases, clients

    client = clients.register(ctx, clients.ClientInput(
        name="Lesend Lena", birth_date=date(1982, 6, 1), institution="SD",
        consent_on=date(2025, 4, 1)))["client"]
    case = cases.refer(ctx, cases.Refer(client=client, to="RAV", topics=(Topic.PLACEMENT,),
                                        months=3, on=date(2025, 4, 2))).record["case"]
    ctx.db.engine.dispose()
    os.chmod(db_path, 0o400)
    try:
        if os.access(db_path, os.W_OK):
            pytest.skip("file modes do not bind this user (root): a read-only file stays writable")
        before = snapshot()
        listed = optima(db_path, "list", "--format", "json", timeout=60)
        assert listed.returncode == 0, listed.stderr
        assert [row["case"] for row in json.loads(listed.stdout)] == [case]

        refused = optima(db_path, "register", "--name", "Neu Nora", "--birth-date", "1990-01-01",
                         "--from", "SD", timeout=60)
        assert refused.returncode == 1, (refused.stdout, refused.stderr)
        lines = error_lines(refused.stderr)
        assert len(lines) == 1, refused.stderr
        assert lines[0].startswith("error:") and "read-only" in lines[0], refused.stderr
        assert "Traceback" not in refused.stderr
        assert snapshot() == before
    finally:
        os.chmod(db_path, 0o600)
