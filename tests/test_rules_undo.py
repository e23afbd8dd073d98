"""`undo` and `reopen` as pure decisions (issue 17): each action taken back leaves the case (and
the client) exactly as they were before it; the history they read is the case's audit events as
a store hands them over (dates as ISO text, as the payload keeps them)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import actions, corrections
from optima_cli.rules.actions import Outcome, Person
from optima_cli.rules.codes import Cause, Kind, RejectReason, WithdrawReason
from optima_cli.rules.codes import Outcome as CloseOutcome
from optima_cli.rules.corrections import Recorded
from optima_cli.rules.lifecycle import Case, Unit

TODAY = date(2026, 11, 23)
REFERRED, ACCEPTED = date(2026, 8, 25), date(2026, 9, 1)


def client() -> Person:
    return Person(key=actions.ClientKey(7, (0, 7)), institution="RAV", institution_id=1,
                  name="Muster Anna", name_key="anna muster", birth_date=date(1988, 7, 14),
                  consent_on=date(2025, 1, 2))


def referred(referrer: Kind = Kind.RAV) -> Case:
    return Case(case_id="OPT-2026-0007", referrer=Unit(referrer.value.upper(), referrer),
                receiver=Unit("SD", Kind.SD), topics=("finances",), status="referred", months=3,
                referred_on=REFERRED)


def recorded(outcome: Outcome) -> tuple[Recorded, ...]:
    """The events of an outcome as a store reads them back (through JSON)."""
    def stored(values):
        return json.loads(json.dumps(values, default=str)) if values is not None else None
    return tuple(Recorded(e.action, e.on_date, stored(e.before), stored(e.after))
                 for e in outcome.events)


class History:
    """A case and its client taken through actions, with the audit events they recorded."""

    def __init__(self, case: Case | None = None) -> None:
        self.client = client()
        self.case = case or referred()
        self.events: tuple[Recorded, ...] = (Recorded("refer", REFERRED, None, {"status": "referred"}),)

    def do(self, decide, *args, **kwargs) -> History:
        outcome = decide(self.case, self.client, *args, **kwargs)
        self.case, self.client = outcome.case, outcome.client
        self.events += recorded(outcome)
        return self

    def undo(self, reopening: bool = False) -> Outcome:
        decide = corrections.reopen if reopening else corrections.undo
        outcome = decide(self.case, self.client, "entered on the wrong case", TODAY, self.events)
        self.case, self.client = outcome.case, outcome.client
        self.events += recorded(outcome)
        return outcome


def accepted() -> History:
    return History().do(actions.accept, ACCEPTED, TODAY, "B. Keller")


# each action, from the state before it: (history before, the action's decision and inputs)
ACTIONS = {
    "accept": (History, actions.accept, (ACCEPTED, TODAY, "B. Keller")),
    "reject": (History, actions.reject, (ACCEPTED, TODAY, RejectReason.OTHER, "no capacity")),
    "withdraw-referred": (History, actions.withdraw, (ACCEPTED, TODAY, WithdrawReason.OTHER, "moved")),
    "withdraw-accepted": (accepted, actions.withdraw, (date(2026, 9, 20), TODAY,
                                                      WithdrawReason.OTHER, "moved")),
    "withdraw-consent": (accepted, actions.withdraw, (date(2026, 9, 20), TODAY,
                                                     WithdrawReason.CONSENT_WITHDRAWN)),
    "close": (accepted, actions.close, (date(2026, 10, 1), TODAY, CloseOutcome.NOT_ACHIEVED,
                                        Cause.NO_COOPERATION, False, "n")),
    "extend": (accepted, actions.extend, (date(2026, 10, 1), TODAY)),
    "suspend-search": (accepted, actions.suspend_search, (date(2026, 9, 10), TODAY,
                                                          date(2026, 11, 1), "IV course")),
    "suspend-ahead": (accepted, actions.suspend_search, (date(2026, 11, 25), TODAY,
                                                         date(2026, 11, 30))),
}


@pytest.mark.parametrize("name", ACTIONS)
def test_undo_gives_back_the_state_before_the_action(name):
    start, decide, args = ACTIONS[name]
    history = start()
    before_case, before_client = history.case, history.client
    history.do(decide, *args)
    assert history.case != before_case
    outcome = history.undo()
    assert (history.case, history.client) == (before_case, before_client)
    event = outcome.events[-1]
    assert (event.action, event.why, event.on_date) == ("undo", "entered on the wrong case", TODAY)
    assert event.after is not None and event.after["undone"] == decide.__name__.replace("_", "-")


def suspended() -> History:
    return accepted().do(actions.suspend_search, date(2026, 9, 10), TODAY, date(2026, 11, 20))


@pytest.mark.parametrize("decide,args", [
    (actions.close, (date(2026, 10, 1), TODAY, CloseOutcome.ACHIEVED)),
    (actions.withdraw, (date(2026, 10, 1), TODAY, WithdrawReason.OTHER, "moved")),
    (actions.resume_search, (date(2026, 10, 1), TODAY)),
])
def test_a_suspension_ended_by_the_action_runs_again(decide, args):
    history = suspended()
    before = history.case
    history.do(decide, *args)
    assert history.case.suspensions[0].ended_on == date(2026, 10, 1)
    history.undo()
    assert history.case == before and history.case.suspensions[0].ended_on is None


def test_a_suspension_resumed_the_day_of_the_closing_stays_ended():
    history = suspended().do(actions.resume_search, date(2026, 10, 1), TODAY)
    resumed = history.case
    history.do(actions.close, date(2026, 10, 1), TODAY, CloseOutcome.ACHIEVED)
    history.undo()
    assert history.case == resumed and resumed.suspensions[0].ended_on == date(2026, 10, 1)


def test_an_undone_suspension_is_gone_and_the_earlier_one_stays():
    history = suspended().do(actions.resume_search, date(2026, 10, 1), TODAY)
    before = history.case
    history.do(actions.suspend_search, date(2026, 10, 5), TODAY, date(2026, 10, 9))
    assert len(history.case.suspensions) == 2
    history.undo()
    assert history.case == before and len(history.case.suspensions) == 1
    before_undo = dict(history.events[-1].before)
    assert before_undo.pop("suspensions") == [["2026-09-10", "2026-11-20", "2026-10-01"],
                                              ["2026-10-05", "2026-10-09", None]]
    assert before_undo == {"search_suspended_from": "2026-10-05",
                           "search_suspended_until": "2026-10-09"}


def test_undo_walks_back_one_action_at_a_time_to_the_referral():
    history = accepted().do(actions.extend, date(2026, 10, 1), TODAY)
    history.do(actions.close, date(2026, 10, 20), TODAY, CloseOutcome.ACHIEVED)
    steps = [history.undo().events[-1].after["undone"] for _ in range(3)]
    assert steps == ["close", "extend", "accept"]
    assert history.case == referred()
    with pytest.raises(OptimaError) as refused:
        history.undo()
    assert refused.value.code == "nothing-to-undo"


def test_the_last_action_is_the_last_taken_not_the_one_listed_last_for_its_day():
    # accepted, suspended and extended on one day: the extension is taken back first
    history = accepted()
    day = ACCEPTED
    history.do(actions.suspend_search, day, TODAY, date(2026, 9, 30))
    suspended_case = history.case
    history.do(actions.extend, day, TODAY)
    assert history.undo().events[-1].after["undone"] == "extend"
    assert history.case == suspended_case


def test_a_referral_is_not_undone():
    with pytest.raises(OptimaError) as refused:
        History().undo()
    assert refused.value.code == "nothing-to-undo"


def test_nothing_is_undone_across_an_amendment():
    history = accepted()
    history.events += (Recorded("amend", None, {"goal": None}, {"goal": "work"}),)
    with pytest.raises(OptimaError) as refused:
        history.undo()
    assert refused.value.code == "undo-after-amend"


@pytest.mark.parametrize("decide,args,status", [
    (actions.close, (date(2026, 10, 1), TODAY, CloseOutcome.ACHIEVED), "accepted"),
    (actions.withdraw, (date(2026, 10, 1), TODAY, WithdrawReason.OTHER, "moved"), "accepted"),
])
def test_reopen_takes_back_a_closing_or_a_withdrawal(decide, args, status):
    history = accepted()
    before = history.case
    history.do(decide, *args)
    outcome = history.undo(reopening=True)
    assert history.case == before and history.case.status == status
    assert history.case.due_on == before.due_on  # open again with its mandate
    assert outcome.events[-1].action == "reopen"


def test_reopen_of_a_case_withdrawn_before_a_decision_makes_it_referred():
    history = History().do(actions.withdraw, ACCEPTED, TODAY, WithdrawReason.OTHER, "moved")
    history.undo(reopening=True)
    assert history.case == referred()


@pytest.mark.parametrize("start", [History, accepted])
def test_reopen_refuses_what_is_no_closing_or_withdrawal(start):
    with pytest.raises(OptimaError) as refused:
        start().undo(reopening=True)
    assert refused.value.code == "reopen-not-ended"


def test_reopen_refuses_an_extension_and_leaves_it_to_undo():
    history = accepted().do(actions.extend, date(2026, 10, 1), TODAY)
    with pytest.raises(OptimaError) as refused:
        history.undo(reopening=True)
    assert refused.value.code == "reopen-not-ended"


def test_undoing_a_withdrawal_for_withdrawn_consent_gives_the_consent_back():
    history = accepted().do(actions.withdraw, date(2026, 9, 20), TODAY,
                            WithdrawReason.CONSENT_WITHDRAWN)
    assert history.client.consent_withdrawn_on == date(2026, 9, 20)
    outcome = history.undo()
    assert history.client.consent_withdrawn_on is None
    assert outcome.client_write == actions.QUIET
    assert [e.action for e in outcome.events] == ["client-update", "undo"]


def test_an_undo_does_not_count_as_an_action_of_its_own():
    history = accepted()
    history.undo()  # the acceptance
    history.do(actions.accept, ACCEPTED, TODAY, "B. Keller")
    history.undo()
    assert history.case == referred()


@pytest.mark.parametrize("why", [None, "", "   "])
def test_a_justification_is_required(why):
    with pytest.raises(UsageProblem) as refused:
        corrections.justification(why)
    assert refused.value.code == "value-required" and refused.value.field == "why"


def test_the_justification_is_cleaned():
    assert corrections.justification("  wrong case  ") == "wrong case"


@pytest.mark.parametrize("decide,args", [
    (actions.close, (date(2026, 10, 1), TODAY, CloseOutcome.ACHIEVED)),
    (actions.withdraw, (date(2026, 10, 1), TODAY, WithdrawReason.OTHER, "moved")),
])
def test_a_case_is_not_open_again_beside_another_open_case_to_the_same_receiver(decide, args):
    history = accepted().do(decide, *args)
    with pytest.raises(OptimaError) as refused:
        corrections.reopen(history.case, history.client, "x", TODAY, history.events, "OPT-2026-0009")
    assert refused.value.code == "reopen-other-open"
    # an extension taken back leaves the case open as it was: no other case matters
    history = accepted().do(actions.extend, date(2026, 10, 1), TODAY)
    corrections.undo(history.case, history.client, "x", TODAY, history.events, "OPT-2026-0009")
