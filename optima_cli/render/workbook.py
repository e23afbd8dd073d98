"""The Excel workbook for the steering group: Summary with the two charts of the evaluation
report, Cases, Rejections, Outcomes and Deadlines.

Written in openpyxl's write-only mode (fast for many rows) to a temporary file beside the target
(store.maintenance.into_place) and moved into place, so that a crash never leaves half a
workbook. Text that a spreadsheet would run as a formula is stored as plain text.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from optima_cli.language import current, label, t
from optima_cli.records.models import CASE_KEYS
from optima_cli.rules.codes import OPEN_STATUSES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TICK_ROWS = 500  # rows between two reports to a progress bar
CASE_COLUMNS = list(CASE_KEYS)  # the keys of a case record (store.models)
PERSONAL_COLUMNS = ["client_name", "client_ahv", "client_birth_date"]
BOLD = Font(bold=True)
GERMAN_DATES = "DD.MM.YYYY"  # the number format of date cells in German (English keeps Excel's ISO)
OVERDUE_FILL = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")


class _Sheet:
    """A write-only sheet that counts its rows and writes every value safely."""

    def __init__(self, wb: Workbook, title: str) -> None:
        self.ws = wb.create_sheet(title)
        self.row = 0
        self.date_format = GERMAN_DATES if current() == "de" else None

    def day(self, value: date) -> Any:
        cell = WriteOnlyCell(self.ws, value=value)  # type: ignore[arg-type]  # the stub omits date
        cell.number_format = self.date_format  # type: ignore[assignment]  # None keeps openpyxl's own
        return cell

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
        if self.date_format:
            values = [self.day(v) if isinstance(v, date) else v for v in values]
        self.ws.append([self.cell(v, bold) if (bold and not isinstance(v, Cell))
                        or isinstance(v, (str, list, tuple)) else v for v in values])
        self.row += 1
        return self.row


def _widths(sheet: _Sheet, header: list[str], rows: list[list[Any]]) -> None:
    for index, name in enumerate(header, start=1):
        longest = max([len(name)] + [len(_text(r[index - 1])) for r in rows[:WIDTH_ROWS]])
        sheet.ws.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 8), 50)


def _text(value: Any) -> str:
    if isinstance(value, date):
        return "2026-01-01"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


Tick = Callable[[int], None]  # called with the number of rows just written
WIDTH_ROWS = 2000  # the rows of a table that size its columns


class _Table:
    """A sheet of a header and rows, written as the rows come: a write-only sheet writes the
    widths of its columns before its first row, so the first WIDTH_ROWS rows (which size the
    columns) are held until there are that many, and every later row is written at once.
    `money` the indexes of the columns holding amounts ("1200.50", written as numbers with two
    decimals)."""

    def __init__(self, wb: Workbook, title: str, header: list[str], money: Collection[int] = ()) -> None:
        self.sheet = _Sheet(wb, title)
        self.sheet.ws.freeze_panes = "A2"
        self.header = header
        self.money = money
        self.held: list[list[Any]] | None = []

    def add(self, row: list[Any]) -> None:
        if self.held is None:
            self._write(row)
            return
        self.held.append(row)
        if len(self.held) >= WIDTH_ROWS:
            self._start()

    def _start(self) -> None:
        held, self.held = self.held or [], None
        _widths(self.sheet, self.header, held)
        self.sheet.append(self.header, bold=True)
        for row in held:
            self._write(row)

    def _write(self, row: list[Any]) -> None:
        money, sheet = self.money, self.sheet
        sheet.append([_chf(sheet, v) if i in money else v for i, v in enumerate(row)] if money else row)

    def close(self) -> _Sheet:
        if self.held is not None:
            self._start()
        last = get_column_letter(len(self.header))
        self.sheet.ws.auto_filter.ref = f"A1:{last}{max(self.sheet.row, 1)}"
        return self.sheet


def _table(wb: Workbook, title: str, header: list[str], rows: list[list[Any]],
           tick: Tick | None = None, money: Collection[int] = ()) -> _Sheet:
    """A sheet of a header and rows given as a list (see _Table)."""
    table = _Table(wb, title, header, money)
    for index, row in enumerate(rows, start=1):
        table.add(row)
        if tick is not None and index % TICK_ROWS == 0:
            tick(TICK_ROWS)
    if tick is not None:
        tick(len(rows) % TICK_ROWS)
    return table.close()


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


def _most(values: Any) -> int:
    """The largest count (a hidden one, shown by its marker, counts nothing)."""
    return max([v for v in values if isinstance(v, int)] + [0])


def _summary(wb: Workbook, data: dict[str, Any], units: dict[str, Any] | None = None) -> None:
    from optima_cli.render.report import marked, published_note

    data = marked(data)  # a published report's hidden cells as their markers
    s = _Sheet(wb, t("Summary"))
    s.ws.column_dimensions["A"].width = 42
    for column in "BCD":
        s.ws.column_dimensions[column].width = 22
    p = data["period"]
    by = {"kind": t("kind"), "institution": t("institution")}.get(data["by"], data["by"])
    from optima_cli.render.report import named

    name = (p["name"] if named(p["name"]) else
            t("until {day}", day=p["to"]) if p["from"] is None or p["name"].startswith("until-") else
            t("{start} to {end}", start=p["from"], end=p["to"]))
    s.append([t("OPTIMA figures"), name], bold=True)
    s.append([t("from"), p["from"]])
    s.append([t("to"), p["to"]])
    s.append([t("as of"), p["as_of"]])
    s.append([t("grouped by"), by])
    if data.get("demo"):  # the demo's data: which figures are invented
        from optima_cli.render.report import invented_note

        s.append([t("note"), invented_note()], bold=True)
    if data.get("as_recorded"):  # the figures as recorded on a past day
        from optima_cli.render.report import recorded_note

        s.append([t("as recorded on"), data["as_recorded"]["on"]])
        s.append([t("note"), recorded_note(data["as_recorded"])], bold=True)
    if data.get("published"):  # figures for publication: what the markers say
        for line in published_note(data["published"]):
            s.append([t("note"), line], bold=True)
    s.append([])
    ref = data["referrals"]
    keys = list(ref["by_referrer"])
    referrals = t("referrals")
    first = s.append([t("institution"), t("referrals by referrer"), t("referrals by receiver")],
                     bold=True)
    for g in keys:
        last = s.append([g, ref["by_referrer"][g], ref["by_receiver"][g]])
    top = _most([*ref["by_referrer"].values(), *ref["by_receiver"].values()])
    _bar_chart(s, t("Referrals to OPTIMA by institution"), first, last, 2, "F2", t("institution"),
               referrals, top)
    s.append([])
    first = s.append([t("receiver"), t("accepted"), t("rejected"), t("closed")], bold=True)
    for g in keys:
        last = s.append([g, data["accepted"]["by_receiver"][g], data["rejected"]["by_receiver"][g],
                         data["closed"]["by_receiver"][g]])
    top = _most(data[k]["by_receiver"][g] for k in ("accepted", "rejected", "closed") for g in keys)
    _bar_chart(s, t("Accepted, rejected and closed referrals by receiver"), first, last, 3, "F20",
               t("receiver"), referrals, top)
    s.append([])
    s.append([t("key figures"), t("value")], bold=True)
    closed, opened, durations = data["closed"], data["open_at_end"], data["durations"]
    for name, value in [
        (referrals, ref["total"]), (t("accepted"), data["accepted"]["total"]),
        (t("rejected"), data["rejected"]["total"]), (t("withdrawn"), data["withdrawn"]["total"]),
        (t("closed"), closed["total"]), (t("closed: client employed"), closed["employed"]),
        (t("open at the end: referred"), opened["referred"]),
        (t("open at the end: accepted"), opened["accepted"]),
        (t("open at the end: overdue"), opened["overdue"]),
        (t("open at the end: job search suspended"), opened["search_suspended"]),
        (t("median days to decision"), durations["median_days_to_decision"]),
        (t("median days from acceptance to closing"), durations["median_days_accepted_to_closed"]),
        (t("referrals against a hard rule (justified)"), data["overrides"]),
        (t("referrals forwarded to another unit"), data["forwarded"]),
    ]:
        s.append([name, value])
    for title, group, counts in (
            (t("rejection reason"), "RejectReason", data["rejected"]["by_reason"]),
            (t("outcome"), "Outcome", closed["by_outcome"]),
            (t("cause (not achieved)"), "Cause", closed["by_cause"]),
            (t("topic"), "Topic", data["topics"])):
        s.append([])
        s.append([title, referrals], bold=True)
        for key, n in counts.items():
            s.append([label(group, key), n])
    for title, counts in (  # every hurdle counted (issue 16)
            (t("referrals refused by rule"), data["refused_by_rule"]),
            (t("justified exceptions by rule"), data["overrides_by_rule"])):
        s.append([])
        s.append([t("access criterion"), title], bold=True)
        for key, n in counts.items():
            s.append([label("Rule", key), n])
    if data["settings_changes"]:  # the steering group's settings changed in the period
        s.append([])
        s.append([t("settings changed in the period"), t("setting"), t("before"), t("after")],
                 bold=True)
        for change in data["settings_changes"]:
            s.append([change["day"], change["key"], change["before"], change["after"]])
    if "joint" in data:
        _joint_summary(s, data["joint"])
    if "follow_up" in data:  # issue 19
        _follow_up_summary(s, data["follow_up"])
    if "measures" in data:
        _measures_summary(s, data["measures"])
    if units is not None:
        _units_summary(s, units)


def _units_summary(s: _Sheet, units: dict[str, Any]) -> None:
    """The Summary's breakdown by unit (issue 19): each unit (every municipal social service on its
    own) with the report's counts grouped by unit code."""
    s.append([])
    s.append([t("unit"), t("referrals sent"), t("referrals received"), t("accepted"), t("rejected"),
              t("closed"), t("achieved"), t("employed at closing")], bold=True)
    ref = units["referrals"]
    for g in ref["by_referrer"]:
        s.append([g, ref["by_referrer"][g], ref["by_receiver"][g], units["accepted"]["by_receiver"][g],
                  units["rejected"]["by_receiver"][g], units["closed"]["by_receiver"][g],
                  units["achieved_by_receiver"][g], units["employed_by_receiver"][g]])
    s.append([t("total"), ref["total"], ref["total"], units["accepted"]["total"],
              units["rejected"]["total"], units["closed"]["total"],
              sum(units["achieved_by_receiver"].values()), units["closed"]["employed"]], bold=True)


