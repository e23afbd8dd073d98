"""Pure tests of a correction (`rules/corrections.amend`, `rules/lifecycle.amend`, issue 17): each
field through the rules of the action that recorded it, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from optima_cli.errors import OptimaError, ReferralBlocked, UsageProblem
from optima_cli.rules import actions, corrections
from optima_cli.rules.codes import Kind, Status
from optima_cli.rules.lifecycle import Case, SearchSuspension, Unit

TODAY = date(2026, 11, 23)
CLIENT = actions.Person(key=actions.ClientKey(7, (0, 7)), institution="SD", institution_id=3,
                        name="Muster Anna", name_key="anna muster", birth_date=date(1988, 7, 14),
                        consent_on=date(2025, 1, 2), work_capacity="yes",
                        work_capacity_assessed_on=date(2025, 1, 2))
REFERRED = Case(case_id="OPT-2026-0001", referrer=Unit("SD", Kind.SD),
                receiver=Unit("RAV", Kind.RAV), topics=("placement",),
                status=Status.REFERRED.value, months=3, referred_on=date(2026, 9, 1),
                goal="a job", referring_counsellor="A. Referrer", given=(("workable", True),))
ACCEPTED = REFERRED._replace(status=Status.ACCEPTED.value, decided_on=date(2026, 9, 10),
                             receiving_counsellor="R. Receiver", due_on=date(2026, 12, 10),
                             first_due_on=date(2026, 12, 10))
CLOSED = ACCEPTED._replace(status=Status.CLOSED.value, closed_on=date(2026, 11, 1),
                           outcome="not-achieved", cause="no-cooperation")
REJECTED = REFERRED._replace(status=Status.REJECTED.value, decided_on=date(2026, 9, 5),
                             reason="too-severe")
WITHDRAWN = ACCEPTED._replace(status=Status.WITHDRAWN.value, withdrawn_on=date(2026, 10, 1),
                              reason="other", reason_note="moved away")


def amend(case: Case, why: str | None = "entered wrongly", **changes: object) -> actions.Outcome:
    return corrections.amend(case, CLIENT, dict(changes), why, TODAY)


def the_event(outcome: actions.Outcome) -> actions.Event:
    [event] = outcome.events
    assert (event.action, event.entity, event.why) == ("amend", "referral", "entered wrongly")
    return event


def test_goal_is_free_text_and_the_event_keeps_only_what_changed():
    outcome = amend(ACCEPTED, goal="  a stable flat  ")
    assert outcome.case.goal == "a stable flat"
    event = the_event(outcome)
    assert (event.before, event.after) == ({"goal": "a job"}, {"goal": "a stable flat"})
    assert outcome.recorded_findings == ()  # the criteria do not look at the goal


def test_counsellors_are_names():
    outcome = amend(ACCEPTED, referring_counsellor="B. Other", receiving_counsellor="C. Other")
    assert (outcome.case.referring_counsellor, outcome.case.receiving_counsellor) == (
        "B. Other", "C. Other")
    assert set(the_event(outcome).after) == {"referring_counsellor", "receiving_counsellor"}


def test_months_recompute_the_mandate_end():
    outcome = amend(ACCEPTED, months="6")
    assert (outcome.case.months, outcome.case.due_on, outcome.case.first_due_on) == (
        6, date(2027, 3, 10), date(2027, 3, 10))
    assert the_event(outcome).after == {"months": 6, "due_on": date(2027, 3, 10)}


@pytest.mark.parametrize("months", ["4", "x", "0"])
def test_months_other_than_3_or_6_are_malformed(months):
    with pytest.raises(UsageProblem, match="not a mandate period"):
        amend(ACCEPTED, months=months)


def test_months_of_an_extended_case_are_refused():
    extended = ACCEPTED._replace(months=6, extended_on=date(2026, 11, 1), due_on=date(2027, 3, 10))
    with pytest.raises(OptimaError, match="extended to 6 months"):
        amend(extended, months="3")


def test_decided_on_moves_the_mandate_and_keeps_the_order():
    outcome = amend(ACCEPTED, decided_on=date(2026, 9, 3))
    assert (outcome.case.decided_on, outcome.case.due_on) == (date(2026, 9, 3), date(2026, 12, 3))
    with pytest.raises(OptimaError, match="before the referral") as info:
        amend(ACCEPTED, decided_on=date(2026, 8, 31))
    assert info.value.field == "decided_on"
    with pytest.raises(OptimaError, match="lies in the future"):
        amend(ACCEPTED, decided_on=date(2026, 11, 24))


def test_decided_on_keeps_a_suspension_inside_the_mandate():
    rav = ACCEPTED._replace(referrer=Unit("RAV", Kind.RAV), receiver=Unit("SD", Kind.SD),
                            suspensions=(SearchSuspension(date(2026, 9, 12), date(2026, 12, 10)),))
    with pytest.raises(OptimaError, match="job-search suspension"):
        amend(rav, decided_on=date(2026, 9, 2))


def test_referred_on_judges_the_criteria_again_and_replaces_the_findings():
    outcome = amend(REFERRED, referred_on=date(2026, 8, 1))
    assert outcome.case.referred_on == date(2026, 8, 1)
    assert outcome.recorded_findings and the_event(outcome).after["findings"] == list(
        outcome.recorded_findings)
    assert {f["rule"] for f in outcome.recorded_findings} >= {"consent", "other-kind"}
    with pytest.raises(OptimaError, match="after the acceptance"):
        amend(ACCEPTED, referred_on=date(2026, 9, 11))


def test_referred_on_before_consent_is_refused_by_the_never_rule():
    with pytest.raises(ReferralBlocked, match="referral refused"):
        amend(REFERRED, referred_on=date(2024, 12, 1))  # consent only on 2025-01-02


def test_a_hard_rule_needs_the_justification_already_recorded():
    to_iv = REFERRED._replace(receiver=Unit("IV", Kind.IV), topics=("health",))
    client = CLIENT
    rejected_iv = actions.Person(**{**{f: getattr(client, f) for f in client.__dataclass_fields__},
                                    "iv_rejected_on": date(2026, 3, 1)})
    with pytest.raises(ReferralBlocked, match="correction would block"):
        corrections.amend(to_iv, rejected_iv, {"referred_on": date(2026, 8, 1)}, "x", TODAY)
    justified = to_iv._replace(override="another health issue")
    outcome = corrections.amend(justified, rejected_iv, {"referred_on": date(2026, 8, 1)}, "x", TODAY)
    assert outcome.case.override == "another health issue"


def test_topics_are_parsed_as_refer_parses_them_and_judged_again():
    outcome = amend(REFERRED, topics="finances, placement")
    assert outcome.case.topics == ("finances", "placement")
    assert the_event(outcome).after["topics"] == ["finances", "placement"]
    assert outcome.recorded_findings
    with pytest.raises(UsageProblem, match="not a topic"):
        amend(REFERRED, topics="debts")


def test_closed_on_outcome_and_cause_as_close_checks_them():
    outcome = amend(CLOSED, closed_on=date(2026, 11, 2), outcome="partly", cause="not-placeable")
    assert (outcome.case.closed_on, outcome.case.outcome, outcome.case.cause) == (
        date(2026, 11, 2), "partly", "not-placeable")
    achieved = amend(CLOSED, outcome="achieved")
    assert (achieved.case.outcome, achieved.case.cause) == ("achieved", None)
    with pytest.raises(OptimaError, match="before the acceptance"):
        amend(CLOSED, closed_on=date(2026, 9, 9))
    with pytest.raises(UsageProblem, match="not an outcome"):
        amend(CLOSED, outcome="great")
    with pytest.raises(UsageProblem, match="needs a cause"):
        amend(CLOSED._replace(outcome="partly", cause=None), outcome="not-achieved")


def test_reason_and_note_of_a_rejection():
    outcome = amend(REJECTED, reason="no-consent")
    assert outcome.case.reason == "no-consent"
    with pytest.raises(UsageProblem, match="not a rejection reason"):
        amend(REJECTED, reason="bored")
    with pytest.raises(UsageProblem, match="needs a note"):
        amend(REJECTED, reason="other")
    assert amend(REJECTED, reason="other", note="see the file").case.reason_note == "see the file"


def test_note_of_a_withdrawal_and_of_a_closing():
    assert amend(WITHDRAWN, note="moved to Bern").case.reason_note == "moved to Bern"
    assert amend(CLOSED, note="found work").case.close_note == "found work"


@pytest.mark.parametrize(("case", "field", "value", "instead"), [
    (ACCEPTED, "closed_on", date(2026, 11, 1), "with close"),
    (ACCEPTED, "outcome", "achieved", "with close"),
    (ACCEPTED, "reason", "too-severe", "with reject or withdraw"),
    (REFERRED, "decided_on", date(2026, 9, 2), "with accept or reject"),
    (REFERRED, "receiving_counsellor", "X", "only an accepted case"),
    (REJECTED, "receiving_counsellor", "X", "only an accepted case"),
    (ACCEPTED, "note", "x", "use --goal"),
    (WITHDRAWN, "reason", "consent-withdrawn", "client update"),
])
def test_a_field_that_does_not_apply_says_what_to_do_instead(case, field, value, instead):
    with pytest.raises(OptimaError, match=instead) as info:
        amend(case, **{field: value})
    assert info.value.exit_code == 1 and info.value.field == field


def test_the_why_is_required_and_nothing_to_change_is_refused():
    for why in (None, "", "   "):
        with pytest.raises(UsageProblem, match="missing why"):
            amend(ACCEPTED, why=why, goal="x")
    with pytest.raises(UsageProblem, match="nothing to correct"):
        amend(ACCEPTED)
    with pytest.raises(OptimaError, match="already holds these values"):
        amend(ACCEPTED, goal="a job")


def test_closed_on_moved_ends_the_suspensions_as_a_closing_on_that_day_would():
    """Found by the state machine's model: the closing moved later than a suspension it ended
    left it ended after its last day, and moved earlier than a suspension that had run out left
    that one running past the closing."""
    ran_out = SearchSuspension(date(2026, 10, 1), date(2026, 10, 20))
    ended = SearchSuspension(date(2026, 10, 1), date(2026, 10, 20), ended_on=date(2026, 10, 15))
    later = amend(CLOSED._replace(closed_on=date(2026, 10, 15), suspensions=(ended,)),
                  closed_on=date(2026, 10, 25))
    assert later.case.suspensions == (ran_out,)  # it ran its course, the closing ends nothing
    earlier = amend(CLOSED._replace(suspensions=(ran_out,)), closed_on=date(2026, 10, 12))
    assert earlier.case.suspensions == (ran_out._replace(ended_on=date(2026, 10, 12)),)


def test_the_same_topics_in_another_order_are_no_change():
    """Found by the state machine's model: topics given again in another order judged the
    criteria again (and could be refused by them) although nothing changed."""
    case = ACCEPTED._replace(topics=("finances", "placement"))
    with pytest.raises(OptimaError, match="already holds these values"):
        amend(case, topics="placement,finances")
    outcome = amend(case, topics="placement, finances", goal="a flat")
    assert outcome.case.topics == ("finances", "placement")
    assert outcome.recorded_findings == () and set(the_event(outcome).after) == {"goal"}
    gone = replace(CLIENT, consent_withdrawn_on=date(2026, 9, 1))  # since the referral
    assert corrections.amend(case, gone, {"topics": "placement,finances", "goal": "a flat"},
                             "entered wrongly", TODAY).case.goal == "a flat"
