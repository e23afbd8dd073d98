"""`optima report --series` (issue 19, trends): the key figures per month, quarter or year, the
workbook's Trend sheet with its line chart, the Summary's counts by unit, and LibreOffice.

The expected figures come from the hand-computed model of test_report_figures (its history and
`expected`), from a month counted here by hand from its specs, and from the report of the whole
period: every figure of a series must add up to the report's figure of the whole period.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.chart import LineChart
from openpyxl.utils import column_index_from_string
from test_report_figures import CASES, TODAY, UNITS, copy_db, expected, prepare
from typer.testing import CliRunner

from optima_cli.cli import app
from optima_cli.rules.money import parse_chf, plain
from optima_cli.rules.series import FIGURES, MONEY, columns, cut, total

AS_OF = TODAY.isoformat()

# Where each figure of the series is in the report's JSON, written out here (not taken from
# rules/series.py): a figure added to the series without its place here fails the tests below.
PLACES: dict[str, tuple[str, ...]] = {
    "referrals": ("referrals", "total"),
    "referrals_{group}": ("referrals", "by_referrer", "{group}"),
    "accepted": ("accepted", "total"),
    "rejected": ("rejected", "total"),
    "withdrawn": ("withdrawn", "total"),
    "closed": ("closed", "total"),
    "achieved": ("closed", "by_outcome", "achieved"),
    "partly": ("closed", "by_outcome", "partly"),
    "not_achieved": ("closed", "by_outcome", "not-achieved"),
    "employed": ("closed", "employed"),
    "forwarded": ("forwarded",),
    "overrides": ("overrides",),
    "follow_ups_first": ("follow_up", "first", "recorded"),
    "employed_first": ("follow_up", "first", "employed"),
    "follow_ups_second": ("follow_up", "second", "recorded"),
    "employed_second": ("follow_up", "second", "employed"),
    "measures_requested": ("measures", "requested", "count"),
    "measures_approved": ("measures", "approved", "count"),
    "costs_approved": ("measures", "approved", "chf"),
}


def cells(row: dict[str, Any], keys: list[str]) -> list[Any]:
    """A series row as the workbook's cells hold it: an amount as a number of francs."""
    return [parse_chf(row[k]) / 100 if k in MONEY else row[k] for k in keys]


def summed(values: list[Any]) -> Any:
    """The sum of a column: counts as numbers, amounts ("1200.50") in Rappen, as a string again."""
    if values and isinstance(values[0], str):
        return plain(sum(parse_chf(v) for v in values))
    return sum(values)


def flat(report: dict[str, Any], groups: list[str]) -> dict[str, int]:
    """The series' figures of a report's JSON (or of the model), by PLACES."""
    result = {}
    for key, path in PLACES.items():
        for g in (groups if "{group}" in key else [None]):
            value: Any = report
            for step in path:
                value = value.get(step.replace("{group}", g or ""), 0) if isinstance(value, dict) else 0
            result[key.replace("{group}", g or "")] = value
    return result


# --- the cut and the declared figures (pure) ------------------------------------------------------

def test_a_period_is_cut_into_calendar_months_quarters_and_years_the_ends_partial():
    d = date.fromisoformat
    assert cut(d("2018-10-15"), d("2019-01-10"), "month") == [
        ("2018-10", d("2018-10-15"), d("2018-10-31")), ("2018-11", d("2018-11-01"), d("2018-11-30")),
        ("2018-12", d("2018-12-01"), d("2018-12-31")), ("2019-01", d("2019-01-01"), d("2019-01-10"))]
    assert cut(d("2018-10-01"), d("2022-11-30"), "year") == [
        ("2018", d("2018-10-01"), d("2018-12-31")), ("2019", d("2019-01-01"), d("2019-12-31")),
        ("2020", d("2020-01-01"), d("2020-12-31")), ("2021", d("2021-01-01"), d("2021-12-31")),
        ("2022", d("2022-01-01"), d("2022-11-30"))]
    assert cut(d("2024-02-29"), d("2024-07-01"), "quarter") == [
        ("2024-Q1", d("2024-02-29"), d("2024-03-31")), ("2024-Q2", d("2024-04-01"), d("2024-06-30")),
        ("2024-Q3", d("2024-07-01"), d("2024-07-01"))]
    assert cut(d("2024-03-05"), d("2024-03-05"), "month") == [("2024-03", d("2024-03-05"), d("2024-03-05"))]


