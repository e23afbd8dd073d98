"""Issue 16: "workable in 3 or 6 months" asked as a question where it is asked, not warned on every
referral. `refer --workable yes|no` (ja/nein too) in scripts, a prompt on a terminal, the import's
column `workable`; the answer is stored with the referral and shown; the criterion warns only on
no or no answer, saying how to answer. `check --workable` judges with it and writes nothing.

The command line through Click's CliRunner (stdin is no terminal there: nothing is asked), the
prompt in a pseudo-terminal (tests/test_hardening_cli.py's `in_terminal`).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import days_ago, dump, query
from test_hardening_cli import in_terminal
from test_import import imported, refused, template, write_csv

RULE = "workable-in-period"
HOW_TO_ANSWER = "--workable yes|no"


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout.strip()


@pytest.fixture
def client(run) -> str:
    """A client of the RAV who consented a month ago: a referral to SD on finances meets every
    other criterion."""
    return ok(run("register", "--name", "Muster Hans", "--birth-date", "12.03.1980", "--from", "RAV",
                  "--consent-on", days_ago(30)))


def refer(run, client: str, *answer: str, fmt: str = "table"):
    return run("refer", client, "--to", "SD", "--topics", "finances", "--months", "3",
               *answer, "--format", fmt)


def workable_finding(findings: list[dict]) -> dict:
    (found,) = [f for f in findings if f["rule"] == RULE]
    return found


def show(run, case: str) -> dict:
    return json.loads(ok(run("show", case, "--format", "json")))


# --- refer ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("yes", ["yes", "ja", "YES"])
def test_refer_answered_yes_warns_of_nothing_and_keeps_the_answer(run, client, yes):
    result = refer(run, client, "--workable", yes)
    case = ok(result)
    assert "warning" not in result.stderr, result.stderr
    record = show(run, case)
    assert record["workable"] is True
    found = workable_finding(record["findings"])
    assert (found["result"], found["key"]) == ("pass", "workable/2")
    assert found["message"].startswith("answered yes")


@pytest.mark.parametrize("no", ["no", "nein"])
def test_refer_answered_no_warns_that_severe_problems_do_not_fit(run, client, no):
    result = refer(run, client, "--workable", no)
    case = ok(result)  # a warning, never a refusal
    assert "warning: " in result.stderr and "severe problems do not fit OPTIMA" in result.stderr
    assert HOW_TO_ANSWER not in result.stderr
    record = show(run, case)
    assert record["workable"] is False
    found = workable_finding(record["findings"])
    assert (found["result"], found["key"]) == ("warn", "workable/3")


def test_refer_off_a_terminal_does_not_ask_and_warns_how_to_answer(run, client, db_path):
    """A script (stdin no terminal) is never asked: the referral is made, not answered, and the
    warning says how to answer."""
    result = refer(run, client, fmt="json")
    assert result.exit_code == 0, result.stderr
    assert "(yes/no)" not in result.stderr  # no question asked
    record = json.loads(result.stdout)
    assert record["workable"] is None
    found = workable_finding(record["findings"])
    assert (found["result"], found["key"]) == ("warn", "workable/4")
    assert HOW_TO_ANSWER in found["message"]
    assert query(db_path, "SELECT workable FROM referral") == [(None,)]
    table = refer(run, ok(run("register", "--name", "Beispiel Eva", "--birth-date", "01.02.1975",
                                  "--from", "RAV", "--consent-on", days_ago(30))))
    assert "warning: " in table.stderr and HOW_TO_ANSWER in table.stderr


def test_a_wrong_answer_is_a_usage_error_and_writes_nothing(run, client, db_path):
    before = dump(db_path)
    result = refer(run, client, "--workable", "vielleicht")
    assert result.exit_code == 2, result.stderr
    assert "'vielleicht' is not yes or no" in result.stderr and "--workable" in result.stderr
    assert dump(db_path) == before


def test_show_says_the_answer_in_english_and_german(run, client):
    answered = ok(refer(run, client, "--workable", "yes"))
    english = " ".join(ok(run("show", answered)).split())
    assert "workable in the mandate yes" in english
    german = " ".join(ok(run("--lang", "de", "show", answered)).split())
    assert "in der Auftragsdauer bearbeitbar ja" in german
    assert "mit Ja beantwortet" in german
    other = ok(run("register", "--name", "Beispiel Eva", "--birth-date", "01.02.1975", "--from", "RAV",
                   "--consent-on", days_ago(30)))
    unanswered = ok(refer(run, other))
    german = " ".join(ok(run("--lang", "de", "show", unanswered)).split())
    # (the sentence may wrap in its table cell)
    assert "nicht beantwortet" in german and "--workable" in german and "ja|nein" in german


def test_the_case_record_has_the_answer_in_json_and_csv_lists(run, client):
    case = ok(refer(run, client, "--workable", "no"))
    (listed,) = json.loads(ok(run("list", "--format", "json")))
    assert (listed["case"], listed["workable"]) == (case, False)
    (row,) = csv.DictReader(io.StringIO(ok(run("list", "--format", "csv"))))
    assert row["workable"] == "false"


# --- check ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "result", "key"), [
    ("yes", "pass", "workable/2"), ("nein", "warn", "workable/3"), (None, "warn", "workable/4")])
def test_check_judges_with_the_answer_and_writes_nothing(run, client, db_path, answer, result, key):
    before = dump(db_path)
    args = ["check", client, "--to", "SD", "--topics", "finances", "--format", "json"]
    checked = run(*args, *(["--workable", answer] if answer else []))
    assert checked.exit_code == 0, checked.stderr  # allowed either way: it only warns
    found = workable_finding(json.loads(checked.stdout)["findings"])
    assert (found["result"], found["key"]) == (result, key)
    assert dump(db_path) == before


# --- the import -----------------------------------------------------------------------------------

@pytest.mark.both_backends
def test_the_import_reads_the_column_workable_blank_is_not_answered(run, tmp_path):
    header, rows = template()
    assert "workable" in header
    rows[0]["workable"] = "ja"  # Anna; Peter's stays blank
    out = imported(run, write_csv(tmp_path / "referrals.csv", header, rows))
    cases = {c["referred_on"]: c for c in (show(run, case) for case in out["cases"])}
    anna, peter = cases["2025-02-05"], cases["2025-03-04"]
    assert anna["workable"] is True and workable_finding(anna["findings"])["key"] == "workable/2"
    assert peter["workable"] is None and workable_finding(peter["findings"])["key"] == "workable/4"


def test_the_import_refuses_a_workable_that_is_neither_yes_nor_no(run, tmp_path):
    header, rows = template()
    rows[1]["workable"] = "vielleicht"
    out, _ = refused(run, write_csv(tmp_path / "referrals.csv", header, rows))
    assert [(e["column"], e["message"]) for e in out["errors"]] == [
        ("workable", "'vielleicht' is not yes or no")]


def test_the_template_leaves_workable_blank():
    _, rows = template()
    assert [r["workable"] for r in rows] == ["", ""]


# --- the prompt on a terminal ---------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.sqlite_only
def test_refer_on_a_terminal_asks_with_the_mandates_months(run, client, db_path):
    code, shown = in_terminal("--db", str(db_path), "refer", client, "--to", "SD",
                              "--topics", "finances", "--months", "6",
                              answers=("vielleicht", "no", ""))
    assert code == 0, shown
    assert "Traceback" not in shown
    assert shown.count("Can the problem plausibly be improved within 6 months? (yes/no):") == 2
    assert "'vielleicht' is not yes or no" in shown
    assert "severe problems do not fit OPTIMA" in shown
    assert query(db_path, "SELECT workable FROM referral") == [(0,)]


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_refer_on_a_terminal_asks_in_german_and_not_when_answered(run, client, db_path):
    code, shown = in_terminal("--db", str(db_path), "--lang", "de", "refer", client, "--to", "SD",
                              "--topics", "finances", "--months", "3", answers=("ja", ""))
    assert code == 0, shown
    assert "Lässt sich die Problematik innert 3 Monaten plausibel verbessern? (ja/nein):" in shown
    other = ok(run("register", "--name", "Beispiel Eva", "--birth-date", "01.02.1975", "--from", "RAV",
                   "--consent-on", days_ago(30)))
    code, shown = in_terminal("--db", str(db_path), "refer", other, "--to", "SD", "--topics",
                              "finances", "--months", "3", "--workable", "yes",
                              answers=("",))  # the goal (issue 21)
    assert code == 0, shown
    assert "(yes/no)" not in shown
    assert query(db_path, "SELECT workable FROM referral ORDER BY id") == [(1,), (1,)]
