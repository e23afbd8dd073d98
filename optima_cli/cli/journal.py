"""note: the case journal (issue 18)."""

from __future__ import annotations

from typing import Annotated

import typer

from optima_cli.cli.options import FormatOpt, On, context, emit, terminal
from optima_cli.errors import UsageProblem
from optima_cli.language import t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)


@app.command()
def note(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(metavar="CASE", help="Case id, like OPT-2026-0001.")],
    text: Annotated[str | None, typer.Argument(
        metavar="TEXT", help="What happened: a meeting, progress, a problem.")] = None,
    on: On = None,
    strike: Annotated[int | None, typer.Option(
        "--strike", metavar="ENTRY", min=1,
        help="Strike the journal entry with this number as wrong (with --why); it keeps its text.")] = None,
    why: Annotated[str | None, typer.Option(
        "--why", metavar="TEXT",
        help="Why the entry is struck (required with --strike); kept in the audit trail.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Write a dated entry in a case's journal; prints its number.

    The entry tells of a day from the referral to the day the case ended (closed, withdrawn or
    rejected), never of a day ahead: --on gives it (default today). `show` lists the journal to
    both institutions of the case and logs the read; the entries are personal data, in no export,
    and anonymize erases their text. A wrong entry is struck with --strike ENTRY --why TEXT: it
    keeps its text and is shown as struck.

    Example: optima note OPT-2026-0001 "Erstgespräch mit der Klientin: Budget besprochen" --on 20.11.2026
    """
    from optima_cli.workflow import journal

    c = context(ctx)
    if strike is not None:
        if text is not None or on is not None:
            raise UsageProblem(t("--strike takes no TEXT and no --on: it strikes an entry as it "
                                 "was written"), "--strike")
        r = journal.strike(c, case, strike, why)
        sentence = t("{case}: journal entry {entry} struck", case=r["case"], entry=r["entry"])
    else:
        if why is not None:
            raise UsageProblem(t("--why goes with --strike: it says why an entry is struck"), "--why")
        r = journal.note(c, case, text, on)
        sentence = t("{case}: journal entry {entry} of {on} written", case=r["case"],
                     entry=r["entry"], on=r["on"])
    if fmt == Format.TABLE:
        typer.echo(str(r["entry"]))
        terminal.message(sentence)
    else:
        emit(r, fmt, lambda d: None)
