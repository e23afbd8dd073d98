"""The optima benchmark: every time a ratio to what cannot be avoided, measured in the same run.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 5] [--import-rows 10000]
                             [--python PATH] [--work DIR] [--out FILE]

Installs optima from this checkout into a fresh virtual environment (as a user gets it; an
editable install adds an import finder to every process), builds databases of N referrals
through optima's own import (so every rule applies), times whole processes (median of --runs),
measures each command's floor in the same rounds as the command (python itself, typer+rich, sqlmodel+typer+rich, a bare
openpyxl write-only loop of the same rows) and prints a table of time, floor and ratio; --out
writes it as JSON. --python uses an interpreter that has optima installed already; --work keeps
the work folder (the built databases and Taskwarrior's data are reused from it, per size and day).

Issue 21 adds, each its own rows (`Side`): optima's commands through the resident process
(a private server: XDG_RUNTIME_DIR is a folder of the benchmark), as today's process per command
(`OPTIMA_RESIDENT=0`: the rows with floors) and as the first command with no resident process
(`optima server stop` before each); the same commands in `optima shell` (lines on stdin); and
Taskwarrior's `task add`, `task N info`, `task list`, `task overdue` on as many tasks with the same
share pending and overdue (benchmarks/taskwarrior.py), timed in the same rounds. Then the issue's
targets, each with its verdict (`targets`). Rows whose optima lacks `optima server` or `optima
shell`, or whose machine lacks Taskwarrior, are left out with a note saying why.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import data  # noqa: E402  (benchmarks/data.py)
import taskwarrior  # noqa: E402  (benchmarks/taskwarrior.py)

from optima_cli.importing.rows import COLUMNS, import_rows  # noqa: E402
from optima_cli.rules.codes import Kind  # noqa: E402
from optima_cli.workflow.context import Context  # noqa: E402
from optima_cli.workflow.institutions import add_institution  # noqa: E402

# what: (floor, allowed milliseconds over it); report --xlsx and import are rates, below
TARGETS = {
    "optima --help": ("typer+rich", 30), "optima --version": ("typer+rich", 30),
    "shell completion": ("typer+rich", 30),
    "list": ("sqlmodel", 150), "due": ("sqlmodel", 150),
    "show CASE": ("sqlmodel", 60), "check": ("sqlmodel", 60), "refer + accept (each)": ("sqlmodel", 60),
    "show CASE --format json": ("sqlmodel", 60),
    "report --format json": ("sqlmodel", 1000),
}
XLSX_SHARE = 0.8  # of the bare openpyxl loop's rows per second
IMPORT_RATE = 3000  # rows per second


def timed(argv: list[str], runs: int, env: dict[str, str], prepare: Any = None) -> float:
    """Median wall time of a whole process, in seconds."""
    samples = []
    for i in range(runs):
        args = prepare(i) if prepare else argv
        start = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True, text=True)
        samples.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()[:300]}")
    return statistics.median(samples)


def _memory_kb(pid: int) -> tuple[int, int]:
    """The process's own memory now (RssAnon: neither mapped files nor shared libraries) and
    the peak of its resident set so far (VmHWM), in KiB."""
    found = {"RssAnon:": 0, "VmHWM:": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(maxsplit=1)[0] if line else ""
            if key in found:
                found[key] = int(line.split()[1])
    except OSError:
        pass
    return found["RssAnon:"], found["VmHWM:"]


def measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, memory peak (MB: the largest VmHWM seen) and own memory peak (MB: the
    largest RssAnon seen) of a whole process, looked at every 20 ms. Not the maximum resident
    set that os.wait4 reports: a child started by vfork or fork counts its parent's pages in it
    (the benchmark's own 400 MB after building 100,000 referrals in process)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    own = peak = 0
    while True:
        pid, status, _ = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        anonymous, high = _memory_kb(process.pid)
        own, peak = max(own, anonymous), max(peak, high)
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({code}): "
                         f"{process.stderr.read().decode()[-300:] if process.stderr else ''}")
    return seconds, peak / 1024, own / 1024


def paired(argv: list[str], floor: Any, runs: int, env: dict[str, str], prepare: Any = None,
           divide: int = 1) -> tuple[float, float]:
    """Median wall times of a command and of its floor, each round timing the command and then
    its floor, so that both meet the same load (a floor measured once at the start met another
    load, and a command could come out below its floor). `floor`: its command line, or a
    function giving it after the first round (the workbook's loop needs the workbook).
    `divide`: the command runs that many commands (refer + accept: 2)."""
    samples, floors = [], []
    for i in range(runs):
        samples.append(timed(prepare(i) if prepare else argv, 1, env) / divide)
        floor_argv = floor() if callable(floor) else floor
        floors.append(timed(floor_argv, 1, env))
    return statistics.median(samples), statistics.median(floors)


def install(work: Path) -> Path:
    """A fresh virtual environment with optima installed from this checkout; its python."""
    venv = work / "venv"
    print(f"installing optima into {venv} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(REPO)], check=True)
    # as users get it: compiled to bytecode (without it each command took 1.3 s, issue 21)
    subprocess.run([str(python), str(REPO / "scripts" / "check_bytecode.py")], check=True)
    return python


def build(path: Path, n: int, today: date) -> float:
    """A database of n synthetic referrals, built through optima's import; seconds taken."""
    start = time.perf_counter()
    ctx = Context(db_path=str(path), user="bench", today=today)
    for code, kind in data.UNITS:
        if code != "IV":
            add_institution(ctx, code, Kind(kind), f"Unit {code}")
    result = import_rows(ctx, "benchmark", list(enumerate(data.rows(n, today), start=2)))
    if result.errors:
        raise SystemExit(f"building failed: {result.errors[:3]}")
    ctx.db.engine.dispose()
    data.enrich(str(path), today)  # measures and follow-ups (issue 19), which the import lacks
    return time.perf_counter() - start


def copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


FLOOR_LOOP = """
import sys, json
from datetime import date
from openpyxl import Workbook
path, sheets = sys.argv[1], json.loads(sys.argv[2])
wb = Workbook(write_only=True)
for title, rows, sample in sheets:
    sample = [date.fromisoformat(v[5:]) if isinstance(v, str) and v.startswith("date:") else v
              for v in sample]
    ws = wb.create_sheet(title)
    for _ in range(rows):
        ws.append(sample)
wb.save(path)
"""


def sheets_of(workbook: Path) -> list[tuple[str, int, list[Any]]]:
    """Each sheet of a workbook: its title, how many rows it has, and one of its rows (the first
    below the header), dates encoded for the floor's command line."""
    from openpyxl import load_workbook

    wb = load_workbook(workbook, read_only=True)
    found = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        sample = list(rows[1] if len(rows) > 1 else rows[0] if rows else [])
        found.append((ws.title, len(rows), [
            f"date:{v.date().isoformat() if hasattr(v, 'date') else v.isoformat()}"
            if isinstance(v, date) else v for v in sample]))
    wb.close()
    return found


def write_import_file(path: Path, n: int, today: date) -> int:
    rows = data.rows(n, today, seed=7)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        for row in rows:
            row["external_ref"] = "I" + row["external_ref"]
            row["name"] = row["name"].replace("Person", "Imported")
            writer.writerow({k: ("" if v is None else v.isoformat() if isinstance(v, date) else
                                 ("yes" if v is True else "no" if v is False else v))
                             for k, v in row.items() if k in COLUMNS})
    return len(rows)


def time_import(optima: list[str], work: Path, n: int, today: date, runs: int,
                env: dict[str, str]) -> dict[str, Any]:
    """`optima import` of an n-row file into a database with the benchmark's units."""
    source = work / "import.csv"
    n_rows = write_import_file(source, n, today)
    empty = work / "empty.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{empty}{suffix}").unlink(missing_ok=True)
    build(empty, 0, today)
    samples, peaks, owns = [], [], []
    for i in range(runs):
        target = work / f"import-{i}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        copy(empty, target)
        seconds, peak, own = measured([*optima, "--db", str(target), "import", str(source)], env)
        samples.append(seconds)
        peaks.append(peak)
        owns.append(own)
    seconds = statistics.median(samples)
    rate = n_rows / seconds
    return {"what": "import", "size": n_rows, "seconds": round(seconds, 2),
            "rows_per_s": round(rate), "target": f">= {IMPORT_RATE:,} rows/s",
            "met": rate >= IMPORT_RATE, "peak_mb": round(max(peaks)), "own_mb": round(max(owns))}


