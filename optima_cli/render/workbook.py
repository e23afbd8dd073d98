"""The Excel workbook for the steering group: Summary with the two charts of the evaluation
report, Cases, Rejections, Outcomes and Deadlines.

Written in openpyxl's write-only mode (fast for many rows) to a temporary file beside the target
and moved into place, so that a crash never leaves half a workbook. Text that a spreadsheet would
run as a formula is stored as plain text.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import date
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TICK_ROWS = 500  # rows between two reports to a progress bar
CASE_COLUMNS = [
    "case", "client", "status", "referrer", "receiver", "topics", "months", "goal", "referred_on",
    "referring_counsellor", "decided_on", "receiving_counsellor", "due_on", "extended_on",
    "withdrawn_on", "closed_on", "reason", "reason_note", "outcome", "cause", "employed",
    "close_note", "override", "search_suspended_from", "search_suspended_until",
]
PERSONAL_COLUMNS = ["client_name", "client_ahv", "client_birth_date"]
BOLD = Font(bold=True)
OVERDUE_FILL = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")


class _Sheet:
    """A write-only sheet that counts its rows and writes every value safely."""

    def __init__(self, wb: Workbook, title: str) -> None:
        self.ws = wb.create_sheet(title)
        self.row = 0

    def cell(self, value: Any, bold: bool = False) -> Any:
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        if not bold and isinstance(value, str) and not value.startswith(FORMULA_STARTS) \
                and not ILLEGAL_CHARACTERS_RE.search(value):
            return value  # ordinary text needs no cell object
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
            # control characters cannot be stored in a workbook: written as visible codes
            value = ILLEGAL_CHARACTERS_RE.sub(
                lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # shown as typed, never run as a formula
            cell.quotePrefix = True
        if bold:
            cell.font = BOLD
        return cell

    def append(self, values: list[Any], bold: bool = False) -> int:
        """Plain values go in as they are (fast); text that needs care and bold cells as cells."""
        self.ws.append([self.cell(v, bold) if bold or isinstance(v, (str, list, tuple)) else v
                        for v in values])
        self.row += 1
        return self.row


def _widths(sheet: _Sheet, header: list[str], rows: list[list[Any]]) -> None:
    for index, name in enumerate(header, start=1):
        longest = max([len(name)] + [len(_text(r[index - 1])) for r in rows[:2000]])
        sheet.ws.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 8), 50)


def _text(value: Any) -> str:
    if isinstance(value, date):
        return "2026-01-01"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


Tick = Callable[[int], None]  # called with the number of rows just written


def _table(wb: Workbook, title: str, header: list[str], rows: list[list[Any]],
           tick: Tick | None = None) -> _Sheet:
    sheet = _Sheet(wb, title)
    sheet.ws.freeze_panes = "A2"
    _widths(sheet, header, rows)
    sheet.append(header, bold=True)
    for index, row in enumerate(rows, start=1):
        sheet.append(row)
        if tick is not None and index % TICK_ROWS == 0:
            tick(TICK_ROWS)
    if tick is not None:
        tick(len(rows) % TICK_ROWS)
    last = get_column_letter(len(header))
    sheet.ws.auto_filter.ref = f"A1:{last}{max(sheet.row, 1)}"
    return sheet


def _bar_chart(sheet: _Sheet, title: str, first_row: int, last_row: int, series: int,
               anchor: str, x_title: str, y_title: str, top: int) -> None:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    chart.x_axis.delete = chart.y_axis.delete = False  # Excel hides axes unless told otherwise
    chart.y_axis.number_format = "0"
    chart.y_axis.majorUnit = max(1, -(-top // 5))  # whole referrals, about five steps
    data = Reference(sheet.ws, min_col=2, max_col=1 + series, min_row=first_row, max_row=last_row)
    categories = Reference(sheet.ws, min_col=1, min_row=first_row + 1, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.width, chart.height = 16, 8
    sheet.ws.add_chart(chart, anchor)


def _summary(wb: Workbook, data: dict[str, Any]) -> None:
    s = _Sheet(wb, "Summary")
    s.ws.column_dimensions["A"].width = 42
    for column in "BCD":
        s.ws.column_dimensions[column].width = 22
    p = data["period"]
    s.append(["OPTIMA figures", p["name"]], bold=True)
    s.append(["from", p["from"]])
    s.append(["to", p["to"]])
    s.append(["as of", p["as_of"]])
    s.append(["grouped by", data["by"]])
    s.append([])
    ref = data["referrals"]
    keys = list(ref["by_referrer"])
    first = s.append(["institution", "referrals by referrer", "referrals by receiver"], bold=True)
    for g in keys:
        last = s.append([g, ref["by_referrer"][g], ref["by_receiver"][g]])
    top = max([*ref["by_referrer"].values(), *ref["by_receiver"].values(), 0])
    _bar_chart(s, "Referrals to OPTIMA by institution", first, last, 2, "F2", "institution",
               "referrals", top)
    s.append([])
    first = s.append(["receiver", "accepted", "rejected", "closed"], bold=True)
    for g in keys:
        last = s.append([g, data["accepted"]["by_receiver"][g], data["rejected"]["by_receiver"][g],
                         data["closed"]["by_receiver"][g]])
    top = max([*(data[k]["by_receiver"][g] for k in ("accepted", "rejected", "closed")
                 for g in keys), 0])
    _bar_chart(s, "Accepted, rejected and closed referrals by receiver", first, last, 3, "F20",
               "receiver", "referrals", top)
    s.append([])
    s.append(["key figures", "value"], bold=True)
    closed, opened, durations = data["closed"], data["open_at_end"], data["durations"]
    for label, value in [
        ("referrals", ref["total"]), ("accepted", data["accepted"]["total"]),
        ("rejected", data["rejected"]["total"]), ("withdrawn", data["withdrawn"]["total"]),
        ("closed", closed["total"]), ("closed: client employed", closed["employed"]),
        ("open at the end: referred", opened["referred"]),
        ("open at the end: accepted", opened["accepted"]),
        ("open at the end: overdue", opened["overdue"]),
        ("open at the end: job search suspended", opened["search_suspended"]),
        ("median days to decision", durations["median_days_to_decision"]),
        ("median days from acceptance to closing", durations["median_days_accepted_to_closed"]),
        ("referrals against a hard rule (justified)", data["overrides"]),
    ]:
        s.append([label, value])
    for title, counts in (("rejection reason", data["rejected"]["by_reason"]),
                          ("outcome", closed["by_outcome"]), ("cause (not achieved)", closed["by_cause"]),
                          ("topic", data["topics"])):
        s.append([])
        s.append([title, "referrals"], bold=True)
        for key, n in counts.items():
            s.append([key, n])


def _in_period(day: date | None, data: dict[str, Any]) -> bool:
    start, end = data["period"]["from"], data["period"]["to"]
    return day is not None and (start is None or day >= start) and day <= end


def build(data: dict[str, Any], cases: list[dict[str, Any]], personal: bool,
          progress: Callable[[int, int], None] | None = None) -> Workbook:
    """The workbook; `progress(done, total)` hears of the table rows written (the total is
    every row of the four tables)."""
    wb = Workbook(write_only=True)
    _summary(wb, data)
    columns = CASE_COLUMNS + (PERSONAL_COLUMNS if personal else [])
    rejected = [c for c in cases if c["status"] == "rejected" and _in_period(c["decided_on"], data)]
    closed = [c for c in cases if c["status"] == "closed" and _in_period(c["closed_on"], data)]
    open_cases = sorted((c for c in cases if c["status"] in ("referred", "accepted")),
                        key=lambda c: (c["deadline"] or date.max, c["case"]))
    total, done = len(cases) + len(rejected) + len(closed) + len(open_cases), 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(done, total)

    _table(wb, "Cases", columns, [[c.get(k) for k in columns] for c in cases], tick)
    header = ["case", "referrer", "receiver", "topics", "referred_on", "decided_on", "reason",
              "reason_note"]
    _table(wb, "Rejections", header, [[c[k] for k in header] for c in rejected], tick)
    header = ["case", "referrer", "receiver", "topics", "months", "decided_on", "closed_on",
              "days", "outcome", "cause", "employed"]
    _table(wb, "Outcomes", header, [[
        *(c[k] for k in header[:7]), (c["closed_on"] - c["decided_on"]).days if c["decided_on"] else None,
        c["outcome"], c["cause"], c["employed"]] for c in closed], tick)
    as_of = min(data["period"]["to"], data["period"]["as_of"])
    header = ["case", "status", "referrer", "receiver", "referred_on", "due_on", "deadline",
              "days_left", "flag", "search_suspended_until"]
    sheet = _table(wb, "Deadlines", header, [[
        c["case"], c["status"], c["referrer"], c["receiver"], c["referred_on"], c["due_on"],
        c["deadline"], (c["deadline"] - as_of).days if c["deadline"] else None, c["flag"],
        c["search_suspended_until"]] for c in open_cases], tick)
    if open_cases:
        cells = f"A2:{get_column_letter(len(header))}{sheet.row}"
        sheet.ws.conditional_formatting.add(
            cells, FormulaRule(formula=['AND(ISNUMBER($H2),$H2<0)'], fill=OVERDUE_FILL))
    return wb


def write_workbook(path: Path, data: dict[str, Any], cases: list[dict[str, Any]],
                   personal: bool, progress: Callable[[int, int], None] | None = None) -> Path:
    """Build and save atomically: a temporary file beside the target, then moved into place.
    `progress(done, total)` hears of the rows written."""
    wb = build(data, cases, personal, progress)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path
