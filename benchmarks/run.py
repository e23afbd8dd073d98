"""The optima benchmark: every time a ratio to what cannot be avoided, measured in the same run.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 5] [--import-rows 10000]
                             [--python PATH] [--out FILE]

Installs optima from this checkout into a fresh virtual environment (as a user gets it; an
editable install adds an import finder to every process), builds databases of N referrals
through optima's own import (so every rule applies), times whole processes (median of --runs),
measures each command's floor in the same rounds as the command (python itself, typer+rich, sqlmodel+typer+rich, a bare
openpyxl write-only loop of the same rows) and prints a table of time, floor and ratio; --out
writes it as JSON. --python uses an interpreter that has optima installed already.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
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
    build(empty, 0, today)

    def fresh_copy(i: int) -> list[str]:
        target = work / f"import-{i}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        copy(empty, target)
        return [*optima, "--db", str(target), "import", str(source)]
    seconds = timed([], runs, env, prepare=fresh_copy)
    rate = n_rows / seconds
    return {"what": "import", "size": n_rows, "seconds": round(seconds, 2),
            "rows_per_s": round(rate), "target": f">= {IMPORT_RATE:,} rows/s",
            "met": rate >= IMPORT_RATE}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=10000, help="0 skips the import")
    parser.add_argument("--python", help="an interpreter with optima installed (default: install "
                                         "this checkout into a fresh virtual environment)")
    parser.add_argument("--out")
    args = parser.parse_args()
    began = time.perf_counter()
    sizes = [int(s) for s in args.sizes.split(",")]
    today = date.today()
    runs = args.runs
    work = Path(tempfile.mkdtemp(prefix="optima-bench-"))
    py = args.python or str(install(work))
    optima = [str(Path(py).parent / "optima")]
    env = {**os.environ, "NO_COLOR": "1", "OPTIMA_USER": "bench", "HOME": str(work),
           "XDG_DATA_HOME": str(work / "data"), "COLUMNS": "160"}
    env.pop("OPTIMA_DB", None)
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

    builds = {}
    for n in sizes:
        db = work / f"db-{n}.db"
        builds[n] = build(db, n, today)
        print(f"built {n:,} referrals in {builds[n]:.1f} s ({n / builds[n]:,.0f} rows/s)",
              file=sys.stderr)
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

        fresh = []
        for i in range(runs):
            done = subprocess.run([*base, "register", "--name", f"Fresh {n}-{i}", "--birth-date",
                                   "1980-01-01", "--from", "SD-01", "--consent-on", "2020-01-01"],
                                  env=env, capture_output=True, text=True, check=True)
            fresh.append(done.stdout.strip())

        def refer_accept(i: int, base: list[str] = base, fresh: list[str] = fresh) -> list[str]:
            script = (f"set -e; c=$({' '.join(base)} refer {fresh[i]} --to RAV-1 --topics placement "
                      f"--months 3 --workable yes); {' '.join(base)} accept $c >/dev/null")
            return ["sh", "-c", script]
        add("refer + accept (each)", n, [], prepare=refer_accept, divide=2)
        add("report --format json", n, [*base, "report", "--format", "json"])

        xlsx = work / f"report-{n}.xlsx"
        xlsx_runs = max(1, runs // 2)
        sheets: list[Any] = []

        def loop(sheets: list[Any] = sheets, xlsx: Path = xlsx) -> list[str]:
            """The bare loop of as many rows as the workbook just written."""
            sheets[:] = sheets or sheets_of(xlsx)
            return [py, "-c", FLOOR_LOOP, str(work / "floor.xlsx"), json.dumps(sheets)]
        seconds, floor_seconds = paired([*base, "report", "--xlsx", str(xlsx)], loop, xlsx_runs, env)
        case_rows = next(rows for title, rows, _ in sheets if title == "Cases") - 1
        rate, floor_rate = case_rows / seconds, case_rows / floor_seconds
        results.append({"what": "report --xlsx", "size": n, "seconds": round(seconds, 3),
                        "rows": case_rows, "rows_per_s": round(rate), "floor": "openpyxl loop",
                        "floor_seconds": round(floor_seconds, 3),
                        "floor_rows_per_s": round(floor_rate), "ratio": round(rate / floor_rate, 2),
                        "target": f">= {XLSX_SHARE:.0%} of the loop",
                        "met": rate >= XLSX_SHARE * floor_rate})

    if args.import_rows:
        results.append(time_import(optima, work, args.import_rows, today, max(1, runs // 2), env))

    report = {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                          "cpus": os.cpu_count()},
              "date": today.isoformat(), "runs": runs,
              "floors": {name: round(statistics.median(found), 4) for name, found in floors.items() if found},
              "builds": {str(k): round(v, 1) for k, v in builds.items()},
              "minutes": round((time.perf_counter() - began) / 60, 1), "results": results}
    print_table(report)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
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
    Console(width=max(Console().width, 140)).print(table)


if __name__ == "__main__":
    sys.exit(main())