def _trend(wb: Workbook, trend: dict[str, Any]) -> None:
    """The Trend sheet (issue 19): the series' table, one row per period and a total row, and a
    line chart of the referrals and the outcomes per period."""
    from optima_cli.render.report import series_header
    from optima_cli.rules.series import CHARTED, MONEY

    columns = trend["columns"]
    header = [t("period"), t("from"), t("to"), *series_header(trend)]
    rows = [[p["period"], p["from"], p["to"], *(p[k] for k in columns)] for p in trend["periods"]]
    sheet = _table(wb, t("Trend"), header, rows, money={3 + columns.index(k) for k in MONEY
                                                        if k in columns})
    sheet.append([t("total"), trend["from"], trend["to"],
                  *(_chf(sheet, trend["total"][k]) if k in MONEY else trend["total"][k]
                    for k in columns)], bold=True)
    if not rows:
        return
    chart = LineChart()
    chart.title = t("Referrals and outcomes per period")
    chart.x_axis.title = t("period")
    chart.y_axis.title = t("referrals")
    chart.x_axis.delete = chart.y_axis.delete = False  # Excel hides axes unless told otherwise
    chart.y_axis.number_format = "0"
    for key in CHARTED:
        index = 4 + columns.index(key)
        chart.add_data(Reference(sheet.ws, min_col=index, max_col=index, min_row=1,
                                 max_row=1 + len(rows)), titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=2, max_row=1 + len(rows)))
    chart.width, chart.height = 24, 10
    sheet.ws.add_chart(chart, f"A{len(rows) + 4}")


