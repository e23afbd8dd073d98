"""Joint strategies as pure decisions (rules/joint.py): who may take part, consent, one open
strategy per client, the referral it replaces, reviews and the closing. No database."""

from __future__ import annotations

from datetime import date

import pytest

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import joint
from optima_cli.rules.actions import ClientKey, Person
from optima_cli.rules.codes import Cause, Kind, Outcome, Status, WithdrawReason
from optima_cli.rules.criteria import Facts
from optima_cli.rules.lifecycle import Case, Unit

TODAY = date(2026, 11, 23)
SD, IV, RAV = Unit("SD-EMMEN", Kind.SD), Unit("IV", Kind.IV), Unit("RAV", Kind.RAV)
CONSENTED = Facts(consent_on=date(2026, 10, 1))


def _open(**given: object) -> joint.Decided:
    values: dict[str, object] = dict(
        joint_id="GS-2026-0001", client="C-0001", facts=CONSENTED, anonymized=False, lead=SD,
        partners=(IV, RAV), goal="Budget und Stellensuche abstimmen", day=date(2026, 11, 2),
        review_on=date(2026, 12, 1), today=TODAY, open_joint_id=None)
    values.update(given)
    return joint.open_joint(**values)  # type: ignore[arg-type]


def _refused(code: str, **given: object) -> OptimaError:
    with pytest.raises(OptimaError) as info:
        _open(**given)
    assert info.value.code == code, info.value.message
    return info.value


def test_three_institutions_with_one_lead_open_a_joint_strategy():
    decided = _open()
    assert decided.joint.status == joint.OPEN
    assert decided.joint.review_on == date(2026, 12, 1)
    assert decided.event.action == "joint-open" and decided.event.before is None
    assert decided.event.after == joint.record(decided.joint)
    assert decided.event.after["lead"] == "SD-EMMEN" and decided.event.after["with"] == ["IV", "RAV"]
    assert decided.withdrawn is None


def test_two_institutions_are_enough():
    assert _open(partners=(IV,)).joint.partners == (IV,)


def test_a_joint_strategy_needs_one_or_two_units_beside_the_lead():
    assert isinstance(_refused("joint-partners", partners=()), UsageProblem)
    assert _refused("joint-partners", partners=(IV, RAV, Unit("SD", Kind.SD))).field == "with"


@pytest.mark.parametrize("partners", [(Unit("SD", Kind.SD),), (IV, Unit("IV-2", Kind.IV))])
def test_units_of_one_kind_are_one_institution(partners):
    error = _refused("joint-same-kind", partners=partners)
    assert not isinstance(error, UsageProblem) and error.field == "with"


def test_consent_is_judged_by_the_criterion_of_the_referrals():
    assert "no consent" in _refused("joint-no-consent", facts=Facts()).message
    late = Facts(consent_on=date(2026, 11, 5))
    assert "consent was given on 2026-11-05" in _refused("joint-no-consent", facts=late).message
    withdrawn = Facts(consent_on=date(2026, 10, 1), consent_withdrawn_on=date(2026, 10, 20))
    assert "withdrew consent on 2026-10-20" in _refused("joint-no-consent", facts=withdrawn).message


def test_at_most_one_open_joint_strategy_per_client():
    assert "GS-2026-0007" in _refused("joint-open-exists", open_joint_id="GS-2026-0007").message


def test_the_goal_is_required_and_the_first_review_lies_after_the_opening():
    assert _refused("value-required", goal="  ").field == "goal"
    assert _refused("joint-review-not-after", review_on=date(2026, 11, 2)).field == "review_on"
    assert _refused("in-the-future", day=date(2026, 11, 24), review_on=date(2026, 12, 24))


def test_an_anonymized_client_takes_no_joint_strategy():
    _refused("joint-anonymized", anonymized=True)


def _referral(status: str = Status.ACCEPTED.value, referrer: Unit = SD, receiver: Unit = IV) -> Case:
    return Case(case_id="OPT-2026-0003", referrer=referrer, receiver=receiver,
                topics=("finances",), status=status, months=3, referred_on=date(2026, 10, 10),
                decided_on=date(2026, 10, 15), due_on=date(2027, 1, 15))


