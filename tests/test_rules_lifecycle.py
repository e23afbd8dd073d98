"""Pure unit tests of the life of a referral (optima_cli/rules/lifecycle.py) against domain.md."""

from __future__ import annotations

from datetime import date

import pytest

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import lifecycle
from optima_cli.rules.codes import Cause, Kind, Outcome, RejectReason, Status, WithdrawReason
from optima_cli.rules.lifecycle import Action, SuspensionRequest

CASE = "OPT-2026-0007"

# domain.md, "The life of a referral", written out by hand
EXPECTED = {
    (Status.REFERRED, Action.ACCEPT): Status.ACCEPTED,
    (Status.REFERRED, Action.REJECT): Status.REJECTED,
    (Status.REFERRED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.ACCEPTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.ACCEPTED, Action.CLOSE): Status.CLOSED,
    (Status.ACCEPTED, Action.EXTEND): Status.ACCEPTED,
    (Status.ACCEPTED, Action.SUSPEND_SEARCH): Status.ACCEPTED,
    (Status.ACCEPTED, Action.RESUME_SEARCH): Status.ACCEPTED,
}
FORBIDDEN = [(s, a) for s in Status for a in Action if (s, a) not in EXPECTED]


def test_transitions_are_those_of_domain_md():
    assert lifecycle.TRANSITIONS == EXPECTED


@pytest.mark.parametrize(("status", "action"), list(EXPECTED), ids=lambda x: str(x))
def test_allowed_transition(status, action):
    assert lifecycle.next_status(CASE, status, action) == EXPECTED[(status, action)]


@pytest.mark.parametrize(("status", "action"), FORBIDDEN, ids=lambda x: str(x))
def test_other_transitions_are_refused_naming_the_status(status, action):
    with pytest.raises(OptimaError) as info:
        lifecycle.next_status(CASE, status, action)
    err = info.value
    assert err.exit_code == 1
    assert not isinstance(err, UsageProblem)
    assert f"it is {status.value}" in err.message
    assert CASE in err.message
    assert action.value in err.message
    # and it says where the action would be possible
    for allowed_status in {s for (s, a) in EXPECTED if a == action}:
        assert allowed_status.value in err.message


def test_forbidden_pairs_cover_terminal_statuses():
    assert len(FORBIDDEN) == len(Status) * len(Action) - len(EXPECTED)
    for terminal in (Status.REJECTED, Status.WITHDRAWN, Status.CLOSED):
        for action in Action:
            assert (terminal, action) in FORBIDDEN


def test_refusal_message_for_closing_a_referred_case():
    with pytest.raises(OptimaError, match="cannot close OPT-2026-0007: it is referred; "
                                          "close is only possible when it is accepted"):
        lifecycle.next_status(CASE, Status.REFERRED, Action.CLOSE)


def test_refusal_message_for_withdrawing_a_closed_case_names_both_open_statuses():
    with pytest.raises(OptimaError) as info:
        lifecycle.next_status(CASE, Status.CLOSED, Action.WITHDRAW)
    assert "it is closed" in info.value.message
    assert "accepted or referred" in info.value.message


# --- parse_months -----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [(3, 3), (6, 6), ("3", 3), ("6", 6)])
def test_parse_months_accepts_3_and_6(value, expected):
    assert lifecycle.parse_months(value) == expected


@pytest.mark.parametrize("value", [4, 0, -3, 12, "x", "", "three", None])
def test_parse_months_refuses_other_periods(value):
    with pytest.raises(UsageProblem) as info:
        lifecycle.parse_months(value)
    assert info.value.exit_code == 2
    assert "3 or 6" in info.value.message


# --- mandate_due ------------------------------------------------------------------------------

@pytest.mark.parametrize(("accepted", "months", "due"), [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),  # clamped at the end of February
    (date(2026, 8, 31), 3, date(2026, 11, 30)),  # clamped at the end of November
    (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
    (date(2026, 11, 23), 3, date(2027, 2, 23)),  # across the year end
    (date(2026, 1, 15), 6, date(2026, 7, 15)),
])
def test_mandate_due_is_calendar_months_after_acceptance(accepted, months, due):
    assert lifecycle.mandate_due(accepted, months) == due