def _headings(columns: list[str]) -> list[str]:
    """The header of a table sheet: the keys of the JSON records in English (what scripts and
    formulas use), readable names in German."""
    if current() == "en":
        return columns
    from optima_cli.render.tables import case_fields

    names = case_fields()
    return [names.get(c, c) for c in columns]


def _shown(c: dict[str, Any], key: str) -> Any:
    """A value of a case for a table sheet: codes as their labels (the codes themselves in
    English), everything else as it is."""
    from optima_cli.render.tables import field_value

    return field_value(key, c.get(key), c.get("status"))


def _shower(key: str) -> Callable[[dict[str, Any]], Any]:
    """`_shown` for one column, for many cases: a column without codes gives its values as they
    are, and each code (with its case's status, for a reason) is looked up once."""
    from optima_cli.render.tables import CODE_FIELDS, field_value

    if key not in CODE_FIELDS and key not in ("topics", "reason"):
        return lambda c: c.get(key)
    known: dict[Any, Any] = {}

    def shown(c: dict[str, Any]) -> Any:
        value, status = c.get(key), c.get("status")
        at = (tuple(value) if isinstance(value, list) else value,
              status if key == "reason" else None)
        if at not in known:
            known[at] = field_value(key, value, status)
        return known[at]
    return shown


