"""`optima report --xlsx` (issue 3): the workbook for the steering group, read back with openpyxl.

The history is the one of test_report_figures (built once here too); what the workbook must hold
is derived from its specs, or compared with `report --format json` of the same period.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from test_report_figures import (
    AS_OF,
    CASES,
    CAUSES,
    GOAL_AT,
    GOAL_MINUS,
    GOAL_PLUS,
    INJECTION_NAME,
    OUTCOMES,
    PEOPLE,
    REASONS,
    TODAY,
    TOPICS,
    active_cases,
    copy_db,
    d,
    expected,
    open_cases,
    prepare,
)
from typer.testing import CliRunner

from optima_cli.cli import app

SHEETS = ["Summary", "Cases", "Rejections", "Outcomes", "Deadlines", "Joint strategies", "Trend"]
TABLE_SHEETS = SHEETS[1:-1]  # the Trend (issue 19) has a total row and a chart: test_report_series.py
CASE_KEYS = ("case", "client", "status", "referrer", "receiver", "topics", "months", "goal",
             "referred_on", "decided_on", "due_on", "closed_on", "reason", "outcome", "cause",
             "employed", "search_suspended_until")
DATE_KEYS = ("referred_on", "decided_on", "due_on", "extended_on", "withdrawn_on", "closed_on",
             "search_suspended_from", "search_suspended_until")
PERSONAL_KEYS = ("client_name", "client_ahv", "client_birth_date")
OCT = (d("2026-10-01"), d("2026-10-31"))


def invoke(db: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), "--user", "tester", *args])


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.stdout)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def write(db: Path, target: Path, *args: str):
    return invoke(db, "report", "--as-of", AS_OF, *args, "--xlsx", str(target))


def json_figures(db: Path, *args: str) -> dict[str, Any]:
    return json.loads(ok(invoke(db, "report", "--as-of", AS_OF, *args, "--format", "json")))


def audit_actions(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT action FROM audit_event ORDER BY id")]
    finally:
        con.close()


def table(ws) -> list[dict[str, Any]]:
    """A sheet with a header row as a list of {column: cell}."""
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, row)) for row in rows[1:]]


def values(wb) -> dict[str, list[tuple]]:
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb}


# --- the workbooks, written once per module --------------------------------------------------

@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, list[str]]:
    return prepare(tmp_path_factory.mktemp("workbook-history"))


@pytest.fixture(scope="module")
def db(history) -> Path:
    return history[0]


@pytest.fixture(scope="module")
def ids(history) -> list[str]:
    return history[1]


@pytest.fixture(scope="module")
def october(db, tmp_path_factory) -> tuple[Any, Path]:
    """report --month 2026-10 --xlsx DIR/optima-{period}.xlsx, alone in its folder."""
    folder = tmp_path_factory.mktemp("october")
    result = write(db, folder / "optima-{period}.xlsx", "--month", "2026-10")
    return result, folder


@pytest.fixture(scope="module")
def october_wb(october):
    result, folder = october
    ok(result)
    return load_workbook(folder / "optima-2026-10.xlsx")


@pytest.fixture(scope="module")
def by_unit_wb(db, tmp_path_factory):
    target = tmp_path_factory.mktemp("by-unit") / "units.xlsx"
    ok(write(db, target, "--month", "2026-10", "--by", "institution"))
    return load_workbook(target)


@pytest.fixture(scope="module")
def year_wb(db, tmp_path_factory):
    """Every case of the history is active in 2026 (the 2025 ones ended in 2026)."""
    target = tmp_path_factory.mktemp("year") / "year.xlsx"
    ok(write(db, target, "--year", "2026"))
    return load_workbook(target)


@pytest.fixture(scope="module")
def personal(db, tmp_path_factory) -> tuple[Any, Path, list[str], list[str]]:
    """--with-personal-data on a copy of the history: (workbook, db, audit before, audit after)."""
    folder = tmp_path_factory.mktemp("personal")
    copy = folder / "copy.db"
    copy_db(db, copy)
    before = audit_actions(copy)
    target = folder / "personal.xlsx"
    ok(write(copy, target, "--year", "2026", "--with-personal-data"))
    return load_workbook(target), copy, before, audit_actions(copy)


# --- file, name, stdout ----------------------------------------------------------------------

def test_period_in_the_file_name_path_on_stdout_and_no_temporary_file(october):
    result, folder = october
    target = folder / "optima-2026-10.xlsx"
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}\n"
    assert sorted(os.listdir(folder)) == ["optima-2026-10.xlsx"]


def test_sheet_names_in_order(october_wb, by_unit_wb, year_wb):
    for wb in (october_wb, by_unit_wb, year_wb):
        assert wb.sheetnames == SHEETS


def test_xlsx_with_format_json_puts_the_figures_on_stdout(db, tmp_path):
    target = tmp_path / "f-{period}.xlsx"
    result = invoke(db, "report", "--as-of", AS_OF, "--quarter", "2026-Q3", "--xlsx", str(target),
                    "--format", "json")
    data = json.loads(ok(result))
    assert data == json_figures(db, "--quarter", "2026-Q3")
    assert data["referrals"]["total"] == expected(d("2026-07-01"), d("2026-09-30"), TODAY,
                                                  "kind")["referrals"]["total"]
    assert (tmp_path / "f-2026-Q3.xlsx").is_file()


def test_writing_twice_gives_the_same_cells(db, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "twice.xlsx"
    ok(write(db, target, "--month", "2026-10"))
    first = values(load_workbook(target))
    ok(write(db, target, "--month", "2026-10"))
    assert values(load_workbook(target)) == first
    assert os.listdir(folder) == ["twice.xlsx"]


@pytest.mark.parametrize("personal_data", [False, True], ids=["plain", "with-personal-data"])
def test_xlsx_into_a_missing_folder_fails_cleanly(db, tmp_path, personal_data):
    copy = tmp_path / "copy.db"
    copy_db(db, copy)
    before = audit_actions(copy)
    target = tmp_path / "missing" / "optima.xlsx"
    extra = ["--with-personal-data"] if personal_data else []
    result = write(copy, target, "--month", "2026-10", *extra)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert not (tmp_path / "missing").exists()
    assert audit_actions(copy) == before


def test_the_cumulative_report_writes_a_workbook_too(db, tmp_path):
    """No period: everything up to the as-of date, every case of the history in Cases."""
    target = tmp_path / "all-{period}.xlsx"
    stdout = ok(write(db, target))
    path = Path(stdout.strip())
    assert path.parent == tmp_path and path.is_file() and "{period}" not in path.name
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    assert len(table(wb["Cases"])) == len(CASES)


# --- Summary ---------------------------------------------------------------------------------

def _blocks(ws) -> list[list[tuple[Any, Any]]]:
    """The Summary's rows (column A, column B), in blocks separated by empty rows."""
    blocks: list[list[tuple[Any, Any]]] = [[]]
    for row in ws.iter_rows(max_col=2, values_only=True):
        if all(v is None for v in row):
            blocks.append([])
        else:
            blocks[-1].append(row)
    return [b for b in blocks if b]