# --- require_note -----------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "reason", "option"), [
    (RejectReason.OTHER, "reason", "--reason"), (WithdrawReason.OTHER, "withdraw_reason", "--reason"),
    (Cause.OTHER, "cause", "--cause"),
])
@pytest.mark.parametrize("note", [None, "", "   "], ids=repr)
def test_other_needs_a_note(code, reason, option, note):
    """The rule names the fields by their keys (no option, no sentence); the command line says
    them with its options."""
    from optima_cli.cli.options import said

    with pytest.raises(UsageProblem) as info:
        lifecycle.require_note(code, note, reason)
    error = info.value
    assert error.exit_code == 2
    assert (error.code, error.field, error.names) == ("note-required", "reason_note",
                                                       {"reason": reason})
    assert "--" not in error.message
    assert said(error).startswith(option + " other") and "--note" in said(error)


@pytest.mark.parametrize("code", [RejectReason.OTHER, WithdrawReason.OTHER, Cause.OTHER])
def test_other_with_a_note_passes(code):
    assert lifecycle.require_note(code, "moved to another canton") is None


@pytest.mark.parametrize("code", [
    *[r for r in RejectReason if r != RejectReason.OTHER],
    WithdrawReason.CONSENT_WITHDRAWN, Cause.NO_COOPERATION, Cause.NOT_PLACEABLE,
], ids=str)
def test_coded_reasons_need_no_note(code):
    assert lifecycle.require_note(code, None) is None


# --- check_close ------------------------------------------------------------------------------

def test_not_achieved_needs_a_cause():
    with pytest.raises(UsageProblem) as info:
        lifecycle.check_close(Outcome.NOT_ACHIEVED, None)
    assert info.value.exit_code == 2
    assert info.value.field == "cause"
    from optima_cli.cli.options import said

    assert "--cause" in said(info.value) and "--outcome" in said(info.value)


@pytest.mark.parametrize("cause", list(Cause), ids=str)
def test_not_achieved_with_a_cause_passes(cause):
    assert lifecycle.check_close(Outcome.NOT_ACHIEVED, cause) is None


@pytest.mark.parametrize("outcome", [Outcome.ACHIEVED, Outcome.PARTLY], ids=str)
def test_achieved_or_partly_pass_without_cause(outcome):
    assert lifecycle.check_close(outcome, None) is None


def test_cause_is_refused_when_achieved():
    with pytest.raises(UsageProblem) as info:
        lifecycle.check_close(Outcome.ACHIEVED, Cause.NO_COOPERATION)
    assert Outcome.ACHIEVED.value in info.value.message


@pytest.mark.parametrize("cause", list(Cause), ids=str)
def test_partly_may_name_a_cause(cause):
    # the evaluation: "nicht oder nur teilweise erfolgreich ... mangelnde Kooperation oder
    # fehlende Vermittelbarkeit"
    assert lifecycle.check_close(Outcome.PARTLY, cause) is None


# --- check_extend -----------------------------------------------------------------------------

def test_a_3_month_mandate_may_be_extended():
    assert lifecycle.check_extend(CASE, 3, None) is None


def test_a_6_month_mandate_cannot_be_extended():
    with pytest.raises(OptimaError) as info:
        lifecycle.check_extend(CASE, 6, None)
    assert CASE in info.value.message
    assert "6 months" in info.value.message


def test_a_mandate_is_extended_only_once():
    # after extending, months is 6 and extended_on is set; either way it is refused
    for months in (3, 6):
        with pytest.raises(OptimaError) as info:
            lifecycle.check_extend(CASE, months, date(2026, 10, 1))
        assert "already extended" in info.value.message


# --- check_suspension -------------------------------------------------------------------------

ACCEPTED = date(2026, 9, 1)
DUE = lifecycle.mandate_due(ACCEPTED, 3)  # 2026-12-01


def suspend(start: date, until: date, referrer: Kind = Kind.RAV,
            running_until: date | None = None) -> None:
    lifecycle.check_suspension(CASE, referrer, ACCEPTED, DUE, SuspensionRequest(start, until),
                               running_until)


def test_due_date_of_the_suspension_fixture():
    assert date(2026, 12, 1) == DUE


def test_valid_suspension_passes():
    assert suspend(date(2026, 9, 15), date(2026, 11, 15)) is None


def test_suspension_may_span_the_whole_mandate():
    assert suspend(ACCEPTED, DUE) is None


def test_one_day_suspension_passes():
    assert suspend(date(2026, 10, 1), date(2026, 10, 1)) is None


