"""Time commands in one `optima shell` process: what a line costs once the shell runs.

    python benchmarks/shell.py DB [--runs 15]

DB is an optima SQLite file (a copy: the script registers, refers and accepts in it), such as the
one benchmarks/run.py builds at 100,000 referrals. Each line runs through the shell's own Session
(cli/shell.py), in this process, its output to /dev/null; the first `show` warms the imports and
opens the database. Prints the median, the fastest and the slowest of --runs per command. Timing
on a shared machine is noisy: repeat, and say the load (uptime) beside the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from optima_cli.cli.shell import Session
    from optima_cli.store.engine import kept_open

    con = sqlite3.connect(args.db)
    case = con.execute("SELECT case_id FROM referral WHERE status='accepted' LIMIT 1").fetchone()[0]
    client = con.execute("SELECT id FROM client LIMIT 1").fetchone()[0]
    unit = con.execute("SELECT code FROM institution WHERE kind='SD' ORDER BY code").fetchone()[0]
    receiver = con.execute("SELECT code FROM institution WHERE kind='RAV' ORDER BY code").fetchone()[0]
    con.close()
    session = Session(["--db", args.db, "--user", "bench", "--lang", "en"], args.db, "bench")
    sink = open(os.devnull, "w")  # noqa: SIM115 - for the whole run

    def run(line: str) -> float:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            start = time.perf_counter()
            code = session.run(line)
            took = time.perf_counter() - start
        assert code == 0, (line, code)
        return took

    times: dict[str, list[float]] = {}
    with kept_open():
        run(f"show {case}")
        for name, line in [("show", f"show {case}"), ("show --format json", f"show {case} --format json"),
                           ("check", f"check {client} --to IV"), ("list", "list"), ("due", "due")]:
            times[name] = [run(line) for _ in range(args.runs)]
        times["refer"], times["accept"] = [], []
        for i in range(args.runs):
            run(f'register --name "Shell Bench {time.time_ns()} {i}" --birth-date 1980-01-01 '
                f"--from {unit} --consent-on 2020-01-01")
            times["refer"].append(run(f"refer . --to {receiver} --topics placement --months 3 "
                                      "--workable yes"))
            times["accept"].append(run("accept ."))
    for name, took in times.items():
        print(f"{name:20s} median {statistics.median(took) * 1000:6.1f} ms   fastest "
              f"{min(took) * 1000:6.1f}   slowest {max(took) * 1000:6.1f}   (runs {len(took)})")


if __name__ == "__main__":
    main()
