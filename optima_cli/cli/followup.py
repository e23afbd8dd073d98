"""follow-up: record what became of the client 6 and 12 months after the closing (issue 19)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from optima_cli.cli.options import FormatOpt, On, code_parser, context, date_option, emit, terminal
from optima_cli.language import label, t
from optima_cli.render.formats import Format
from optima_cli.rules import codes

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)


@app.command("follow-up")
def follow_up(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(metavar="CASE", help="Case id, like OPT-2026-0001.")],
    at: Annotated[int, typer.Option(
        "--at", metavar="MONTHS",
        help="Which follow-up: its months after the closing (6 or 12 by default; see show).")],
    situation: Annotated[codes.Situation, typer.Option(
        "--situation", parser=code_parser(codes.Situation), metavar="CODE",
        help=f"What became of the client: {codes.choices(codes.Situation)}.")],
    since: Annotated[date | None, date_option(
        "--since", help="With employed (required): the day the work began.")] = None,
    on: On = None,
    note: Annotated[str | None, typer.Option(
        "--note", metavar="TEXT", help="Free text (required with other); personal data.")] = None,
    correct: Annotated[bool, typer.Option(
        "--correct", help="Replace the follow-up recorded before (with --why).")] = False,
    why: Annotated[str | None, typer.Option(
        "--why", metavar="TEXT", help="With --correct: why it is corrected.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Record a follow-up after the closing: what became of the client.

    A closed case is due a follow-up 6 and 12 months after its closing (settings
    follow-up-first-months, follow-up-second-months, as they were on its closing day); it can be
    recorded from 14 days before its due day on, once; --correct --why replaces it. One not
    recorded a month after its due day counts as overdue in the report, never as not reached:
    mark that with --situation not-reached.

    Example: optima follow-up OPT-2026-0001 --at 6 --situation employed --since 2027-03-01
    """
    from optima_cli.workflow.followup import record_follow_up

    r: dict[str, Any] = record_follow_up(context(ctx), case, at, situation, since, on, note,
                                         correct, why)
    if fmt == Format.TABLE:
        typer.echo(r["case"])
        terminal.message(t("{case}: follow-up {months} months after the closing recorded: "
                           "{situation}", case=r["case"], months=r["months"],
                           situation=label("Situation", r["situation"])))
    else:
        emit(r, fmt, lambda d: None)
