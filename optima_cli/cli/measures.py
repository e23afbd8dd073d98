"""measure add, approve, decline, strike, list: measures and their cost (issue 19)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from optima_cli.cli.options import (
    FormatOpt,
    On,
    code_parser,
    context,
    date_option,
    emit,
    emit_changed,
)
from optima_cli.language import t
from optima_cli.render.formats import Format
from optima_cli.rules import codes

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

measure_app = typer.Typer(
    help="Measures with financial consequences and their cost, paid by the referrer.",
    no_args_is_help=True)
app.add_typer(measure_app, name="measure")

Case = Annotated[str, typer.Argument(metavar="CASE", help="Case id, like OPT-2026-0001.")]
Number = Annotated[int, typer.Argument(metavar="N", min=1, help="The measure's number in its case.")]


def _done(result: dict[str, Any], fmt: Format, sentence: str) -> None:
    """A changed measure: its number on stdout, a sentence on stderr; or it as JSON/CSV."""
    emit_changed(result, "measure", fmt, sentence)


@measure_app.command("add")
def add(
    ctx: typer.Context, case: Case,
    kind: Annotated[codes.MeasureKind, typer.Option(
        "--kind", parser=code_parser(codes.MeasureKind), metavar="CODE",
        help=f"{codes.choices(codes.MeasureKind)}.")],
    cost: Annotated[str, typer.Option(
        "--cost", metavar="CHF", help="The cost in francs: 1200, 1200.50, 1'200.50 or 1200.-.")],
    payer: Annotated[str | None, typer.Option(
        "--payer", metavar="UNIT", help="The unit that pays (default: the case's referrer).")] = None,
    on: On = None,
    approved_on: Annotated[date | None, date_option(
        "--approved-on", help="The day its cost was approved; without it, it awaits a decision.")] = None,
    note: Annotated[str | None, typer.Option(
        "--note", metavar="TEXT", help="What the measure is (required with --kind other).")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Add a measure with its cost to an accepted case; prints its number.

    The referrer pays unless --payer names another unit; --on is the day it was requested
    (not before the acceptance). Without --approved-on it awaits `measure approve` or `decline`.

    Example: optima measure add OPT-2026-0001 --kind coaching --cost "1'200.50" --on 20.11.2026
    """
    from optima_cli.workflow.measures import add as do_add

    r = do_add(context(ctx), case, kind, cost, payer, on, approved_on, note)
    _done(r, fmt, t("{case}: measure {measure} added ({cost} CHF, paid by {payer})",
                    case=r["case"], measure=r["measure"], cost=r["cost"], payer=r["payer"]))


@measure_app.command("approve")
def approve(ctx: typer.Context, case: Case, number: Number, on: On = None,
            fmt: FormatOpt = Format.TABLE) -> None:
    """Record that a measure's cost was approved (Kosten übernommen).

    Example: optima measure approve OPT-2026-0001 1 --on 25.11.2026
    """
    from optima_cli.workflow.measures import approve as do_approve

    r = do_approve(context(ctx), case, number, on)
    _done(r, fmt, t("{case}: measure {measure} approved", case=r["case"], measure=r["measure"]))


@measure_app.command("decline")
def decline(
    ctx: typer.Context, case: Case, number: Number, on: On = None,
    why: Annotated[str | None, typer.Option("--why", metavar="TEXT",
                                            help="Why its cost was not approved.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Record that a measure's cost was declined.

    Example: optima measure decline OPT-2026-0001 1 --why "anderes Angebot"
    """
    from optima_cli.workflow.measures import decline as do_decline

    r = do_decline(context(ctx), case, number, on, why)
    _done(r, fmt, t("{case}: measure {measure} declined", case=r["case"], measure=r["measure"]))


@measure_app.command("strike")
def strike(
    ctx: typer.Context, case: Case, number: Number,
    why: Annotated[str, typer.Option("--why", metavar="TEXT",
                                     help="Why it was a mistake (required).")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Strike a measure entered by mistake: it keeps its values and counts nowhere.

    Example: optima measure strike OPT-2026-0001 2 --why "doppelt erfasst"
    """
    from optima_cli.workflow.measures import strike as do_strike

    r = do_strike(context(ctx), case, number, why)
    _done(r, fmt, t("{case}: measure {measure} struck", case=r["case"], measure=r["measure"]))


@measure_app.command("list")
def list_(
    ctx: typer.Context,
    case: Annotated[str | None, typer.Argument(metavar="[CASE]", help="Only this case's.")] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", metavar="INST",
        help="Only those this unit pays, refers or receives; a kind (RAV, IV, SD) means every unit of it.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """List measures with their cost and decision, in the order of their cases.

    Example: optima measure list --unit SD --format csv
    """
    from optima_cli.render.measures import measures
    from optima_cli.workflow.measures import list_measures

    emit(list_measures(context(ctx), case, unit), fmt, measures)