def _in_period(day: date | None, data: dict[str, Any]) -> bool:
    start, end = data["period"]["from"], data["period"]["to"]
    return day is not None and (start is None or day >= start) and day <= end


REJECTION_COLUMNS = ["case", "referrer", "receiver", "topics", "referred_on", "decided_on", "reason",
                     "reason_note"]
OUTCOME_COLUMNS = ["case", "referrer", "receiver", "topics", "months", "decided_on", "closed_on",
                   "days", "outcome", "cause", "employed"]
DEADLINE_COLUMNS = ["case", "status", "referrer", "receiver", "referred_on", "due_on", "deadline",
                    "days_left", "flag", "search_suspended_until"]


def build(data: dict[str, Any], cases: Iterable[dict[str, Any]], personal: bool,
          progress: Callable[[int, int], None] | None = None,
          joints: list[dict[str, Any]] | None = None, wb: Workbook | None = None,
          trend: dict[str, Any] | None = None, units: dict[str, Any] | None = None,
          count: int | None = None) -> Workbook:
    """The workbook; `cases` the case records, read once as they come (`count` of them; a list
    needs no count), each written at once to the Cases sheet and, when it is one, to the
    Rejections or Outcomes; only the rows of the Deadlines, sorted by deadline, are held.
    `progress(done, total)` hears of the cases and joint strategies written (the total is
    both); `joints` the joint strategies active in the period; `wb` the workbook to fill (a new
    one if None); `trend` the series of the Trend sheet and `units` the counts by unit for the
    Summary (workflow/report.py `_series`, `_counted`)."""
    wb = wb if wb is not None else Workbook(write_only=True)
    if data.get("published"):  # figures for publication: no case rows (they are microdata),
        _summary(wb, data)       # no Trend and no Summary by unit (they are not suppressed)
        return wb
    _summary(wb, data, units)
    if count is None:
        cases = list(cases)
        count = len(cases)
    joints = joints or []
    total = count + len(joints)
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(done, total)

    columns = CASE_COLUMNS + (PERSONAL_COLUMNS if personal else [])
    every = _Table(wb, t("Cases"), _headings(columns))
    rejections = _Table(wb, t("Rejections"), _headings(REJECTION_COLUMNS))
    outcomes = _Table(wb, t("Outcomes"), _headings(OUTCOME_COLUMNS))
    deadlines = _Table(wb, t("Deadlines"), _headings(DEADLINE_COLUMNS))
    show = {k: _shower(k) for k in {*columns, *REJECTION_COLUMNS, *OUTCOME_COLUMNS,
                                    *DEADLINE_COLUMNS}}
    shown_case = [show[k] for k in columns]
    shown_rejection = [show[k] for k in REJECTION_COLUMNS]
    shown_outcome = [show[k] for k in OUTCOME_COLUMNS[:7]]
    shown_status, shown_flag = show["status"], show["flag"]
    shown_closing = [show["outcome"], show["cause"]]
    start, end = data["period"]["from"], data["period"]["to"]
    held: list[tuple[tuple[date, str], list[Any]]] = []  # the Deadlines' rows, to be sorted
    index = 0
    for index, c in enumerate(cases, start=1):
        every.add([shown(c) for shown in shown_case])
        status = c["status"]
        if status == "rejected":
            day = c["decided_on"]
            if day is not None and (start is None or day >= start) and day <= end:
                rejections.add([shown(c) for shown in shown_rejection])
        elif status == "closed":
            day = c["closed_on"]
            if day is not None and (start is None or day >= start) and day <= end:
                decided = c["decided_on"]
                outcomes.add([*(shown(c) for shown in shown_outcome),
                              (day - decided).days if decided else None,
                              *(shown(c) for shown in shown_closing), c["employed"]])
        elif status in OPEN_STATUSES:
            held.append(((c["deadline"] or date.max, c["case"]), [
                c["case"], shown_status(c), c["referrer"], c["receiver"], c["referred_on"],
                c["due_on"], c["deadline"], c["days_left"], shown_flag(c),
                c["search_suspended_until"]]))
        if index % TICK_ROWS == 0:
            tick(TICK_ROWS)
    tick(index % TICK_ROWS)
    every.close()
    rejections.close()
    outcomes.close()
    held.sort(key=lambda item: item[0])
    for _, row in held:
        deadlines.add(row)
    del held
    sheet = deadlines.close()
    if sheet.row > 1:
        cells = f"A2:{get_column_letter(len(DEADLINE_COLUMNS))}{sheet.row}"
        sheet.ws.conditional_formatting.add(
            cells, FormulaRule(formula=['AND(ISNUMBER($H2),$H2<0)'], fill=OVERDUE_FILL))
    _joint_sheet(wb, joints, tick)
    if trend is not None:  # after the sheets of before (scripts may find them by position)
        _trend(wb, trend)
    return wb


