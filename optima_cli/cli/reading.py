"""list, show, due."""

from __future__ import annotations

from typing import Annotated

import typer

from optima_cli.cli.options import AsOf, FormatOpt, Limit, Within, context, emit, rows_shown, tables, terminal
from optima_cli.errors import UsageProblem
from optima_cli.language import number, t
from optima_cli.render.formats import Format

FROM_HELP = "Only from this unit; a kind (RAV, IV, SD) means every unit of that kind."
TO_HELP = "Only to this unit; a kind (RAV, IV, SD) means every unit of that kind."

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(
        "--status", metavar="STATUS",
        help="referred, accepted, open (both), closed, rejected, withdrawn or all.")] = "open",
    referrer: Annotated[str | None, typer.Option("--from", metavar="INST", help=FROM_HELP)] = None,
    receiver: Annotated[str | None, typer.Option("--to", metavar="INST", help=TO_HELP)] = None,
    client: Annotated[str | None, typer.Option("--client", metavar="CLIENT", help="Only this client's cases.")] = None,
    as_of: AsOf = None,
    within: Within = None,
    limit: Limit = None,
    fmt: FormatOpt = Format.TABLE,
    personal: Annotated[bool, typer.Option(
        "--with-personal-data",
        help="Add the free-text notes and override justifications to JSON or CSV (logged).")] = False,
) -> None:
    """List cases, open ones by default, soonest deadline first.

    Overdue rows are red, rows due within --within days yellow. Shows client ids, no names.
    A table shows the first 50 cases and counts the rest; JSON and CSV give all. Notes and
    override justifications are null unless --with-personal-data (then the read is logged);
    `overridden` says whether a case has one.

    Example: optima list --to IV --status all
    """
    from optima_cli.workflow.case_reads import list_cases

    if personal and fmt == Format.TABLE:
        raise UsageProblem(t("--with-personal-data only applies to --format json or csv; the "
                             "table shows no notes"), "--with-personal-data")
    c = context(ctx)
    listing = list_cases(c, status, referrer, receiver, client, as_of, within,
                         rows_shown(limit, fmt), personal)
    emit(listing.records, fmt, tables.cases)
    if listing.cut and fmt == Format.TABLE:
        terminal.message(t(
            "showing {shown} of {total} cases, soonest deadline first ({overdue} overdue, "
            "{soon} due within {within} days); --limit 0 shows all",
            shown=len(listing.records), total=number(listing.total),
            overdue=number(listing.counts["overdue"]),
            soon=number(listing.counts["due-soon"]), within=listing.within))


@app.command()
def show(ctx: typer.Context, case: Annotated[str, typer.Argument(metavar="CASE", help="Case id.")],
         fmt: FormatOpt = Format.TABLE) -> None:
    """Show one case with its access criteria and history.

    The read is recorded in the audit trail (it shows the client's name, and the case journal
    that `optima note` writes).

    Example: optima show OPT-2026-0001 --format json
    """
    from optima_cli.workflow.case_reads import show_case

    emit(show_case(context(ctx), case), fmt, tables.case_detail)


@app.command()
def due(ctx: typer.Context, within: Within = None, as_of: AsOf = None,
        referrer: Annotated[str | None, typer.Option("--from", metavar="INST", help=FROM_HELP)] = None,
        receiver: Annotated[str | None, typer.Option("--to", metavar="INST", help=TO_HELP)] = None,
        limit: Limit = None, fmt: FormatOpt = Format.TABLE) -> None:
    """Show what needs attention, soonest first.

    Overdue mandates, mandates ending within DAYS, referrals waiting for a decision longer than
    the setting decision-days (10 unless changed), job-search suspensions ending within DAYS or
    outlasting the mandate. A table shows the first 50 warnings and counts the rest; JSON and CSV
    give all.

    Example: optima due --within 30
    """
    from optima_cli.render.due import warning_name
    from optima_cli.rules.deadlines import DueKind
    from optima_cli.workflow.case_reads import due as do_due

    listing = do_due(context(ctx), as_of, within, rows_shown(limit, fmt), referrer, receiver)
    emit(listing.records, fmt, tables.due)
    if listing.cut and fmt == Format.TABLE:
        counts = ", ".join(t("{n} {warning}", warning=warning_name(DueKind(kind)),
                             n=number(n))
                           for kind, n in listing.counts.items() if n)
        terminal.message(t("showing {shown} of {total} warnings, soonest first ({counts}); "
                           "--limit 0 shows all", shown=len(listing.records),
                           total=number(listing.total), counts=counts))


@app.command()
def examples(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Option("--topic", metavar="T", help="Only examples on this topic.")] = None,
    receiver: Annotated[str | None, typer.Option(
        "--to", metavar="INST",
        help="Only examples received by this unit; a kind (RAV, IV, SD) means every unit of that kind.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Show closed cases that worked, as anonymous examples for counsellors.

    Referrals whose goal was achieved or partly achieved: the pair of institutions, topics, goal,
    months, days to decision and to closing, outcome, employment. No personal data.

    Example: optima examples --topic finances --to SD
    """
    from optima_cli.workflow.case_reads import examples as do_examples

    emit(do_examples(context(ctx), topic, receiver), fmt, tables.examples)
