"""`optima measure` from the shell (issue 19): add prints the measure's number and says its cost
and payer; list shows the cost as 1'200.50 in a table and as the string "1200.50" in JSON and
CSV; `show` and `report` show them, in English and German; each refusal is one line on stderr
with its exit code (2 malformed, 1 refused), in English and German, and writes nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from conftest import days_ago, dump

pytestmark = pytest.mark.sqlite_only  # the wording does not depend on the database


def german(day: str) -> str:
    """A day as German sentences write it: 20.11.2026."""
    return date.fromisoformat(day).strftime("%d.%m.%Y")


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def case(run) -> str:
    """An accepted case from SD to RAV, referred 60 days ago, accepted 58 days ago."""
    client = ok(run("register", "--name", "Massnahme Mia", "--birth-date", "02.02.1985", "--from",
                    "SD", "--consent-on", days_ago(100)))
    ref = ok(run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                 "--on", days_ago(60)))
    ok(run("accept", ref, "--on", days_ago(58)))
    return ref


def test_add_approve_decline_strike_and_list(run, case):
    added = run("measure", "add", case, "--kind", "coaching", "--cost", "1'200.50", "--on",
                days_ago(50))
    assert ok(added) == "1"
    assert added.stderr.strip() == f"{case}: measure 1 added (1200.50 CHF, paid by SD)"
    assert ok(run("measure", "add", case, "--kind", "course", "--cost", "CHF 800.-", "--payer",
                  "RAV", "--on", days_ago(40), "--approved-on", days_ago(30))) == "2"
    assert ok(run("measure", "add", case, "--kind", "other", "--cost", "99,95", "--note",
                  "Bahnabonnement")) == "3"
    approved = run("measure", "approve", case, "1", "--on", days_ago(45))
    assert ok(approved) == "1" and approved.stderr.strip() == f"{case}: measure 1 approved"
    declined = run("measure", "decline", case, "3", "--why", "anderes Angebot")
    assert declined.stderr.strip() == f"{case}: measure 3 declined"
    struck = run("measure", "strike", case, "2", "--why", "doppelt erfasst")
    assert struck.stderr.strip() == f"{case}: measure 2 struck"

    table = ok(run("measure", "list"))
    assert "1'200.50" in table and "approved " + days_ago(45) in table and "Bahnabonnement" in table
    listed = json.loads(ok(run("measure", "list", case, "--format", "json")))
    assert [(m["measure"], m["kind"], m["cost"], m["payer"], m["decision"]) for m in listed] == [
        (1, "coaching", "1200.50", "SD", "approved"), (2, "course", "800.00", "RAV", "struck"),
        (3, "other", "99.95", "SD", "declined")]
    assert listed[1]["struck_why"] == "doppelt erfasst" and listed[2]["decline_why"] == "anderes Angebot"
    rows = list(csv.DictReader(io.StringIO(ok(run("measure", "list", "--unit", "RAV",
                                                  "--format", "csv")))))
    assert [r["cost"] for r in rows] == ["1200.50", "800.00", "99.95"]  # RAV receives the case
    assert json.loads(ok(run("show", case, "--format", "json")))["measures"] == [
        {k: v for k, v in m.items() if k not in ("referrer", "receiver")} for m in listed]
    assert "measures" in ok(run("show", case))

    report = json.loads(ok(run("report", "--format", "json")))["measures"]
    assert report["requested"] == {"count": 2, "chf": "1300.45"}
    assert report["costs_covered"] == {"approved": 1, "decided": 2, "approved_chf": "1200.50",
                                       "decided_chf": "1300.45"}
    shown = ok(run("report"))
    assert "measures and their cost" in shown and "costs covered: 1 of 2" in shown
    lines = ok(run("report", "--format", "csv")).splitlines()
    assert "measures,requested,chf,1300.45" in lines


def test_german_labels_and_sentences(run, case):
    added = run("--lang", "de", "measure", "add", case, "--kind", "debt-counselling", "--cost",
                "1200", "--on", days_ago(50))
    assert added.stderr.strip() == f"{case}: Massnahme 1 erfasst (1200.00 CHF, bezahlt von SD)"
    ok(run("measure", "approve", case, "1", "--on", days_ago(49)))
    table = ok(run("--lang", "de", "measure", "list"))
    assert "Schulden- oder Budgetberatung" in table and "Kosten übernommen" in table
    assert "1'200.00" in table
    report = ok(run("--lang", "de", "report"))
    assert "Massnahmen und ihre Kosten" in report and "Kosten übernommen: 1 von 1" in report


@pytest.mark.parametrize("args, code, english, german", [
    (["--kind", "coaching", "--cost", "-5"], 2, "error: --cost '-5' is negative",
     "Fehler: --cost '-5' ist negativ"),
    (["--kind", "coaching", "--cost", "12.345"], 2, "has more than two decimals",
     "mehr als zwei Nachkommastellen"),
    (["--kind", "coaching", "--cost", "1,200"], 2, "could mean francs or a thousands mark",
     "ist mehrdeutig"),
    (["--kind", "coaching", "--cost", "viel"], 2, "is not an amount in francs",
     "ist kein Betrag in Franken"),
    (["--kind", "massage", "--cost", "5"], 2, "is not a kind of measure",
     "keine Art von Massnahme"),
    (["--kind", "other", "--cost", "5"], 2, 'needs a note; add --note "what it is"',
     'braucht eine Notiz; ergänzen Sie --note "was sie ist"'),
    (["--kind", "coaching", "--cost", "5", "--on", days_ago(59)], 1,
     f"is before {{case}} was accepted on {days_ago(58)}; give --on {days_ago(58)} or later",
     f"liegt vor der Annahme von {{case}} am {german(days_ago(58))}"),
    (["--kind", "coaching", "--cost", "5", "--payer", "NOWHERE"], 1, "NOWHERE", "NOWHERE"),
])
def test_refusals_in_english_and_german(run, case, db_path, args, code, english, german):
    before = dump(db_path)
    for lang, expected in (("en", english), ("de", german)):
        result = run("--lang", lang, "measure", "add", case, *args)
        assert result.exit_code == code, result.stderr
        said = result.stderr.strip()
        assert len(said.splitlines()) == 1 and expected.format(case=case) in said, said
    assert dump(db_path) == before


def test_a_case_never_accepted_and_a_decision_before_the_request(run, case):
    client = ok(run("register", "--name", "Offen Otto", "--birth-date", "03.03.1983", "--from",
                    "RAV", "--consent-on", days_ago(100)))
    referred = ok(run("refer", client, "--to", "IV", "--topics", "health", "--months", "3"))
    result = run("measure", "add", referred, "--kind", "course", "--cost", "5")
    assert result.exit_code == 1 and "was never accepted" in result.stderr
    ok(run("measure", "add", case, "--kind", "course", "--cost", "5", "--on", days_ago(20)))
    result = run("--lang", "de", "measure", "approve", case, "1", "--on", days_ago(21))
    assert result.exit_code == 1 and f"geben Sie --on {german(days_ago(20))} oder später an" in result.stderr
    result = run("measure", "decline", case, "7")
    assert result.exit_code == 1 and f"{case} has no measure 7 (it has 1)" in result.stderr


def test_the_workbook_summary_has_the_costs_as_numbers_with_two_decimals(run, case, tmp_path):
    from openpyxl import load_workbook

    ok(run("measure", "add", case, "--kind", "coaching", "--cost", "1'200.50", "--on", days_ago(50),
           "--approved-on", days_ago(45)))
    ok(run("measure", "add", case, "--kind", "course", "--cost", "99.95", "--on", days_ago(40)))
    path = tmp_path / "report.xlsx"
    ok(run("--lang", "de", "report", "--xlsx", str(path)))
    wb = load_workbook(path)
    rows = {row[0].value: row for row in wb.worksheets[0].iter_rows() if row[0].value}
    heading = rows["Massnahmen und ihre Kosten"]
    assert [c.value for c in heading[:3]] == ["Massnahmen und ihre Kosten", "Anzahl", "CHF"]
    requested, covered = rows["beantragt"], rows["Kosten übernommen: 1 von 1"]
    assert (requested[1].value, covered[1].value) == (2, 1)
    for cell, amount in ((requested[2], "1300.45"), (covered[2], "1200.50")):
        assert cell.data_type == "n" and cell.number_format == "#,##0.00"
        assert f"{cell.value:.2f}" == amount
    assert rows["beantragt: Coaching, Jobcoaching"][2].value == 1200.5


def test_a_measure_stands_under_the_acceptance_and_comes_within_the_mandate(tmp_path):
    """Review of issue 19: undo of the acceptance across a measure is refused (the measure needs
    it); a measure requested after the case ended is refused; an empty --payer is no payer."""
    from typer.testing import CliRunner

    from optima_cli.cli import app as optima

    db = str(tmp_path / "m.db")

    def run(*args: str):
        return CliRunner().invoke(optima, ["--db", db, "--user", "t", *args])

    assert run("register", "--name", "Muster Hans", "--birth-date", "1980-03-12", "--from", "SD",
               "--consent-on", "2025-01-02").exit_code == 0
    assert run("refer", "C-0001", "--to", "RAV", "--topics", "placement", "--months", "3",
               "--workable", "yes", "--goal", "Stelle", "--on", "2025-01-05").exit_code == 0
    assert run("accept", "OPT-2025-0001", "--counsellor", "K", "--on", "2025-01-10").exit_code == 0
    assert run("measure", "add", "OPT-2025-0001", "--kind", "coaching", "--cost", "1000",
               "--on", "2025-02-01").exit_code == 0
    undone = run("undo", "OPT-2025-0001", "--why", "wrong case")
    assert undone.exit_code == 1 and "has a measure recorded after its last action" in undone.stderr
    assert run("close", "OPT-2025-0001", "--outcome", "achieved", "--on", "2025-04-01").exit_code == 0
    late = run("measure", "add", "OPT-2025-0001", "--kind", "coaching", "--cost", "10",
               "--on", "2025-04-02")
    assert late.exit_code == 1 and "comes after the case ended on 2025-04-01" in late.stderr
    empty = run("measure", "add", "OPT-2025-0001", "--kind", "coaching", "--cost", "10",
                "--on", "2025-03-01", "--payer", "")
    assert empty.exit_code == 2
