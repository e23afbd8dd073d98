"""`optima import` corrects too (issue 17): a row for a case already there that differs from it,
in a value `optima amend` corrects, is listed with the stored value and the file's and nothing is
written (exit 1), unless `--amend` is given: then the row is an amendment with the file named as
the reason, through the same decision as `optima amend`; a bad correction and a row already there
with an unknown unit are refused by column; a blank cell, or a step the case has not taken, is no
difference.

The files are the template's two example rows (tests/test_import.py), changed here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import dump
from test_import import imported, ok, refused, template, write_csv

from optima_cli.importing.compare import Difference, differences
from optima_cli.importing.rows import COLUMNS
from optima_cli.rules.codes import Kind, Status
from optima_cli.rules.lifecycle import Case, Unit

WHY = "import: changed.csv"


@pytest.fixture
def there(run, tmp_path) -> tuple[list[str], list[dict[str, str]], dict[str, str]]:
    """The template imported: its header, its rows, and the case of each (Anna's, Peter's)."""
    header, rows = template()
    made = imported(run, write_csv(tmp_path / "first.csv", header, rows))["cases"]
    return header, rows, {"anna": made[0], "peter": made[1]}


def changed(tmp_path: Path, header: list[str], rows: list[dict[str, str]],
            anna: dict[str, str] | None = None, peter: dict[str, str] | None = None) -> Path:
    """The template's rows with some cells changed, as changed.csv."""
    new = [{**rows[0], **(anna or {})}, {**rows[1], **(peter or {})}]
    return write_csv(tmp_path / "changed.csv", header, new)


def figures(run) -> dict[str, Any]:
    return json.loads(ok(run("report", "--year", "2025", "--format", "json")))


def case_of(run, case: str) -> dict[str, Any]:
    return json.loads(ok(run("show", case, "--format", "json")))


# --- the differences, listed ---------------------------------------------------------------------

@pytest.mark.both_backends
def test_a_differing_row_is_listed_and_nothing_is_written(run, db_path, tmp_path, there):
    header, rows, cases = there
    path = changed(tmp_path, header, rows, anna={"goal": "Eine Stelle"},
                   peter={"receiving_counsellor": "A. Stein", "topics": "finances"})
    before = dump(db_path)

    data, result = refused(run, path)

    assert (data["differences"], data["amended"], data["imported"], data["skipped"]) == (2, 0, 0, 0)
    assert data["errors"] == []
    assert data["difference_rows"] == [
        {"row": 2, "case": cases["anna"], "column": "goal",
         "stored": "Stelle im ersten Arbeitsmarkt finden", "file": "Eine Stelle"},
        {"row": 3, "case": cases["peter"], "column": "topics", "stored": "conflict, finances",
         "file": "finances"},
        {"row": 3, "case": cases["peter"], "column": "receiving_counsellor",
         "stored": "A. Steiner", "file": "A. Stein"},
    ]
    assert result.stderr.strip().splitlines() == [
        "error: 2 rows of changed.csv differ from their cases already there; nothing was "
        "imported: check the file, or give --amend to correct the cases"]
    assert dump(db_path) == before


def test_a_dry_run_lists_the_differences_too(run, db_path, tmp_path, there):
    header, rows, _ = there
    path = changed(tmp_path, header, rows, peter={"months": "3"})
    before = dump(db_path)

    data, result = refused(run, path, "--dry-run")

    assert data["difference_rows"] == [{"row": 3, "case": data["difference_rows"][0]["case"],
                                        "column": "months", "stored": "6", "file": "3"}]
    assert "give --amend" in result.stderr
    assert dump(db_path) == before


# --- two rows of one file for one case --------------------------------------------------------

def twice(tmp_path: Path, header: list[str], rows: list[dict[str, str]], **later: str) -> Path:
    """The template's rows and Peter's row again, with some cells changed, as twice.csv."""
    return write_csv(tmp_path / "twice.csv", header, [rows[0], rows[1], {**rows[1], **later}])