@pytest.mark.parametrize("referrer", [Kind.SD, Kind.IV], ids=str)
def test_only_a_rav_referrer_may_suspend(referrer):
    with pytest.raises(OptimaError) as info:
        suspend(date(2026, 9, 15), date(2026, 11, 15), referrer=referrer)
    assert str(referrer) in info.value.message
    assert "RAV" in info.value.message


def test_suspension_beyond_the_mandate_end_is_refused():
    with pytest.raises(OptimaError) as info:
        suspend(date(2026, 9, 15), date(2026, 12, 2))
    assert "2026-12-01" in info.value.message
    assert "2026-12-02" in info.value.message


def test_suspension_until_before_start_is_refused():
    with pytest.raises(OptimaError) as info:
        suspend(date(2026, 10, 15), date(2026, 10, 14))
    assert "2026-10-14" in info.value.message and "2026-10-15" in info.value.message


def test_suspension_starting_before_acceptance_is_refused():
    with pytest.raises(OptimaError) as info:
        suspend(date(2026, 8, 31), date(2026, 10, 1))
    assert "2026-09-01" in info.value.message


def test_running_suspension_is_refused():
    with pytest.raises(OptimaError) as info:
        suspend(date(2026, 10, 1), date(2026, 11, 1), running_until=date(2026, 10, 15))
    assert "2026-10-15" in info.value.message
    assert "resume-search" in info.value.message


# --- the actions on a case state ---------------------------------------------------------------

TODAY = date(2026, 11, 23)
RAV_UNIT, SD_UNIT = lifecycle.Unit("RAV", Kind.RAV), lifecycle.Unit("SD", Kind.SD)


def referred() -> lifecycle.Case:
    return lifecycle.Case(case_id=CASE, referrer=RAV_UNIT, receiver=SD_UNIT, topics=("finances",),
                          status=Status.REFERRED.value, months=3,
                          referred_on=date(2026, 8, 25))


def test_accept_starts_the_mandate_and_leaves_the_state_it_was_given():
    case = referred()
    accepted = lifecycle.accept(case, ACCEPTED, TODAY, "  B. Keller ")
    assert (accepted.status, accepted.decided_on, accepted.receiving_counsellor) == (
        "accepted", ACCEPTED, "B. Keller")
    assert accepted.due_on == accepted.first_due_on == DUE
    assert case.status == "referred" and case.decided_on is None


def test_an_action_in_the_wrong_status_is_refused_by_the_transition():
    closed = lifecycle.close(lifecycle.accept(referred(), ACCEPTED, TODAY), date(2026, 10, 1),
                             TODAY, Outcome.ACHIEVED, employed=True)
    with pytest.raises(OptimaError) as info:
        lifecycle.extend(closed, date(2026, 10, 2), TODAY)
    assert "it is closed" in info.value.message


def test_an_action_before_the_decision_or_in_the_future_is_refused():
    accepted = lifecycle.accept(referred(), ACCEPTED, TODAY)
    with pytest.raises(OptimaError) as info:
        lifecycle.extend(accepted, date(2026, 8, 31), TODAY)
    assert "before the acceptance on 2026-09-01" in info.value.message
    with pytest.raises(OptimaError) as info:
        lifecycle.extend(accepted, date(2026, 11, 24), TODAY)
    assert "lies in the future" in info.value.message


def test_extend_moves_the_due_date_and_keeps_the_first():
    extended = lifecycle.extend(lifecycle.accept(referred(), ACCEPTED, TODAY), date(2026, 11, 1), TODAY)
    assert (extended.months, extended.extended_on) == (6, date(2026, 11, 1))
    assert (extended.first_due_on, extended.due_on) == (DUE, date(2027, 3, 1))


def test_closing_ends_a_running_suspension_on_the_day_and_leaves_ended_ones():
    case = lifecycle.accept(referred(), ACCEPTED, TODAY)
    case = lifecycle.suspend_search(case, date(2026, 9, 1), TODAY, date(2026, 9, 10))
    case = lifecycle.resume_search(case, date(2026, 9, 5), TODAY)
    case = lifecycle.suspend_search(case, date(2026, 9, 20), TODAY, date(2026, 11, 30), " note ")
    closed = lifecycle.close(case, date(2026, 10, 15), TODAY, Outcome.PARTLY)
    assert [(s.start_on, s.ended_on, s.note) for s in closed.suspensions] == [
        (date(2026, 9, 1), date(2026, 9, 5), None), (date(2026, 9, 20), date(2026, 10, 15), "note")]
    assert closed.running_suspension(date(2026, 10, 16)) is None


