"""The optima benchmark: every time a ratio to what cannot be avoided, measured in the same run.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 5] [--out FILE]

Builds databases of N referrals through optima's own import (so every rule applies), times whole
processes (median of --runs), measures the floors (python itself, typer+rich, sqlmodel, a bare
openpyxl write-only loop) and prints a table of time, floor and ratio; --out writes it as JSON.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import data  # noqa: E402  (benchmarks/data.py)

from optima_cli.workflow.context import Context  # noqa: E402
from optima_cli.workflow.importer import COLUMNS, import_rows  # noqa: E402
from optima_cli.workflow.institutions import add_institution  # noqa: E402
from optima_cli.rules.codes import Kind  # noqa: E402

OPTIMA = [shutil.which("optima") or sys.executable, *([] if shutil.which("optima") else ["-m", "optima_cli"])]


def timed(argv: list[str], runs: int, env: dict[str, str], prepare=None) -> float:
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


def build(path: Path, n: int, today: date) -> float:
    start = time.perf_counter()
    ctx = Context(db_path=str(path), user="bench", today=today)
    for code, kind in data.UNITS:
        if code not in ("IV",):
            add_institution(ctx, code, Kind(kind), f"Unit {code}")
    result = import_rows(ctx, "benchmark", list(enumerate(data.rows(n, today), start=2)))
    if result.errors:
        raise SystemExit(f"building failed: {result.errors[:3]}")
    ctx.db.engine.dispose()
    return time.perf_counter() - start


def copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


def openpyxl_floor(rows: int, columns: int) -> float:
    """A bare write-only openpyxl loop of the same shape as the Cases sheet: rows per second."""
    from openpyxl import Workbook

    sample = ["OPT-2020-0001", "C-0001", "closed", "RAV-1", "SD-01", "finances", 3, "synthetic",
              date(2020, 1, 1)] + [date(2020, 2, 1), "x"] * ((columns - 9) // 2 + 1)
    sample = sample[:columns]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Cases")
        for _ in range(rows):
            ws.append(sample)
        wb.save(Path(tmp) / "floor.xlsx")
        return rows / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=10000)
    parser.add_argument("--out")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    today = date.today()
    runs = args.runs
    work = Path(tempfile.mkdtemp(prefix="optima-bench-"))
    env = {**os.environ, "NO_COLOR": "1", "OPTIMA_USER": "bench", "HOME": str(work),
           "XDG_DATA_HOME": str(work / "data"), "COLUMNS": "160"}
    env.pop("OPTIMA_DB", None)
    py = sys.executable
    floors = {
        "python": timed([py, "-c", "pass"], runs, env),
        "typer+rich": timed([py, "-c", "import typer, rich"], runs, env),
        "sqlmodel": timed([py, "-c", "import sqlmodel, typer, rich"], runs, env),
    }
    results: list[dict] = []

    def add(what: str, size: int | None, seconds: float, floor: str, target: str, limit: float) -> None:
        base = floors[floor]
        results.append({"what": what, "size": size, "seconds": round(seconds, 4),
                        "floor": floor, "floor_seconds": round(base, 4),
                        "over_floor_ms": round((seconds - base) * 1000, 1),
                        "ratio": round(seconds / base, 2), "target": target,
                        "met": (seconds - base) <= limit})

    add("optima --help", None, timed([*OPTIMA, "--help"], runs, env), "typer+rich", "+30 ms", 0.030)
    add("optima --version", None, timed([*OPTIMA, "--version"], runs, env), "typer+rich", "+30 ms", 0.030)
    builds = {}
    for n in sizes:
        db = work / f"db-{n}.db"
        builds[n] = build(db, n, today)
        print(f"built {n} referrals in {builds[n]:.1f} s ({n / builds[n]:.0f} rows/s)", file=sys.stderr)
        con = sqlite3.connect(db)
        case = con.execute("SELECT case_id FROM referral WHERE status='accepted' LIMIT 1").fetchone()[0]
        client = con.execute("SELECT id FROM client LIMIT 1").fetchone()[0]
        con.close()
        base = [*OPTIMA, "--db", str(db)]
        add("list", n, timed([*base, "list"], runs, env), "sqlmodel", "+150 ms", 0.150)
        add("due", n, timed([*base, "due"], runs, env), "sqlmodel", "+150 ms", 0.150)
        add("show CASE", n, timed([*base, "show", case], runs, env), "sqlmodel", "+60 ms", 0.060)
        add("check", n, timed([*base, "check", str(client), "--to", "IV"], runs, env), "sqlmodel", "+60 ms", 0.060)

        fresh = []
        for i in range(runs):
            done = subprocess.run([*base, "register", "--name", f"Fresh {n}-{i}", "--birth-date",
                                   "1980-01-01", "--from", "SD-01", "--consent-on", "2020-01-01"],
                                  env=env, capture_output=True, text=True)
            fresh.append(done.stdout.strip())

        def refer_accept(i: int) -> list[str]:
            script = (f"set -e; c=$({' '.join(base)} refer {fresh[i]} --to RAV-1 --topics placement "
                      f"--months 3); {' '.join(base)} accept $c >/dev/null")
            return ["sh", "-c", script]
        pair = timed([], runs, env, prepare=refer_accept)
        add("refer + accept (each)", n, pair / 2, "sqlmodel", "+60 ms", 0.060)
        add("report --format json", n, timed([*base, "report", "--format", "json"], runs, env),
            "sqlmodel", "+1 s", 1.0)
        xlsx = work / f"report-{n}.xlsx"
        seconds = timed([*base, "report", "--xlsx", str(xlsx)], max(1, runs // 2), env)
        from openpyxl import load_workbook
        wb = load_workbook(xlsx, read_only=True)
        sheet_rows = wb["Cases"].iter_rows(values_only=True)
        columns = len(next(sheet_rows))
        case_rows = sum(1 for _ in sheet_rows)
        wb.close()
        floor_rate = openpyxl_floor(case_rows, columns)
        rate = case_rows / max(seconds - floors["sqlmodel"], 1e-6)
        results.append({"what": "report --xlsx (rows/s)", "size": n, "seconds": round(seconds, 3),
                        "rows": case_rows, "rows_per_s": round(rate), "floor": "openpyxl loop",
                        "floor_rows_per_s": round(floor_rate), "ratio": round(rate / floor_rate, 2),
                        "target": ">= 80 % of the loop", "met": rate >= 0.8 * floor_rate})

    # import of a file of --import-rows rows into a fresh database
    rows = data.rows(args.import_rows, today, seed=7)
    for row in rows:
        row["external_ref"] = "I" + row["external_ref"]
        row["name"] = row["name"].replace("Person", "Imported")
    source = work / "import.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v.isoformat() if isinstance(v, date) else
                                 ("yes" if v is True else "no" if v is False else v))
                             for k, v in row.items() if k in COLUMNS})
    empty = work / "empty.db"
    build(empty, 0, today)

    def fresh_copy(i: int) -> list[str]:
        target = work / f"import-{i}.db"
        target.unlink(missing_ok=True)
        copy(empty, target)
        return [*OPTIMA, "--db", str(target), "import", str(source)]
    seconds = timed([], max(1, runs // 2), env, prepare=fresh_copy)
    rate = len(rows) / seconds
    results.append({"what": "import (rows/s)", "size": len(rows), "seconds": round(seconds, 2),
                    "rows_per_s": round(rate), "target": ">= 3000 rows/s", "met": rate >= 3000})

    report = {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                          "cpus": os.cpu_count()},
              "date": today.isoformat(), "runs": runs, "floors": floors,
              "builds": {str(k): round(v, 1) for k, v in builds.items()}, "results": results}
    print_table(report)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def print_table(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    floors = report["floors"]
    table = Table(title=f"optima benchmark, {report['date']}, median of {report['runs']} runs")
    for column in ("what", "size", "time", "floor", "over floor / ratio", "target", "met"):
        table.add_column(column)
    for r in report["results"]:
        if "rows_per_s" in r:
            time_text = f"{r['seconds']:.2f} s, {r['rows_per_s']} rows/s"
            floor_text = (f"{r['floor']} {r['floor_rows_per_s']} rows/s" if "floor_rows_per_s" in r else "")
            over = f"x{r['ratio']}" if "ratio" in r else ""
        else:
            time_text = f"{r['seconds'] * 1000:.0f} ms"
            floor_text = f"{r['floor']} {floors[r['floor']] * 1000:.0f} ms"
            over = f"+{r['over_floor_ms']:.0f} ms (x{r['ratio']})"
        table.add_row(r["what"], str(r["size"] or ""), time_text, floor_text, over, r["target"],
                      "yes" if r["met"] else "NO")
    Console(width=max(Console().width, 140)).print(table)


if __name__ == "__main__":
    sys.exit(main())
