"""inbox (issue 18)."""

from __future__ import annotations

from typing import Annotated

import typer

from optima_cli.cli.options import FormatOpt, context, emit, tables
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)


@app.command()
def inbox(
    ctx: typer.Context,
    unit: Annotated[str | None, typer.Option(
        "--unit", metavar="CODE|KIND",
        help="The unit (a kind, like SD, means every unit of it); default: the units whose "
             "contact person you are (institution set-contact --user).")] = None,
    read: Annotated[str | None, typer.Option(
        "--read", metavar="CASE",
        help="Show the handback of a closed case and mark it read (logged).")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Show what waits for a unit: referrals to decide, cases to assign, handbacks.

    Referrals to decide show the days they wait against the decision deadline of the settings,
    counted from the referral; cases to assign have no receiving counsellor (optima assign);
    handbacks are the summaries of closed cases the unit referred, until read with --read;
    follow-ups are those of closed cases it referred that wait to be recorded (optima follow-up).
    Case ids and units only, no names.

    Example: optima inbox --unit IV
    """
    from optima_cli.workflow import inbox as flow

    c = context(ctx)
    if read is not None:
        emit(flow.read_handback(c, read), fmt, tables.handback)
        return
    data = flow.inbox(c, unit)
    emit(flow.rows(data) if fmt == Format.CSV else data, fmt, tables.inbox)
