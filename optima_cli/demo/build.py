"""`optima demo`: a fresh database with the invented pilot data set, never the user's real one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from optima_cli.errors import OptimaError
from optima_cli.importing.rows import Outcome, import_rows
from optima_cli.language import t
from optima_cli.store import location
from optima_cli.store.engine import default_db_path, inspect_file, remove_database, write_meta
from optima_cli.workflow.context import Context

DEMO_FILE = "optima-demo.db"
SOURCE = "pilot-2018-2022 (optima_cli/demo/data.py)"


def demo_path(named: str | None) -> Path:
    if named is not None:
        location.named(named, "--db", DEMO_FILE)
    if named and "://" in named:
        raise OptimaError(t("the demo builds a SQLite file of its own, never a server database; "
                            "give --db a file path, or leave it out"))
    if named:
        return Path(named).expanduser()
    path = default_db_path(DEMO_FILE)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def add_units(ctx: Context) -> None:
    """The units the data set names beyond the three default ones: the municipal social
    services (SD-LUZERN, SD-EMMEN, ...), units of the kind SD."""
    from optima_cli.demo.data import SD_UNITS
    from optima_cli.workflow.institutions import add_units as add

    add(ctx, "SD", SD_UNITS)


def build(path: Path, user: str) -> tuple[Context, Outcome]:
    """Replace a previous demo database at `path` (refusing any other file) and fill it."""
    kind = inspect_file(path)
    if kind == "optima":
        raise OptimaError(t("{path} holds a real optima database, not a demo; give the demo "
                            "another file with --db", path=path))
    if kind in ("foreign", "empty"):
        raise OptimaError(t("{path} exists and is not an optima demo database; give the demo "
                            "another file with --db", path=path))
    if kind == "demo":
        remove_database(path)
    from optima_cli.demo.data import rows

    ctx = Context(db_path=str(path), user=user)
    with ctx.write() as session:
        write_meta(session, "demo", "1")
    add_units(ctx)
    result = import_rows(ctx, SOURCE, list(enumerate(rows(), start=2)))
    if result.errors:  # the data set is ours: a problem here is a bug, not the user's input
        first = result.errors[0]
        raise OptimaError(t("the demo data did not import (row {row}, {column}: {message})",
                            row=first.row, column=first.column, message=first.message))
    add_measures(ctx)
    add_follow_ups(ctx)
    return ctx, result


def add_measures(ctx: Context) -> None:
    """The invented measures (demo/data.py `measures`, issue 19), each through the workflow of
    `measure add --approved-on`, as a counsellor would enter them, marked as invented."""
    from optima_cli.demo.data import measures
    from optima_cli.workflow import measures as workflow
    from optima_cli.workflow.case_reads import list_cases

    cases = [c for c in list_cases(ctx, status="all").records
             if c["status"] in ("accepted", "closed") and c["decided_on"]]
    sourced = replace(ctx, source=f"import:{SOURCE}")  # from the data set, as its referrals
    for m in measures(cases):
        workflow.add(sourced, m["case"], m["kind"], m["cost"], on=m["on"],
                     approved_on=m["approved_on"], note="(fiktiv)")


def add_follow_ups(ctx: Context) -> None:
    """The invented follow-ups of the closed cases (issue 19), recorded as `optima follow-up`
    records them, by the pilot's end."""
    from dataclasses import replace

    from optima_cli.demo.data import PILOT_END, follow_ups
    from optima_cli.workflow.followup import closed_cases, record_follow_up

    due = [(c["case"], c["referred_on"], c["closed_on"], p.months, p.due_on)
           for c in closed_cases(ctx) for p in c["schedule"]]
    invented = replace(ctx, source=f"import:{SOURCE}")  # as the demo's cases are
    for item in follow_ups(due, PILOT_END):
        record_follow_up(invented, item["case"], item["at"], item["situation"], item["since"],
                         item["on"], item["note"])
