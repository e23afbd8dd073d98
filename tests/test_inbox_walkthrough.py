"""The day of a contact person (issue 18), through the command line on both backends: SD-EMMEN
refers to IV; IV's contact person sees it in `inbox` and assigns it; another case is forwarded
once between two SD units; the first is closed with a handback that the referrer's inbox shows
until read; the figures count each referral once; every change is in the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import days_ago
from openpyxl import load_workbook
from typer.testing import CliRunner

from optima_cli.cli import app


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout.strip()


@pytest.fixture
def as_user(db_path):  # type: ignore[no-untyped-def]
    """Invoke optima as a given login name: as_user("ivc", "inbox")."""
    runner = CliRunner()
    return lambda user, *args: runner.invoke(app, ["--db", str(db_path), "--user", user, *args])


def inbox(as_user, user: str, *args: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(ok(as_user(user, "inbox", *args, "--format", "json")))


def cases_in(box: dict, key: str) -> list[str]:
    return [item["case"] for item in box[key]]


@pytest.fixture
def units(run) -> None:  # type: ignore[no-untyped-def]
    for code, name in (("SD-EMMEN", "Sozialdienst Emmen"), ("SD-KRIENS", "Sozialdienst Kriens")):
        ok(run("institution", "add", code, "--kind", "SD", "--name", name))
    ok(run("institution", "set-contact", "IV", "--contact", "M. Meier", "--user", "ivc"))
    ok(run("institution", "set-contact", "SD-EMMEN", "--contact", "A. Huber", "--user", "sde"))


def register(run, name: str, unit: str) -> str:  # type: ignore[no-untyped-def]
    return ok(run("register", "--name", name, "--birth-date", "01.01.1980", "--from", unit,
                  "--consent-on", days_ago(200), "--work-capacity", "yes"))


@pytest.mark.both_backends
def test_the_day_of_a_contact_person(run, as_user, units, db_path, tmp_path: Path):
    anna = register(run, "Emmen Anna", "SD-EMMEN")
    case = ok(run("refer", anna, "--to", "IV", "--topics", "health", "--months", "3",
                  "--workable", "yes", "--on", days_ago(14)))

    # IV's contact person sees it without naming the unit: to decide (late: 14 days waiting,
    # the decision deadline of the settings is 10 days) and to assign
    box = inbox(as_user, "ivc")
    assert box["units"] == ["IV"]
    (waiting,) = box["to_decide"]
    assert (waiting["case"], waiting["referrer"], waiting["days_waiting"], waiting["late"],
            waiting["days_left"]) == (case, "SD-EMMEN", 14, True, -4)
    assert cases_in(box, "to_assign") == [case] and box["handbacks"] == []
    assert ok(as_user("ivc", "assign", case, "--counsellor", "B. Keller")) == case
    assert inbox(as_user, "ivc")["to_assign"] == []
    ok(as_user("ivc", "accept", case, "--on", days_ago(12)))  # without --counsellor: kept
    ok(as_user("ivc", "assign", case, "--counsellor", "C. Roth"))  # reassigned after acceptance
    shown = json.loads(ok(run("show", case, "--format", "json")))
    assert (shown["status"], shown["receiving_counsellor"]) == ("accepted", "C. Roth")
    assert inbox(as_user, "ivc") == {**box, "to_decide": [], "to_assign": []}

    # another case, forwarded once between two SD units: one referral, its id and dates kept
    beat = register(run, "Rav Beat", "RAV")
    other = ok(run("refer", beat, "--to", "SD-EMMEN", "--topics", "finances", "--months", "3",
                   "--workable", "yes", "--on", days_ago(5)))
    assert cases_in(inbox(as_user, "sde"), "to_decide") == [other]
    forwarded = json.loads(ok(as_user("sde", "forward", other, "--to", "SD-KRIENS", "--note",
                                      "wohnt seit Oktober in Kriens", "--on", days_ago(4),
                                      "--format", "json")))
    assert (forwarded["case"], forwarded["receiver"], forwarded["referred_on"].startswith(
        days_ago(5))) == (other, "SD-KRIENS", True)
    assert inbox(as_user, "sde")["to_decide"] == []
    by_kind = inbox(as_user, "tester", "--unit", "SD")  # a kind: every SD unit
    assert by_kind["units"] == ["SD", "SD-EMMEN", "SD-KRIENS"]
    assert cases_in(by_kind, "to_decide") == [other]
    assert by_kind["to_decide"][0]["days_waiting"] == 5  # from the referral, not the forwarding

    # a note in the case's journal while it runs, shown by `show` to both institutions
    assert ok(as_user("ivc", "note", case, "Erstgespräch geführt", "--on", days_ago(10))) == "1"
    for reader in ("ivc", "sde"):
        journal = json.loads(ok(as_user(reader, "show", case, "--format", "json")))["journal"]
        assert [(e["entry"], e["text"], e["by"]) for e in journal] == [
            (1, "Erstgespräch geführt", "ivc")]

    # the first case closed with a handback: in the referrer's inbox until read
    ok(as_user("ivc", "close", case, "--outcome", "achieved", "--employed", "--handback",
               "Stelle gefunden; Nachbetreuung durch SD"))
    assert cases_in(inbox(as_user, "sde"), "handbacks") == [case]
    listed = json.loads(ok(run("list", "--status", "all", "--format", "json")))
    assert {r["case"]: r["handback"] for r in listed} == {case: None, other: None}  # personal
    personal = json.loads(ok(run("list", "--status", "all", "--format", "json",
                                 "--with-personal-data")))
    assert {r["case"]: r["handback"] for r in personal}[case] == "Stelle gefunden; Nachbetreuung durch SD"
    read = json.loads(ok(as_user("sde", "inbox", "--read", case, "--format", "json")))
    assert (read["handback"], read["handback_read_on"] is not None) == (
        "Stelle gefunden; Nachbetreuung durch SD", True)
    assert inbox(as_user, "sde")["handbacks"] == []

    # the figures: each referral once, one forwarded; the same in the workbook's Summary
    figures = json.loads(ok(run("report", "--from", days_ago(30), "--to", days_ago(0),
                                "--by", "institution", "--format", "json")))
    assert (figures["referrals"]["total"], figures["forwarded"]) == (2, 1)
    assert figures["referrals"]["by_receiver"]["SD-KRIENS"] == 1
    assert figures["referrals"]["by_receiver"]["SD-EMMEN"] == 0
    target = tmp_path / "figures.xlsx"
    ok(run("report", "--from", days_ago(30), "--to", days_ago(0), "--xlsx", str(target)))
    summary = {row[0]: row[1] for row in load_workbook(target)["Summary"].iter_rows(values_only=True)
               if row}
    assert summary["referrals forwarded to another unit"] == 1
    cells = {str(v) for ws in load_workbook(target) for row in ws.iter_rows(values_only=True)
             for v in row if v is not None}
    assert not any("Stelle gefunden" in v for v in cells)  # no handback without personal data

    # every change in the audit trail, which still verifies
    def actions_of(ref: str) -> list[str]:
        events = json.loads(ok(run("audit", "list", "--case", ref, "--format", "json")))
        return [e["action"] for e in events if e["action"] != "read"]

    assert actions_of(case) == ["refer", "assign", "accept", "assign", "note", "close",
                                "handback-read"]
    assert actions_of(other) == ["refer", "forward"]
    ok(run("audit", "verify"))


def test_show_by_the_referrers_contact_person_reads_the_handback(run, as_user, units):
    anna = register(run, "Emmen Anna", "SD-EMMEN")
    case = ok(run("refer", anna, "--to", "IV", "--topics", "health", "--months", "3",
                  "--workable", "yes", "--on", days_ago(9)))
    ok(run("accept", case, "--on", days_ago(8)))
    ok(run("close", case, "--outcome", "partly", "--handback", "Teilweise erreicht"))
    ok(as_user("ivc", "show", case))  # not the referrer's contact person: still unread
    assert cases_in(inbox(as_user, "sde"), "handbacks") == [case]
    shown = json.loads(ok(as_user("sde", "show", case, "--format", "json")))
    assert shown["handback"] == "Teilweise erreicht" and shown["handback_read_on"] is not None
    assert inbox(as_user, "sde")["handbacks"] == []


def test_inbox_without_a_unit_of_ones_own_asks_for_unit(run, units):
    refused = run("inbox")  # 'tester' is nobody's contact person
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines() == [
        "error: no unit has tester as its contact person; give --unit CODE (or make tester the "
        "contact person: optima institution set-contact CODE --user tester)"]
    assert "nothing waits" in ok(run("inbox", "--unit", "RAV"))


def test_forward_refuses_a_unit_the_client_has_an_open_referral_to(run, units):
    beat = register(run, "Rav Beat", "RAV")
    to_emmen = ok(run("refer", beat, "--to", "SD-EMMEN", "--topics", "finances", "--months", "3",
                      "--workable", "yes", "--on", days_ago(5)))
    to_kriens = ok(run("refer", beat, "--to", "SD-KRIENS", "--topics", "conflict", "--months", "3",
                       "--workable", "yes", "--on", days_ago(4)))
    refused = run("forward", to_emmen, "--to", "SD-KRIENS")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"error: cannot forward {to_emmen} to SD-KRIENS: ")
    assert to_kriens in refused.stderr
    other_kind = run("forward", to_emmen, "--to", "IV")
    assert other_kind.exit_code == 1 and "same kind" in other_kind.stderr
    shown = json.loads(ok(run("show", to_emmen, "--format", "json")))
    assert shown["receiver"] == "SD-EMMEN"  # nothing written
    decided = run("forward", to_kriens, "--to", "SD-EMMEN")
    assert decided.exit_code == 1  # the client's open case to SD-EMMEN: refused too


def test_anonymize_erases_the_handback_and_the_forwarding_note(run, units, db_path):
    from conftest import query

    beat = register(run, "Rav Beat", "RAV")
    case = ok(run("refer", beat, "--to", "SD-EMMEN", "--topics", "finances", "--months", "3",
                  "--workable", "yes", "--on", days_ago(90)))
    ok(run("forward", case, "--to", "SD-KRIENS", "--note", "Beat wohnt in Kriens", "--on",
           days_ago(89)))
    ok(run("accept", case, "--on", days_ago(88)))
    ok(run("close", case, "--outcome", "achieved", "--handback", "Beat hat Arbeit", "--on",
           days_ago(60)))
    ok(run("anonymize", "--closed-before", days_ago(30), "--yes"))
    assert query(db_path, "SELECT handback FROM referral") == [(None,)]
    payloads = " ".join(str(p) for (p,) in query(db_path, "SELECT payload FROM audit_event"))
    assert "Beat hat Arbeit" not in payloads
    assert "Beat wohnt" not in payloads
    assert query(db_path, "SELECT count(*) FROM forward") == [(1,)]  # the figure stays
    ok(run("audit", "verify"))


# --- found in review ----------------------------------------------------------------------------

def test_a_forwarded_referral_leaves_its_counsellor_behind(run, units):
    """The new unit assigns its own counsellor: the case is in its inbox to assign."""
    beat = register(run, "Rav Beat", "RAV")
    case = ok(run("refer", beat, "--to", "SD-EMMEN", "--topics", "finances", "--months", "3",
                  "--workable", "yes", "--on", days_ago(5)))
    ok(run("assign", case, "--counsellor", "E. Emmen", "--on", days_ago(4)))
    ok(run("forward", case, "--to", "SD-KRIENS", "--on", days_ago(3)))
    shown = json.loads(ok(run("show", case, "--format", "json")))
    assert (shown["receiver"], shown["receiving_counsellor"]) == ("SD-KRIENS", None)
    box = json.loads(ok(run("inbox", "--unit", "SD-KRIENS", "--format", "json")))
    assert cases_in(box, "to_assign") == [case]


def test_a_handback_read_by_another_unit_stays_in_the_referrers_inbox(run, as_user, units):
    mia = register(run, "Sd Mia", "SD-EMMEN")
    case = ok(run("refer", mia, "--to", "IV", "--topics", "health", "--months", "3",
                  "--workable", "yes", "--on", days_ago(20)))
    ok(run("accept", case, "--on", days_ago(18)))
    ok(run("close", case, "--outcome", "achieved", "--handback", "Stelle gefunden"))
    read = json.loads(ok(as_user("ivc", "inbox", "--read", case, "--format", "json")))
    assert read["handback_read_on"] is None  # read, logged, but not for the referrer
    assert cases_in(inbox(as_user, "sde"), "handbacks") == [case]
    ok(as_user("sde", "inbox", "--read", case))
    assert inbox(as_user, "sde")["handbacks"] == []