JOINT_COLUMNS = ["joint", "client", "status", "lead", "with", "goal", "opened_on", "review_on",
                 "reviews", "closed_on", "outcome", "cause", "from_case"]


def _joint_summary(s: _Sheet, figures: dict[str, Any]) -> None:
    """The figures of the joint strategies (issue 18) in the Summary sheet."""
    s.append([])
    s.append([t("joint strategies"), t("value")], bold=True)
    for name, value in [(t("opened"), figures["opened"]), (t("closed"), figures["closed"]),
                        *((label("Outcome", k), n) for k, n in figures["by_outcome"].items()),
                        *((t("lead: {group}", group=g), n) for g, n in figures["lead"].items()),
                        (t("open at the end"), figures["open_at_end"])]:
        s.append([name, value])


CHF_FORMAT = "#,##0.00"  # francs with centimes: a number the sheet can add up


def _chf(s: _Sheet, value: str) -> Any:
    """An amount as JSON carries it ("1200.50") as a numeric cell with two decimals: a Decimal,
    never a float, so that the centimes written are the ones counted."""
    from decimal import Decimal

    from optima_cli.render.measures import hidden

    marker = hidden(value)
    if marker is not None:
        return marker
    cell = WriteOnlyCell(s.ws, value=Decimal(value))  # type: ignore[arg-type]
    cell.number_format = CHF_FORMAT
    return cell


