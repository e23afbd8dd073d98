"""Measures and their cost as pure decisions (rules/measures.py, issue 19): a measure belongs to a
case whose mandate was accepted, is requested from the acceptance on and decided from its request
on, never ahead; the referrer pays unless another unit is named; a decision is taken once; a
wrong measure is struck with a justification; each is one audit event whose keys are not a
case's. And the report's section: shaped from the store's sums, every group present."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.records.models import CASE_KEYS
from optima_cli.rules import actions, measures
from optima_cli.rules.actions import Person
from optima_cli.rules.as_recorded import Step, replay
from optima_cli.rules.codes import Kind, MeasureKind, Outcome, RejectReason, WithdrawReason
from optima_cli.rules.lifecycle import Case, Unit
from optima_cli.rules.measures import Measure

TODAY = date(2026, 11, 23)
REFERRED, ACCEPTED, ENDED = date(2026, 8, 25), date(2026, 9, 1), date(2026, 11, 2)
RAV, SD, IV = Unit("RAV", Kind.RAV), Unit("SD", Kind.SD), Unit("IV", Kind.IV)


def client() -> Person:
    return Person(key=actions.ClientKey(7, (0, 7)), institution="RAV", institution_id=1,
                  name="Muster Anna", name_key="anna muster", birth_date=date(1988, 7, 14),
                  consent_on=date(2025, 1, 2))


def referred() -> Case:
    return Case(case_id="OPT-2026-0007", referrer=RAV, receiver=SD, topics=("finances",),
                status="referred", months=3, referred_on=REFERRED)


def accepted() -> Case:
    return actions.accept(referred(), client(), ACCEPTED, TODAY).case  # type: ignore[return-value]


def add(case: Case | None = None, **given) -> measures.Written:
    values = {"kind": MeasureKind.COACHING, "cost": 120050, "payer": RAV, "day": ACCEPTED,
              "today": TODAY, "measures": ()} | given
    return measures.add(case or accepted(), client(), **values)


def code_of(error: pytest.ExceptionInfo) -> tuple[str | None, str | None, type]:
    return error.value.code, error.value.field, type(error.value)


def test_a_measure_is_added_requested_with_its_event():
    written = add(day=date(2026, 9, 10), note="  Bewerbungscoaching ")
    m = written.measure
    assert written.new and m == Measure(1, "coaching", 120050, "RAV", date(2026, 9, 10),
                                        note="Bewerbungscoaching")
    assert (m.decision, m.decided_on) == ("requested", None)
    event = written.event
    assert (event.action, event.entity, event.on_date, event.before) == (
        "measure-add", "referral", date(2026, 9, 10), None)
    assert event.after == {"measure": 1, "measure_kind": "coaching", "cost": "1200.50",
                           "payer": "RAV", "requested_on": date(2026, 9, 10), "approved_on": None,
                           "declined_on": None, "measure_note": "Bewerbungscoaching"}


def test_numbers_follow_the_case_measures_and_an_approval_day_adds_it_approved():
    before = (Measure(1, "course", 100, "RAV", ACCEPTED), Measure(2, "course", 100, "RAV", ACCEPTED,
                                                                  struck=True))
    written = add(measures=before, approved_on=date(2026, 9, 5), payer=IV)
    assert (written.measure.number, written.measure.decision, written.measure.payer) == (
        3, "approved", "IV")
    assert written.event.after["approved_on"] == date(2026, 9, 5)


def test_the_event_of_a_measure_leaves_the_case_as_recorded_unchanged():
    """`report --as-recorded` replays a case's events: a measure's keys are not a case's."""
    case = [Step("refer", REFERRED, None, {"status": "referred", "months": 3}),
            Step("accept", ACCEPTED, {"status": "referred"}, {"status": "accepted"})]
    m = add(approved_on=ACCEPTED).event
    approved = measures.approve(accepted(), client(), 1, ACCEPTED, TODAY,
                                (Measure(1, "course", 5, "RAV", ACCEPTED),)).event
    with_measures = [*case, *(Step(e.action, e.on_date, e.before, e.after) for e in (m, approved))]
    then, plain = replay(with_measures), replay(case)
    assert then is not None and plain is not None
    added = set(then.values) - set(plain.values)
    assert added == {"measure", "measure_kind", "cost", "payer", "requested_on", "approved_on",
                     "declined_on", "measure_note"}
    assert not added & {*CASE_KEYS, "first_due_on"}  # none is a case's: the row stays as it was
    assert {k: then.values[k] for k in plain.values} == plain.values


@pytest.mark.parametrize("case", [
    lambda: accepted(),
    lambda: actions.close(accepted(), client(), ENDED, TODAY, Outcome.ACHIEVED).case,
    lambda: actions.withdraw(accepted(), client(), ENDED, TODAY, WithdrawReason.OTHER, "moved").case,
], ids=["accepted", "closed", "withdrawn after acceptance"])
def test_a_case_whose_mandate_was_accepted_takes_measures(case):
    assert add(case()).measure.number == 1


@pytest.mark.parametrize("case", [
    lambda: referred(),
    lambda: actions.reject(referred(), client(), ENDED, TODAY, RejectReason.TOO_SEVERE).case,
    lambda: actions.withdraw(referred(), client(), ENDED, TODAY, WithdrawReason.OTHER, "moved").case,
], ids=["referred", "rejected", "withdrawn before acceptance"])
def test_a_case_never_accepted_takes_none(case):
    with pytest.raises(OptimaError) as error:
        add(case(), day=ENDED)
    assert code_of(error) == ("measure-not-accepted", None, OptimaError)