def _person(number: int = 1) -> Person:
    return Person(key=ClientKey(number, (0, number)), institution="SD-EMMEN", institution_id=4,
                  name="Muster Hans", name_key="muster hans", birth_date=date(1980, 3, 12),
                  consent_on=date(2026, 10, 1))


def test_a_referral_becomes_a_joint_strategy_and_is_withdrawn():
    decided = _open(from_case=(_referral(), _person()))
    assert decided.joint.from_case == "OPT-2026-0003"
    withdrawn = decided.withdrawn
    assert withdrawn is not None and withdrawn.case is not None
    assert withdrawn.case.status == Status.WITHDRAWN.value
    assert withdrawn.case.reason == WithdrawReason.JOINT_STRATEGY.value
    assert withdrawn.case.withdrawn_on == date(2026, 11, 2)
    assert [e.action for e in withdrawn.events] == ["withdraw"]


def test_the_referral_must_be_the_clients_open_one_between_two_of_the_units():
    assert _refused("joint-case-other-client", from_case=(_referral(), _person(2))).field == "from_case"
    other = _referral(referrer=Unit("RAV-2", Kind.RAV))
    assert "RAV-2" in _refused("joint-case-units", from_case=(other, _person())).message
    _refused("status-forbids-either", from_case=(_referral(Status.CLOSED.value), _person()))
    _refused("out-of-order", day=date(2026, 10, 12), from_case=(_referral(), _person()))


def test_a_withdrawal_by_hand_cannot_claim_a_joint_strategy():
    with pytest.raises(OptimaError) as info:
        joint.check_withdraw_reason(WithdrawReason.JOINT_STRATEGY, "OPT-2026-0003")
    assert info.value.field == "withdraw_reason"
    joint.check_withdraw_reason(WithdrawReason.OTHER, "OPT-2026-0003")  # any other: allowed


def test_a_review_sets_the_next_review_day_in_order():
    opened = _open().joint
    reviewed = joint.review(opened, date(2026, 12, 1), TODAY.replace(month=12, day=5),
                            date(2027, 1, 15), "Budget steht")
    assert reviewed.joint.review_on == date(2027, 1, 15)
    assert reviewed.joint.review_on_day(date(2026, 11, 30)) == date(2026, 12, 1)
    assert reviewed.event.after == {"review_on": date(2027, 1, 15), "reviews": 1, "note": "Budget steht"}
    with pytest.raises(UsageProblem) as info:
        joint.review(opened, date(2026, 11, 10), TODAY, date(2026, 11, 10))
    assert info.value.field == "next"
    with pytest.raises(OptimaError) as before:
        joint.review(opened, date(2026, 11, 1), TODAY, date(2026, 12, 10))
    assert before.value.code == "out-of-order" and before.value.values["event"] == "opening"


def test_closing_records_outcome_and_cause_as_a_referrals_closing():
    opened = _open().joint
    closed = joint.close(opened, date(2026, 11, 20), TODAY, Outcome.NOT_ACHIEVED, Cause.NO_COOPERATION)
    assert closed.joint.status == joint.CLOSED
    assert closed.event.after == {"status": "closed", "closed_on": date(2026, 11, 20),
                                  "outcome": "not-achieved", "cause": "no-cooperation"}
    with pytest.raises(UsageProblem) as info:
        joint.close(opened, date(2026, 11, 20), TODAY, Outcome.NOT_ACHIEVED)
    assert info.value.code == "cause-required"
    with pytest.raises(OptimaError) as again:
        joint.close(closed.joint, date(2026, 11, 21), TODAY, Outcome.ACHIEVED)
    assert again.value.code == "joint-closed"
    with pytest.raises(OptimaError) as review:
        joint.review(closed.joint, date(2026, 11, 21), TODAY, date(2026, 12, 21))
    assert review.value.code == "joint-closed"
