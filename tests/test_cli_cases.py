"""The endings and changes of a case from the shell, the JSON/CSV contract, clients, units, audit.

Every date is relative to the real today (dates may not lie in the future).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import days_ago, dump, query, without_hurdles
from dateutil.relativedelta import relativedelta

# The keys that scripts rely on (issue 2); every case record carries them in JSON and CSV.
CASE_KEYS = ("case", "client", "status", "referrer", "receiver", "topics", "months", "goal",
             "referred_on", "decided_on", "due_on", "closed_on", "reason", "outcome", "cause",
             "employed", "search_suspended_until")
REJECT_REASONS = ("iv-rejection-recent", "iv-procedure-open", "iv-registration-due", "no-work-capacity",
                  "rav-registered-recently", "too-severe", "no-consent", "other")
CASE_ID = re.compile(r"^OPT-\d{4}-\d{4}$")


def days_ahead(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout.strip()


def show(run, case: str) -> dict:
    return json.loads(ok(run("show", case, "--format", "json")))


def client_show(run, client: str) -> dict:
    return json.loads(ok(run("client", "show", client, "--format", "json")))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _tables(db_path: Path | str) -> set[str]:
    return set(dump(db_path))


def audit(db_path: Path | str) -> list[tuple[str, str, str, str]]:
    """The audit trail. The documented table is `audit_event` (see test_audit_table_name); the
    SQLModel default `auditevent` is read too, so that the other audit checks still say something."""
    table = "audit_event" if "audit_event" in _tables(db_path) else "auditevent"
    return query(db_path, f"SELECT actor, action, entity, entity_ref FROM {table} ORDER BY id")


@pytest.fixture
def sd_client(run) -> str:
    """A client registered at the social services, consent 100 days ago."""
    return ok(run("register", "--name", "Muster Hans", "--birth-date", "12.03.1980", "--from", "SD",
                  "--ahv", "756.1234.5678.97", "--consent-on", days_ago(100)))


@pytest.fixture
def rav_client(run) -> str:
    """A client registered at the RAV (only a RAV referrer may suspend the job search)."""
    return ok(run("register", "--name", "Rav Rita", "--birth-date", "02.02.1985", "--from", "RAV",
                  "--consent-on", days_ago(100)))


def refer(run, client: str, to: str, topics: str, on: str, months: str = "3", *extra: str) -> str:
    return ok(run("refer", client, "--to", to, "--topics", topics, "--months", months, "--on", on,
                  *extra))


# --- reject ----------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", REJECT_REASONS)
def test_reject_with_each_reason_is_stored_and_shown(run, sd_client, reason):
    case = refer(run, sd_client, "RAV", "placement", days_ago(12))
    note = ["--note", "client cannot be reached"] if reason == "other" else []
    r = run("reject", case, "--reason", reason, *note, "--on", days_ago(3))
    assert ok(r) == case
    assert reason in r.stderr

    shown = show(run, case)
    assert shown["status"] == "rejected"
    assert shown["reason"] == reason
    assert shown["decided_on"] == days_ago(3)
    assert shown["reason_note"] == ("client cannot be reached" if reason == "other" else None)
    assert shown["due_on"] is None and shown["closed_on"] is None
    assert [e["action"] for e in shown["history"]] == ["refer", "reject"]
    last = shown["history"][-1]
    assert last["on"] == days_ago(3) and last["user"] == "tester"
    assert last["changes"]["reason"] == reason and last["changes"]["status"] == "rejected"

    table = ok(run("show", case))
    assert "reject" in table and reason in table

    rejected = json.loads(ok(run("list", "--status", "rejected", "--format", "json")))
    assert [(x["case"], x["reason"]) for x in rejected] == [(case, reason)]


def test_rejected_client_may_be_referred_again_to_another_institution(run, sd_client):
    first = refer(run, sd_client, "RAV", "placement", days_ago(20))
    ok(run("reject", first, "--reason", "too-severe", "--on", days_ago(15)))
    second = refer(run, sd_client, "IV", "health", days_ago(10))
    assert second != first
    assert show(run, second)["status"] == "referred"
    # and, the first one being decided, to the same receiver again
    third = refer(run, sd_client, "RAV", "placement", days_ago(5))
    assert show(run, third)["receiver"] == "RAV"


# --- withdraw --------------------------------------------------------------------------------

@pytest.mark.parametrize("accepted", [False, True], ids=["before-acceptance", "after-acceptance"])
@pytest.mark.parametrize("reason", ["other", "consent-withdrawn"])
def test_withdraw_before_and_after_acceptance(run, snapshot, sd_client, accepted, reason):
    case = refer(run, sd_client, "RAV", "placement", days_ago(30))
    if accepted:
        ok(run("accept", case, "--on", days_ago(25), "--counsellor", "B. Keller"))
    note = ["--note", "moved to another canton"] if reason == "other" else []
    r = run("withdraw", case, "--reason", reason, *note, "--on", days_ago(5))
    assert ok(r) == case

    shown = show(run, case)
    assert shown["status"] == "withdrawn"
    assert shown["withdrawn_on"] == days_ago(5)
    assert shown["reason"] == reason
    assert shown["decided_on"] == (days_ago(25) if accepted else None)
    expected = ["refer", "accept", "withdraw"] if accepted else ["refer", "withdraw"]
    assert [e["action"] for e in shown["history"]] == expected
    assert shown["history"][-1]["changes"]["reason"] == reason
    assert shown["history"][-1]["on"] == days_ago(5)
    assert "withdraw" in ok(run("show", case))

    client = client_show(run, sd_client)
    if reason == "consent-withdrawn":
        assert client["consent_withdrawn_on"] == days_ago(5)
        before = snapshot()
        blocked = run("refer", sd_client, "--to", "IV", "--topics", "health", "--months", "3")
        assert blocked.exit_code == 1
        assert blocked.stdout == ""
        assert blocked.stderr.startswith("error: ") and "consent" in blocked.stderr
        assert days_ago(5) in blocked.stderr
        assert without_hurdles(snapshot()) == without_hurdles(before)  # the refusal counted only
    else:
        assert client["consent_withdrawn_on"] is None
        assert CASE_ID.match(refer(run, sd_client, "IV", "health", days_ago(1)))


def test_withdrawal_ends_a_running_job_search_suspension(run, rav_client):
    case = refer(run, rav_client, "SD", "finances", days_ago(40))
    ok(run("accept", case, "--on", days_ago(30)))
    ok(run("suspend-search", case, "--from", days_ago(20), "--until", days_ahead(10)))
    assert show(run, case)["search_suspended_until"] == days_ahead(10)
    ok(run("withdraw", case, "--reason", "consent-withdrawn", "--on", days_ago(5)))
    shown = show(run, case)
    assert shown["search_suspended_until"] is None
    assert [s["ended_on"] for s in shown["suspensions"]] == [days_ago(5)]
    assert client_show(run, rav_client)["consent_withdrawn_on"] == days_ago(5)


# --- close -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("outcome", "cause", "employed"), [
    ("achieved", None, True),
    ("partly", None, False),
    ("partly", "not-placeable", False),
    ("not-achieved", "no-cooperation", None),
    ("not-achieved", "not-placeable", False),
    ("not-achieved", "other", None),
])
def test_close_with_each_outcome_and_cause(run, sd_client, outcome, cause, employed):
    case = refer(run, sd_client, "RAV", "placement", days_ago(60))
    ok(run("accept", case, "--on", days_ago(50)))
    args = ["close", case, "--outcome", outcome, "--on", days_ago(2), "--note", "final talk held"]
    if cause:
        args += ["--cause", cause]
    if employed is not None:
        args.append("--employed" if employed else "--not-employed")
    r = run(*args)
    assert ok(r) == case
    assert outcome in r.stderr and "SD" in r.stderr  # back to the referrer

    shown = show(run, case)
    assert shown["status"] == "closed"
    assert shown["outcome"] == outcome
    assert shown["cause"] == cause
    assert shown["employed"] is employed
    assert shown["closed_on"] == days_ago(2)
    assert shown["close_note"] == "final talk held"
    assert [e["action"] for e in shown["history"]] == ["refer", "accept", "close"]
    assert shown["history"][-1]["changes"]["outcome"] == outcome
    closed = json.loads(ok(run("list", "--status", "closed", "--format", "json")))
    assert [(c["case"], c["outcome"], c["cause"]) for c in closed] == [(case, outcome, cause)]


# --- extend, suspend, resume -----------------------------------------------------------------

def test_extend_a_three_month_mandate_to_six(run, sd_client):
    case = refer(run, sd_client, "RAV", "placement", days_ago(40))
    accepted = date.fromisoformat(days_ago(35))
    due3 = ok(run("accept", case, "--on", accepted.isoformat()))
    assert due3 == (accepted + relativedelta(months=3)).isoformat()
    r = run("extend", case, "--on", days_ago(5))
    due6 = (accepted + relativedelta(months=6)).isoformat()
    assert ok(r) == due6
    assert due6 in r.stderr
    shown = show(run, case)
    assert (shown["months"], shown["due_on"], shown["extended_on"]) == (6, due6, days_ago(5))
    assert [e["action"] for e in shown["history"]] == ["refer", "accept", "extend"]
    assert shown["history"][-1]["changes"]["months"] == 6


def test_suspend_and_resume_the_job_search(run, rav_client):
    case = refer(run, rav_client, "SD", "finances,conflict", days_ago(40))
    ok(run("accept", case, "--on", days_ago(30)))
    r = run("suspend-search", case, "--from", days_ago(20), "--until", days_ahead(10),
            "--note", "debt counselling first")
    assert ok(r) == case
    assert days_ago(20) in r.stderr and days_ahead(10) in r.stderr
    shown = show(run, case)
    assert shown["search_suspended_from"] == days_ago(20)
    assert shown["search_suspended_until"] == days_ahead(10)
    assert shown["suspensions"] == [{"from": days_ago(20), "until": days_ahead(10), "ended_on": None,
                                     "note": "debt counselling first", "planned": False}]

    assert ok(run("resume-search", case, "--on", days_ago(2))) == case
    shown = show(run, case)
    assert shown["search_suspended_until"] is None
    assert shown["suspensions"][0]["ended_on"] == days_ago(2)

    # once resumed, a new suspension is possible; closing ends it
    ok(run("suspend-search", case, "--from", days_ago(1), "--until", days_ahead(5)))
    assert show(run, case)["search_suspended_until"] == days_ahead(5)
    ok(run("close", case, "--outcome", "achieved", "--employed"))
    shown = show(run, case)
    assert shown["search_suspended_until"] is None
    assert [s["ended_on"] for s in shown["suspensions"]] == [days_ago(2), days_ago(0)]
    assert [e["action"] for e in shown["history"]] == [
        "refer", "accept", "suspend-search", "resume-search", "suspend-search", "close"]


def test_a_suspension_planned_ahead_reads_right_and_is_cancelled_by_an_earlier_ending(run, rav_client):
    """Issue 16: a suspension may start later than today, within the mandate; it is not in
    effect before its start, and closing or resuming before it cancels it."""
    case = refer(run, rav_client, "SD", "finances", days_ago(40))
    due = ok(run("accept", case, "--on", days_ago(30)))
    r = run("suspend-search", case, "--from", days_ahead(1), "--until", days_ahead(12))
    assert ok(r) == case and days_ahead(1) in r.stderr and days_ahead(12) in r.stderr
    shown = show(run, case)
    assert shown["search_suspended_until"] is None  # not running today
    assert shown["suspensions"] == [{"from": days_ahead(1), "until": days_ahead(12), "ended_on": None,
                                     "note": None, "planned": True}]
    table = ok(run("show", case))
    assert days_ahead(1) in table and "planned" in table
    # it runs from its start on, and `due` speaks of it only then
    assert json.loads(ok(run("list", "--as-of", days_ahead(1), "--format", "json")))[0][
        "search_suspended_until"] == days_ahead(12)
    due_today = json.loads(ok(run("due", "--within", "30", "--format", "json")))
    assert not [w for w in due_today if w["warning"].startswith("suspension")], due_today
    due_later = json.loads(ok(run("due", "--as-of", days_ahead(5), "--format", "json")))
    assert [w["warning"] for w in due_later if w["case"] == case] == ["suspension-ending"], due_later
    # the mandate's last day may start one; the day after may not
    refused = run("suspend-search", case, "--from", (date.fromisoformat(due) + timedelta(days=1))
                  .isoformat(), "--until", (date.fromisoformat(due) + timedelta(days=1)).isoformat())
    assert refused.exit_code == 1 and "may start at most on that day" in refused.stderr
    ok(run("suspend-search", case, "--from", due, "--until", due))
    # resuming today cancels the next planned one; closing today cancels the other
    ok(run("resume-search", case))
    ok(run("close", case, "--outcome", "achieved"))
    shown = show(run, case)
    assert [(s["from"], s["ended_on"], s["planned"]) for s in shown["suspensions"]] == [
        (days_ahead(1), days_ago(0), False), (due, days_ago(0), False)]
    assert json.loads(ok(run("list", "--status", "all", "--as-of", days_ahead(2), "--format", "json")))[0][
        "search_suspended_until"] is None
    doctor = json.loads(run("doctor", "--format", "json").stdout)
    assert all(c["ok"] for c in doctor["checks"] if c["check"] in ("date order", "dates")), doctor


def test_withdrawing_today_cancels_a_planned_suspension(run, rav_client):
    case = refer(run, rav_client, "SD", "finances", days_ago(40))
    ok(run("accept", case, "--on", days_ago(30)))
    ok(run("suspend-search", case, "--from", days_ahead(3), "--until", days_ahead(5)))
    ok(run("withdraw", case, "--reason", "other", "--note", "moved away"))
    assert [s["ended_on"] for s in show(run, case)["suspensions"]] == [days_ago(0)]


def test_check_may_look_ahead_and_writes_nothing(run, snapshot):
    # rejected by the IV 300 days ago: blocks today, passes once more than 12 months lie behind
    client = ok(run("register", "--name", "Iv Spaeter", "--birth-date", "05.05.1970", "--from", "SD",
                    "--consent-on", days_ago(400), "--iv-rejected-on", days_ago(300)))
    before = snapshot()
    ahead = days_ahead(100)
    blocked = run("check", client, "--to", "IV", "--topics", "health", "--format", "json")
    assert blocked.exit_code == 1  # a block today
    today = json.loads(blocked.stdout)
    later = json.loads(ok(run("check", client, "--to", "IV", "--topics", "health", "--on", ahead,
                              "--format", "json")))
    assert "iv-rejection-recent" in today["blocked"]
    assert later["on"] == ahead and "iv-rejection-recent" not in later["blocked"]
    assert snapshot() == before


# --- override --------------------------------------------------------------------------------

@pytest.mark.both_backends
def test_override_of_a_hard_rule_is_stored_and_shown(run, snapshot):
    client = ok(run("register", "--name", "Iv Abgelehnt", "--birth-date", "05.05.1970", "--from", "SD",
                    "--consent-on", days_ago(200), "--iv-rejected-on", days_ago(90)))
    before = snapshot()
    blocked = run("refer", client, "--to", "IV", "--topics", "health", "--months", "3")
    assert blocked.exit_code == 1 and "--override" in blocked.stderr
    assert without_hurdles(snapshot()) == without_hurdles(before)  # the refusal counted only

    why = "new medical report; the IV agreed to look again"
    r = run("refer", client, "--to", "IV", "--topics", "health", "--months", "3",
            "--override", why, "--format", "json")
    out = json.loads(ok(r))
    assert out["override"] == why
    case = out["case"]
    assert {"rule": "iv-rejection-recent", "kind": "hard", "result": "block"}.items() <= next(
        f for f in out["findings"] if f["rule"] == "iv-rejection-recent").items()

    shown = show(run, case)
    assert shown["override"] == why
    found = {f["rule"]: f for f in shown["findings"]}
    assert found["iv-rejection-recent"]["result"] == "block"
    assert found["iv-rejection-recent"]["kind"] == "hard"
    assert days_ago(90) in found["iv-rejection-recent"]["message"]
    assert found["consent"]["result"] == "pass"
    assert shown["history"][0]["changes"]["override"] == why
    table = ok(run("show", case))
    assert why in table and "iv-rejection-recent" in table


def test_override_without_a_blocking_rule_is_not_stored(run, sd_client):
    r = run("refer", sd_client, "--to", "RAV", "--topics", "placement", "--months", "3",
            "--override", "just in case")
    case = ok(r)
    assert "--override not stored" in r.stderr
    assert show(run, case)["override"] is None


# --- the JSON and CSV contract ---------------------------------------------------------------

def _assert_case_json(record: dict) -> None:
    missing = [k for k in CASE_KEYS if k not in record]
    assert not missing, missing
    assert isinstance(record["topics"], list)
    assert CASE_ID.match(record["case"])


@pytest.mark.both_backends
def test_json_outputs_carry_the_documented_keys(run, rav_client):
    r = run("refer", rav_client, "--to", "SD", "--topics", "conflict,finances", "--months", "3",
            "--goal", "Schulden ordnen", "--on", days_ago(40), "--format", "json")
    referred = json.loads(ok(r))
    _assert_case_json(referred)
    case = referred["case"]
    assert referred["client"] == rav_client and referred["status"] == "referred"
    assert (referred["referrer"], referred["receiver"]) == ("RAV", "SD")
    assert sorted(referred["topics"]) == ["conflict", "finances"]
    assert (referred["months"], referred["goal"], referred["referred_on"]) == (3, "Schulden ordnen",
                                                                               days_ago(40))
    assert referred["decided_on"] is None and referred["due_on"] is None

    accepted = json.loads(ok(run("accept", case, "--on", days_ago(30), "--format", "json")))
    _assert_case_json(accepted)
    assert accepted["status"] == "accepted" and accepted["decided_on"] == days_ago(30)
    assert accepted["due_on"] == (date.fromisoformat(days_ago(30)) + relativedelta(months=3)).isoformat()

    suspended = json.loads(ok(run("suspend-search", case, "--from", days_ago(20), "--until",
                                  days_ahead(3), "--format", "json")))
    assert suspended["search_suspended_until"] == days_ahead(3)

    listed = json.loads(ok(run("list", "--format", "json")))
    assert [x["case"] for x in listed] == [case]
    _assert_case_json(listed[0])
    assert listed[0]["search_suspended_until"] == days_ahead(3)

    shown = show(run, case)
    _assert_case_json(shown)
    assert shown["history"] and shown["findings"]

    closed = json.loads(ok(run("close", case, "--outcome", "not-achieved", "--cause", "no-cooperation",
                               "--not-employed", "--format", "json")))
    _assert_case_json(closed)
    assert (closed["status"], closed["outcome"], closed["cause"], closed["employed"],
            closed["closed_on"]) == ("closed", "not-achieved", "no-cooperation", False, days_ago(0))


@pytest.mark.both_backends
def test_csv_outputs_carry_the_documented_keys(run, sd_client):
    r = run("refer", sd_client, "--to", "RAV", "--topics", "placement,finances", "--months", "6",
            "--on", days_ago(20), "--format", "csv")
    rows = csv_rows(ok(r))
    assert len(rows) == 1
    assert set(CASE_KEYS) <= set(rows[0]), set(CASE_KEYS) - set(rows[0])
    case = rows[0]["case"]
    assert sorted(rows[0]["topics"].split(",")) == ["finances", "placement"]
    assert (rows[0]["status"], rows[0]["months"], rows[0]["decided_on"]) == ("referred", "6", "")

    accepted = csv_rows(ok(run("accept", case, "--on", days_ago(10), "--format", "csv")))
    assert set(CASE_KEYS) <= set(accepted[0])
    assert (accepted[0]["status"], accepted[0]["decided_on"]) == ("accepted", days_ago(10))

    listed = csv_rows(ok(run("list", "--format", "csv")))
    assert [x["case"] for x in listed] == [case]
    assert set(CASE_KEYS) <= set(listed[0])
    assert listed[0]["due_on"] == accepted[0]["due_on"] != ""

    shown = csv_rows(ok(run("show", case, "--format", "csv")))
    assert len(shown) == 1 and set(CASE_KEYS) <= set(shown[0])

    closed = csv_rows(ok(run("close", case, "--outcome", "achieved", "--employed", "--format", "csv")))
    assert (closed[0]["outcome"], closed[0]["employed"], closed[0]["cause"]) == ("achieved", "true", "")


def test_reject_and_withdraw_json_carry_reason(run, sd_client):
    first = refer(run, sd_client, "RAV", "placement", days_ago(20))
    rejected = json.loads(ok(run("reject", first, "--reason", "no-consent", "--format", "json")))
    _assert_case_json(rejected)
    assert (rejected["status"], rejected["reason"]) == ("rejected", "no-consent")
    second = refer(run, sd_client, "IV", "health", days_ago(10))
    withdrawn = csv_rows(ok(run("withdraw", second, "--reason", "other", "--note", "moved",
                                "--format", "csv")))
    assert (withdrawn[0]["status"], withdrawn[0]["reason"]) == ("withdrawn", "other")


# --- clients -----------------------------------------------------------------------------------

def test_client_update_changes_values_and_clears_dates(run, db_path, sd_client):
    r = run("client", "update", sd_client, "--municipality", "Emmen", "--counsellor", "B. Keller",
            "--iv-rejected-on", days_ago(30), "--health-suspected", "--format", "json")
    updated = json.loads(ok(r))
    assert "municipality" in r.stderr and "counsellor" in r.stderr
    assert (updated["municipality"], updated["counsellor"], updated["iv_rejected_on"],
            updated["health_suspected"]) == ("Emmen", "B. Keller", days_ago(30), True)

    ok(run("client", "update", sd_client, "--iv-rejected-on", "none", "--from", "rav"))
    client = client_show(run, sd_client)
    assert client["iv_rejected_on"] is None
    assert client["institution"] == "RAV"
    assert client["municipality"] == "Emmen"  # untouched values stay

    # found by AHV number too
    assert client_show(run, "756.1234.5678.97")["client"] == sd_client
    same = run("client", "update", sd_client, "--municipality", "Emmen")
    assert same.exit_code == 0 and "nothing changed" in same.stderr

    updates = [row for row in audit(db_path) if row[1] == "client-update"]
    assert updates == [("tester", "client-update", "client", sd_client)] * 2


def test_consent_given_later_allows_the_referral(run):
    client = ok(run("register", "--name", "Spaet Sara", "--birth-date", "1990-06-01", "--from", "SD"))
    assert run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3").exit_code == 1
    ok(run("client", "update", client, "--consent-on", days_ago(3)))
    assert client_show(run, client)["consent_on"] == days_ago(3)
    assert CASE_ID.match(refer(run, client, "RAV", "placement", days_ago(1)))


# --- institutions ------------------------------------------------------------------------------

@pytest.mark.both_backends
def test_institution_add_list_set_contact_case_insensitive(run, db_path, rav_client):
    r = run("institution", "add", "sd-emmen", "--kind", "sd", "--name", "Sozialdienst Emmen",
            "--contact", "A. Huber", "--email", "a.huber@example.ch")
    ok(r)
    units = {u["code"]: u for u in json.loads(ok(run("institution", "list", "--format", "json")))}
    assert {"RAV", "IV", "SD", "SD-EMMEN"} <= set(units)
    assert (units["SD-EMMEN"]["kind"], units["SD-EMMEN"]["name"], units["SD-EMMEN"]["contact_name"],
            units["SD-EMMEN"]["contact_email"]) == ("SD", "Sozialdienst Emmen", "A. Huber",
                                                    "a.huber@example.ch")

    changed = json.loads(ok(run("institution", "set-contact", "Sd-Emmen", "--phone",
                                "041 268 00 00", "--format", "json")))
    assert changed["code"] == "SD-EMMEN" and changed["contact_phone"] == "041 268 00 00"
    ok(run("institution", "set-contact", "rav", "--contact", "M. Meier"))
    units = {u["code"]: u for u in json.loads(ok(run("institution", "list", "--format", "json")))}
    assert (units["SD-EMMEN"]["contact_name"], units["SD-EMMEN"]["contact_phone"]) == (
        "A. Huber", "041 268 00 00")
    assert units["RAV"]["contact_name"] == "M. Meier"
    assert "M. Meier" in ok(run("institution", "list"))

    case = refer(run, rav_client, "sd-emmen", "finances", days_ago(3))
    shown = show(run, case)
    assert shown["receiver"] == "SD-EMMEN"
    assert shown["receiver_contact"] == {"name": "A. Huber", "email": "a.huber@example.ch",
                                         "phone": "041 268 00 00"}
    assert [x["case"] for x in json.loads(ok(run("list", "--to", "sd-emmen", "--from", "rav",
                                                  "--format", "json")))] == [case]
    checked = json.loads(ok(run("check", rav_client, "--to", "iv", "--format", "json")))
    assert checked["receiver"] == "IV" and checked["referrer"] == "RAV"

    actions = [(a, act, ref) for a, act, _e, ref in audit(db_path) if act.startswith("institution")]
    assert actions == [("tester", "institution-add", "SD-EMMEN"),
                       ("tester", "institution-set-contact", "SD-EMMEN"),
                       ("tester", "institution-set-contact", "RAV")]


def test_lowercase_codes_on_register_and_refer(run):
    client = ok(run("register", "--name", "Klein Karl", "--birth-date", "1.2.1991", "--from", "sd",
                    "--consent-on", days_ago(10)))
    assert client_show(run, client)["institution"] == "SD"
    case = refer(run, client, "rav", "placement", days_ago(2))
    shown = show(run, case)
    assert (shown["referrer"], shown["receiver"]) == ("SD", "RAV")


# --- audit -------------------------------------------------------------------------------------

@pytest.mark.both_backends
def test_audit_table_name(run, db_path, sd_client):
    """Issue 2 names the trail's table `audit_event` (scripts and sqlite3 users query it)."""
    assert "audit_event" in _tables(db_path), sorted(_tables(db_path))