@pytest.mark.parametrize("given, refusal", [
    ({"day": ACCEPTED - timedelta(days=1)}, ("measure-before-acceptance", "on", OptimaError)),
    ({"day": TODAY + timedelta(days=1)}, ("in-the-future", None, OptimaError)),
    ({"approved_on": ACCEPTED - timedelta(days=1)},
     ("measure-decided-before-request", "approved_on", OptimaError)),
    ({"approved_on": TODAY + timedelta(days=1)}, ("in-the-future", None, OptimaError)),
    ({"kind": MeasureKind.OTHER}, ("measure-note-required", "note", UsageProblem)),
    ({"kind": MeasureKind.OTHER, "note": "   "}, ("measure-note-required", "note", UsageProblem)),
    ({"cost": -1}, ("money-negative", "cost", UsageProblem)),
])
def test_refusals_of_add(given, refusal):
    with pytest.raises(OptimaError) as error:
        add(**given)
    assert code_of(error) == refusal


def test_an_anonymized_client_takes_no_measure():
    gone = replace(client(), anonymized_on=TODAY, birth_date=None)
    with pytest.raises(OptimaError) as error:
        measures.add(accepted(), gone, kind=MeasureKind.COURSE, cost=1, payer=RAV, day=ACCEPTED,
                     today=TODAY, measures=())
    assert error.value.code == "anonymized-update"


REQUESTED = (Measure(1, "course", 45025, "RAV", date(2026, 10, 15)),)


def test_approve_and_decline_decide_once_from_the_request_on():
    approved = measures.approve(accepted(), client(), 1, date(2026, 10, 15), TODAY, REQUESTED)
    assert (approved.new, approved.measure.decision, approved.measure.approved_on) == (
        False, "approved", date(2026, 10, 15))
    assert (approved.event.action, approved.event.before, approved.event.after) == (
        "measure-approve", {"measure": 1, "approved_on": None},
        {"measure": 1, "approved_on": date(2026, 10, 15)})
    declined = measures.decline(accepted(), client(), 1, TODAY, TODAY, REQUESTED, " zu teuer ")
    assert (declined.measure.decision, declined.measure.decline_why, declined.why) == (
        "declined", "zu teuer", "zu teuer")
    assert declined.event.why == "zu teuer" and declined.event.action == "measure-decline"
    for decided in (approved.measure, declined.measure):
        with pytest.raises(OptimaError) as error:
            measures.approve(accepted(), client(), 1, TODAY, TODAY, (decided,))
        assert code_of(error) == ("measure-decided", "measure", OptimaError)


@pytest.mark.parametrize("number, day, refusal", [
    (2, TODAY, ("no-such-measure", "measure", OptimaError)),
    (1, date(2026, 10, 14), ("measure-decided-before-request", "on", OptimaError)),
    (1, TODAY + timedelta(days=1), ("in-the-future", None, OptimaError)),
])
def test_refusals_of_a_decision(number, day, refusal):
    for decide in (measures.approve, measures.decline):
        with pytest.raises(OptimaError) as error:
            decide(accepted(), client(), number, day, TODAY, REQUESTED)
        assert code_of(error) == refusal


def test_a_wrong_measure_is_struck_with_a_reason_and_then_takes_nothing():
    with pytest.raises(UsageProblem) as error:
        measures.strike(accepted(), client(), 1, "  ", TODAY, REQUESTED)
    assert code_of(error) == ("value-required", "why", UsageProblem)
    struck = measures.strike(accepted(), client(), 1, "doppelt", TODAY, REQUESTED)
    assert (struck.measure.decision, struck.why, struck.event.on_date) == ("struck", "doppelt", TODAY)
    assert struck.event.before["struck"] is False and struck.event.after == {"measure": 1,
                                                                             "struck": True}
    for again in (lambda ms: measures.strike(accepted(), client(), 1, "x", TODAY, ms),
                  lambda ms: measures.approve(accepted(), client(), 1, TODAY, TODAY, ms)):
        with pytest.raises(OptimaError) as error:
            again((struck.measure,))
        assert error.value.code == "measure-struck"


def test_the_report_section_is_shaped_from_the_sums_with_every_group():
    group = {1: "RAV", 2: "IV", 3: "SD"}
    cells = {"requested": [("coaching", 1, 3, 2, 150050), ("course", 3, 2, 1, 1000)],
             "approved": [("coaching", 1, 3, 1, 120050)],
             "declined": [("course", 3, 2, 1, 1000)],
             "pending": [("coaching", 1, 3, 1, 30000)]}
    f = measures.section(["RAV", "IV", "SD"], group, cells)
    assert f["requested"] == {"count": 3, "chf": "1510.50"}
    assert f["approved"] == {"count": 1, "chf": "1200.50"}
    assert f["declined"] == {"count": 1, "chf": "10.00"}
    assert f["costs_covered"] == {"approved": 1, "decided": 2, "approved_chf": "1200.50",
                                  "decided_chf": "1210.50"}
    assert f["pending_at_end"] == {"count": 1, "chf": "300.00"}
    assert list(f["by_kind"]) == [k.value for k in MeasureKind]
    assert f["by_kind"]["coaching"] == {"requested": 2, "requested_chf": "1500.50", "approved": 1,
                                        "approved_chf": "1200.50", "declined": 0,
                                        "declined_chf": "0.00"}
    assert list(f["by_payer"]) == list(f["by_receiver"]) == ["RAV", "IV", "SD"]
    assert f["by_payer"]["SD"]["declined_chf"] == "10.00" and f["by_receiver"]["IV"]["declined"] == 1
    assert f["by_payer"]["IV"] == measures._amounts(measures._empty())