def test_a_second_row_for_a_case_the_file_makes_is_compared_with_it(run, db_path, tmp_path):
    header, rows = template()
    path = twice(tmp_path, header, rows, goal="etwas anderes")
    ok(run("list"))  # the database, empty
    before = dump(db_path)

    data, result = refused(run, path)

    [difference] = data["difference_rows"]
    assert {k: difference[k] for k in ("row", "column", "stored", "file")} == {
        "row": 4, "column": "goal", "stored": "Schuldensanierung aufgleisen",
        "file": "etwas anderes"}
    assert (data["differences"], data["imported"], data["errors"]) == (1, 0, [])
    assert "1 row of twice.csv differs" in result.stderr
    assert dump(db_path) == before


def test_amend_refuses_a_row_that_contradicts_the_row_making_its_case(run, db_path, tmp_path):
    header, rows = template()
    path = twice(tmp_path, header, rows, goal="etwas anderes", receiving_counsellor="A. Stein")
    ok(run("list"))
    before = dump(db_path)

    for _ in range(2):  # the same answer every time: nothing written, nothing to flip
        data, result = refused(run, path, "--amend")

        assert [(e["row"], e["column"]) for e in data["errors"]] == [(4, "goal")]
        case = data["errors"][0]["message"].split(" gives ")[1].split()[0]
        assert data["errors"][0]["message"] == (
            f"row 3 of this file gives {case} another goal; the rows of one case must agree")
        assert result.stderr.strip() == "error: 1 problem in twice.csv; nothing was imported"
        assert dump(db_path) == before


@pytest.mark.both_backends
def test_amend_refuses_two_rows_giving_a_stored_case_two_values(run, db_path, tmp_path, there):
    """Taking the later row would flip the case on every import: the earlier row corrects it
    back, the later forth."""
    header, rows, cases = there
    path = write_csv(tmp_path / "changed.csv", header, [
        rows[0], {**rows[1], "goal": "erst dies"}, {**rows[1], "goal": "dann das"}])
    before = dump(db_path)

    data, _ = refused(run, path, "--amend")

    assert [(e["row"], e["column"]) for e in data["errors"]] == [(4, "goal")]
    assert data["errors"][0]["message"] == (
        f"row 3 of this file gives {cases['peter']} another goal; the rows of one case must agree")
    assert dump(db_path) == before
    # one row agreeing with the case, the other not: the same refusal
    path = twice(tmp_path, header, rows, goal="dann das")
    assert [(e["row"], e["column"]) for e in refused(run, path, "--amend")[0]["errors"]] == [
        (4, "goal")]
    assert dump(db_path) == before
    assert case_of(run, cases["peter"])["goal"] == "Schuldensanierung aufgleisen"


def test_a_value_only_the_later_row_gives_still_corrects_a_stored_case(run, tmp_path, there):
    header, rows, cases = there
    path = write_csv(tmp_path / "changed.csv", header, [
        rows[0], {**rows[1], "goal": ""}, {**rows[1], "goal": "dann das"}])

    data = imported(run, path, "--amend")

    assert [(d["row"], d["column"], d["file"]) for d in data["difference_rows"]] == [
        (4, "goal", "dann das")]
    assert case_of(run, cases["peter"])["goal"] == "dann das"
    assert ok(run("audit", "verify")).startswith("ok")
    again = imported(run, path, "--amend")  # settled: nothing more to correct
    assert (again["amended"], again["differences"], again["skipped"]) == (0, 0, 3)


def test_a_file_giving_a_case_twice_alike_imports_it_once_and_again_is_a_no_op(run, db_path,
                                                                               tmp_path):
    header, rows = template()
    path = twice(tmp_path, header, rows, goal="", close_note="")  # blank cells say nothing

    first = imported(run, path)

    assert (first["imported"], first["skipped"], first["differences"]) == (2, 1, 0)
    after = dump(db_path)
    for extra in ((), ("--amend",)):
        again = imported(run, path, *extra)
        assert (again["imported"], again["skipped"], again["differences"], again["amended"]) == (
            0, 3, 0, 0)
        assert dump(db_path) == after