def test_a_suspension_resumed_on_its_first_day_leaves_its_days_free():
    case = lifecycle.accept(referred(), ACCEPTED, TODAY)
    case = lifecycle.suspend_search(case, date(2026, 9, 10), TODAY, date(2026, 9, 30))
    case = lifecycle.resume_search(case, date(2026, 9, 10), TODAY)
    again = lifecycle.suspend_search(case, date(2026, 9, 10), TODAY, date(2026, 9, 30))
    assert len(again.suspensions) == 2
    with pytest.raises(OptimaError) as info:
        lifecycle.suspend_search(again, date(2026, 9, 20), TODAY, date(2026, 10, 5))
    assert "already has a job-search suspension until 2026-09-30" in info.value.message


def test_resume_without_a_running_suspension_is_refused():
    with pytest.raises(OptimaError) as info:
        lifecycle.resume_search(lifecycle.accept(referred(), ACCEPTED, TODAY), date(2026, 9, 2), TODAY)
    assert "no job-search suspension running on 2026-09-02" in info.value.message


@pytest.mark.parametrize(("reason", "already", "expected"), [
    (WithdrawReason.CONSENT_WITHDRAWN, None, date(2026, 10, 1)),
    (WithdrawReason.CONSENT_WITHDRAWN, date(2026, 11, 1), date(2026, 10, 1)),
    (WithdrawReason.CONSENT_WITHDRAWN, date(2026, 10, 1), None),
    (WithdrawReason.OTHER, None, None),
])
def test_consent_withdrawal_by_a_withdrawn_case(reason, already, expected):
    assert lifecycle.consent_withdrawal(reason, already, date(2026, 10, 1)) == expected


def test_refer_records_an_override_only_where_a_hard_rule_needs_it():
    from optima_cli.rules.codes import Topic
    from optima_cli.rules.criteria import Facts

    facts = Facts(consent_on=date(2026, 1, 1), work_capacity="no")
    kwargs = dict(case_id=CASE, referrer=SD_UNIT, facts=facts, birth_date=date(1980, 1, 1),
                  open_case=None, topics=(Topic.PLACEMENT,), months=3, day=date(2026, 9, 1))
    with pytest.raises(OptimaError) as info:
        lifecycle.refer(receiver=RAV_UNIT, **kwargs)
    assert info.value.justifiable and info.value.rules == ["work-capacity"]
    checked = lifecycle.check_referral(3, (Topic.PLACEMENT,), " why ", date(2026, 9, 1),
                                       date(2026, 9, 1))  # cleans the justification, once
    assert checked == (3, "why")
    case, _ = lifecycle.refer(receiver=RAV_UNIT, override=checked.override, **kwargs)
    assert case.override == "why" and case.status == "referred"
    intact = Facts(consent_on=date(2026, 1, 1), work_capacity="yes")  # no hard rule blocks
    case, _ = lifecycle.refer(receiver=lifecycle.Unit("IV", Kind.IV), override="why",
                              **{**kwargs, "facts": intact})
    assert case.override is None
    with pytest.raises(OptimaError) as info:
        lifecycle.refer(receiver=RAV_UNIT, override="why", **{**kwargs, "open_case": "OPT-2026-0001"})
    assert not info.value.justifiable and "OPT-2026-0001" in info.value.message


# --- a suspension planned ahead (issue 16: it may start later than today, within the mandate) ---

TOMORROW = date(2026, 11, 24)


def planned(start: date = TOMORROW, until: date = DUE) -> lifecycle.Case:
    """An accepted case (mandate to DUE) with a suspension from `start`, recorded on TODAY."""
    return lifecycle.suspend_search(lifecycle.accept(referred(), ACCEPTED, TODAY), start, TODAY, until)


def test_a_suspension_may_start_tomorrow():
    case = planned()
    assert [(s.start_on, s.until, s.ended_on) for s in case.suspensions] == [(TOMORROW, DUE, None)]
    assert case.running_suspension(TODAY) is None
    assert case.running_suspension(TOMORROW) == case.suspensions[0]


