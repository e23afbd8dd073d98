"""The corrected criteria table of domain.md ("Access criteria"), one test per row, each period on
both of its boundaries. Pure: `rules.criteria.evaluate` on facts and a proposal, no database.

The rows on intact work capacity, the social services' rule and "workable in 3 or 6 months" are
tested where they are changed (issue 16 has them in other hands).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from optima_cli.rules import criteria
from optima_cli.rules.codes import Kind, Result, RuleKind, Topic
from optima_cli.rules.criteria import Facts, Proposal
from optima_cli.rules.dates import months_before

ON = date(2026, 11, 30)  # the referral day
DAY = timedelta(days=1)
CONSENTED = Facts(consent_on=date(2026, 1, 5))


def finding(rule: str, facts: Facts = CONSENTED, referrer: Kind = Kind.SD, receiver: Kind = Kind.IV,
            on: date = ON, open_case: str | None = None) -> criteria.Finding | None:
    """The finding of `rule` for a referral from `referrer` to `receiver` on `on`; None if the rule
    does not apply to it."""
    found = [f for f in criteria.evaluate(facts, Proposal(
        referrer_kind=referrer, receiver_kind=receiver, receiver_code=str(receiver), on=on,
        topics=(Topic.FINANCES,), open_case_to_receiver=open_case)) if f.rule == rule]
    assert len(found) <= 1
    return found[0] if found else None


def judged(rule: str, **kwargs) -> tuple[RuleKind, Result]:
    f = finding(rule, **kwargs)
    assert f is not None, f"{rule} does not apply"
    return f.kind, f.result


# --- any | client consent recorded and not withdrawn | never --------------------------------------

@pytest.mark.parametrize(("facts", "result"), [
    (Facts(consent_on=ON), Result.PASS),  # consent on the referral day
    (Facts(consent_on=ON + DAY), Result.BLOCK),  # the referral on the day before consent
    (Facts(), Result.BLOCK),  # no consent at all
    (Facts(consent_on=ON - 30 * DAY, consent_withdrawn_on=ON), Result.BLOCK),  # withdrawn that day
    (Facts(consent_on=ON - 30 * DAY, consent_withdrawn_on=ON - DAY), Result.BLOCK),
    (Facts(consent_on=ON - 30 * DAY, consent_withdrawn_on=ON + DAY), Result.PASS),  # withdrawn later
    (Facts(consent_on=ON, consent_withdrawn_on=ON - DAY), Result.PASS),  # consented again
], ids=["consent-on-referral-day", "referral-day-before-consent", "no-consent",
        "withdrawn-on-referral-day", "withdrawn-before", "withdrawn-after", "consented-again"])
@pytest.mark.parametrize("receiver", [Kind.RAV, Kind.IV, Kind.SD], ids=str)
def test_consent_recorded_and_not_withdrawn(facts, result, receiver):
    referrer = Kind.RAV if receiver != Kind.RAV else Kind.SD
    assert judged("consent", facts=facts, referrer=referrer, receiver=receiver) == (
        RuleKind.NEVER, result)


# --- any | receiver is of another kind than the referrer | never ---------------------------------

@pytest.mark.parametrize("referrer", list(Kind), ids=str)
@pytest.mark.parametrize("receiver", list(Kind), ids=str)
def test_receiver_of_another_kind(referrer, receiver):
    expected = Result.BLOCK if referrer == receiver else Result.PASS
    assert judged("other-kind", referrer=referrer, receiver=receiver) == (RuleKind.NEVER, expected)


# --- any | no other open referral of this client to the same receiver | never --------------------

@pytest.mark.parametrize(("open_case", "result"), [
    ("OPT-2026-0001", Result.BLOCK), (None, Result.PASS)], ids=["open", "none-open"])
@pytest.mark.parametrize("receiver", [Kind.RAV, Kind.IV, Kind.SD], ids=str)
def test_no_other_open_referral_to_the_receiver(open_case, result, receiver):
    referrer = Kind.RAV if receiver != Kind.RAV else Kind.SD
    assert judged("no-open-referral", referrer=referrer, receiver=receiver,
                  open_case=open_case) == (RuleKind.NEVER, result)


# --- IV | an IV rejection lies more than 12 months back; the anniversary still blocks | hard ------

@pytest.mark.parametrize(("on", "result"), [
    (date(2026, 11, 30), Result.BLOCK),  # the anniversary of the rejection of 30.11.2025
    (date(2026, 12, 1), Result.PASS),  # the day after
    (date(2025, 11, 30), Result.BLOCK),  # the day of the rejection
    (date(2025, 11, 29), Result.PASS),  # a referral judged before the rejection
], ids=["anniversary-blocks", "day-after-passes", "rejection-day", "before-the-rejection"])
def test_iv_rejection_more_than_a_year_back(on, result):
    facts = Facts(consent_on=date(2025, 1, 1), iv_rejected_on=date(2025, 11, 30))
    assert judged("iv-rejection-recent", facts=facts, on=on) == (RuleKind.HARD, result)


def test_iv_rejection_of_the_29th_of_february_blocks_to_its_anniversary():
    facts = Facts(consent_on=date(2023, 1, 1), iv_rejected_on=date(2024, 2, 29))
    assert judged("iv-rejection-recent", facts=facts, on=date(2025, 2, 28))[1] == Result.BLOCK
    assert judged("iv-rejection-recent", facts=facts, on=date(2025, 3, 1))[1] == Result.PASS


def test_iv_rejection_without_a_rejection_passes_and_concerns_only_the_iv():
    assert judged("iv-rejection-recent") == (RuleKind.HARD, Result.PASS)
    recent = Facts(consent_on=date(2025, 1, 1), iv_rejected_on=ON - DAY)
    for receiver in (Kind.RAV, Kind.SD):
        assert finding("iv-rejection-recent", facts=recent, referrer=Kind.IV, receiver=receiver) is None


# --- IV | no IV procedure, assessment or legal proceeding open | never ----------------------------
# --- IV | health damage suspected: a regular IV registration is due instead | hard ---------------

@pytest.mark.parametrize(("rule", "fact", "kind"), [
    ("iv-procedure-open", "iv_procedure_open", RuleKind.NEVER),
    ("iv-health-registration", "health_suspected", RuleKind.HARD),
], ids=["iv-procedure-open", "health-suspected"])
@pytest.mark.parametrize(("known", "result"), [(True, Result.BLOCK), (False, Result.PASS)],
                         ids=["yes", "no"])
def test_iv_procedure_open_and_health_damage_suspected(rule, fact, kind, known, result):
    facts = Facts(consent_on=date(2025, 1, 1), **{fact: known})
    assert judged(rule, facts=facts) == (kind, result)
    for receiver in (Kind.RAV, Kind.SD):  # only to the IV
        assert finding(rule, facts=facts, referrer=Kind.IV, receiver=receiver) is None


# --- RAV | from IV: no IV measures running, no open assessment or proceeding | never -------------

@pytest.mark.parametrize(("facts", "result"), [
    (Facts(consent_on=date(2025, 1, 1), iv_measures_running=True), Result.BLOCK),
    (Facts(consent_on=date(2025, 1, 1), iv_procedure_open=True), Result.BLOCK),
    (Facts(consent_on=date(2025, 1, 1)), Result.PASS),
], ids=["measures-running", "procedure-open", "neither"])
def test_iv_measures_running_from_iv(facts, result):
    assert judged("iv-measures-running", facts=facts, referrer=Kind.IV, receiver=Kind.RAV) == (
        RuleKind.NEVER, result)
    # only from the IV to the RAV
    assert finding("iv-measures-running", facts=facts, referrer=Kind.SD, receiver=Kind.RAV) is None
    assert finding("iv-measures-running", facts=facts, referrer=Kind.IV, receiver=Kind.SD) is None


# --- RAV | client must register at the responsible RAV (a to-do) | warn --------------------------

@pytest.mark.parametrize(("until", "result"), [
    (ON, Result.PASS),  # registered until the referral day
    (ON + 30 * DAY, Result.PASS),
    (ON - DAY, Result.WARN),  # until the day before
    (None, Result.WARN),  # never registered
], ids=["until-referral-day", "until-later", "until-day-before", "not-registered"])
@pytest.mark.parametrize("referrer", [Kind.SD, Kind.IV], ids=str)
def test_rav_registration(until, result, referrer):
    facts = Facts(consent_on=date(2025, 1, 1), rav_registered_until=until)
    assert judged("rav-registration", facts=facts, referrer=referrer, receiver=Kind.RAV) == (
        RuleKind.WARN, result)
    assert finding("rav-registration", facts=facts, referrer=referrer, receiver=Kind.SD
                   if referrer == Kind.IV else Kind.IV) is None


# --- RAV | from SD: as a rule not registered at the RAV in the last 6 months | warn ---------------

SIX_MONTHS_BACK = date(2026, 5, 30)  # ON less 6 calendar months


@pytest.mark.parametrize(("until", "result"), [
    (SIX_MONTHS_BACK, Result.WARN),  # registered until exactly 6 months back
    (SIX_MONTHS_BACK - DAY, Result.PASS),  # one day more
    (ON - DAY, Result.WARN),
    (ON, Result.WARN),  # still registered
    (None, Result.PASS),  # never registered
], ids=["exactly-6-months-back", "one-day-more", "yesterday", "still-registered", "never"])
def test_rav_registered_in_the_last_6_months_from_sd(until, result):
    facts = Facts(consent_on=date(2025, 1, 1), rav_registered_until=until)
    assert judged("rav-registered-recently", facts=facts, referrer=Kind.SD, receiver=Kind.RAV) == (
        RuleKind.WARN, result)
    # only from the social services
    assert finding("rav-registered-recently", facts=facts, referrer=Kind.IV, receiver=Kind.RAV) is None


def test_six_months_back_of_the_fixture():
    assert months_before(ON, 6) == SIX_MONTHS_BACK
