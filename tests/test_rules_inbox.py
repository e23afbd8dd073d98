"""assign, forward and the handback read as pure decisions (issue 18): what each changes of a case,
the audit event it records, and what it refuses."""

from __future__ import annotations

from datetime import date

import pytest

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import actions, criteria
from optima_cli.rules.actions import Person
from optima_cli.rules.codes import Kind
from optima_cli.rules.codes import Outcome as CloseOutcome
from optima_cli.rules.lifecycle import Case, Unit

TODAY = date(2026, 11, 23)
REFERRED, ACCEPTED = date(2026, 11, 2), date(2026, 11, 9)
EMMEN, KRIENS = Unit("SD-EMMEN", Kind.SD), Unit("SD-KRIENS", Kind.SD)


def client() -> Person:
    return Person(key=actions.ClientKey(7, (0, 7)), institution="RAV", institution_id=1,
                  name="Muster Anna", name_key="anna muster", birth_date=date(1988, 7, 14),
                  consent_on=date(2025, 1, 2))


def referred(receiver: Unit = EMMEN) -> Case:
    return Case(case_id="OPT-2026-0007", referrer=Unit("RAV", Kind.RAV), receiver=receiver,
                topics=("finances",), status="referred", months=3, referred_on=REFERRED)


def accepted() -> Case:
    return actions.accept(referred(), client(), ACCEPTED, TODAY, "B. Keller").case  # type: ignore[return-value]


def refusal(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(OptimaError) as refused:
        call()
    return refused.value.code  # type: ignore[no-any-return]


# --- assign ---------------------------------------------------------------------------------


def test_assign_names_the_counsellor_of_a_referred_case_and_accept_keeps_it():
    outcome = actions.assign(referred(), client(), " C. Roth ", REFERRED, TODAY)
    assert outcome.case is not None and outcome.case.receiving_counsellor == "C. Roth"
    assert outcome.case.status == "referred"
    (event,) = outcome.events
    assert (event.action, event.entity, event.on_date) == ("assign", "referral", REFERRED)
    assert (event.before, event.after) == ({"receiving_counsellor": None},
                                           {"receiving_counsellor": "C. Roth"})
    # accepted without naming a counsellor: the one assigned works it
    kept = actions.accept(outcome.case, client(), ACCEPTED, TODAY).case
    assert kept is not None and kept.receiving_counsellor == "C. Roth"


def test_a_change_of_counsellor_after_acceptance_is_history_not_a_new_referral():
    case = accepted()
    outcome = actions.assign(case, client(), "D. Frei", TODAY, TODAY)
    assert outcome.case == case._replace(receiving_counsellor="D. Frei")
    assert outcome.case_seq is None  # no new case
    assert [(e.before, e.after) for e in outcome.events] == [
        ({"receiving_counsellor": "B. Keller"}, {"receiving_counsellor": "D. Frei"})]


def test_assign_refuses_an_ended_case_the_same_counsellor_a_blank_name_and_bad_days():
    closed = actions.close(accepted(), client(), TODAY, TODAY, CloseOutcome.ACHIEVED).case
    assert refusal(lambda: actions.assign(closed, client(), "D. Frei", TODAY, TODAY)) == "assign-not-open"
    assert refusal(lambda: actions.assign(accepted(), client(), "B. Keller", TODAY, TODAY)) == \
        "assign-unchanged"
    with pytest.raises(UsageProblem):
        actions.assign(accepted(), client(), "  ", TODAY, TODAY)
    assert refusal(lambda: actions.assign(referred(), client(), "C. Roth", date(2026, 11, 1),
                                          TODAY)) == "out-of-order"
    assert refusal(lambda: actions.assign(referred(), client(), "C. Roth", date(2026, 11, 24),
                                          TODAY)) == "in-the-future"


# --- forward --------------------------------------------------------------------------------


def test_forward_moves_an_undecided_referral_to_another_unit_of_its_kind():
    outcome = actions.forward(referred(), client(), KRIENS, None, TODAY, TODAY, " wohnt in Kriens ")
    assert outcome.case == referred()._replace(receiver=KRIENS)  # id, dates, topics kept
    assert outcome.forward == actions.Forwarding("SD-EMMEN", "SD-KRIENS", TODAY)
    (event,) = outcome.events
    assert (event.action, event.before, event.after) == (
        "forward", {"receiver": "SD-EMMEN"}, {"receiver": "SD-KRIENS", "note": "wohnt in Kriens"})


def test_forward_judges_the_rules_that_look_at_the_receiver_as_refer_does():
    assert criteria.RECEIVER_RULES <= {rule.id for rule in criteria.RULES}
    with pytest.raises(OptimaError) as refused:
        actions.forward(referred(), client(), KRIENS, "OPT-2026-0003", TODAY, TODAY)
    assert refused.value.code == "forward-refused"
    assert [r["rule"] for r in refused.value.values["reasons"]] == ["no-open-referral"]
    # the rules that look at the client alone are not judged again: a consent withdrawn since
    # the referral is withdraw's business, not forward's
    from dataclasses import replace

    withdrawn = replace(client(), consent_withdrawn_on=TODAY)
    assert actions.forward(referred(), withdrawn, KRIENS, None, TODAY, TODAY).case is not None


def test_forward_refuses_a_decided_case_the_same_unit_and_another_kind():
    assert refusal(lambda: actions.forward(accepted(), client(), KRIENS, None, TODAY, TODAY)) == \
        "forward-not-referred"
    assert refusal(lambda: actions.forward(referred(), client(), EMMEN, None, TODAY, TODAY)) == \
        "forward-same-unit"
    assert refusal(lambda: actions.forward(referred(), client(), Unit("IV", Kind.IV), None, TODAY,
                                           TODAY)) == "forward-other-kind"
    assert refusal(lambda: actions.forward(referred(), client(), KRIENS, None, date(2026, 11, 1),
                                           TODAY)) == "out-of-order"


# --- the handback -----------------------------------------------------------------------------


def test_a_closing_keeps_the_handback_unread_until_the_referrer_reads_it_once():
    closed = actions.close(accepted(), client(), TODAY, TODAY, CloseOutcome.ACHIEVED,
                           handback=" Schulden geregelt ").case
    assert closed is not None and (closed.handback, closed.handback_read_on) == ("Schulden geregelt", None)
    read = actions.read_handback(closed, client(), TODAY)
    assert read.case == closed._replace(handback_read_on=TODAY)
    assert [(e.action, e.after) for e in read.events] == [("handback-read", {"handback_read_on": TODAY})]
    assert read.case is not None
    again = actions.read_handback(read.case, client(), TODAY)
    assert again.case == read.case and again.events == ()  # read before: nothing recorded
    assert refusal(lambda: actions.read_handback(accepted(), client(), TODAY)) == "no-handback"
