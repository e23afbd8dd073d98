"""demo: a demo database with the invented pilot data, its open cases and the report."""

from __future__ import annotations

from typing import Annotated

import typer

from optima_cli.cli.options import terminal
from optima_cli.language import t

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)


@app.command()
def demo(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", metavar="PATH", help="Demo database file (default: optima-demo.db in your data folder).")] = None,
) -> None:
    """Build a fresh demo database from the invented pilot data set and show it.

    The 52 referrals say what the evaluation report of the OPTIMA pilot 2018-2022 says (no real
    person); the dates, topics, goals, outcomes and durations are invented. The cases and the
    figures are shown as of the pilot's end, 30.11.2022, so that the deadline warnings read as they
    did then; the figures cover the pilot from its start, 1.10.2018. Your real database is never
    touched: OPTIMA_DB is ignored here, and a file that is not a demo database is refused.

    Example: optima demo
    """
    from optima_cli.cli.options import tables
    from optima_cli.demo.build import build, demo_path
    from optima_cli.demo.data import PILOT_END, PILOT_START
    from optima_cli.render import report as report_view
    from optima_cli.rules.periods import choose
    from optima_cli.workflow.case_reads import list_cases
    from optima_cli.workflow.report import report

    root = ctx.find_root()
    named = db
    source = root.get_parameter_source("db")
    if named is None and source is not None and source.name == "COMMANDLINE":
        named = root.params.get("db")
    path = demo_path(named)
    c, result = build(path, root.obj.user)
    terminal.message(t("demo database {path}: {n} invented referrals of the pilot 2018-2022",
                       path=path, n=result.imported))
    terminal.message(t("shown as of the pilot's end, {day}, so that the deadline warnings read as "
                       "they did then", day=PILOT_END))
    tables.cases(list_cases(c, as_of=PILOT_END).records)
    typer.echo()
    # from the pilot's start, not from the first (invented) referral; the report says which
    # figures are invented, as it does for any report of the demo's database
    report_view.render(report(c, choose(PILOT_END, start=PILOT_START, end=PILOT_END)))
    terminal.message(t("explore it: optima --db {path} list --status all   |   "
                       "optima --db {path} show OPT-2019-0001   |   optima --db {path} examples",
                       path=path))
