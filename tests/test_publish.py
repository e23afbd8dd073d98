"""Figures safe to publish (issue 19, `report --publish`): no visible count below the threshold,
and no hidden count that a reader can work out exactly from the published cells and the totals.

The check is an exact solver written here, apart from rules/publish.py: the reader's knowledge as
an integer linear program (scipy's milp): every hidden count is a whole number, one shown as "<3"
lies in 0..2, one shown as "x" is 3 or more (one shown as "*" 0 or more), a referral never goes to
a unit of its own kind, and the report's totals are the sums of their parts (written out below
from the report's shape). A hidden count whose least and greatest possible values are equal is
derivable: the test fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_db
from hypothesis import given, settings
from hypothesis import strategies as st
from test_demo_examples import demo_build  # noqa: F401  (the fixture: `optima demo` once)

from optima_cli.rules import publish

NOT_COUNTS = {"period", "by", "durations", "settings_changes", "demo", "as_recorded", "published"}
UNBOUNDED = 10**6


# --- the independent solver ----------------------------------------------------------------------

def report_sums(report: dict[str, Any]) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """The report's totals and their parts, written out by hand from its shape."""
    ref = report["referrals"]
    keys = list(ref["matrix"])
    found = [(("referrals", "total"), [("referrals", "by_referrer", g) for g in keys]),
             (("referrals", "total"), [("referrals", "by_receiver", g) for g in keys])]
    for g in keys:
        found.append((("referrals", "by_referrer", g), [("referrals", "matrix", g, h) for h in keys]))
        found.append((("referrals", "by_receiver", g), [("referrals", "matrix", h, g) for h in keys]))
    for section in ("accepted", "rejected", "withdrawn", "closed"):
        found.append(((section, "total"), [(section, "by_receiver", g) for g in keys]))
    found.append((("rejected", "total"), [("rejected", "by_reason", r) for r in report["rejected"]["by_reason"]]))
    found.append((("closed", "total"), [("closed", "by_outcome", o) for o in report["closed"]["by_outcome"]]))
    found.append((("joint", "opened"), [("joint", "lead", g) for g in report["joint"]["lead"]]))
    found.append((("joint", "closed"), [("joint", "by_outcome", o) for o in report["joint"]["by_outcome"]]))
    m = report["measures"]
    for d in ("requested", "approved", "declined"):
        for by in ("by_kind", "by_payer", "by_receiver"):
            found.append((("measures", d, "count"), [("measures", by, k, d) for k in m[by]]))
    found.append((("measures", "costs_covered", "approved"), [("measures", "approved", "count")]))
    found.append((("measures", "costs_covered", "decided"),
                  [("measures", "approved", "count"), ("measures", "declined", "count")]))
    for p, f in report["follow_up"].items():
        fu = ("follow_up", p)
        found.append(((*fu, "due"), [(*fu, "recorded"), (*fu, "not_recorded_yet"), (*fu, "overdue")]))
        found.append(((*fu, "recorded"), [(*fu, "by_situation", s) for s in f["by_situation"]]))
        found.append(((*fu, "employed"), [(*fu, "by_situation", "employed")]))
        found.append(((*fu, "not_reached"), [(*fu, "by_situation", "not-reached")]))
        for n in ("due", "recorded", "employed"):
            found.append(((*fu, n), [(*fu, "receiver", g, n) for g in f["receiver"]]))
    return found


def report_at_least(report: dict[str, Any]) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """Totals that are at least the sum of their parts, which a reader knows from what the
    figures mean (over all time: a referral accepted or rejected was referred, a closed case was
    accepted, a measure decided or pending was requested); only those the numbers satisfy."""
    keys = list(report["referrals"]["matrix"])
    found = [(("referrals", "total"), [("accepted", "total"), ("rejected", "total")]),
             (("accepted", "total"), [("closed", "total"), ("open_at_end", "accepted")]),
             (("closed", "total"), [("closed", "employed")]),
             (("closed", "total"), [("closed", "by_cause", c) for c in report["closed"]["by_cause"]]),
             (("measures", "requested", "count"), [("measures", "costs_covered", "decided"),
                                                   ("measures", "pending_at_end", "count")])]
    for g in keys:
        found.append((("referrals", "by_receiver", g), [("accepted", "by_receiver", g),
                                                        ("rejected", "by_receiver", g)]))
        found.append((("accepted", "by_receiver", g), [("closed", "by_receiver", g)]))
    return found