def _measures_summary(s: _Sheet, f: dict[str, Any]) -> None:
    """The figures of measures and their cost (issue 19) in the Summary sheet."""
    covered = f["costs_covered"]
    s.append([])
    s.append([t("measures and their cost"), t("count"), t("CHF")], bold=True)
    rows: list[tuple[str, int, str]] = [
        (t("requested"), f["requested"]["count"], f["requested"]["chf"]),
        (t("approved"), f["approved"]["count"], f["approved"]["chf"]),
        (t("declined"), f["declined"]["count"], f["declined"]["chf"]),
        (t("costs covered: {x} of {y}", x=covered["approved"], y=covered["decided"]),
         covered["approved"], covered["approved_chf"]),
        (t("pending at the end"), f["pending_at_end"]["count"], f["pending_at_end"]["chf"]),
        *((t("requested: {group}", group=label("MeasureKind", k)), c["requested"],
           c["requested_chf"]) for k, c in f["by_kind"].items()),
        *((t("approved, paid by {group}", group=g), c["approved"], c["approved_chf"])
          for g, c in f["by_payer"].items()),
        *((t("approved, case with {group}", group=g), c["approved"], c["approved_chf"])
          for g, c in f["by_receiver"].items())]
    for name, n, chf in rows:
        s.append([name, n, _chf(s, chf)])


def _follow_up_summary(s: _Sheet, figures: dict[str, Any]) -> None:
    """The follow-ups after the closing (issue 19) in the Summary sheet."""
    from optima_cli.render.followup import header, rows

    s.append([])
    s.append(header(figures), bold=True)
    for row in rows(figures):
        s.append(row)


def _joint_sheet(wb: Workbook, joints: list[dict[str, Any]],
                 tick: Callable[[int], None]) -> None:
    """The sheet of joint strategies (issue 18): every one active in the period (no notes; the
    goal as in the Cases sheet)."""
    from optima_cli.render.joint import heading

    codes = {"status": "JointStatus", "outcome": "Outcome", "cause": "Cause"}
    _table(wb, t("Joint strategies"), [heading(c) for c in JOINT_COLUMNS], [[
        ", ".join(j[c]) if c == "with" else label(codes[c], j[c]) if c in codes and j[c] else j[c]
        for c in JOINT_COLUMNS] for j in joints], tick)


def write_workbook(path: Path, data: dict[str, Any], cases: Iterable[dict[str, Any]],
                   personal: bool, progress: Callable[[int, int], None] | None = None,
                   scratch: Path | None = None, joints: list[dict[str, Any]] | None = None,
                   trend: dict[str, Any] | None = None, units: dict[str, Any] | None = None,
                   count: int | None = None) -> Path:
    """Build and save to `path`: the temporary file that store.maintenance.into_place moves onto
    the target once whole. `cases` are read once, as they come (`count` of them, see build).
    `progress(done, total)` hears of the rows written. openpyxl keeps
    each sheet's rows in a temporary file until the save: in `scratch` (a private folder beside
    the target, removed or swept with it), not in the system's temporary folder, where a killed
    export would leave them."""
    with _temporary_files_in(scratch):
        wb = Workbook(write_only=True)
        try:  # a full disk may stop the sheets' row writers already, before the save
            build(data, cases, personal, progress, joints, wb, trend, units, count)
            _save(wb, path)
        except BaseException:
            _discard(wb)
            raise
    return path


@contextlib.contextmanager
def _temporary_files_in(folder: Path | None) -> Iterator[None]:
    if folder is None:
        yield
        return
    saved, tempfile.tempdir = tempfile.tempdir, str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved


def _save(wb: Workbook, path: Path) -> None:
    """openpyxl's save_workbook, but a failed save (a full disk) gives its file up at once:
    the zip archive is not left to write its end into it again when Python exits."""
    with open(path, "wb") as f:
        archive = ZipFile(f, "w", ZIP_DEFLATED, allowZip64=True)
        try:
            wb.properties.modified = datetime.now(UTC).replace(tzinfo=None)
            ExcelWriter(wb, archive).save()
        except BaseException:
            archive.fp = None  # given up: nothing more is written into the file
            raise


def _discard(wb: Workbook) -> None:
    """After a failed save (a full disk): close the sheets' row writers and remove their own
    temporary files now, instead of a screenful of "Exception ignored" when Python exits."""
    for ws in wb.worksheets:
        for close in (getattr(ws, "_rows", None), getattr(ws, "_writer", None)):
            if close is not None:
                with contextlib.suppress(Exception):
                    close.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()