def _counts_block(ws, keys: tuple[str, ...]) -> dict[str, Any]:
    for block in _blocks(ws):
        labelled = dict(block[1:])
        if set(labelled) == set(keys):
            return labelled
    raise AssertionError(f"no block of rows for {keys} on Summary")


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


@pytest.mark.parametrize("by", ["kind", "institution"])
def test_summary_figures_equal_the_json_figures(db, october_wb, by_unit_wb, by):
    wb = october_wb if by == "kind" else by_unit_wb
    ws = wb["Summary"]
    data = json_figures(db, "--month", "2026-10", "--by", by)
    for section, value in expected(*OCT, TODAY, by).items():  # the JSON is the model's
        if section != "period":
            assert data[section] == value, section
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert data["period"]["name"] in texts
    days = {_day(c.value) for row in ws.iter_rows() for c in row if c.is_date}
    assert {d(data["period"][k]) for k in ("from", "to", "as_of")} <= days

    assert _counts_block(ws, REASONS) == data["rejected"]["by_reason"]
    assert _counts_block(ws, OUTCOMES) == data["closed"]["by_outcome"]
    assert _counts_block(ws, CAUSES) == data["closed"]["by_cause"]
    assert _counts_block(ws, TOPICS) == data["topics"]

    rows = [(str(a).lower(), b) for block in _blocks(ws) for a, b in block if a is not None]

    def shown(value: Any, *words: str) -> None:
        assert any(all(w in label for w in words) and v == value for label, v in rows), (words, value)

    o, m = data["open_at_end"], data["durations"]
    shown(data["referrals"]["total"], "referrals")
    shown(data["accepted"]["total"], "accepted")
    shown(data["rejected"]["total"], "rejected")
    shown(data["withdrawn"]["total"], "withdrawn")
    shown(data["closed"]["total"], "closed")
    shown(data["closed"]["employed"], "employed")
    shown(o["referred"], "open", "referred")
    shown(o["accepted"], "open", "accepted")
    shown(o["overdue"], "overdue")
    shown(o["search_suspended"], "suspended")
    shown(m["median_days_to_decision"], "median", "decision")
    shown(m["median_days_accepted_to_closed"], "median", "clos")
    assert any(v == data["overrides"] and ("override" in label or "hard rule" in label)
               for label, v in rows)


