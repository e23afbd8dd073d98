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

@pytest.mark.parametrize(("code", "option"), [
    (RejectReason.OTHER, "--reason"), (WithdrawReason.OTHER, "--reason"), (Cause.OTHER, "--cause"),
])
@pytest.mark.parametrize("note", [None, "", "   "], ids=repr)
def test_other_needs_a_note(code, option, note):
    with pytest.raises(UsageProblem) as info:
        lifecycle.require_note(code, note, option)
    assert info.value.exit_code == 2
    assert option in info.value.message
    assert "--note" in info.value.message


@pytest.mark.parametrize("code", [RejectReason.OTHER, WithdrawReason.OTHER, Cause.OTHER])
def test_other_with_a_note_passes(code):
    assert lifecycle.require_note(code, "moved to another canton", "--reason") is None


@pytest.mark.parametrize("code", [
    *[r for r in RejectReason if r != RejectReason.OTHER],
    WithdrawReason.CONSENT_WITHDRAWN, Cause.NO_COOPERATION, Cause.NOT_PLACEABLE,
], ids=str)
def test_coded_reasons_need_no_note(code):
    assert lifecycle.require_note(code, None, "--reason") is None


# --- check_close ------------------------------------------------------------------------------

def test_not_achieved_needs_a_cause():
    with pytest.raises(UsageProblem) as info:
        lifecycle.check_close(Outcome.NOT_ACHIEVED, None)
    assert info.value.exit_code == 2
    assert "--cause" in info.value.message


@pytest.mark.parametrize("cause", list(Cause), ids=str)
def test_not_achieved_with_a_cause_passes(cause):
    assert lifecycle.check_close(Outcome.NOT_ACHIEVED, cause) is None


@pytest.mark.parametrize("outcome", [Outcome.ACHIEVED, Outcome.PARTLY], ids=str)
def test_achieved_or_partly_pass_without_cause(outcome):
    assert lifecycle.check_close(outcome, None) is None


@pytest.mark.parametrize("outcome", [Outcome.ACHIEVED, Outcome.PARTLY], ids=str)
def test_cause_is_refused_unless_not_achieved(outcome):
    with pytest.raises(UsageProblem) as info:
        lifecycle.check_close(outcome, Cause.NO_COOPERATION)
    assert outcome.value in info.value.message


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
    assert DUE == date(2026, 12, 1)


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
