"""joint open, review, close, list, show: joint strategies (gemeinsame Strategie, issue 18)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from optima_cli.cli.options import (
    CauseOpt,
    FormatOpt,
    On,
    OutcomeOpt,
    context,
    date_option,
    emit,
    emit_changed,
)
from optima_cli.language import label, t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

joint_app = typer.Typer(
    help="Joint strategies: two or three institutions work one client together, one in the lead.",
    no_args_is_help=True)
app.add_typer(joint_app, name="joint")

Joint = Annotated[str, typer.Argument(metavar="JOINT", help="Joint strategy id, like GS-2026-0001.")]
Note = Annotated[str | None, typer.Option("--note", metavar="TEXT",
                                          help="Free text, kept with the joint strategy.")]


def _units(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _done(result: dict[str, Any], fmt: Format, sentence: str) -> None:
    """A changed joint strategy: its id on stdout, a sentence on stderr; or it as JSON/CSV."""
    emit_changed(result, "joint", fmt, sentence)


@joint_app.command("open")
def open_(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="Client id or AHV number.")],
    lead: Annotated[str, typer.Option("--lead", metavar="UNIT",
                                      help="The unit that takes the lead (federführende Stelle).")],
    partners: Annotated[str, typer.Option(
        "--with", metavar="UNIT[,UNIT]",
        help="The one or two other units, each of another kind than the lead and each other.")],
    goal: Annotated[str, typer.Option("--goal", metavar="TEXT",
                                      help="The strategy's goal, written without naming the person.")],
    review_on: Annotated[date, date_option("--review-on", help="The day of the first review.")],
    on: On = None,
    from_case: Annotated[str | None, typer.Option(
        "--from-case", metavar="CASE",
        help="The referral it replaces: withdrawn with the reason joint-strategy.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Open a joint strategy of two or three institutions; prints its id.

    The client's consent must be valid on the opening day; a client has at most one open joint
    strategy. With --from-case the referral's two units take part, and the referral is withdrawn
    with the reason joint-strategy: the joint strategy replaces the handover.

    Example: optima joint open C-0001 --lead SD-EMMEN --with IV,RAV --goal "Budget und Stelle" --review-on 2027-01-15
    """
    from optima_cli.workflow.joint import Open, open_joint

    r = open_joint(context(ctx), Open(client, lead, _units(partners), goal, review_on, on, from_case))
    _done(r, fmt, t("{joint} opened: led by {lead} with {partners}; first review on {day}",
                    joint=r["joint"], lead=r["lead"], partners=", ".join(r["with"]),
                    day=r["review_on"]))


@joint_app.command("review")
def review(
    ctx: typer.Context, joint: Joint,
    next_on: Annotated[date, date_option("--next", help="The day of the next review.")],
    on: On = None, note: Note = None, fmt: FormatOpt = Format.TABLE,
) -> None:
    """Record a review of a joint strategy and the day of the next one.

    Example: optima joint review GS-2026-0001 --next 2027-03-01 --note "Budget steht"
    """
    from optima_cli.workflow.joint import review as do_review

    r = do_review(context(ctx), joint, next_on, on, note)
    _done(r, fmt, t("{joint} reviewed; next review on {day}", joint=r["joint"], day=r["review_on"]))


@joint_app.command("close")
def close(
    ctx: typer.Context, joint: Joint, outcome: OutcomeOpt, cause: CauseOpt = None,
    note: Note = None, on: On = None, fmt: FormatOpt = Format.TABLE,
) -> None:
    """Close a joint strategy with its outcome.

    Example: optima joint close GS-2026-0001 --outcome partly --cause not-placeable
    """
    from optima_cli.workflow.joint import close as do_close

    r = do_close(context(ctx), joint, outcome, cause, note, on)
    _done(r, fmt, t("{joint} closed ({outcome})", joint=r["joint"],
                    outcome=label("Outcome", r["outcome"])))


@joint_app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str, typer.Option("--status", metavar="open|closed|all",
                                        help="Which joint strategies.")] = "open",
    client: Annotated[str | None, typer.Option("--client", metavar="CLIENT",
                                               help="Only this client's.")] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", metavar="INST",
        help="Only those this unit takes part in; a kind (RAV, IV, SD) means every unit of it.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """List joint strategies, open ones by default, in the order they were opened.

    The goal is shown (written without naming the person); closing notes only with show.

    Example: optima joint list --status all --unit SD
    """
    from optima_cli.render.joint import strategies
    from optima_cli.workflow.joint import list_joint

    emit(list_joint(context(ctx), status, client, unit), fmt, strategies)


@joint_app.command("show")
def show(ctx: typer.Context, joint: Joint, fmt: FormatOpt = Format.TABLE) -> None:
    """Show one joint strategy with its reviews and notes (the read is logged).

    Example: optima joint show GS-2026-0001 --format json
    """
    from optima_cli.render.joint import strategy
    from optima_cli.workflow.joint import show_joint

    emit(show_joint(context(ctx), joint), fmt, strategy)