def _title(chart) -> str:
    return "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or [])).lower()


def _cells(wb, ref: str) -> list[Any]:
    sheet, _, area = ref.rpartition("!")
    assert sheet.strip("'") == "Summary", ref
    ws = wb["Summary"]
    min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
    return [ws.cell(row=r, column=c).value
            for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def _series(wb, chart) -> dict[str, dict[str, Any]]:
    """Each series of a chart: its title (from its cell) -> {category: value}, read from the cells
    that the chart refers to."""
    result = {}
    for s in chart.series:
        title = _cells(wb, s.tx.strRef.f)[0] if s.tx.strRef is not None else s.tx.v
        cat = s.cat.strRef or s.cat.numRef
        categories = _cells(wb, cat.f)
        numbers = _cells(wb, s.val.numRef.f)
        assert len(categories) == len(numbers)
        result[str(title).lower()] = dict(zip(categories, numbers))
    return result


def _pick(series: dict[str, dict[str, Any]], *words: str) -> dict[str, Any]:
    found = [v for title, v in series.items() if all(w in title for w in words)]
    assert len(found) == 1, (words, list(series))
    return found[0]


@pytest.mark.parametrize("by", ["kind", "institution"])
def test_two_bar_charts_refer_to_the_cells_with_the_figures(db, october_wb, by_unit_wb, by):
    wb = october_wb if by == "kind" else by_unit_wb
    data = json_figures(db, "--month", "2026-10", "--by", by)
    charts = wb["Summary"]._charts
    assert len(charts) == 2
    assert all(isinstance(c, BarChart) for c in charts)
    for name in TABLE_SHEETS:
        assert wb[name]._charts == []
    referrals, decisions = charts
    assert "referral" in _title(referrals)
    assert all(w in _title(decisions) for w in ("accepted", "rejected", "closed"))

    series = _series(wb, referrals)
    assert len(series) == 2
    assert _pick(series, "referrer") == data["referrals"]["by_referrer"]
    assert _pick(series, "receiver") == data["referrals"]["by_receiver"]

    series = _series(wb, decisions)
    assert len(series) == 3
    for section in ("accepted", "rejected", "closed"):
        assert _pick(series, section) == data[section]["by_receiver"]
    # and these are the numbers of the model, not only of the JSON
    want = expected(*OCT, TODAY, by)
    assert _pick(series, "closed") == want["closed"]["by_receiver"]


# --- Cases, Rejections, Outcomes, Deadlines --------------------------------------------------

def test_table_sheets_have_a_frozen_header_and_an_autofilter(october_wb):
    for name in TABLE_SHEETS:
        ws = october_wb[name]
        assert ws.freeze_panes == "A2", name
        last = get_column_letter(ws.max_column)
        assert ws.auto_filter.ref == f"A1:{last}{max(ws.max_row, 1)}", name


def test_cases_holds_the_cases_active_in_the_period_with_dates_as_dates(october_wb, ids):
    ws = october_wb["Cases"]
    header = [c.value for c in ws[1]]
    assert set(CASE_KEYS) <= set(header)
    rows = table(ws)
    by_id = {r["case"].value: r for r in rows}
    assert len(by_id) == len(rows)
    assert set(by_id) == {ids[i] for i in active_cases(*OCT)}
    dates_seen = 0
    for i, spec in enumerate(CASES):
        row = by_id.get(ids[i])
        if row is None:
            continue
        for key in DATE_KEYS:
            cell = row[key]
            if cell.value is not None:
                assert cell.is_date, (ids[i], key, cell.value)
                dates_seen += 1
        assert _day(row["referred_on"].value) == spec.referred
        assert _day(row["decided_on"].value) in (spec.accepted, spec.rejected and spec.rejected[0])
    assert dates_seen > len(rows)


def test_dates_are_excel_dates_in_every_table_sheet(october_wb):
    seen = 0
    for name in TABLE_SHEETS:
        for row in table(october_wb[name]):
            for key, cell in row.items():
                if (key.endswith("_on") or key in ("deadline", "search_suspended_until",
                                                   "client_birth_date")) and cell.value is not None:
                    assert cell.is_date, (name, key, cell.value)
                    seen += 1
    assert seen


def test_rejections_and_outcomes_hold_the_decisions_and_closings_of_the_period(october_wb, ids):
    rejected = {r["case"].value: r for r in table(october_wb["Rejections"])}
    want = {ids[i]: c.rejected[1] for i, c in enumerate(CASES)
            if c.rejected and OCT[0] <= c.rejected[0] <= OCT[1]}
    assert want and {k: r["reason"].value for k, r in rejected.items()} == want
    closed = {r["case"].value: r for r in table(october_wb["Outcomes"])}
    want = {ids[i]: (c.closed[1], c.closed[2]) for i, c in enumerate(CASES)
            if c.closed and OCT[0] <= c.closed[0] <= OCT[1]}
    assert want and {k: (r["outcome"].value, r["cause"].value) for k, r in closed.items()} == want


def test_deadlines_lists_the_open_cases_and_highlights_by_a_rule(october_wb, ids):
    ws = october_wb["Deadlines"]
    rows = table(ws)
    assert {r["case"].value for r in rows} == {ids[i] for i in open_cases(OCT[1])}
    rules = list(ws.conditional_formatting)
    assert rules, "no conditional formatting on Deadlines"
    covered = set()
    for rng in rules:
        assert rng.rules
        for area in rng.sqref.ranges:
            _, min_row, _, max_row = area.bounds
            covered |= set(range(min_row, max_row + 1))
        assert any(rule.dxf is not None and rule.dxf.fill is not None for rule in rng.rules)
    assert set(range(2, len(rows) + 2)) <= covered


# --- personal data and formula-like text -----------------------------------------------------

def _personal_needles() -> tuple[set[str], set[date]]:
    texts = {p.name for p in PEOPLE.values()} | {p.ahv for p in PEOPLE.values() if p.ahv}
    texts |= {p.ahv.replace(".", "") for p in PEOPLE.values() if p.ahv}
    births = {p.birth for p in PEOPLE.values()}
    texts |= {b.isoformat() for b in births} | {b.strftime("%d.%m.%Y") for b in births}
    return texts, births


def _personal_found(wb) -> list[tuple[str, str, Any]]:
    texts, births = _personal_needles()
    found = []
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if (isinstance(v, str) and any(t in v for t in texts)) or _day(v) in births:
                    found.append((ws.title, c.coordinate, v))
    return found


def test_no_name_ahv_or_birth_date_anywhere_by_default(october_wb, by_unit_wb, year_wb):
    for wb in (october_wb, by_unit_wb, year_wb):
        assert _personal_found(wb) == []
        header = [c.value for c in wb["Cases"][1]]
        assert not set(PERSONAL_KEYS) & set(header)
    assert len(table(year_wb["Cases"])) == len(CASES), "every client is in the year's workbook"


def test_with_personal_data_adds_name_ahv_birth_date_and_an_audit_event(personal, ids):
    wb, _copy, before, after = personal
    rows = {r["case"].value: r for r in table(wb["Cases"])}
    assert set(rows) == set(ids)
    for i, spec in enumerate(CASES):
        person = PEOPLE[spec.client]
        row = rows[ids[i]]
        assert row["client_name"].value == person.name
        assert row["client_ahv"].value == person.ahv
        assert row["client_birth_date"].is_date
        assert _day(row["client_birth_date"].value) == person.birth
    assert _personal_found(wb)
    assert after[:len(before)] == before
    assert after[len(before):] == ["export-personal-data"]


def test_text_that_looks_like_a_formula_is_kept_as_typed(personal, year_wb, ids):
    wb = personal[0]
    index = {spec.goal: ids[i] for i, spec in enumerate(CASES) if spec.goal}
    injected = next(ids[i] for i, s in enumerate(CASES) if PEOPLE[s.client].name == INJECTION_NAME)
    for book in (wb, year_wb):
        rows = {r["case"].value: r for r in table(book["Cases"])}
        for goal in (GOAL_AT, GOAL_MINUS, GOAL_PLUS):
            cell = rows[index[goal]]["goal"]
            assert cell.value == goal and cell.data_type == "s", (goal, cell.value, cell.data_type)
            assert cell.quotePrefix, f"{goal!r} is not marked as text (quotePrefix)"
        for ws in book:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    name = {r["case"].value: r for r in table(wb["Cases"])}[injected]["client_name"]
    assert name.value == INJECTION_NAME and name.data_type == "s" and name.quotePrefix


def test_the_export_reports_its_progress_up_to_the_whole(db, tmp_path):
    from optima_cli.rules.periods import choose
    from optima_cli.workflow.context import Context
    from optima_cli.workflow.report import export

    ctx = Context(db_path=str(copy_db(db, tmp_path / "copy.db")), user="tester", today=TODAY)
    heard: list[tuple[int, int]] = []
    _, path = export(ctx, choose(TODAY), str(tmp_path / "p.xlsx"),
                     progress=lambda done, total: heard.append((done, total)))
    assert heard, "no progress was reported"
    totals = {total for _, total in heard}
    assert len(totals) == 1
    done = [d for d, _ in heard]
    assert done == sorted(done) and done[-1] == totals.pop()
    rows = sum(1 for _ in load_workbook(path, read_only=True)["Cases"].iter_rows()) - 1
    assert rows == len(active_cases(None, TODAY)) and rows > 0