@pytest.mark.both_backends
def test_the_dry_run_shows_what_amend_would_do_and_writes_nothing(run, db_path, tmp_path, there):
    header, rows, _ = there
    path = changed(tmp_path, header, rows, anna={"goal": "Eine Stelle"})
    before = dump(db_path)

    data = imported(run, path, "--amend", "--dry-run")

    assert (data["dry_run"], data["amend"], data["amended"], data["differences"]) == (True, True, 1, 1)
    assert (data["skipped"], data["imported"]) == (1, 0)
    assert dump(db_path) == before
    table = ok(run("import", str(path), "--amend", "--dry-run"))
    assert "changed.csv: 1 case would be corrected" in table
    assert "would correct" in table


@pytest.mark.both_backends
def test_amend_corrects_each_differing_row_with_the_file_as_the_reason(run, tmp_path, there):
    header, rows, cases = there
    path = changed(tmp_path, header, rows, anna={"goal": "Eine Stelle", "close_note": "via file"},
                   peter={"receiving_counsellor": "A. Stein", "topics": "finances"})

    data = imported(run, path, "--amend")

    assert (data["amended"], data["differences"], data["skipped"], data["imported"]) == (2, 2, 0, 0)
    anna, peter = case_of(run, cases["anna"]), case_of(run, cases["peter"])
    assert anna["goal"] == "Eine Stelle"
    assert (peter["receiving_counsellor"], peter["topics"]) == ("A. Stein", ["finances"])
    listed = json.loads(ok(run("audit", "list", "--format", "json")))
    amends = [e for e in listed if e["action"] == "amend"]
    assert [(e["ref"], e["why"], e["source"]) for e in amends] == [
        (cases["anna"], WHY, "import:changed.csv"), (cases["peter"], WHY, "import:changed.csv")]
    assert ok(run("audit", "verify")).startswith("ok")
    assert "Eine Stelle (amended)" in ok(run("show", cases["anna"]))
    # the file holds what the cases hold now: nothing more to correct
    again = imported(run, path)
    assert (again["skipped"], again["differences"], again["amended"]) == (2, 0, 0)


@pytest.mark.both_backends
def test_a_correction_the_rules_refuse_is_refused_with_its_column(run, db_path, tmp_path, there):
    header, rows, cases = there
    # Anna's case was accepted on 12.02.2025: a closing on 10.02.2025 comes before it
    path = changed(tmp_path, header, rows, anna={"closed_on": "10.02.2025", "goal": "Eine Stelle"})
    before = dump(db_path)

    data, _ = refused(run, path, "--amend")

    assert [(e["row"], e["column"]) for e in data["errors"]] == [(2, "closed_on")]
    assert data["errors"][0]["message"] == (
        "closed_on 2025-02-10 is before the acceptance on 2025-02-12; the events of a case keep "
        "their order")
    assert dump(db_path) == before
    assert case_of(run, cases["anna"])["closed_on"] == "2025-05-12"


@pytest.mark.both_backends
def test_an_outcome_is_corrected_with_its_cause(run, tmp_path, there):
    header, rows, cases = there
    path = changed(tmp_path, header, rows, anna={"outcome": "not-achieved"})

    data, _ = refused(run, path, "--amend")  # not achieved needs its cause, which the row lacks

    assert [(e["row"], e["column"]) for e in data["errors"]] == [(2, "cause")]
    before = figures(run)
    path = changed(tmp_path, header, rows, anna={"outcome": "not-achieved", "cause": "other",
                                                 "close_note": "moved away"})
    assert imported(run, path, "--amend")["amended"] == 1
    anna = case_of(run, cases["anna"])
    assert (anna["outcome"], anna["cause"]) == ("not-achieved", "other")
    # the figures move only as the corrected outcome says
    after = figures(run)
    assert before["closed"]["by_outcome"] == {"achieved": 1, "partly": 0, "not-achieved": 0}
    assert after["closed"]["by_outcome"] == {"achieved": 0, "partly": 0, "not-achieved": 1}
    assert after["closed"]["by_cause"] == {**before["closed"]["by_cause"], "other": 1}
    for unchanged in ("referrals", "accepted", "rejected", "withdrawn", "open_at_end"):
        assert after[unchanged] == before[unchanged]
    assert after["closed"]["total"] == before["closed"]["total"] == 1


