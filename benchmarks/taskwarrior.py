"""Taskwarrior beside optima (issue 21): the same share of open and overdue items, timed in the
same rounds as optima's commands by benchmarks/run.py.

Taskwarrior 2.6 keeps its tasks as lines of `[name:"value" ...]` in pending.data (the pending
ones, numbered in file order) and completed.data (the rest). `build` writes those two files
directly from an optima database of N referrals (`task import` of 100,000 tasks takes minutes),
one task per referral:
- each open case (`optima list --limit 0 --format json`: referred or accepted) is a pending task
  due at the end of its deadline's day, so that `task +OVERDUE` holds exactly optima's overdue
  cases (a task due earlier today already counts as overdue in Taskwarrior; an optima deadline of
  today does not);
- every other referral is a completed task, entered on its referral day and ended on the day it
  was decided, withdrawn or closed.
Then `task count` checks the three shares (pending, overdue, completed) against optima's, and the
data is kept per size and day in the benchmark's work folder, to be copied for each run (`task
add` changes it).

The private TASKRC (`RC`) sets only what keeps Taskwarrior quiet and private:
- data.location: the private folder (TASKDATA is set as well);
- confirmation=off: no command may stop to ask;
- hooks=off: no hook script of the machine's user runs;
- news.version: the installed version, so that no "run task news" nag is printed;
- defaultwidth=160: output is captured (not a terminal), and optima's runs get COLUMNS=160;
- gc=on (the default, written out): garbage collection moves completed and deleted tasks out of
  pending.data and renumbers; the data is written already collected (only pending tasks in
  pending.data), and `task add` adds pending tasks, so no timed command collects anything and the
  ids stay those of the build.
Everything else (recurrence, locking, urgency, reports) is Taskwarrior's default.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

INSTALL = "apt-get install taskwarrior"

RC = """\
data.location={data}
confirmation=off
hooks=off
news.version={version}
defaultwidth=160
gc=on
"""


def version() -> str | None:
    """The installed Taskwarrior's version, or None when `task` is missing."""
    if not shutil.which("task"):
        return None
    done = subprocess.run(["task", "--version"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def environment(folder: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment for Taskwarrior commands on the data in `folder`."""
    return {**env, "TASKRC": str(folder / "taskrc"), "TASKDATA": str(folder / "data")}


def _epoch(day: date, end_of_day: bool = False) -> int:
    """Seconds since 1970 of the day's local midnight (or its last second)."""
    moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, datetime.min.time())
    return int(time.mktime(moment.timetuple())) - (1 if end_of_day else 0)


def _line(fields: dict[str, Any]) -> str:
    """One task in Taskwarrior 2.6's file format (FF4); the values here need no escaping."""
    return "[" + " ".join(f'{k}:"{v}"' for k, v in sorted(fields.items())) + "]\n"


def shares(optima: list[str], db: Path, env: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    """optima's open cases as `list` gives them (with deadline and flag), and how many referrals
    the database holds."""
    done = subprocess.run([*optima, "--db", str(db), "list", "--limit", "0", "--format", "json"],
                          env=env, capture_output=True, text=True, check=True)
    opened = json.loads(done.stdout)
    con = sqlite3.connect(db)
    total = con.execute("SELECT count(*) FROM referral").fetchone()[0]
    con.close()
    return opened, total


def _count(folder: Path, env: dict[str, str], *filters: str) -> int:
    done = subprocess.run(["task", *filters, "count"], env=environment(folder, env),
                          capture_output=True, text=True, check=True)
    return int(done.stdout.strip())


def build(folder: Path, optima: list[str], db: Path, env: dict[str, str],
          tw_version: str) -> dict[str, int]:
    """Taskwarrior data in `folder` mirroring the optima database at `db`, kept there (with
    `built.json`) and reused when it is there already; the shares it holds."""
    stamp = folder / "built.json"
    if stamp.exists():
        return dict(json.loads(stamp.read_text()))
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    (folder / "taskrc").write_text(RC.format(data=folder / "data", version=tw_version))
    opened, total = shares(optima, db, env)
    open_ids = {case["case"] for case in opened}
    rng = random.Random(21)  # the same uuids every time
    with (folder / "data" / "pending.data").open("w") as f:
        for case in opened:
            entry = _epoch(date.fromisoformat(case["referred_on"]))
            f.write(_line({
                "description": f"{case['case']} {case['client']} {case['referrer']} to "
                               f"{case['receiver']} {' '.join(case['topics'])}",
                "due": _epoch(date.fromisoformat(case["deadline"]), end_of_day=True),
                "entry": entry, "modified": entry, "status": "pending",
                "uuid": uuid.UUID(int=rng.getrandbits(128), version=4)}))
    con = sqlite3.connect(db)
    rows = con.execute("SELECT r.case_id, r.referred_on, coalesce(r.closed_on, r.withdrawn_on, "
                       "r.decided_on, r.referred_on), c.id, a.code, b.code FROM referral r "
                       "JOIN client c ON c.id = r.client_id JOIN institution a ON a.id = "
                       "r.referrer_id JOIN institution b ON b.id = r.receiver_id ORDER BY r.id")
    completed = 0
    with (folder / "data" / "completed.data").open("w") as f:
        for case, referred, ended, client, referrer, receiver in rows:
            if case in open_ids:
                continue
            completed += 1
            entry, end = _epoch(date.fromisoformat(referred)), _epoch(date.fromisoformat(ended))
            f.write(_line({"description": f"{case} C-{client} {referrer} to {receiver}",
                           "end": end, "entry": entry, "modified": end, "status": "completed",
                           "uuid": uuid.UUID(int=rng.getrandbits(128), version=4)}))
    con.close()
    found = {"pending": len(opened), "overdue": sum(c["flag"] == "overdue" for c in opened),
             "completed": completed, "referrals": total}
    counted = {"pending": _count(folder, env, "status:pending"),
               "overdue": _count(folder, env, "status:pending", "+OVERDUE"),
               "completed": _count(folder, env, "status:completed")}
    for key, value in counted.items():
        if value != found[key]:
            raise SystemExit(f"Taskwarrior's data in {folder} holds {value} {key} tasks, "
                             f"optima's database {found[key]}")
    stamp.write_text(json.dumps(found) + "\n")
    return found


def fresh_copy(built: Path, target: Path) -> Path:
    """A copy of built data to time commands on (`task add` changes it), with its own TASKRC."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(built / "data", target / "data")
    rc = (built / "taskrc").read_text().replace(f"data.location={built / 'data'}",
                                                f"data.location={target / 'data'}")
    (target / "taskrc").write_text(rc)
    return target


def commands(found: dict[str, int]) -> dict[str, list[str]]:
    """The four commands timed beside optima's (the data's folder is in the environment:
    `environment`); `task N info` shows a pending task from the middle of pending.data."""
    middle = max(1, found["pending"] // 2)
    return {"task add": ["task", "add", "Fresh case from the benchmark", "due:today+90d"],
            "task N info": ["task", str(middle), "info"],
            "task list": ["task", "list"],
            "task overdue": ["task", "overdue"]}


if __name__ == "__main__":  # pragma: no cover - a manual check of one build
    import sys

    found_version = version()
    if not found_version:
        raise SystemExit(f"Taskwarrior is not installed: {INSTALL}")
    target_folder, database = Path(sys.argv[1]), Path(sys.argv[2])
    print(build(target_folder, [os.environ.get("OPTIMA", "optima")], database,
                {**os.environ, "OPTIMA_RESIDENT": "0"}, found_version))
