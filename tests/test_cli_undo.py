"""`optima undo` and `optima reopen` from the shell (issue 17): the case as before the action,
the figures as if it had not happened, the trail green with the justification; each refusal in
English and German (one line, exit 2 or 1, nothing written)."""

from __future__ import annotations

import json

import pytest
from conftest import days_ago


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def show(run, case: str) -> dict:
    return json.loads(ok(run("show", case, "--format", "json")))


def case_state(run, case: str) -> dict:
    """What an action changes of a case, without the history and the moment of reading."""
    record = show(run, case)
    return {k: v for k, v in record.items() if k not in ("history", "days", "days_left", "flag",
                                                         "deadline")}


@pytest.fixture
def case(run) -> str:
    """An accepted case referred by a RAV (which may suspend the job search) 60 days ago."""
    client = ok(run("register", "--name", "Rav Rita", "--birth-date", "02.02.1985", "--from", "RAV",
                    "--consent-on", days_ago(100)))
    ref = ok(run("refer", client, "--to", "SD", "--topics", "health", "--months", "3",
                 "--on", days_ago(60)))
    ok(run("accept", ref, "--on", days_ago(58)))
    return ref


def trail(run, case: str) -> list[dict]:
    return json.loads(ok(run("audit", "list", "--case", case, "--format", "json")))


def verified(run) -> None:
    result = run("audit", "verify")
    assert result.exit_code == 0, result.stdout + result.stderr