@pytest.mark.both_backends
def test_a_row_already_there_with_an_unknown_unit_is_refused(run, db_path, tmp_path, there):
    header, rows, _ = there
    before = dump(db_path)
    for column in ("referrer", "registered_at"):
        path = changed(tmp_path, header, rows, peter={column: "NOPE"})

        data, _ = refused(run, path)

        assert [(e["row"], e["column"]) for e in data["errors"]] == [(3, column)]
        assert "unknown institution 'NOPE'" in data["errors"][0]["message"]
        assert dump(db_path) == before


@pytest.mark.both_backends
def test_a_blank_cell_or_a_step_not_taken_is_no_difference(run, db_path, tmp_path, there):
    header, rows, _ = there
    # Peter's case is open: a closing in the file is a step the import does not add to it;
    # blank goal and counsellor say nothing; the topics in another order are the same topics
    path = changed(tmp_path, header, rows, anna={"goal": "", "receiving_counsellor": ""},
                   peter={"closed_on": "2025-06-01", "outcome": "achieved", "topics": "conflict;finances"})
    before = dump(db_path)

    data = imported(run, path, "--amend")

    assert (data["skipped"], data["differences"], data["amended"]) == (2, 0, 0)
    assert dump(db_path) == before


# --- in German -----------------------------------------------------------------------------------

def test_differences_and_refusals_in_german(run, tmp_path, there):
    header, rows, _ = there
    path = changed(tmp_path, header, rows, anna={"goal": "Eine Stelle"})

    result = run("--lang", "de", "import", str(path))

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Fehler: 1 Zeile von changed.csv weicht vom schon vorhandenen Fall ab; nichts wurde "
        "importiert: prüfen Sie die Datei, oder geben Sie --amend an, um den Fall zu korrigieren")
    assert "changed.csv: 1 Zeile weicht von ihrem Fall ab, nichts importiert" in result.stdout
    assert "erfasst" in result.stdout and "in der Datei" in result.stdout

    done = ok(run("--lang", "de", "import", str(path), "--amend"))
    assert "changed.csv: 1 Fall korrigiert" in done

    path = changed(tmp_path, header, rows, anna={"closed_on": "10.02.2025"})
    result = run("--lang", "de", "import", str(path), "--amend")
    assert result.exit_code == 1
    assert "closed_on 10.02.2025 liegt vor" in result.stdout

    path = twice(tmp_path, header, rows, goal="dann das")
    result = run("--lang", "de", "import", str(path), "--amend", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0]["message"].startswith(
        "Zeile 3 dieser Datei gibt OPT-")


# --- the comparison, without a database -----------------------------------------------------------

def test_the_comparison_reads_values_as_amend_reads_them():
    from datetime import date

    case = Case(case_id="OPT-2025-0001", referrer=Unit("SD", Kind.SD), receiver=Unit("RAV", Kind.RAV),
                topics=("finances", "conflict"), status=Status.ACCEPTED.value, months=6,
                referred_on=date(2025, 2, 5), goal="Schulden ordnen", decided_on=date(2025, 2, 12),
                receiving_counsellor="B. Keller", due_on=date(2025, 8, 12),
                first_due_on=date(2025, 5, 12), extended_on=date(2025, 5, 1))
    row = dict.fromkeys(COLUMNS)
    today = date(2026, 1, 1)
    # the same values as the file states them: the months as referred (3, extended to 6), the
    # topics in another order, the goal with spaces around it; a closing the case has not
    assert differences(case, {**row, "months": 3, "topics": ("conflict", "finances"),
                              "goal": "  Schulden ordnen ", "closed_on": date(2025, 6, 1)},
                       today) == {}
    assert differences(case, {**row, "referring_counsellor": "P. Frei"}, today) == {
        "referring_counsellor": Difference("referring_counsellor", "", "P. Frei")}
