"""import: referrals with their history from a CSV or Excel file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optima_cli.cli.options import FormatOpt, context, emit, tables, terminal
from optima_cli.errors import OptimaError
from optima_cli.language import plural, t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .csv (UTF-8, comma or semicolon) or .xlsx file.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")] = False,
    amend: Annotated[bool, typer.Option(
        "--amend", help="Correct the cases already there where a row differs (as optima amend "
                        "does, with the file as the reason).")] = False,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Import referrals with their known history from a spreadsheet.

    One row per referral, columns as in sample_data/import-template.csv. Every row goes through the
    rules of the commands; if any row is bad, nothing is imported and every bad row is listed.
    Importing the same file again adds nothing. A row for a case already there that differs from it
    (a value optima amend corrects) is listed and nothing is imported, unless --amend is given:
    then the case is corrected, with "import: FILE" as the reason. A blank cell, or a step the
    case has not taken, is no difference.

    Example: optima import cases-2025.xlsx --dry-run

    Example: optima import cases-2025.xlsx --amend --dry-run
    """
    from optima_cli.importing.rows import import_file

    c = context(ctx)
    try:
        with terminal.Progress(t("importing {file}", file=file.name)) as bar:
            result = import_file(c, file, dry_run, bar.update, amend)
    except OptimaError as exc:  # the whole file is refused: scripts still get the errors list
        if fmt != Format.TABLE:
            emit({"file": file.name, "dry_run": dry_run, "imported": 0,
                  "errors": [{"row": None, "column": exc.field, "message": exc.message}]}, fmt,
                 lambda d: None)
        raise
    data = result.as_dict()
    emit(data, fmt, tables.import_result)
    if result.errors:
        n = len(result.errors)
        terminal.message(plural(n, "error: 1 problem in {file}; nothing was imported",
                                "error: {n} problems in {file}; nothing was imported",
                                n=n, file=file.name))
        raise typer.Exit(1)
    if result.differences and not amend:
        terminal.message(plural(
            result.differences,
            "error: 1 row of {file} differs from its case already there; nothing was imported: "
            "check the file, or give --amend to correct the case",
            "error: {n} rows of {file} differ from their cases already there; nothing was "
            "imported: check the file, or give --amend to correct the cases",
            n=result.differences, file=file.name))
        raise typer.Exit(1)
    if dry_run and amend:
        terminal.message(t("dry run: {imported} referrals would be imported, {amended} corrected, "
                           "{skipped} are already there; nothing was written",
                           imported=result.imported, amended=result.amended,
                           skipped=result.skipped))
    elif dry_run:
        terminal.message(t("dry run: {imported} referrals would be imported, {skipped} are already "
                           "there; nothing was written", imported=result.imported,
                           skipped=result.skipped))
    elif amend:
        terminal.message(t("imported {imported} referrals from {file}; {amended} corrected, "
                           "{skipped} were already there", imported=result.imported,
                           file=file.name, amended=result.amended, skipped=result.skipped))
    elif result.skipped:
        terminal.message(t("imported {imported} referrals from {file}; {skipped} were already there",
                           imported=result.imported, file=file.name, skipped=result.skipped))
    else:
        terminal.message(t("imported {imported} referrals from {file}", imported=result.imported,
                           file=file.name))
