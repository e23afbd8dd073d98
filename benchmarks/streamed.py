"""Time and memory peak of `report --xlsx` and `import` against the bare openpyxl loop (issue 21).

    python benchmarks/streamed.py [--size 100000] [--runs 2] [--optima PATH] [--work DIR]

Builds (once, kept in --work) a database of --size referrals and an import file of as many rows
(benchmarks/run.py's `build` and `write_import_file`), then, --runs times: `optima report --xlsx`,
the bare write-only openpyxl loop writing as many rows of the same values to as many sheets
(run.py's FLOOR_LOOP, in the same round, right after), and `optima import` into a copy of an
empty database. Each is a whole process; its memory peak is the largest VmHWM (the peak of its
resident set) and its own memory peak the largest RssAnon seen in /proc/PID/status, looked at
every 20 ms (run.measured). The resident set of a process that reads a SQLite file also
counts the pages of the file it has mapped and read (store/engine.py MMAP_BYTES): the system's
file cache, shared and given back under pressure, not memory the process holds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (benchmarks/run.py)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--optima", default=str(Path(sys.executable).parent / "optima"))
    parser.add_argument("--work", default="/tmp/optima-streamed")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(exist_ok=True)
    today = date.today()
    db, source, empty = work / f"db-{args.size}.db", work / f"import-{args.size}.csv", work / "empty.db"
    if not db.exists():
        run.build(db, args.size, today)
        run.write_import_file(source, args.size, today)
        run.build(empty, 0, today)
    python = str(Path(args.optima).parent / "python")
    env = {**os.environ, "NO_COLOR": "1", "OPTIMA_USER": "bench", "HOME": str(work),
           "XDG_DATA_HOME": str(work / "data"), "OPTIMA_RESIDENT": "0"}
    env.pop("OPTIMA_DB", None)
    results = []
    for _ in range(args.runs):
        xlsx = work / "report.xlsx"
        seconds, peak, own = run.measured([args.optima, "--db", str(db), "report", "--xlsx", str(xlsx)],
                                      env)
        sheets = run.sheets_of(xlsx)
        floor, floor_peak, floor_own = run.measured([python, "-c", run.FLOOR_LOOP,
                                                 str(work / "floor.xlsx"), json.dumps(sheets)], env)
        target = work / "import.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        run.copy(empty, target)
        imported, import_peak, import_own = run.measured(
            [args.optima, "--db", str(target), "import", str(source)], env)
        results.append({"report_xlsx_s": round(seconds, 2), "report_xlsx_mb": round(peak),
                        "report_xlsx_own_mb": round(own), "loop_s": round(floor, 2),
                        "loop_mb": round(floor_peak), "loop_own_mb": round(floor_own),
                        "share_of_loop": round(floor / seconds, 2),
                        "import_s": round(imported, 2), "import_mb": round(import_peak),
                        "import_own_mb": round(import_own)})
        print(json.dumps(results[-1]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