def derivable_cells(equations: list[tuple[Any, list[Any]]], shown: dict[Any, int | None],
                    bounds: dict[Any, tuple[int, int]]) -> list[Any]:
    """The hidden cells (those with bounds) whose value the equations (total = sum of parts) and
    the bounds fix exactly, by minimising and maximising each with an integer program."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    unknown = sorted(bounds)
    index = {c: i for i, c in enumerate(unknown)}
    rows, rhs = [], []
    for total, parts in equations:
        row = np.zeros(len(unknown))
        constant = 0
        for cell, sign in ((total, -1), *((p, 1) for p in parts)):
            if cell in index:
                row[index[cell]] += sign
            else:
                constant += sign * shown[cell]
        if row.any():
            rows.append(row)
            rhs.append(-constant)
        else:
            assert constant == 0, f"the published figures do not add up: {total}"
    if not rows:
        return [c for c in unknown if bounds[c][0] == bounds[c][1]]
    constraint = LinearConstraint(np.array(rows), rhs, rhs)
    box = Bounds([bounds[c][0] for c in unknown], [bounds[c][1] for c in unknown])
    fixed = []
    seen: dict[Any, set[int]] = {c: set() for c in unknown}  # values met in some solution
    signs = np.random.default_rng(19).choice([-1.0, 1.0], size=(4, len(unknown)))
    for objective in (np.ones(len(unknown)), -np.ones(len(unknown)), *signs):  # a few to start
        found = milp(objective, constraints=constraint, bounds=box, integrality=np.ones(len(unknown)))
        assert found.success, found.message
        for other, value in zip(unknown, found.x, strict=True):
            seen[other].add(round(value))
    for cell in unknown:
        if bounds[cell][0] == bounds[cell][1]:
            fixed.append(cell)  # known before anything is published
            continue
        if len(seen[cell]) > 1:
            continue  # two solutions differ in it already
        objective = np.zeros(len(unknown))
        objective[index[cell]] = 1
        low = milp(objective, constraints=constraint, bounds=box, integrality=np.ones(len(unknown)))
        high = milp(-objective, constraints=constraint, bounds=box, integrality=np.ones(len(unknown)))
        assert low.success and high.success, (cell, low.message, high.message)
        for solution in (low.x, high.x):
            for other, value in zip(unknown, solution, strict=True):
                seen[other].add(round(value))
        if round(low.fun) == round(-high.fun):
            fixed.append(cell)
    return fixed


def counts(node: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Every count of a report (a whole number, or null where hidden) by its path."""
    if isinstance(node, dict):
        found: dict[tuple[str, ...], Any] = {}
        for key, inner in node.items():
            if not path and key in NOT_COUNTS:
                continue
            found.update(counts(inner, (*path, str(key))))
        return found
    if node is None or (isinstance(node, int) and not isinstance(node, bool)):
        return {path: node}
    return {}


