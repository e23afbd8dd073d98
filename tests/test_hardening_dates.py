"""Issue 14, event dates in order: every action's day is at or after every earlier event of its
case (the commands and the import alike), a client is not born after being referred, `doctor`
finds cases whose dates are out of order, and back-dated job-search suspensions are audited with
their values.

The pure rules are tested without a database; the commands and the import on both backends.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import query

from optima_cli.cli.options import OPTIONS, said
from optima_cli.errors import OptimaError
from optima_cli.importing.rows import COLUMNS
from optima_cli.rules import lifecycle
from optima_cli.rules.codes import Kind, Outcome, Status, WithdrawReason
from optima_cli.rules.lifecycle import Action

TODAY = date(2026, 11, 23)
RAV, SD = lifecycle.Unit("RAV", Kind.RAV), lifecycle.Unit("SD", Kind.SD)
d = date.fromisoformat


# --- the rule, without a database -------------------------------------------------------------

def referred(on: str = "2025-06-01") -> lifecycle.Case:
    return lifecycle.Case(case_id="OPT-2025-0001", referrer=RAV, receiver=SD, topics=("finances",),
                          status=Status.REFERRED.value, months=3, referred_on=d(on))


def accepted(on: str = "2025-06-05") -> lifecycle.Case:
    return lifecycle.accept(referred(), d(on), TODAY)


def refused(action, *args) -> OptimaError:
    with pytest.raises(OptimaError) as info:
        action(*args)
    return info.value


def test_closing_before_the_extension_is_refused_naming_the_extension_and_the_option():
    extended = lifecycle.extend(accepted(), d("2025-08-01"), TODAY)
    err = refused(lifecycle.close, extended, d("2025-07-20"), TODAY, Outcome.ACHIEVED)
    assert said(err) == ("close on 2025-07-20 is before the extension on 2025-08-01; "
                         "use --on 2025-08-01 or later")
    assert err.field == "on" and err.exit_code == 1


def test_withdrawing_before_a_suspension_began_is_refused():
    case = lifecycle.suspend_search(accepted(), d("2025-07-01"), TODAY, d("2025-08-01"))
    err = refused(lifecycle.withdraw, case, d("2025-06-20"), TODAY, WithdrawReason.OTHER, "moved")
    assert said(err) == ("withdraw on 2025-06-20 is before the start of a job-search suspension "
                         "on 2025-07-01; use --on 2025-07-01 or later")


def test_a_suspension_before_the_end_of_an_earlier_one_names_from():
    case = lifecycle.suspend_search(accepted(), d("2025-07-01"), TODAY, d("2025-08-01"))
    case = lifecycle.resume_search(case, d("2025-07-10"), TODAY)
    err = refused(lifecycle.suspend_search, case, d("2025-07-05"), TODAY, d("2025-07-06"))
    assert said(err) == ("suspend-search on 2025-07-05 is before the end of a job-search "
                         "suspension on 2025-07-10; use --from 2025-07-10 or later")
    assert err.field == "from"


def test_resuming_an_earlier_suspension_after_a_later_one_began_is_refused():
    case = lifecycle.suspend_search(accepted(), d("2025-07-01"), TODAY, d("2025-07-10"))
    case = lifecycle.suspend_search(case, d("2025-07-20"), TODAY, d("2025-08-01"))
    err = refused(lifecycle.resume_search, case, d("2025-07-05"), TODAY)
    assert "the start of a job-search suspension on 2025-07-20" in err.message


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_every_action_is_refused_before_the_latest_event_and_allowed_on_its_day(action):
    """Each action on a case whose latest event is an extension on 2025-08-01: the day before is
    refused by the order rule (not by another one), the day itself passes that rule."""
    case = lifecycle.suspend_search(accepted(), d("2025-06-10"), TODAY, d("2025-09-01"))
    case = lifecycle.extend(case, d("2025-08-01"), TODAY)
    if action in (Action.ACCEPT, Action.REJECT):  # decided: only the order speaks, not the status
        case = case._replace(status=Status.REFERRED.value)
    with pytest.raises(OptimaError) as info:
        lifecycle.check_order(case, action, d("2025-07-31"))
    assert info.value.values["earlier"] == d("2025-08-01")
    assert info.value.field == lifecycle.DAY_FIELD[action]  # the key: on, or from
    assert OPTIONS[lifecycle.DAY_FIELD[action]] in said(info.value)  # --on, or --from
    lifecycle.check_order(case, action, d("2025-08-01"))


def test_the_latest_event_of_a_case():
    case = lifecycle.suspend_search(accepted(), d("2025-07-01"), TODAY, d("2025-08-01"))
    assert lifecycle.latest_event(referred()) == (d("2025-06-01"), "referral")
    assert lifecycle.latest_event(accepted()) == (d("2025-06-05"), "acceptance")
    assert lifecycle.latest_event(case) == (d("2025-07-01"), "suspension-start")
    closed = lifecycle.close(case, d("2025-07-15"), TODAY, Outcome.ACHIEVED)
    assert lifecycle.latest_event(closed)[0] == d("2025-07-15")


# --- the commands and the import, on both backends --------------------------------------------

def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def refused_cli(run, snapshot, *args: str) -> str:
    """Run a command that must be refused with one line and change nothing; its message."""
    before = snapshot()
    result = run(*args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot() == before
    return result.stderr.strip()


@pytest.fixture
def rav_case(run) -> str:
    """A case of a RAV client, referred 2025-06-01 and accepted 2025-06-05."""
    client = ok(run("register", "--name", "Rav Rita", "--birth-date", "1985-02-02", "--from", "RAV",
                    "--consent-on", "2025-05-01"))
    case = ok(run("refer", client, "--to", "SD", "--topics", "finances", "--months", "3",
                  "--on", "2025-06-01"))
    ok(run("accept", case, "--on", "2025-06-05"))
    return case


def test_cli_close_before_the_extension_is_refused(run, snapshot, rav_case):
    ok(run("extend", rav_case, "--on", "2025-08-01"))
    message = refused_cli(run, snapshot, "close", rav_case, "--outcome", "achieved",
                          "--on", "2025-07-20")
    assert message == ("error: close on 2025-07-20 is before the extension on 2025-08-01; "
                       "use --on 2025-08-01 or later")
    ok(run("close", rav_case, "--outcome", "achieved", "--on", "2025-08-01"))


def test_cli_withdrawal_before_a_suspension_began_is_refused(run, snapshot, rav_case):
    ok(run("suspend-search", rav_case, "--from", "2025-07-01", "--until", "2025-08-01"))
    message = refused_cli(run, snapshot, "withdraw", rav_case, "--reason", "other",
                          "--note", "moved", "--on", "2025-06-20")
    assert "use --on 2025-07-01 or later" in message
    ok(run("resume-search", rav_case, "--on", "2025-07-10"))
    message = refused_cli(run, snapshot, "suspend-search", rav_case, "--from", "2025-07-05",
                          "--until", "2025-07-08")
    assert "use --from 2025-07-10 or later" in message
    message = refused_cli(run, snapshot, "extend", rav_case, "--on", "2025-07-09")
    assert "use --on 2025-07-10 or later" in message


def import_file(path: Path, **values: str) -> Path:
    row = {**dict.fromkeys(COLUMNS, ""), "name": "Rav Rita", "birth_date": "1985-02-02",
           "consent_on": "2025-05-01", "referrer": "RAV", "receiver": "SD", "topics": "finances",
           "months": "3", "referred_on": "2025-06-01", "decision": "accepted",
           "decided_on": "2025-06-05", **values}
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow(row)
    return path


@pytest.mark.parametrize(("values", "column", "expected"), [
    ({"extended_on": "2025-08-01", "closed_on": "2025-07-20", "outcome": "achieved"}, "closed_on",
     "close on 2025-07-20 is before the extension on 2025-08-01; use closed_on 2025-08-01 or later"),
    ({"suspended_from": "2025-07-01", "suspended_until": "2025-08-01",
      "withdrawn_on": "2025-06-20", "withdraw_reason": "other", "withdraw_note": "moved"},
     "withdrawn_on", "use withdrawn_on 2025-07-01 or later"),
    ({"suspended_from": "2025-07-01", "suspended_until": "2025-08-01",
      "search_resumed_on": "2025-07-10", "closed_on": "2025-07-05", "outcome": "achieved"},
     "closed_on", "the end of a job-search suspension on 2025-07-10"),
], ids=["closed-before-extended", "withdrawn-before-suspended", "closed-before-resumed"])
def test_an_import_row_with_dates_out_of_order_is_refused_under_its_column(
        run, snapshot, tmp_path, values, column, expected):
    path = import_file(tmp_path / "cases.csv", **values)
    ok(run("list"))  # the database is made
    before = snapshot()
    result = run("import", str(path), "--format", "json")
    assert result.exit_code == 1, result.stdout
    errors = json.loads(result.stdout)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, column)]
    assert expected in errors[0]["message"]
    assert snapshot() == before


def test_an_import_row_may_plan_a_suspension_within_the_mandate(run, db_path, snapshot, tmp_path):
    """Issue 16, the same rule as suspend-search: a suspension may start later than today, up to
    the mandate's end; a closing before its start cancels it; a start after the mandate is
    refused under its column."""
    today = date.today()
    recent = {"referred_on": (today - timedelta(days=20)).isoformat(),
              "decided_on": (today - timedelta(days=10)).isoformat(), "consent_on": "2025-05-01"}
    due = lifecycle.mandate_due(today - timedelta(days=10), 3)
    path = import_file(tmp_path / "cases.csv", **recent,
                       suspended_from=(today + timedelta(days=1)).isoformat(),
                       suspended_until=(today + timedelta(days=5)).isoformat(),
                       closed_on=today.isoformat(), outcome="achieved")
    ok(run("list"))
    result = run("import", str(path), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert query(db_path, "SELECT start_on, ended_on FROM suspension") == [
        ((today + timedelta(days=1)).isoformat(), today.isoformat())]  # cancelled by the closing
    late = import_file(tmp_path / "late.csv", **recent, name="Rav Rolf",
                       suspended_from=(due + timedelta(days=1)).isoformat(),
                       suspended_until=(due + timedelta(days=1)).isoformat())
    before = snapshot()
    result = run("import", str(late), "--format", "json")
    assert result.exit_code == 1, result.stdout
    errors = json.loads(result.stdout)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "suspended_from")]
    assert "a suspension may start at most on that day" in errors[0]["message"]
    assert snapshot() == before


# --- back-dated job-search suspensions in the audit trail --------------------------------------

def payloads(db_path, case: str) -> list[tuple[str, dict]]:
    """The actions on a case and the values their audit events recorded."""
    rows = query(db_path, "SELECT action, payload FROM audit_event WHERE entity_ref = ? "
                          "AND action <> 'read' ORDER BY id", case)
    return [(action, json.loads(payload) if payload else {}) for action, payload in rows]


@pytest.mark.both_backends
def test_back_dated_suspend_and_resume_events_carry_the_suspension(run, db_path, rav_case):
    ok(run("suspend-search", rav_case, "--from", "2025-07-01", "--until", "2025-08-01",
           "--note", "debts first"))
    ok(run("resume-search", rav_case, "--on", "2025-07-10"))
    ok(run("suspend-search", rav_case, "--from", "2025-07-20", "--until", "2025-08-05"))
    ok(run("close", rav_case, "--outcome", "achieved", "--on", "2025-08-01"))
    events = payloads(db_path, rav_case)
    assert [action for action, _ in events] == [
        "refer", "accept", "suspend-search", "resume-search", "suspend-search", "close"]
    # each also keeps all the suspensions before and after it (what the trail adds up to)
    first, resumed, second = ["2025-07-01", "2025-08-01", None], \
        ["2025-07-01", "2025-08-01", "2025-07-10"], ["2025-07-20", "2025-08-05", None]
    assert events[2][1] == {"before": {"suspensions": []}, "after": {
        "search_suspended_from": "2025-07-01", "search_suspended_until": "2025-08-01",
        "suspensions": [first]}}
    assert events[3][1] == {
        "before": {"search_suspended_from": "2025-07-01", "search_suspended_until": "2025-08-01",
                   "search_resumed_on": None, "suspensions": [first]},
        "after": {"search_suspended_from": "2025-07-01", "search_suspended_until": "2025-08-01",
                  "search_resumed_on": "2025-07-10", "suspensions": [resumed]}}
    assert events[4][1]["after"] == {"search_suspended_from": "2025-07-20",
                                     "search_suspended_until": "2025-08-05",
                                     "suspensions": [resumed, second]}
    # closing ends the running suspension: the event says so, with the case's own changes
    closing = events[5][1]
    assert closing["after"]["search_resumed_on"] == "2025-08-01"
    assert closing["after"]["search_suspended_from"] == "2025-07-20"
    assert closing["after"]["status"] == "closed" and closing["before"]["status"] == "accepted"


# --- a client is born before being referred -----------------------------------------------------

def test_a_birth_date_after_a_referral_is_refused_without_a_database():
    from optima_cli.rules.clients import check_born_before_referral

    check_born_before_referral(d("2025-06-01"), ("OPT-2025-0001", d("2025-06-01")))
    check_born_before_referral(d("2025-07-01"), None)
    err = refused(check_born_before_referral, d("2025-07-01"), ("OPT-2025-0001", d("2025-06-01")))
    assert err.message == ("birth date 2025-07-01 is after the referral OPT-2025-0001 on "
                           "2025-06-01; a client is born before being referred: check the year")
    assert err.field == "birth_date"


def test_client_update_to_a_birth_date_after_a_referral_is_refused(run, snapshot, rav_case):
    # with the consent date moved too, the consent check alone would let it through
    message = refused_cli(run, snapshot, "client", "update", "C-0001", "--birth-date", "2025-07-01",
                          "--consent-on", "2025-08-01")
    assert message == ("error: birth date 2025-07-01 is after the referral " + rav_case +
                       " on 2025-06-01; a client is born before being referred: check the year")
    message = refused_cli(run, snapshot, "client", "update", "C-0001", "--birth-date", "2025-07-01")
    assert "2025-07-01" in message  # the consent date 2025-05-01 is before it
    ok(run("client", "update", "C-0001", "--birth-date", "1986-02-02"))


def test_an_import_row_referring_a_client_before_birth_is_refused(run, snapshot, tmp_path):
    path = import_file(tmp_path / "cases.csv", birth_date="2025-06-02", consent_on="2025-06-02",
                       decision="", decided_on="")
    ok(run("list"))
    before = snapshot()
    result = run("import", str(path), "--format", "json")
    assert result.exit_code == 1, result.stdout
    errors = json.loads(result.stdout)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "referred_on")]
    assert errors[0]["message"].startswith("birth date 2025-06-02 is after the referral ")
    assert snapshot() == before


# --- doctor finds cases whose dates are out of order ----------------------------------------------

def date_order_check(run) -> tuple[int, dict]:
    result = run("doctor", "--format", "json")
    assert "Traceback" not in result.stderr
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    return result.exit_code, checks["date order"]


@pytest.mark.both_backends
@pytest.mark.parametrize(("sql", "params"), [
    ("UPDATE referral SET decided_on = ? WHERE case_id = ?", ("2025-05-31",)),
    ("UPDATE referral SET extended_on = ? WHERE case_id = ?", ("2025-06-04",)),
    ("UPDATE referral SET status = 'closed', outcome = 'achieved', closed_on = ? WHERE case_id = ?",
     ("2025-07-20",)),  # before the extension of 2025-08-01
    ("UPDATE referral SET status = 'withdrawn', reason = 'other', withdrawn_on = ? "
     "WHERE case_id = ?", ("2025-06-20",)),  # before the suspension from 2025-07-01
    ("UPDATE suspension SET ended_on = ? WHERE referral_id = "
     "(SELECT id FROM referral WHERE case_id = ?)", ("2025-06-04",)),  # before the acceptance
    ("UPDATE suspension SET start_on = ? WHERE referral_id = "
     "(SELECT id FROM referral WHERE case_id = ?)", ("2025-12-06",)),  # after the mandate's end
    ("UPDATE suspension SET start_on = ? WHERE referral_id = "
     "(SELECT id FROM referral WHERE case_id = ?)", ("2025-06-04",)),  # before the acceptance
    ("UPDATE client SET birth_date = ? WHERE id = "
     "(SELECT client_id FROM referral WHERE case_id = ?)", ("2025-06-02",)),  # after the referral
], ids=["decided-before-referred", "extended-before-decided", "closed-before-extended",
        "withdrawn-before-suspended", "suspension-ended-before-decision",
        "suspension-after-mandate",
        "suspension-before-decision", "born-after-referral"])
def test_doctor_names_a_case_whose_dates_are_out_of_order(run, db_path, rav_case, sql, params):
    ok(run("extend", rav_case, "--on", "2025-08-01"))
    ok(run("suspend-search", rav_case, "--from", "2025-08-01", "--until", "2025-09-01"))
    ok(run("resume-search", rav_case, "--on", "2025-08-10"))
    if "closed_on" in sql or "withdrawn_on" in sql:  # dates out of order only by these
        query(db_path, "UPDATE suspension SET start_on = '2025-07-01', ended_on = NULL")
    code, check = date_order_check(run)
    assert check["ok"] is True, check
    query(db_path, sql, *params, rav_case)
    code, check = date_order_check(run)
    assert code == 1 and check["ok"] is False
    assert check["detail"].startswith(f"1 case has dates out of order: {rav_case};"), check


@pytest.mark.both_backends
def test_doctor_names_the_first_few_and_how_many(run, db_path):
    client = ok(run("register", "--name", "Rav Rita", "--birth-date", "1985-02-02", "--from", "RAV",
                    "--consent-on", "2025-05-01"))
    cases = [ok(run("refer", client, "--to", to, "--topics", "finances", "--months", "3", "--on",
                    "2025-06-01", "--override", "x")) for to in ("SD", "IV")]
    cases += [ok(run("refer", client, "--to", "RAV", "--topics", "finances", "--months", "3",
                     "--from", "IV", "--on", "2025-06-02"))]
    query(db_path, "UPDATE client SET birth_date = '2025-07-01'")
    code, check = date_order_check(run)
    assert code == 1
    assert check["detail"].startswith(f"3 cases have dates out of order: {', '.join(cases)};")