@pytest.mark.both_backends
def test_changes_and_reads_are_audited(run, db_path, sd_client):
    assert ("tester", "register", "client", sd_client) in audit(db_path)
    case = refer(run, sd_client, "RAV", "placement", days_ago(10))
    assert audit(db_path)[-1] == ("tester", "refer", "referral", case)
    ok(run("accept", case, "--on", days_ago(5)))
    assert audit(db_path)[-1] == ("tester", "accept", "referral", case)

    before = audit(db_path)
    ok(run("show", case))
    assert audit(db_path) == [*before, ("tester", "read", "referral", case)]
    ok(run("client", "show", sd_client, "--format", "json"))
    assert audit(db_path) == [*before, ("tester", "read", "referral", case),
                              ("tester", "read", "client", sd_client)]
    # a read is logged but is no step in the case's history
    assert [e["action"] for e in show(run, case)["history"]] == ["refer", "accept"]
    # list and due show no names and log no read
    after_reads = audit(db_path)
    ok(run("list"))
    ok(run("due"))
    assert audit(db_path) == after_reads


@pytest.mark.both_backends
def test_audit_records_the_acting_user(run, db_path, sd_client):
    case = refer(run, sd_client, "RAV", "placement", days_ago(10))
    from typer.testing import CliRunner

    from optima_cli.cli import app

    r = CliRunner().invoke(app, ["--db", str(db_path), "--user", "b.keller", "accept", case])
    assert r.exit_code == 0, r.stderr
    assert audit(db_path)[-1] == ("b.keller", "accept", "referral", case)
    assert show(run, case)["history"][-1]["user"] == "b.keller"