# --- issue 21: the resident process, the shell and Taskwarrior, side by side ----------------------
ISSUE_DB_MIB = 587  # issue 21: the database of 100,000 referrals before its part C, in MiB
SHELL_MS = 30  # a command in `optima shell`, at most
SHELL_LINES = 10  # the shell is timed with 1 line and with SHELL_LINES + 1 lines of a command
MEMORY_SHARE = 1.5  # memory peak of report --xlsx and import, at most this times the loop's
REFER = ["--to", "RAV-1", "--topics", "placement", "--months", "3", "--workable", "yes"]


def run_once(argv: list[str], env: dict[str, str], stdin: str | None = None,
             codes: tuple[int, ...] = (0, 1)) -> tuple[float, str]:
    """Wall seconds and stdout of a whole process, which must exit with one of `codes` (0 or 1,
    as `timed`; 0 alone where every command must succeed)."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, input=stdin)
    seconds = time.perf_counter() - start
    if done.returncode not in codes:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return seconds, done.stdout


def step(argv: Any, env: dict[str, str], before: Any = None, after: Any = None,
         keep: list[str] | None = None, stdin: Any = None, codes: tuple[int, ...] = (0, 1)) -> Any:
    """One timed command of a round: `argv` a command line or a function of the round giving
    it, `before` and `after` run untimed around it, `keep` collects the command's stdout,
    `stdin` a function of the round giving the lines fed to it."""
    def run(i: int) -> float:
        if before:
            before()
        seconds, out = run_once(argv(i) if callable(argv) else argv, env,
                                stdin(i) if stdin else None, codes)
        if after:
            after()
        if keep is not None:
            keep.append(out.strip())
        return seconds
    return run


def in_rounds(steps: list[tuple[str, Any]], runs: int) -> dict[str, float]:
    """Median seconds of each step, all steps timed one after the other in every round, so that
    the commands compared meet the same load (as `paired`)."""
    samples: dict[str, list[float]] = {name: [] for name, _ in steps}
    for i in range(runs):
        for name, timed_step in steps:
            samples[name].append(timed_step(i))
    return {name: statistics.median(found) for name, found in samples.items()}


def server_status(optima: list[str], env: dict[str, str]) -> dict[str, Any] | None:
    """`optima server status --format json` (keys running, pid, socket, started, idle_minutes,
    commands, version), or None when this optima has no `optima server`."""
    done = subprocess.run([*optima, "server", "status", "--format", "json"], env=env,
                          capture_output=True, text=True)
    try:
        status = json.loads(done.stdout) if done.returncode in (0, 1) else None
    except ValueError:
        return None
    return status if isinstance(status, dict) and "running" in status else None


def wait_for_server(optima: list[str], env: dict[str, str], running: bool,
                    seconds: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = server_status(optima, env)
        if status and bool(status["running"]) == running:
            return status
        time.sleep(0.1)
    raise SystemExit(f"optima server did not {'start' if running else 'stop'} in {seconds:.0f} s")


def stop_server(optima: list[str], env: dict[str, str]) -> None:
    subprocess.run([*optima, "server", "stop"], env=env, capture_output=True, text=True)
    wait_for_server(optima, env, running=False)


def has_shell(optima: list[str], env: dict[str, str]) -> bool:
    return subprocess.run([*optima, "shell", "--help"], env=env, capture_output=True).returncode == 0


def registration(name: str, k: int) -> list[str]:
    """The arguments that register a new client (to be referred)."""
    birth = date(1950 + k % 50, 1 + k % 12, 1 + k % 28).isoformat()
    return ["register", "--name", name, "--birth-date", birth, "--from", "SD-01",
            "--consent-on", "2020-01-01"]


class Side:
    """What issue 21 times beside today's rows at one size: the environments of the modes, and
    what this optima and this machine have (the resident server, the shell, Taskwarrior)."""

    def __init__(self, optima: list[str], work: Path, env: dict[str, str], runs: int,
                 notes: list[str]) -> None:
        self.optima, self.work, self.runs, self.notes = optima, work, runs, notes
        for folder in ("run-resident", "run-process"):  # a runtime folder is the user's alone
            (work / folder).mkdir(exist_ok=True)
            (work / folder).chmod(0o700)
        # a private server (XDG_RUNTIME_DIR), and today's process per command
        self.resident_env = {**env, "XDG_RUNTIME_DIR": str(work / "run-resident")}
        self.resident_env.pop("OPTIMA_RESIDENT", None)
        self.process_env = {**env, "XDG_RUNTIME_DIR": str(work / "run-process"),
                            "OPTIMA_RESIDENT": "0"}
        self.lacking: dict[str, str] = {}  # what is not measured, and why
        self.resident = server_status(optima, self.resident_env) is not None
        if not self.resident:
            self.lacking["resident"] = "this optima has no `optima server`"
            notes.append("resident and first-command rows left out: this optima has no "
                         "`optima server` (issue 21, part R)")
        self.shell = has_shell(optima, self.process_env)
        if not self.shell:
            self.lacking["shell"] = "this optima has no `optima shell`"
            notes.append("shell rows left out: this optima has no `optima shell` (issue 21, "
                         "part S)")
        self.task_version = taskwarrior.version()
        if not self.task_version:
            self.lacking["task"] = f"Taskwarrior is not installed ({taskwarrior.INSTALL})"
            notes.append("Taskwarrior rows left out: `task` is not installed "
                         f"(`{taskwarrior.INSTALL}`, then run again)")
        else:
            notes.append(f"Taskwarrior {self.task_version}")

    def clients(self, base: list[str], tag: str, count: int,
                env: dict[str, str] | None = None) -> list[str]:
        """New clients (their ids): in one `optima shell` when there is one, else through the
        resident process or a process each (or `env`'s)."""
        made = [registration(f"Fresh {tag} {k}", k) for k in range(count)]
        if env is None and self.shell:
            return self.in_shell(base, made)
        env = env or (self.resident_env if self.resident else self.process_env)
        return [run_once([*base, *args], env)[1].strip() for args in made]

    def referred(self, base: list[str], tag: str, count: int) -> list[str]:
        """New referrals to decide (their case ids), of new clients."""
        made = [["refer", client, *REFER] for client in self.clients(base, tag, count)]
        if self.shell:
            return self.in_shell(base, made)
        env = self.resident_env if self.resident else self.process_env
        return [run_once([*base, *args], env)[1].strip() for args in made]

    def in_shell(self, base: list[str], commands: list[list[str]]) -> list[str]:
        """What each command printed (one id each), run untimed in one `optima shell`."""
        _, out = run_once([*base, "shell"], self.process_env,
                          "".join(f"{shlex.join(args)}\n" for args in commands), codes=(0,))
        found = out.split()
        if len(found) != len(commands):
            raise SystemExit(f"optima shell printed {out[:300]!r} for {len(commands)} commands")
        return found

    def rows(self, n: int, db: Path, pristine: Path, case: str, client: str) -> dict[str, Any]:
        """The rows of one size, on `db`: {what: seconds} (per command, by mode) and the shares
        of the Taskwarrior data, if any, built from `pristine` (the database as built)."""
        base = [*self.optima, "--db", str(db)]
        found: dict[str, Any] = {}
        tw_steps: dict[str, Any] = {}
        if self.task_version:
            built = taskwarrior.build(self.work / "taskwarrior" / f"{n}-{date.today()}",
                                      self.optima, pristine, self.process_env,
                                      self.task_version)
            found["taskwarrior_data"] = built
            folder = taskwarrior.fresh_copy(self.work / "taskwarrior" / f"{n}-{date.today()}",
                                            self.work / "taskwarrior" / f"{n}-run")
            tw_env = taskwarrior.environment(folder, self.process_env)
            tw_steps = {name: step(argv, tw_env)
                        for name, argv in taskwarrior.commands(built).items()}
        resident_runs = max(self.runs, 5)  # cheap commands: more rounds, steadier medians
        steps: list[tuple[str, Any]] = []
        renv = self.resident_env
        if self.resident:
            self.start_server(base, case)
            fresh = self.clients(base, f"{n} r", resident_runs)
            cases: list[str] = []
            steps += [("resident show", step([*base, "show", case], renv)),
                      ("resident check", step([*base, "check", client, "--to", "IV"], renv)),
                      ("resident refer", step(lambda i: [*base, "refer", fresh[i], *REFER], renv,
                                              keep=cases, codes=(0,))),
                      ("resident accept", step(lambda i: [*base, "accept", cases[i]], renv,
                                               codes=(0,))),
                      ("resident list", step([*base, "list"], renv)),
                      ("resident due", step([*base, "due"], renv)),
                      ("resident report --format json",
                       step([*base, "report", "--format", "json"], renv))]
        # Taskwarrior's commands each beside the optima command it is compared with
        for after, name in (("resident show", "task N info"), ("resident refer", "task add"),
                            ("resident list", "task list"), ("resident due", "task overdue")):
            if name in tw_steps:
                at = next((k + 1 for k, (s, _) in enumerate(steps) if s == after), len(steps))
                steps.insert(at, (name, tw_steps[name]))
        if steps:
            found.update(in_rounds(steps, resident_runs))
        if self.resident:
            found.update(self.first_commands(base, case))
        if self.shell:
            found.update(self.shell_rows(base, db, n, case, client))
        if self.resident:  # none runs beside the rows that follow
            stop_server(self.optima, self.resident_env)
        return found

    def start_server(self, base: list[str], case: str) -> None:
        """The first command starts the server; then one more, so that it has the database open."""
        run_once([*base, "show", case], self.resident_env)
        wait_for_server(self.optima, self.resident_env, running=True)
        run_once([*base, "show", case], self.resident_env)

    def first_commands(self, base: list[str], case: str) -> dict[str, float]:
        """The first command with no resident process (the launcher runs it itself and starts
        a server), each round beside the same command with OPTIMA_RESIDENT=0."""
        def stop() -> None:
            stop_server(self.optima, self.resident_env)

        def settle() -> None:
            """Wait for the server the launcher started, then stop it: one still starting
            would compete with the next command, and answer the next `first` one."""
            try:
                wait_for_server(self.optima, self.resident_env, running=True, seconds=30)
            except SystemExit:
                self.notes.append("a first command started no server within 30 s")
            stop()
        steps: list[tuple[str, Any]] = []
        for what, args in (("show", ["show", case]), ("list", ["list"])):
            steps += [(f"first {what}", step([*base, *args], self.resident_env, before=stop,
                                             after=settle)),
                      (f"process {what}", step([*base, *args], self.process_env))]
        found = in_rounds(steps, self.runs)
        stop()
        return found

    def shell_rows(self, base: list[str], db: Path, n: int, case: str,
                   client: str) -> dict[str, float]:
        """Each command in `optima shell`, lines on stdin: the shell timed with 1 line and with
        SHELL_LINES + 1, the difference over SHELL_LINES is one command in the shell."""
        env = {**(self.resident_env if self.resident else self.process_env), "OPTIMA_DB": str(db)}
        if self.resident:  # a server already running, as for the resident rows
            self.start_server(base, case)
        shell = [*self.optima, "shell"]
        lines = SHELL_LINES + 1

        def fixed(args: list[str]) -> Any:
            return lambda count: (lambda i: f"{shlex.join(args)}\n" * count)

        makers: dict[str, Any] = {"show": fixed(["show", case]),
                                  "check": fixed(["check", client, "--to", "IV"]),
                                  "list": fixed(["list"]), "due": fixed(["due"])}
        # the clients and referrals that refer and accept need, made beforehand (untimed)
        fresh = [self.clients(base, f"{n} s{i}", 1 + lines) for i in range(self.runs)]
        waiting = [self.referred(base, f"{n} a{i}", 1 + lines) for i in range(self.runs)]

        def lines_of(per_round: list[list[str]], args: Any) -> Any:
            """1 line: the round's first item; more: the next ones (each used once)."""
            def make(count: int) -> Any:
                return lambda i: "".join(
                    f"{shlex.join(args(c))}\n"
                    for c in (per_round[i][:1] if count == 1 else per_round[i][1:1 + count]))
            return make
        makers.update(refer=lines_of(fresh, lambda c: ["refer", c, *REFER]),
                      accept=lines_of(waiting, lambda c: ["accept", c]))
        steps: list[tuple[str, Any]] = []
        for what, make in makers.items():
            codes = (0,) if what in ("refer", "accept") else (0, 1)  # each one must succeed
            steps += [(f"shell {what} x1", step(shell, env, stdin=make(1), codes=codes)),
                      (f"shell {what} x{lines}", step(shell, env, stdin=make(lines),
                                                      codes=codes))]
        found = in_rounds(steps, self.runs)
        return {f"shell {what}": (found[f"shell {what} x{lines}"] - found[f"shell {what} x1"])
                / SHELL_LINES for what in makers}


def verdict(target: str, figures: str, met: bool | None) -> dict[str, Any]:
    return {"target": target, "figures": figures, "met": met}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def targets(n: int, side: dict[str, Any], sizes: dict[int, float], streamed: dict[str, Any],
            lacking: dict[str, str]) -> list[dict[str, Any]]:
    """Issue 21's targets at size n, each with its verdict (met None: not measured, and why)."""
    found = []
    missing = "not measured: the import runs once (--import-rows), beside the largest size"
    beside_task = "not measured: " + (lacking.get("resident") or lacking.get("task") or "?")
    for what in ("show", "check", "refer", "accept"):
        mine, theirs = side.get(f"resident {what}"), side.get("task N info")
        found.append(verdict(f"`{what}` through the resident process below `task N info`",
                             f"{ms(mine)} against {ms(theirs)}" if mine and theirs else beside_task,
                             mine < theirs if mine and theirs else None))
    mine, theirs = side.get("resident refer"), side.get("task add")
    found.append(verdict("`refer` within 1.2 x `task add`",
                         f"{ms(mine)} against 1.2 x {ms(theirs)}" if mine and theirs
                         else beside_task,
                         mine <= 1.2 * theirs if mine and theirs else None))
    for what, task in (("list", "task list"), ("due", "task overdue")):
        mine, theirs = side.get(f"resident {what}"), side.get(task)
        found.append(verdict(f"`{what}` below `{task}`",
                             f"{ms(mine)} against {ms(theirs)}" if mine and theirs else beside_task,
                             mine < theirs if mine and theirs else None))
    for what in ("show", "check", "refer", "accept", "list", "due"):
        mine = side.get(f"shell {what}")
        found.append(verdict(f"`{what}` in `optima shell` at most {SHELL_MS} ms",
                             ms(mine) if mine is not None
                             else f"not measured: {lacking.get('shell') or lacking.get('resident')}",
                             mine * 1000 <= SHELL_MS if mine is not None else None))
    for what in ("show", "list"):
        mine, today = side.get(f"first {what}"), side.get(f"process {what}")
        found.append(verdict(f"first `{what}` with no resident process no slower than "
                             "OPTIMA_RESIDENT=0",
                             f"{ms(mine)} against {ms(today)}" if mine and today
                             else f"not measured: {lacking.get('resident', '?')}",
                             mine <= today if mine and today else None))
    size, limit = sizes.get(n), ISSUE_DB_MIB / 2
    found.append(verdict(f"database at most half of {ISSUE_DB_MIB} MiB (at 100,000 referrals)",
                         f"{size:,.1f} MiB" + (f" against {limit:,.1f} MiB" if n == 100_000 else
                                                " (the target is at 100,000)") if size else missing,
                         size <= limit if size and n == 100_000 else None))
    for what in ("report --xlsx", "import"):
        row = streamed.get(what)
        if not row or "own_mb" not in row:
            found.append(verdict(f"`{what}` memory peak at most {MEMORY_SHARE} x the loop's",
                                 missing, None))
            continue
        found.append(verdict(f"`{what}` memory peak at most {MEMORY_SHARE} x the loop's",
                             f"own {row['own_mb']} MB (resident set {row['peak_mb']} MB) against "
                             f"the loop's own {row['loop_own_mb']} MB",
                             row["own_mb"] <= MEMORY_SHARE * row["loop_own_mb"]))
    row = streamed.get("report --xlsx")
    found.append(verdict(f"`report --xlsx` at least {XLSX_SHARE:.0%} of the bare loop",
                         f"{row['ratio']:.0%} of the loop" if row else missing,
                         row["met"] if row else None))
    row = streamed.get("import")
    found.append(verdict(f"`import` at least {IMPORT_RATE:,} rows/s",
                         f"{row['rows_per_s']:,} rows/s" if row else missing,
                         row["met"] if row else None))
    for row in found:
        row["size"] = n
    return found


def built(work: Path, n: int, today: date, keep: bool) -> tuple[Path, float | None]:
    """A database of n referrals to time commands on (a copy of the built one, which a kept
    work folder holds per size and day); the seconds the build took, None when reused."""
    pristine, db = work / f"db-{n}-{today}.db", work / f"db-{n}.db"
    seconds = None
    if not (keep and pristine.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{pristine}{suffix}").unlink(missing_ok=True)
        seconds = build(pristine, n, today)
        print(f"built {n:,} referrals in {seconds:.1f} s ({n / seconds:,.0f} rows/s)",
              file=sys.stderr)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    copy(pristine, db)
    return db, seconds


def mib(path: Path) -> float:
    """The size of a SQLite database, with its write-ahead log, in MiB."""
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal")
               if Path(f"{path}{s}").exists()) / 2 ** 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=10000, help="0 skips the import")
    parser.add_argument("--python", help="an interpreter with optima installed (default: install "
                                         "this checkout into a fresh virtual environment)")
    parser.add_argument("--work", help="a work folder to keep (default: a temporary one, removed)")
    parser.add_argument("--out")
    args = parser.parse_args()
    began = time.perf_counter()
    sizes = [int(s) for s in args.sizes.split(",")]
    today = date.today()
    runs = args.runs
    work = Path(args.work or tempfile.mkdtemp(prefix="optima-bench-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out).resolve() if args.out else None
    py = str(Path(args.python).absolute()) if args.python else str(install(work))
    # every command runs in the work folder: run from a checkout, `python -m` (the resident
    # server's start) would import the checkout's optima_cli instead of the installed one
    os.chdir(work)
    optima = [str(Path(py).parent / "optima")]
    notes: list[str] = []
    side = Side(optima, work, {**os.environ, "NO_COLOR": "1", "OPTIMA_USER": "bench",
                               "HOME": str(work), "XDG_DATA_HOME": str(work / "data"),
                               "COLUMNS": "160"}, runs, notes)
    env = side.process_env  # today's rows: a process per command (OPTIMA_RESIDENT=0)
    env.pop("OPTIMA_DB", None)
    side.resident_env.pop("OPTIMA_DB", None)
    floor_commands = {
        "python": [py, "-c", "pass"],
        "typer+rich": [py, "-c", "import typer, rich"],
        "sqlmodel": [py, "-c", "import sqlmodel, typer, rich"],
    }
    floors: dict[str, list[float]] = {name: [] for name in floor_commands}  # each pair's, for the JSON
    results: list[dict[str, Any]] = []

    def add(what: str, size: int | None, argv: list[str], prepare: Any = None, divide: int = 1,
            environment: dict[str, str] = env) -> None:
        """Time a command paired with its floor, round by round (`paired`)."""
        floor, limit_ms = TARGETS[what]
        seconds, base = paired(argv, floor_commands[floor], runs, environment, prepare, divide)
        floors[floor].append(base)
        over = (seconds - base) * 1000
        results.append({"what": what, "size": size, "seconds": round(seconds, 4),
                        "floor": floor, "floor_seconds": round(base, 4),
                        "over_floor_ms": round(over, 1), "ratio": round(seconds / base, 2),
                        "target": f"+{limit_ms} ms", "met": over <= limit_ms})

    add("optima --help", None, [*optima, "--help"])
    add("optima --version", None, [*optima, "--version"])
    completing = {**env, "_OPTIMA_COMPLETE": "complete_bash", "COMP_WORDS": "optima li",
                  "COMP_CWORD": "1"}
    add("shell completion", None, optima, environment=completing)

    builds: dict[int, float | None] = {}
    database_mib: dict[int, float] = {}
    beside: dict[int, dict[str, Any]] = {}
    streamed: dict[int, dict[str, Any]] = {}
    for n in sizes:
        db, builds[n] = built(work, n, today, keep=bool(args.work))
        database_mib[n] = mib(work / f"db-{n}-{today}.db")
        con = sqlite3.connect(db)
        case = con.execute("SELECT case_id FROM referral WHERE status='accepted' LIMIT 1").fetchone()[0]
        client = con.execute("SELECT id FROM client LIMIT 1").fetchone()[0]
        con.close()
        base = [*optima, "--db", str(db)]
        add("list", n, [*base, "list"])
        add("due", n, [*base, "due"])
        add("show CASE", n, [*base, "show", case])
        add("show CASE --format json", n, [*base, "show", case, "--format", "json"])
        add("check", n, [*base, "check", str(client), "--to", "IV"])

        fresh = side.clients(base, str(n), runs, env)  # no server starting beside these rows

        def refer_accept(i: int, base: list[str] = base, fresh: list[str] = fresh) -> list[str]:
            script = (f"set -e; c=$({' '.join(base)} refer {fresh[i]} --to RAV-1 --topics placement "
                      f"--months 3 --workable yes); {' '.join(base)} accept $c >/dev/null")
            return ["sh", "-c", script]
        add("refer + accept (each)", n, [], prepare=refer_accept, divide=2)
        add("report --format json", n, [*base, "report", "--format", "json"])

        beside[n] = side.rows(n, db, work / f"db-{n}-{today}.db", case, str(client))

        xlsx = work / f"report-{n}.xlsx"
        samples: dict[str, list[float]] = {k: [] for k in ("s", "peak", "own", "loop_s",
                                                           "loop_peak", "loop_own")}
        sheets: list[Any] = []
        for _ in range(max(1, runs // 2)):  # each round the report, then the bare loop
            for key, value in zip(("s", "peak", "own"), measured(
                    [*base, "report", "--xlsx", str(xlsx)], env), strict=True):
                samples[key].append(value)
            sheets[:] = sheets or sheets_of(xlsx)
            for key, value in zip(("loop_s", "loop_peak", "loop_own"), measured(
                    [py, "-c", FLOOR_LOOP, str(work / "floor.xlsx"), json.dumps(sheets)], env),
                    strict=True):
                samples[key].append(value)
        seconds, floor_seconds = statistics.median(samples["s"]), statistics.median(samples["loop_s"])
        case_rows = next(rows for title, rows, _ in sheets if title == "Cases") - 1
        rate, floor_rate = case_rows / seconds, case_rows / floor_seconds
        streamed[n] = {"what": "report --xlsx", "size": n, "seconds": round(seconds, 3),
                       "rows": case_rows, "rows_per_s": round(rate), "floor": "openpyxl loop",
                       "floor_seconds": round(floor_seconds, 3),
                       "floor_rows_per_s": round(floor_rate), "ratio": round(rate / floor_rate, 2),
                       "target": f">= {XLSX_SHARE:.0%} of the loop",
                       "met": rate >= XLSX_SHARE * floor_rate,
                       "peak_mb": round(max(samples["peak"])), "own_mb": round(max(samples["own"])),
                       "loop_peak_mb": round(max(samples["loop_peak"])),
                       "loop_own_mb": round(max(samples["loop_own"]))}
        results.append(streamed[n])

    imported = None
    if args.import_rows:
        imported = time_import(optima, work, args.import_rows, today, max(1, runs // 2), env)
        imported["loop_own_mb"] = streamed[sizes[-1]]["loop_own_mb"]  # the report's loop
        results.append(imported)
    verdicts = []
    for n in sizes:
        verdicts += targets(n, beside[n], database_mib, {
            "report --xlsx": streamed[n], **({"import": imported} if imported and n == sizes[-1]
                                             else {})}, side.lacking)

    report = {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                          "cpus": os.cpu_count()},
              "date": today.isoformat(), "runs": runs,
              "floors": {name: round(statistics.median(found), 4) for name, found in floors.items() if found},
              "builds": {str(k): round(v, 1) for k, v in builds.items() if v is not None},
              "database_mib": {str(k): round(v, 1) for k, v in database_mib.items()},
              "minutes": round((time.perf_counter() - began) / 60, 1), "results": results,
              "beside": {str(k): {what: round(v, 4) if isinstance(v, float) else v
                                  for what, v in found.items()} for k, found in beside.items()},
              "targets": verdicts, "notes": notes}
    print_table(report)
    if out:
        out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if side.resident:
        stop_server(optima, side.resident_env)
    os.chdir(REPO)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def print_table(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"optima benchmark, {report['date']}, median of {report['runs']} runs, "
                        f"{report['minutes']} minutes in all")
    for column in ("what", "size", "time", "floor", "over floor / ratio", "target", "met"):
        table.add_column(column)
    for r in report["results"]:
        size = f"{r['size']:,}" if r["size"] else ""
        if "rows_per_s" in r:
            time_text = f"{r['seconds']:.2f} s, {r['rows_per_s']:,} rows/s"
            floor_text = (f"{r['floor']} {r['floor_rows_per_s']:,} rows/s"
                          if "floor_rows_per_s" in r else "")
            over = f"{r['ratio']:.0%} of the loop" if "ratio" in r else ""
        else:
            time_text = f"{r['seconds'] * 1000:.0f} ms"
            floor_text = f"{r['floor']} {r['floor_seconds'] * 1000:.0f} ms"  # of the same rounds
            over = f"+{r['over_floor_ms']:.0f} ms (x{r['ratio']})"
        table.add_row(r["what"], size, time_text, floor_text, over, r["target"],
                      "yes" if r["met"] else "NO")
    console = Console(width=max(Console().width, 140))
    console.print(table)
    beside = Table(title="issue 21: the resident process, the first command, the shell, "
                         "Taskwarrior (same rounds)")
    for column in ("what", "size", "time"):
        beside.add_column(column)
    for size, found in report["beside"].items():
        for what, value in found.items():
            if isinstance(value, float):
                beside.add_row(what, f"{int(size):,}", f"{value * 1000:.1f} ms")
        if "taskwarrior_data" in found:
            beside.add_row("Taskwarrior's data", f"{int(size):,}", ", ".join(
                f"{v:,} {k}" for k, v in found["taskwarrior_data"].items()))
    console.print(beside)
    verdicts = Table(title="issue 21's targets")
    for column in ("target", "size", "figures", "met"):
        verdicts.add_column(column)
    for row in report["targets"]:
        verdicts.add_row(row["target"], f"{row['size']:,}", row["figures"],
                         "-" if row["met"] is None else "yes" if row["met"] else "NO")
    console.print(verdicts)
    for note in report["notes"]:
        console.print(f"note: {note}")


if __name__ == "__main__":
    sys.exit(main())