ACTIONS = {
    "close": ("close", "--outcome", "not-achieved", "--cause", "no-cooperation", "--on", days_ago(5)),
    "withdraw": ("withdraw", "--reason", "other", "--note", "moved", "--on", days_ago(5)),
    "extend": ("extend", "--on", days_ago(5)),
    "suspend-search": ("suspend-search", "--from", days_ago(10), "--until", days_ago(1)),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_undo_gives_back_the_case_and_keeps_both_in_the_trail(run, case, action):
    before = case_state(run, case)
    ok(run(ACTIONS[action][0], case, *ACTIONS[action][1:]))
    assert case_state(run, case) != before
    result = run("undo", case, "--why", "entered on the wrong case")
    assert ok(result) == case
    assert f"{action} undone" in result.stderr
    assert case_state(run, case) == before
    events = [e for e in trail(run, case) if e["action"] != "read"]
    assert [e["action"] for e in events[-2:]] == [action, "undo"]
    assert events[-1]["why"] == "entered on the wrong case"
    history = show(run, case)["history"]
    assert next(h for h in history if h["action"] == "undo")["why"] == "entered on the wrong case"
    verified(run)


def test_undo_of_a_resumed_suspension_lets_it_run_again(run, case):
    ok(run("suspend-search", case, "--from", days_ago(10), "--until", days_ago(-20)))
    suspended = case_state(run, case)
    ok(run("resume-search", case, "--on", days_ago(2)))
    assert case_state(run, case)["search_suspended_until"] is None
    ok(run("undo", case, "--why", "resumed the wrong case"))
    assert case_state(run, case) == suspended
    verified(run)


def test_undo_of_an_acceptance_and_a_rejection(run, case):
    ok(run("undo", case, "--why", "accepted the wrong case"))
    assert show(run, case)["status"] == "referred" and show(run, case)["due_on"] is None
    ok(run("reject", case, "--reason", "too-severe", "--on", days_ago(3)))
    ok(run("undo", case, "--why", "rejected the wrong case"))
    record = show(run, case)
    assert (record["status"], record["reason"], record["decided_on"]) == ("referred", None, None)


def test_reopen_a_closing_made_by_mistake(run, case):
    due = show(run, case)["due_on"]
    ok(run("close", case, "--outcome", "achieved", "--on", days_ago(5)))
    result = run("reopen", case, "--why", "closed instead of another", "--format", "json")
    record = json.loads(ok(result))
    assert (record["status"], record["closed_on"], record["due_on"]) == ("accepted", None, due)
    assert record["undone"] == "close"
    assert [e["action"] for e in trail(run, case) if e["action"] != "read"][-1] == "reopen"
    verified(run)


def test_reopen_a_withdrawal_before_a_decision_makes_the_case_referred(run, case):
    ok(run("undo", case, "--why", "not accepted yet"))
    ok(run("withdraw", case, "--reason", "other", "--note", "x", "--on", days_ago(5)))
    ok(run("reopen", case, "--why", "withdrawn by mistake"))
    assert show(run, case)["status"] == "referred"


# --- refusals: one line, the exit code, nothing written -------------------------------------------

REFUSALS = [
    # (what is done before, the command, exit code, English, German)
    ((), ("undo", "{case}"), 2, "missing --why", "--why"),
    ((), ("undo", "{case}", "--why", "  "), 2, "missing --why", "--why"),
    ((), ("reopen", "{case}"), 2, "missing --why", "--why"),
    ((("undo", "{case}", "--why", "x"),), ("undo", "{case}", "--why", "again"), 1,
     "has no action to undo since its referral", "keine Aktion, die rückgängig gemacht"),
    ((), ("reopen", "{case}", "--why", "x"), 1, "cannot reopen", "kann nicht wieder eröffnet"),
]


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("before,command,code,english,german", REFUSALS)
def test_refusals_say_one_line_and_write_nothing(run, case, lang, before, command, code,
                                                 english, german):
    for step in before:
        ok(run(*(part.format(case=case) for part in step)))
    events = len(trail(run, case))
    state = case_state(run, case)
    result = run("--lang", lang, *(part.format(case=case) for part in command))
    assert result.exit_code == code, result.stderr
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert (english if lang == "en" else german) in message
    assert case_state(run, case) == state
    assert len(trail(run, case)) == events + 2  # only the two reads of this test (show, show)


def test_german_sentences_of_undo_and_reopen(run, case):
    ok(run("close", case, "--outcome", "achieved", "--on", days_ago(5)))
    result = run("--lang", "de", "undo", case, "--why", "falscher Fall")
    assert "Abschluss rückgängig gemacht; der Fall ist wieder" in result.stderr
    ok(run("close", case, "--outcome", "achieved", "--on", days_ago(5)))
    result = run("--lang", "de", "reopen", case, "--why", "falscher Fall")
    assert "wieder eröffnet" in result.stderr
    table = ok(run("--lang", "de", "show", case))
    assert "Begründung: falscher Fall" in table


# --- the figures, as if the action had not happened (both backends) -------------------------------

def figures(run) -> dict:
    report = json.loads(ok(run("report", "--format", "json")))
    return {k: report[k] for k in ("accepted", "rejected", "withdrawn", "closed", "open_at_end",
                                   "durations")}


@pytest.mark.both_backends
@pytest.mark.parametrize("command", [
    ("close", "--outcome", "achieved", "--employed", "--on", days_ago(5)),
    ("withdraw", "--reason", "other", "--note", "moved", "--on", days_ago(5)),
    ("extend", "--on", days_ago(5)),
])
@pytest.mark.parametrize("how", ["undo", "reopen"])
def test_the_figures_are_as_if_the_action_never_happened(run, case, command, how):
    before = figures(run)
    ok(run(*command[:1], case, *command[1:]))
    after = figures(run)
    if command[0] == "close":
        assert after["closed"]["total"] == before["closed"]["total"] + 1
    if command[0] == "withdraw":
        assert after["withdrawn"]["total"] == before["withdrawn"]["total"] + 1
    result = run(how, case, "--why", "by mistake")
    if how == "reopen" and command[0] == "extend":
        assert result.exit_code == 1 and "use `optima undo`" in result.stderr
        return
    ok(result)
    assert figures(run) == before
    verified(run)


# --- each action undone on both backends: the case, the figures, the trail -----------------------

ACCEPTED = (("accept", "--on", days_ago(58)),)
SUSPENDED = (*ACCEPTED, ("suspend-search", "--from", days_ago(10), "--until", days_ago(-20)))
# action: (the steps before it, the action)
EACH_ACTION = {
    "accept": ((), ("accept", "--counsellor", "R. Receiver", "--on", days_ago(58))),
    "reject": ((), ("reject", "--reason", "other", "--note", "not our topic", "--on", days_ago(58))),
    "close": (ACCEPTED, ("close", "--outcome", "not-achieved", "--cause", "no-cooperation",
                         "--employed", "--on", days_ago(5))),
    "extend": (ACCEPTED, ("extend", "--on", days_ago(5))),
    "suspend-search": (ACCEPTED, ("suspend-search", "--from", days_ago(10), "--until",
                                  days_ago(-10))),
    "resume-search": (SUSPENDED, ("resume-search", "--on", days_ago(2))),
    "withdraw": (ACCEPTED, ("withdraw", "--reason", "other", "--note", "moved", "--on",
                            days_ago(5))),
}


@pytest.mark.both_backends
@pytest.mark.parametrize("action", EACH_ACTION)
def test_each_action_undone_gives_back_the_case_and_the_figures(run, action):
    client = ok(run("register", "--name", "Rav Rolf", "--birth-date", "03.03.1983", "--from",
                    "RAV", "--consent-on", days_ago(100)))
    case = ok(run("refer", client, "--to", "SD", "--topics", "health", "--months", "3",
                  "--on", days_ago(60)))
    before_steps, command = EACH_ACTION[action]
    for step in before_steps:
        ok(run(step[0], case, *step[1:]))
    state, counted = case_state(run, case), figures(run)

    ok(run(command[0], case, *command[1:]))
    assert case_state(run, case) != state
    done = figures(run)
    assert done != counted or action == "extend"  # no figure counts extensions
    # the withdrawal count moves only with a withdrawal
    assert done["withdrawn"]["total"] == counted["withdrawn"]["total"] + (action == "withdraw")

    ok(run("undo", case, "--why", "entered on the wrong case"))
    assert case_state(run, case) == state
    assert figures(run) == counted  # the withdrawals as before the action, too
    events = [e for e in trail(run, case) if e["action"] != "read"]
    assert [e["action"] for e in events[-2:]] == [action, "undo"]
    assert events[-1]["why"] == "entered on the wrong case"
    verified(run)


@pytest.mark.parametrize("lang,said", [("en", "close or withdraw OPT-"),
                                       ("de", "ziehen Sie ihn zurück")])
def test_a_closing_is_not_reopened_beside_a_newer_open_case(run, case, lang, said):
    ok(run("close", case, "--outcome", "achieved", "--on", days_ago(5)))
    client = show(run, case)["client"]
    newer = ok(run("refer", client, "--to", "SD", "--topics", "health", "--months", "3"))
    result = run("--lang", lang, "reopen", case, "--why", "closed by mistake")
    assert result.exit_code == 1 and said in result.stderr and newer in result.stderr
    assert show(run, case)["status"] == "closed"


# --- the actions between the institutions (issue 18) ----------------------------------------------

@pytest.mark.both_backends
def test_undo_of_an_assignment_gives_back_the_counsellor_before_it(run, case):
    ok(run("assign", case, "--counsellor", "A. First"))
    ok(run("assign", case, "--counsellor", "B. Second"))
    ok(run("undo", case, "--why", "the wrong counsellor"))
    assert (show(run, case)["status"], show(run, case)["receiving_counsellor"]) == ("accepted",
                                                                                  "A. First")
    verified(run)


def test_undo_of_an_acceptance_keeps_the_counsellor_assigned_before_it(run, case):
    ok(run("undo", case, "--why", "not accepted yet"))  # referred again
    ok(run("assign", case, "--counsellor", "A. First"))
    ok(run("accept", case, "--on", days_ago(5)))
    ok(run("undo", case, "--why", "accepted the wrong case"))
    got = show(run, case)
    assert (got["status"], got["receiving_counsellor"]) == ("referred", "A. First")


@pytest.mark.parametrize("lang,said", [("en", "forward it back with `optima forward"),
                                       ("de", "zurück")])
def test_a_forwarding_is_not_undone_but_forwarded_back(run, case, lang, said):
    ok(run("undo", case, "--why", "not accepted yet"))  # referred again
    receiver = show(run, case)["receiver"]
    kind = "SD" if receiver.startswith("SD") else receiver.split("-")[0]
    ok(run("institution", "add", f"{kind}-OTHER", "--kind", kind, "--name", "Other unit"))
    ok(run("forward", case, "--to", f"{kind}-OTHER"))
    result = run("--lang", lang, "undo", case, "--why", "the wrong unit")
    assert result.exit_code == 1 and said in result.stderr and receiver in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert show(run, case)["receiver"] == f"{kind}-OTHER"