def test_the_sub_periods_cover_the_period_once_without_gaps():
    start, end = date(2017, 12, 30), date(2026, 3, 2)
    for unit in ("month", "quarter", "year"):
        parts = cut(start, end, unit)
        assert parts[0][1] == start and parts[-1][2] == end
        for (_, _, last), (_, first, _) in itertools.pairwise(parts):
            assert first == last + timedelta(days=1)


def test_every_declared_figure_has_a_place_in_the_report_and_the_total_is_the_sum():
    assert {f.key for f in FIGURES} == set(PLACES)
    assert all(f.path == PLACES[f.key] for f in FIGURES)
    keys = [k for k, *_ in columns(["RAV", "IV", "SD"])]
    assert keys[:4] == ["referrals", "referrals_RAV", "referrals_IV", "referrals_SD"]
    rows = [{k: "0.01" if k in MONEY else 1 for k in keys}, {k: "1200.50" if k in MONEY else 2 for k in keys}]
    assert total(rows, keys) == {k: "1200.51" if k in MONEY else 3 for k in keys}
    assert MONEY == {"costs_approved"}


# --- the history of test_report_figures, on both backends -----------------------------------------

@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return prepare(tmp_path_factory.mktemp("series-history"))[0]


@pytest.fixture
def hist(history, db_path) -> Path | str:
    return copy_db(history, db_path)


def invoke(db: Path | str, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, ["--db", str(db), "--user", "tester", *args], env=env)


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.stdout)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def as_json(db: Path | str, *args: str, as_of: str = AS_OF) -> dict[str, Any]:
    return json.loads(ok(invoke(db, "report", "--as-of", as_of, *args, "--format", "json")))