def check_published(report: dict[str, Any], kinds: dict[str, str],
                    unpublished: dict[str, Any] | None = None) -> None:
    """No visible count below the threshold; none hidden that the totals give away."""
    published = report["published"]
    threshold = published["threshold"]
    why = {tuple(s["cell"].split(".")): s["why"] for s in published["suppressed"]}
    shown = counts(report)
    low = {c: v for c, v in shown.items() if v is not None and v < threshold}
    assert not low, f"visible counts below {threshold}: {low}"
    hidden = {c for c, v in shown.items() if v is None}
    assert hidden == {c for c in why if c[0] != "durations"}, "null exactly where suppressed"
    known = {("referrals", "matrix", a, b) for a in kinds for b in kinds if kinds[a] == kinds[b]}
    bounds = {c: (0, 0) if c in known else (0, threshold - 1) if why[c] == "below-threshold"
              else (0, UNBOUNDED) if why[c] == "withheld" else (threshold, UNBOUNDED)
              for c in hidden}
    equations = report_sums(report)
    truth = counts(unpublished) if unpublished is not None else None
    for i, (total, parts) in enumerate(report_at_least(report)):
        if truth is not None and truth[total] < sum(truth[p] for p in parts):
            continue  # does not hold in this period: the reader cannot know it holds
        slack = ("~slack", str(i))
        bounds[slack] = (0, UNBOUNDED)
        equations.append((total, [*parts, slack]))
    fixed = {c for c in derivable_cells(equations, shown, bounds) if c[0] != "~slack"} - known
    assert not fixed, f"hidden counts a reader can work out: {sorted(fixed)}"
    durations = report["durations"]
    if durations["median_days_accepted_to_closed"] is not None:
        assert why.get(("closed", "total")) != "below-threshold"


# --- on the demo: the acceptance test ------------------------------------------------------------

@pytest.fixture
def demo(demo_build, db_path) -> Path | str:  # noqa: F811  (the fixture imported above)
    """The demo's database (`optima demo`, built once per module), on the test's backend."""
    copy_db(demo_build[0], db_path)
    return db_path


