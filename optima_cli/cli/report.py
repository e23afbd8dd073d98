"""report: the figures of a period in the terminal, as JSON/CSV, and as an Excel workbook.

The report's command line (its options and output); the report itself runs through
workflow/report.py (one read), store/report.py (the counts, in SQL), rules/figures.py (their
shape) and render/report.py or render/workbook.py (tables, CSV, the workbook)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from optima_cli.cli.options import AsOf, context, date_option, emit, print_data, terminal
from optima_cli.language import t
from optima_cli.render.formats import Format

if TYPE_CHECKING:
    from optima_cli.rules.periods import Period
    from optima_cli.workflow.context import Context

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)


@app.command()
def report(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(
        "--month", metavar="YYYY-MM|last", help="A calendar month; 'last' is the previous one (for cron).")] = None,
    quarter: Annotated[str | None, typer.Option(
        "--quarter", metavar="YYYY-Qn", help="A quarter, like 2026-Q3.")] = None,
    year: Annotated[str | None, typer.Option("--year", metavar="YYYY", help="A calendar year.")] = None,
    start: Annotated[date | None, date_option("--from", help="First day of a custom period (with --to).")] = None,
    end: Annotated[date | None, date_option("--to", help="Last day of a custom period (with --from).")] = None,
    as_of: AsOf = None,
    as_recorded: Annotated[date | None, date_option(
        "--as-recorded", help="The figures as recorded at the end of this day: before the "
        "corrections and late entries made since, as a report taken that day (default: as corrected).")] = None,
    by: Annotated[str, typer.Option("--by", metavar="kind|institution",
                                    help="Group by kind (RAV, IV, SD) or by unit code.")] = "kind",
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table for people; json or csv (section,group,key,value) for scripts.")] = None,
    xlsx: Annotated[str | None, typer.Option(
        "--xlsx", metavar="FILE", help="Also write the workbook; {period} in FILE becomes the period's name.")] = None,
    personal: Annotated[bool, typer.Option(
        "--with-personal-data",
        help="Add names, AHV numbers, birth dates and notes to the workbook (logged).")] = False,
    series: Annotated[str | None, typer.Option(
        "--series", metavar="month|quarter|year",
        help="The key figures per month, quarter or year of the period, and their total "
        "(with --xlsx: the workbook's Trend sheet).")] = None,
    publish_it: Annotated[bool, typer.Option(
        "--publish", help="Figures safe to publish: every count below the setting publish-threshold "
        "(default 3) shown as <3, and the cells it could be worked out from as x; the workbook "
        "without case rows.")] = False,
) -> None:
    """Show the figures of a period: referrals, decisions, reasons, outcomes, open cases.

    Without a period: everything up to today. Each event counts in the period in which it happened.
    With --xlsx the workbook is written and its path printed on stdout, unless --format asks for the
    figures there instead. Corrections (amend, undo, reopen) change the figures of past periods;
    --as-recorded DAY shows them as they were recorded then (what was reported on that day).

    Example: optima report --month last --xlsx /srv/optima/optima-{period}.xlsx

    Example: optima report --month 2026-10 --as-recorded 2026-11-05

    Example: optima report --series year --from 2018-10-01 --to 2022-11-30

    Example: optima report --year 2025 --publish --xlsx optima-{period}-public.xlsx
    """
    from optima_cli.render import report as view
    from optima_cli.rules.periods import choose
    from optima_cli.workflow.report import export
    from optima_cli.workflow.report import report as figures

    c = context(ctx)
    if publish_it and personal:
        raise typer.BadParameter(t("--publish writes figures safe to publish; it cannot carry "
                                   "--with-personal-data"))
    if publish_it and series is not None:
        raise typer.BadParameter(t("--series cannot be published: a hidden cell of one period could be "
                                   "worked out from the other periods and the total; publish one "
                                   "period at a time"))
    if personal and xlsx is None:
        raise typer.BadParameter(t("--with-personal-data only applies to the workbook; add --xlsx FILE"))
    # as recorded on a day: the report as it would have been taken that day (unless --as-of)
    period = choose(as_of or as_recorded or c.today, month, quarter, year, start, end)
    if xlsx is not None:  # an empty name is refused by the export, like every file name
        with terminal.Progress(t("writing {file}", file=xlsx.replace("{period}", period.name))) as bar:
            data, path = export(c, period, xlsx, by, personal, bar.update, as_recorded, series,
                                publish_it)
        if fmt is None:
            print_data(str(path))
            terminal.message(t("wrote {path} (with personal data; logged)", path=path) if personal
                             else t("wrote {path}", path=path))
            return
        terminal.message(t("wrote {path}", path=path))
    elif series is None:
        data = figures(c, period, by, as_recorded, publish_it)
    if series is not None:  # the series is what is printed (the workbook has it in its Trend)
        _print_series(c, period, series, by, as_recorded, fmt or Format.TABLE)
        return
    fmt = fmt or Format.TABLE
    if fmt == Format.CSV:
        print_data(view.to_csv(data), nl=False)
    else:
        emit(data, fmt, view.render)


def _print_series(c: Context, period: Period, unit: str, by: str, as_recorded: date | None,
                  fmt: Format) -> None:
    from optima_cli.render import report as view
    from optima_cli.workflow.report import series

    data = series(c, period, unit, by, as_recorded)
    if fmt == Format.CSV:
        print_data(view.series_csv(data), nl=False)
    else:
        emit(data, fmt, view.render_series)