@pytest.mark.both_backends
def test_each_month_matches_the_model_and_october_the_hand_count(hist):
    got = as_json(hist, "--series", "month", "--from", "2025-11-20", "--to", "2026-11-30")
    assert got["series"] == "month" and got["by"] == "kind" and got["groups"] == ["RAV", "IV", "SD"]
    assert [p["period"] for p in got["periods"]] == (
        ["2025-11", "2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)])
    assert got["periods"][0]["from"] == "2025-11-20" and got["periods"][-1]["to"] == "2026-11-30"
    for p in got["periods"]:
        want = flat(expected(date.fromisoformat(p["from"]), date.fromisoformat(p["to"]), TODAY, "kind"),
                    ["RAV", "IV", "SD"])
        want["forwarded"] = 0  # the history forwards nothing
        want["costs_approved"] = "0.00"  # and has no measures
        assert {k: p[k] for k in got["columns"]} == want, p["period"]
    # October 2026, counted by hand from the specs (test_report_figures.CASES): referred P14, P15,
    # P16, P20, P22, PX; accepted P11, P20; rejected P12, P15; withdrawn P11, P14; closed P18, P19
    october = next(p for p in got["periods"] if p["period"] == "2026-10")
    assert {k: october[k] for k in got["columns"]} == {
        "referrals": 6, "referrals_RAV": 1, "referrals_IV": 1, "referrals_SD": 4, "accepted": 2,
        "rejected": 2, "withdrawn": 2, "closed": 2, "achieved": 0, "partly": 0, "not_achieved": 2,
        "employed": 0, "forwarded": 0, "overrides": 0, "follow_ups_first": 0, "employed_first": 0,
        "follow_ups_second": 0, "employed_second": 0, "measures_requested": 0, "measures_approved": 0,
        "costs_approved": "0.00"}
    assert got["total"] == {k: summed([p[k] for p in got["periods"]]) for k in got["columns"]}


@pytest.mark.both_backends
@pytest.mark.parametrize("unit, by", [("month", "institution"), ("quarter", "kind"), ("year", "kind")])
def test_every_figure_of_the_series_adds_up_to_the_whole_period(hist, unit, by):
    options = ["--from", "2025-10-15", "--to", "2026-11-30", "--by", by]
    got = as_json(hist, "--series", unit, *options)
    whole = as_json(hist, *options)
    groups = list(whole["referrals"]["by_referrer"])
    assert got["groups"] == groups
    if by == "institution":
        assert set(groups) == set(UNITS)
    want = flat(whole, groups)
    assert got["columns"] == list(want)
    for key in got["columns"]:
        assert summed([p[key] for p in got["periods"]]) == got["total"][key] == want[key], key
    assert want["referrals"] == len([c for c in CASES if c.referred >= date(2025, 10, 15)])


@pytest.mark.both_backends
def test_without_a_period_the_series_runs_from_the_first_referral_to_the_as_of_day(hist):
    got = as_json(hist, "--series", "year")
    assert got["from"] == min(c.referred for c in CASES).isoformat() == "2025-11-20"
    assert got["to"] == AS_OF
    assert [p["period"] for p in got["periods"]] == ["2025", "2026"]
    assert got["total"]["referrals"] == len(CASES)


def test_an_empty_database_gives_one_empty_period(db_path):
    got = as_json(db_path, "--series", "month")
    assert [p["period"] for p in got["periods"]] == [AS_OF[:7]]
    assert {k: v for k, v in got["total"].items() if k not in MONEY} == dict.fromkeys(
        [k for k in got["columns"] if k not in MONEY], 0)
    assert got["total"]["costs_approved"] == "0.00"


def test_csv_has_a_row_per_period_and_agrees_with_the_json(hist):
    options = ["--series", "quarter", "--year", "2026", "--as-of", AS_OF]
    data = as_json(hist, "--series", "quarter", "--year", "2026")
    rows = list(csv.DictReader(io.StringIO(ok(invoke(hist, "report", *options, "--format", "csv")))))
    assert [r["period"] for r in rows] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(rows[0]) == ["period", "from", "to", *data["columns"]]
    for row, p in zip(rows, data["periods"]):
        assert row == {k: str(v) for k, v in p.items()}


def test_the_table_has_a_row_per_period_and_the_total_in_english_and_german(hist):
    text = ok(invoke(hist, "report", "--series", "quarter", "--year", "2026", "--as-of", AS_OF))
    assert "OPTIMA figures per quarter: 2026-01-01 to 2026-12-31" in text
    lines = [line for line in text.splitlines() if line.split("│")[0].strip().startswith(("2026", "total"))]
    assert [line.split("│")[0].strip() for line in lines] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
                                                             "total"]
    german = ok(invoke(hist, "--lang", "de", "report", "--series", "year", "--as-of", AS_OF))
    assert "OPTIMA-Zahlen pro Jahr" in german and "Zeitraum" in german and "total" not in german


@pytest.mark.parametrize("options", [["--series", "week"], ["--series", ""]])
def test_an_unknown_series_is_one_line_and_exit_2(hist, options):
    result = invoke(hist, "report", *options)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert "--series" in result.stderr


# --- the workbook: the Trend sheet and the Summary by unit ------------------------------------------

def workbook(db: Path | str, target: Path, *args: str):
    path = Path(ok(invoke(db, "report", "--as-of", AS_OF, "--xlsx", str(target), *args)).strip())
    return path, load_workbook(path)


def trend_rows(wb) -> list[tuple]:
    return list(wb["Trend"].iter_rows(values_only=True))


def _day(value: Any) -> str:
    return value.date().isoformat() if hasattr(value, "date") else str(value)


@pytest.mark.both_backends
def test_the_trend_sheet_holds_the_series_and_a_line_chart_of_referrals_and_outcomes(hist, tmp_path):
    _, wb = workbook(hist, tmp_path / "t.xlsx", "--series", "quarter", "--year", "2026")
    data = as_json(hist, "--series", "quarter", "--year", "2026")
    rows = trend_rows(wb)
    assert rows[0][:3] == ("period", "from", "to") and len(rows[0]) == 3 + len(data["columns"])
    for row, p in zip(rows[1:], data["periods"]):
        assert row[0] == p["period"] and _day(row[1]) == p["from"] and _day(row[2]) == p["to"]
        assert list(row[3:]) == cells(p, data["columns"])
    assert rows[len(data["periods"]) + 1][0] == "total"
    assert list(rows[len(data["periods"]) + 1][3:]) == cells(data["total"], data["columns"])
    charts = wb["Trend"]._charts
    assert len(charts) == 1 and isinstance(charts[0], LineChart)
    header, last = rows[0], len(data["periods"]) + 1
    drawn = []
    for s in charts[0].series:  # each line: its title in row 1, its values in the periods' rows
        column = s.tx.strRef.f.removeprefix("'Trend'!").rstrip("0123456789")
        assert s.tx.strRef.f == f"'Trend'!{column}1"
        assert s.val.numRef.f == f"'Trend'!${column}$2:${column}${last}"
        drawn.append(header[column_index_from_string(column) - 1])
    assert drawn == ["referrals", "achieved", "partly", "not achieved"]


def test_without_series_the_trend_is_the_twelve_months_ending_with_the_period(hist, tmp_path):
    _, wb = workbook(hist, tmp_path / "m.xlsx", "--month", "2026-10")
    rows = trend_rows(wb)
    assert [r[0] for r in rows[1:13]] == ["2025-11", "2025-12"] + [f"2026-{m:02d}" for m in range(1, 11)]
    data = as_json(hist, "--series", "month", "--from", "2025-11-01", "--to", "2026-10-31")
    assert list(rows[13][3:]) == cells(data["total"], data["columns"])


def test_with_series_and_a_format_the_series_is_printed_and_the_workbook_written(hist, tmp_path):
    target = tmp_path / "s.xlsx"
    result = invoke(hist, "report", "--as-of", AS_OF, "--series", "year", "--xlsx", str(target),
                    "--format", "json")
    data = json.loads(ok(result))
    assert data["series"] == "year" and target.is_file()


@pytest.mark.both_backends
def test_the_summary_counts_by_unit_every_social_service_on_its_own(hist, tmp_path):
    _, wb = workbook(hist, tmp_path / "u.xlsx", "--quarter", "2026-Q3")
    rows = list(wb["Summary"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "unit")
    assert rows[start][:8] == ("unit", "referrals sent", "referrals received", "accepted", "rejected",
                               "closed", "achieved", "employed at closing")
    by_unit = {r[0]: r[1:8] for r in rows[start + 1:] if r[0] is not None}
    whole = as_json(hist, "--quarter", "2026-Q3", "--by", "institution")
    assert set(by_unit) == set(UNITS) | {"total"}
    assert "SD-EMMEN" in by_unit and "SD-HOCHDORF" in by_unit
    model = expected(date(2026, 7, 1), date(2026, 9, 30), TODAY, "institution")
    for unit in UNITS:
        achieved = sum(1 for c in CASES if c.to == unit and c.closed and c.closed[1] == "achieved"
                       and date(2026, 7, 1) <= c.closed[0] <= date(2026, 9, 30))
        employed = sum(1 for c in CASES if c.to == unit and c.closed and c.closed[3] is True
                       and date(2026, 7, 1) <= c.closed[0] <= date(2026, 9, 30))
        assert by_unit[unit] == (
            whole["referrals"]["by_referrer"][unit], whole["referrals"]["by_receiver"][unit],
            whole["accepted"]["by_receiver"][unit], whole["rejected"]["by_receiver"][unit],
            model["closed"]["by_receiver"][unit], achieved, employed), unit
    assert by_unit["total"] == (whole["referrals"]["total"], whole["referrals"]["total"],
                                whole["accepted"]["total"], whole["rejected"]["total"],
                                whole["closed"]["total"], whole["closed"]["by_outcome"]["achieved"],
                                whole["closed"]["employed"])
    assert by_unit["total"][6] == 1  # P24, closed employed at RAV on 2026-09-29


# --- the pilot (`optima demo`): the acceptance of issue 19 -----------------------------------------

@pytest.fixture(scope="module")
def pilot(tmp_path_factory) -> Path:
    """`optima demo` once: the imported pilot with its 52 cases (as in test_demo_examples)."""
    folder = tmp_path_factory.mktemp("series-pilot")
    ok(CliRunner().invoke(app, ["--user", "tester", "demo", "--db", str(folder / "pilot.db")],
                          env={"HOME": str(folder), "OPTIMA_DB": None, "OPTIMA_USER": None}))
    return folder / "pilot.db"


@pytest.mark.both_backends
def test_the_pilot_by_year_adds_up_to_the_whole_period_for_every_figure(pilot, db_path):
    demo = copy_db(pilot, db_path)
    period = ["--from", "2018-10-01", "--to", "2022-11-30"]
    got = json.loads(ok(invoke(demo, "report", "--series", "year", *period, "--format", "json")))
    whole = json.loads(ok(invoke(demo, "report", *period, "--format", "json")))
    assert [p["period"] for p in got["periods"]] == ["2018", "2019", "2020", "2021", "2022"]
    want = flat(whole, ["RAV", "IV", "SD"])
    assert got["columns"] == list(want)
    for key in got["columns"]:
        assert summed([p[key] for p in got["periods"]]) == got["total"][key] == want[key], key
    assert want["referrals"] == 52  # the evaluation's 52 cases, all in the period


# --- LibreOffice ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_libreoffice_opens_the_workbook_and_sees_the_line_chart(pilot, tmp_path):
    """Where LibreOffice is installed (CI installs it and sets OPTIMA_TEST_LIBREOFFICE=required:
    there a missing soffice fails the test instead of skipping it)."""
    if shutil.which("soffice") is None:
        if os.environ.get("OPTIMA_TEST_LIBREOFFICE") == "required":
            pytest.fail("soffice is not installed, and OPTIMA_TEST_LIBREOFFICE=required")
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path / "pilot.xlsx"
    ok(invoke(pilot, "report", "--series", "quarter", "--from", "2018-10-01", "--to", "2022-11-30",
              "--xlsx", str(path)))
    profile = tmp_path / "lo-profile"  # private: parallel tests do not share LibreOffice's profile
    for target in ("pdf", "ods"):
        result = subprocess.run(
            ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
             target, "--outdir", str(tmp_path), str(path)],
            capture_output=True, text=True, timeout=240, env={**os.environ, "HOME": str(tmp_path)})
        assert result.returncode == 0, (result.stdout, result.stderr)
        converted = tmp_path / f"pilot.{target}"
        assert converted.is_file() and converted.stat().st_size > 1000, (result.stdout, result.stderr)
    assert (tmp_path / "pilot.pdf").read_bytes().startswith(b"%PDF")
    with zipfile.ZipFile(tmp_path / "pilot.ods") as ods:
        classes = [ods.read(name).decode() for name in ods.namelist()
                   if name.startswith("Object") and name.endswith("content.xml")]
        sheets = ods.read("content.xml").decode()
    assert sum('chart:class="chart:line"' in c for c in classes) == 1  # the Trend's
    assert sum('chart:class="chart:bar"' in c for c in classes) == 2  # the Summary's
    assert 'table:name="Trend"' in sheets


def test_the_german_workbook_has_its_verlauf_with_dates_in_the_total_row(hist, tmp_path):
    path = Path(ok(invoke(hist, "--lang", "de", "report", "--as-of", AS_OF, "--year", "2026",
                          "--xlsx", str(tmp_path / "de.xlsx"))).strip())
    wb = load_workbook(path)
    assert wb.sheetnames[-1] == "Verlauf"
    rows = list(wb["Verlauf"].iter_rows())
    assert [c.value for c in rows[0][:3]] == ["Zeitraum", "von", "bis"]
    last = rows[13]  # twelve months, then the total
    assert last[0].value == "Total" and last[0].font.b
    assert last[1].is_date and last[1].number_format == "DD.MM.YYYY" and _day(last[1].value) == "2026-01-01"
    assert wb["Verlauf"]._charts[0].title is not None


def test_as_recorded_applies_to_the_series_too(hist):
    today = date.today().isoformat()  # the history is recorded now: as recorded today, all of it
    got = json.loads(ok(invoke(hist, "report", "--series", "year", "--as-recorded", today,
                               "--format", "json")))
    assert got["as_recorded"]["on"] == today and got["as_recorded"]["cases_changed_since"] == 0
    assert got["total"]["referrals"] == len(CASES)