def ok(result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def kinds_of(run, db) -> dict[str, dict[str, str]]:
    units = json.loads(ok(run("institution", "list", "--format", "json", db=db)))
    return {"kind": {k: k for k in ("RAV", "IV", "SD")},
            "institution": {u["code"]: u["kind"] for u in units}}


@pytest.mark.both_backends
@pytest.mark.parametrize("by", ["kind"])
def test_the_published_demo_gives_no_count_away(run, demo, by):
    kinds = kinds_of(run, demo)[by]
    for period in ([], *(["--year", str(y)] for y in range(2018, 2023))):
        report = json.loads(ok(run("report", *period, "--by", by, "--publish", "--format", "json",
                                   db=demo)))
        assert report["published"]["threshold"] == 3
        assert report["published"]["suppressed"], "the demo has small groups"
        truth = json.loads(ok(run("report", *period, "--by", by, "--format", "json", db=demo)))
        check_published(report, kinds, truth)


@pytest.mark.both_backends
def test_publish_hides_only_what_it_says_and_changes_nothing_else(run, demo):
    full = json.loads(ok(run("report", "--format", "json", db=demo)))
    shown = json.loads(ok(run("report", "--publish", "--format", "json", db=demo)))
    assert full["published"] is None  # without --publish: everything, as before
    hidden = {s["cell"] for s in shown["published"]["suppressed"]}
    for cell, value in counts(full).items():
        assert counts(shown)[cell] == (None if ".".join(cell) in hidden else value)
    for key in ("period", "by", "settings_changes", "demo", "as_recorded"):
        assert shown[key] == full[key]
    for key, value in shown["durations"].items():
        assert value in (None, full["durations"][key])
    assert {s["why"] for s in shown["published"]["suppressed"]} <= set(publish.WHY)


def test_a_higher_threshold_hides_more(run, demo):
    ok(run("settings", "set", "publish-threshold", "5", db=demo))
    report = json.loads(ok(run("report", "--publish", "--format", "json", db=demo)))
    assert report["published"]["threshold"] == 5
    check_published(report, kinds_of(run, demo)["kind"])
    refused = run("settings", "set", "publish-threshold", "1", db=demo)
    assert refused.exit_code == 2 and "2 to 20" in refused.stderr


# --- the table, the CSV, the workbook and the refusals -------------------------------------------

def test_the_table_and_csv_show_the_markers_and_the_legend(run, demo):
    table = ok(run("report", "--publish", db=demo))
    assert "Figures for publication: every count below 3 is shown as <3." in table
    assert "x: hidden so that no <3 can be worked out" in table
    assert "<3" in table
    csv = ok(run("report", "--publish", "--format", "csv", db=demo))
    assert "referrals,matrix.IV,RAV,<3" in csv
    assert "published,suppressed.1,cell,referrals." in csv  # which cells, and why
    assert ",x\n" in csv
    assert "<3" not in ok(run("report", db=demo))  # without --publish: as before
    german = ok(run("--lang", "de", "report", "--publish", db=demo))
    assert "Zahlen zur Veröffentlichung: jede Zahl unter 3 erscheint als <3." in german


def test_a_published_workbook_has_the_figures_and_no_case_rows(run, demo, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "public.xlsx"
    ok(run("report", "--publish", "--xlsx", str(target), db=demo))
    wb = load_workbook(target)
    assert wb.sheetnames == ["Summary"]
    text = [str(v) for row in wb["Summary"].iter_rows(values_only=True) for v in row if v is not None]
    assert "<3" in text and "x" in text
    assert any(v.startswith("Figures for publication") for v in text)
    assert not any(v.startswith("OPT-") for v in text), "no case numbers in a published workbook"


def test_publish_with_personal_data_is_refused(run, demo, tmp_path):
    target = tmp_path / "public.xlsx"
    for args in (["--xlsx", str(target)], []):
        r = run("report", "--publish", "--with-personal-data", *args, db=demo)
        assert r.exit_code == 2
        assert "--publish writes figures safe to publish" in r.stderr
        assert not target.exists()


def test_figures_by_unit_are_not_published(run, demo, tmp_path):
    """Review of issue 19: by unit nearly every cell is small, and beside the figures by kind
    the cells of one grouping gave cells hidden in the other away."""
    target = tmp_path / "public.xlsx"
    for args in (["--xlsx", str(target)], []):
        r = run("report", "--publish", "--by", "institution", *args, db=demo)
        assert r.exit_code == 2 and "--publish gives the figures by kind only" in r.stderr
        assert r.stdout == "" and not target.exists()


def test_a_series_is_never_published_not_even_beside_a_workbook(run, demo, tmp_path):
    """Review of issue 19: with --xlsx and --format the series was printed unsuppressed."""
    target = tmp_path / "public.xlsx"
    for args in (["--xlsx", str(target), "--format", "csv"], ["--xlsx", str(target)], []):
        r = run("report", "--publish", "--series", "year", *args, db=demo)
        assert r.exit_code == 2 and "--series cannot be published" in r.stderr
        assert r.stdout == "" and not target.exists()


# --- the suppression on random small tables ------------------------------------------------------

@st.composite
def tables(draw) -> tuple[dict, list, int, list]:
    """A table of counts with its row and column totals and grand total, sometimes a second split
    of the grand total (like the rejections by reason), and sometimes known zeros on the diagonal."""
    rows = draw(st.integers(1, 4))
    columns = draw(st.integers(1, 4))
    zeros = draw(st.booleans()) and rows == columns > 1  # 1 by 1: the rules would say it all
    cell = {(f"r{i}", f"c{j}"): (0 if zeros and i == j else draw(st.integers(0, 9)))
            for i in range(rows) for j in range(columns)}
    values: dict[tuple[str, ...], int] = {("m", r, c): n for (r, c), n in cell.items()}
    sums = []
    for i in range(rows):
        values[("row", f"r{i}")] = sum(cell[(f"r{i}", f"c{j}")] for j in range(columns))
        sums.append((("row", f"r{i}"), [("m", f"r{i}", f"c{j}") for j in range(columns)]))
    for j in range(columns):
        values[("col", f"c{j}")] = sum(cell[(f"r{i}", f"c{j}")] for i in range(rows))
        sums.append((("col", f"c{j}"), [("m", f"r{i}", f"c{j}") for i in range(rows)]))
    values[("total",)] = sum(cell.values())
    sums.append((("total",), [("row", f"r{i}") for i in range(rows)]))
    sums.append((("total",), [("col", f"c{j}") for j in range(columns)]))
    if draw(st.booleans()):  # another split of the total, into 2 to 4 parts
        parts = draw(st.integers(2, 4))
        cuts = sorted(draw(st.lists(st.integers(0, values[("total",)]), min_size=parts - 1,
                                    max_size=parts - 1)))
        for k, (a, b) in enumerate(zip([0, *cuts], [*cuts, values[("total",)]], strict=True)):
            values[("split", str(k))] = b - a
        sums.append((("total",), [("split", str(k)) for k in range(parts)]))
    known = [("m", f"r{i}", f"c{i}") for i in range(rows)] if zeros else []
    return values, sums, draw(st.integers(2, 4)), known


@settings(max_examples=80)
@given(tables())
def test_suppression_leaves_nothing_to_work_out(table):
    values, sums, threshold, known = table
    relations = [publish.Sum(total, tuple(parts)) for total, parts in sums]
    hidden = publish.suppress(values, relations, threshold, known)
    assert all(values[c] >= threshold for c in values if c not in hidden)
    assert all(hidden[c] in ("below-threshold", "withheld") for c in values if values[c] < threshold)
    assert all(values[c] >= threshold for c in hidden if hidden[c] == "derivable")
    shown = {c: (None if c in hidden else v) for c, v in values.items()}
    bounds = {c: (values[c], values[c]) if c in known else (0, threshold - 1)
              if hidden[c] == "below-threshold" else (0, UNBOUNDED) if hidden[c] == "withheld"
              else (threshold, UNBOUNDED) for c in hidden}
    assert not set(derivable_cells(sums, shown, bounds)) - set(known)


def test_a_lone_small_cell_takes_a_second_one_with_it():
    """Parts 1, 5, 7 of 13: the 1 is hidden; from 13 - 5 - 7 it would be clear, so the 5 goes too,
    shown as x (it is not below 3)."""
    values = {("t",): 13, ("p", "a"): 1, ("p", "b"): 5, ("p", "c"): 7}
    hidden = publish.suppress(values, [publish.Sum(("t",), (("p", "a"), ("p", "b"), ("p", "c")))], 3)
    assert hidden == {("p", "a"): "below-threshold", ("p", "b"): "derivable"}


def test_a_secondary_cell_known_to_be_three_or_more_can_give_a_small_one_away():
    """Parts 0 and 3 of 3, both hidden: the reader knows the x is at least 3, so the <3 is 0 and
    the x is 3; the total has to go too."""
    values = {("t",): 3, ("p", "a"): 0, ("p", "b"): 3, ("q",): 10, ("r",): 7}
    relations = [publish.Sum(("t",), (("p", "a"), ("p", "b"))),
                 publish.Sum(("q",), (("t",), ("r",)))]
    hidden = publish.suppress(values, relations, 3)
    shown = {c: (None if c in hidden else v) for c, v in values.items()}
    bounds = {c: (0, 2) if hidden[c] == "below-threshold" else (3, UNBOUNDED) for c in hidden}
    assert ("t",) in hidden
    assert not derivable_cells([(r.total, list(r.parts)) for r in relations], shown, bounds)


def test_a_median_of_few_cases_is_hidden():
    data = {"closed": {"total": 2, "by_receiver": {"A": 2}},
            "durations": {"median_days_accepted_to_closed": 40}}
    shown = publish.publish(data, 3, [("closed.total", "closed.by_receiver.*")],
                            {"durations.median_days_accepted_to_closed": ("closed.total",)},
                            ["durations"])
    assert shown["durations"]["median_days_accepted_to_closed"] is None
    assert {"cell": "durations.median_days_accepted_to_closed", "why": "few-cases"} in \
        shown["published"]["suppressed"]


def test_where_the_markers_alone_give_a_count_away_the_table_is_withheld():
    """A total of 2 in two parts below 2: shown as x (2 or more) and <2, <2, both parts are 1.
    Nothing published is left to hide, so all three are withheld (*: any value)."""
    from optima_cli.render.report import marked, published_note

    data = {"t": {"total": 2, "by": {"a": 1, "b": 1}}}
    shown = publish.publish(data, 2, [("t.total", "t.by.*")], {}, [])
    assert {s["why"] for s in shown["published"]["suppressed"]} == {"withheld"}
    assert marked(shown)["t"] == {"total": "*", "by": {"a": "*", "b": "*"}}
    assert published_note(shown["published"])[-1].startswith("*: not published")