def test_a_suspension_may_start_on_the_mandates_last_day():
    case = planned(DUE, DUE)
    assert case.suspensions[0].start_on == DUE


@pytest.mark.parametrize("until", [DUE, date(2026, 12, 2), date(2026, 12, 10)])
def test_a_suspension_starting_the_day_after_the_mandate_is_refused(until):
    with pytest.raises(OptimaError) as info:
        planned(date(2026, 12, 2), until)
    assert info.value.code == "suspension-starts-after-mandate"
    assert info.value.field == "from"
    assert "2026-12-02" in info.value.message and "2026-12-01" in info.value.message


def test_a_planned_suspension_ending_before_it_starts_is_refused():
    with pytest.raises(OptimaError) as info:
        planned(date(2026, 11, 28), date(2026, 11, 27))
    assert info.value.code == "until-before-from"


@pytest.mark.parametrize("act", [
    lambda c: lifecycle.close(c, TODAY, TODAY, Outcome.ACHIEVED),
    lambda c: lifecycle.withdraw(c, TODAY, TODAY, WithdrawReason.CONSENT_WITHDRAWN),
    lambda c: lifecycle.resume_search(c, TODAY, TODAY),
], ids=["close", "withdraw", "resume-search"])
def test_an_action_today_before_the_planned_start_cancels_it(act):
    after = act(planned(date(2026, 11, 28)))
    cancelled = after.suspensions[0]
    assert cancelled.ended_on == TODAY and cancelled.cancelled
    # it never runs, and it is in effect on none of its days
    assert all(after.running_suspension(date(2026, 11, d)) is None for d in range(23, 31))
    assert not cancelled.in_effect_during(date(2026, 11, 28), DUE)
    assert lifecycle.latest_event(after, TODAY)[0] == TODAY


def test_a_back_dated_close_before_the_planned_start_cancels_it_too():
    closed = lifecycle.close(planned(), date(2026, 11, 1), TODAY, Outcome.PARTLY)
    assert closed.suspensions[0].ended_on == date(2026, 11, 1)


def test_a_planned_start_is_no_earlier_event_but_a_begun_one_is():
    case = planned(date(2026, 11, 28))
    assert lifecycle.latest_event(case, TODAY) == (ACCEPTED, "acceptance")
    lifecycle.check_order(case, Action.CLOSE, TODAY, TODAY)
    lifecycle.extend(case, TODAY, TODAY)
    # seen from the planned start on, the suspension has begun: a close before it is out of order
    with pytest.raises(OptimaError) as info:
        lifecycle.close(case, date(2026, 11, 27), date(2026, 11, 28), Outcome.ACHIEVED)
    assert info.value.code == "out-of-order"
    assert lifecycle.latest_event(case) == (date(2026, 11, 28), "suspension-start")


def test_resume_ends_the_running_suspension_not_the_planned_one():
    case = lifecycle.suspend_search(lifecycle.accept(referred(), ACCEPTED, TODAY),
                                    date(2026, 11, 1), TODAY, date(2026, 11, 25))
    case = lifecycle.suspend_search(case, date(2026, 11, 27), TODAY, DUE)
    resumed = lifecycle.resume_search(case, TODAY, TODAY)
    assert [s.ended_on for s in resumed.suspensions] == [TODAY, None]
    again = lifecycle.resume_search(resumed, TODAY, TODAY)  # then the planned one is cancelled
    assert [s.ended_on for s in again.suspensions] == [TODAY, TODAY]
    with pytest.raises(OptimaError) as info:
        lifecycle.resume_search(again, TODAY, TODAY)
    assert info.value.code == "nothing-to-resume"


def test_another_suspension_may_be_recorded_before_a_planned_one():
    case = lifecycle.suspend_search(planned(date(2026, 11, 28)), TODAY, TODAY, date(2026, 11, 27))
    assert [s.start_on for s in case.suspensions] == [date(2026, 11, 28), TODAY]
    with pytest.raises(OptimaError) as info:
        lifecycle.suspend_search(case, date(2026, 11, 25), TODAY, date(2026, 11, 30))
    assert info.value.code == "suspension-overlaps"


def test_a_resume_or_close_in_the_future_is_still_refused():
    with pytest.raises(OptimaError) as info:
        lifecycle.resume_search(planned(), TOMORROW, TODAY)
    assert info.value.code == "in-the-future"
