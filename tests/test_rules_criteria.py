"""Pure unit tests of the access criteria (optima_cli/rules/criteria.py) against domain.md.

No database, no CLI: facts and a proposal go in, findings come out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optima_cli.catalogue import en
from optima_cli.rules import criteria
from optima_cli.rules.codes import SOCIAL_TOPICS, Kind, Result, RuleKind, Topic
from optima_cli.rules.criteria import Facts, Finding, Proposal, Sentence


def said(finding: Finding) -> str:
    """A finding's sentence as the reader sees it (English here)."""
    return en.finding(finding.as_dict())

REF = date(2026, 11, 20)  # the referral date of most tests
DAY = timedelta(days=1)
CODES = {Kind.RAV: "RAV-LU", Kind.IV: "IV-LU", Kind.SD: "SD-KRIENS"}

# A client who meets every criterion: consent a month before, registered at the RAV until
# well after the referral date, no IV history, work capacity assessed as intact (for RAV and
# IV; SD takes people without it: NOT_INTACT).
CLEAN = dict(consent_on=REF - 30 * DAY, rav_registered_until=REF + 90 * DAY, work_capacity="yes",
             work_capacity_assessed_on=REF - 20 * DAY)
NOT_INTACT = dict(work_capacity="no", work_capacity_assessed_on=REF - 20 * DAY)


def facts(**changes) -> Facts:
    return Facts(**{**CLEAN, **changes})


def proposal(referrer: Kind, receiver: Kind, on: date = REF, topics=(Topic.FINANCES,),
             open_case: str | None = None, workable: bool | None = None) -> Proposal:
    return Proposal(referrer_kind=referrer, receiver_kind=receiver, receiver_code=CODES[receiver],
                    on=on, topics=tuple(topics), open_case_to_receiver=open_case, workable=workable)


def find(findings: list[Finding], rule: str) -> Finding | None:
    matches = [f for f in findings if f.rule == rule]
    assert len(matches) <= 1, f"rule {rule} reported {len(matches)} times"
    return matches[0] if matches else None


def judge(rule: str, f: Facts, p: Proposal) -> Finding:
    found = find(criteria.evaluate(f, p), rule)
    assert found is not None, f"rule {rule} did not apply to {p.referrer_kind}->{p.receiver_kind}"
    return found


# --- the table of domain.md, written out independently of RULES ------------------------------

DOMAIN_KINDS = {
    "consent": RuleKind.NEVER,
    "other-kind": RuleKind.NEVER,
    "no-open-referral": RuleKind.NEVER,
    "iv-rejection-recent": RuleKind.HARD,
    "iv-procedure-open": RuleKind.NEVER,
    "iv-health-registration": RuleKind.HARD,
    "work-capacity": RuleKind.HARD,
    "iv-measures-running": RuleKind.NEVER,
    "rav-registration": RuleKind.WARN,
    "rav-registered-recently": RuleKind.WARN,
    "social-topic": RuleKind.WARN,
    "workable-in-period": RuleKind.WARN,
}

ALWAYS = ["consent", "other-kind", "no-open-referral"]
TO_IV = ["iv-rejection-recent", "iv-procedure-open", "iv-health-registration"]


def expected_rules(referrer: Kind, receiver: Kind) -> list[str]:
    """Which rules apply to which referral, in the order of the domain.md table."""
    rules = list(ALWAYS)
    if receiver == Kind.IV:
        rules += TO_IV
    if receiver in (Kind.RAV, Kind.IV):
        rules.append("work-capacity")
    if receiver == Kind.RAV:
        if referrer == Kind.IV:
            rules.append("iv-measures-running")
        rules.append("rav-registration")
        if referrer == Kind.SD:
            rules.append("rav-registered-recently")
    if receiver == Kind.SD:
        rules.append("social-topic")
    rules.append("workable-in-period")
    return rules


ALL_PAIRS = [(a, b) for a in Kind for b in Kind]


def test_rules_are_exactly_those_of_domain_md_with_their_kinds():
    assert {r.id: r.kind for r in criteria.RULES} == DOMAIN_KINDS


@pytest.mark.parametrize(("referrer", "receiver"), ALL_PAIRS, ids=lambda k: str(k))
def test_evaluate_applies_the_rules_of_the_receiver_and_referrer(referrer, receiver):
    findings = criteria.evaluate(facts(), proposal(referrer, receiver))
    assert [f.rule for f in findings] == expected_rules(referrer, receiver)


def test_finding_kinds_follow_the_rule_kinds():
    for referrer, receiver in ALL_PAIRS:
        for f in criteria.evaluate(Facts(), proposal(referrer, receiver, topics=())):
            assert f.kind == DOMAIN_KINDS[f.rule]
            assert said(f).strip()


# --- one trip and one pass per rule -----------------------------------------------------------
# (rule, facts changes, referrer, receiver, proposal changes, expected result)

TRIPS = [
    ("consent", dict(consent_on=None), Kind.SD, Kind.RAV, {}, Result.BLOCK),
    ("other-kind", {}, Kind.RAV, Kind.RAV, {}, Result.BLOCK),
    ("no-open-referral", {}, Kind.SD, Kind.IV, dict(open_case="OPT-2026-0003"), Result.BLOCK),
    ("iv-rejection-recent", dict(iv_rejected_on=REF - 100 * DAY), Kind.SD, Kind.IV, {},
     Result.BLOCK),
    ("iv-procedure-open", dict(iv_procedure_open=True), Kind.RAV, Kind.IV, {}, Result.BLOCK),
    ("iv-health-registration", dict(health_suspected=True), Kind.SD, Kind.IV, {}, Result.BLOCK),
    ("work-capacity", NOT_INTACT, Kind.SD, Kind.RAV, {}, Result.BLOCK),
    ("iv-measures-running", dict(iv_measures_running=True), Kind.IV, Kind.RAV, {}, Result.BLOCK),
    ("rav-registration", dict(rav_registered_until=None), Kind.IV, Kind.RAV, {}, Result.WARN),
    ("rav-registered-recently", dict(rav_registered_until=REF - 30 * DAY), Kind.SD, Kind.RAV, {},
     Result.WARN),
    ("social-topic", {}, Kind.RAV, Kind.SD, dict(topics=(Topic.PLACEMENT,)), Result.WARN),
    ("workable-in-period", {}, Kind.SD, Kind.RAV, dict(workable=False), Result.WARN),
]

PASSES = [
    ("consent", {}, Kind.SD, Kind.RAV, {}),
    ("other-kind", {}, Kind.SD, Kind.RAV, {}),
    ("no-open-referral", {}, Kind.SD, Kind.IV, dict(open_case=None)),
    ("iv-rejection-recent", dict(iv_rejected_on=REF - 400 * DAY), Kind.SD, Kind.IV, {}),
    ("iv-procedure-open", dict(iv_procedure_open=False), Kind.RAV, Kind.IV, {}),
    ("iv-health-registration", dict(health_suspected=False), Kind.SD, Kind.IV, {}),
    ("work-capacity", {}, Kind.SD, Kind.RAV, {}),
    ("iv-measures-running", dict(iv_measures_running=False, iv_procedure_open=False),
     Kind.IV, Kind.RAV, {}),
    ("rav-registration", dict(rav_registered_until=REF + 30 * DAY), Kind.IV, Kind.RAV, {}),
    ("rav-registered-recently", dict(rav_registered_until=REF - 300 * DAY), Kind.SD, Kind.RAV,
     {}),
    ("social-topic", NOT_INTACT, Kind.RAV, Kind.SD, dict(topics=(Topic.PLACEMENT, Topic.ADDICTION))),
    ("workable-in-period", {}, Kind.SD, Kind.RAV, dict(workable=True)),
]


def test_every_rule_has_a_trip_and_a_pass_case():
    ids = {r.id for r in criteria.RULES}
    assert {t[0] for t in TRIPS} == ids
    assert {p[0] for p in PASSES} == ids


@pytest.mark.parametrize(("rule", "fx", "referrer", "receiver", "px", "expected"), TRIPS,
                         ids=[t[0] for t in TRIPS])
def test_rule_trips(rule, fx, referrer, receiver, px, expected):
    found = judge(rule, facts(**fx), proposal(referrer, receiver, **px))
    assert found.result == expected
    # a warn rule warns, a never/hard rule blocks
    assert expected == (Result.WARN if DOMAIN_KINDS[rule] == RuleKind.WARN else Result.BLOCK)


@pytest.mark.parametrize(("rule", "fx", "referrer", "receiver", "px"), PASSES,
                         ids=[p[0] for p in PASSES])
def test_rule_passes(rule, fx, referrer, receiver, px):
    found = judge(rule, facts(**fx), proposal(referrer, receiver, **px))
    assert found.result == Result.PASS, said(found)


@pytest.mark.parametrize("workable", [True, None], ids=["answered-yes", "not-answered"])
def test_a_clean_referral_warns_only_that_workable_was_not_answered(workable):
    for referrer, receiver in ALL_PAIRS:
        if referrer == receiver:
            continue
        expected = {} if workable else {"workable-in-period": Result.WARN}
        f = facts()
        if (referrer, receiver) == (Kind.SD, Kind.RAV):
            # from SD the client should not have been at the RAV lately: then the
            # "must register at the RAV" reminder is the one warning left
            f = facts(rav_registered_until=None)
            expected["rav-registration"] = Result.WARN
        if receiver == Kind.SD:  # SD takes people without intact work capacity
            f = facts(**NOT_INTACT)
        findings = criteria.evaluate(f, proposal(referrer, receiver, workable=workable))
        not_passing = {x.rule: x.result for x in findings if x.result != Result.PASS}
        assert not_passing == expected, (referrer, receiver)
        assert criteria.allowed(findings)


# --- consent ----------------------------------------------------------------------------------

def test_consent_given_on_the_referral_date_passes():
    assert judge("consent", facts(consent_on=REF), proposal(Kind.SD, Kind.IV)).result == Result.PASS


def test_consent_given_after_the_referral_date_blocks():
    found = judge("consent", facts(consent_on=REF + DAY), proposal(Kind.SD, Kind.IV))
    assert found.result == Result.BLOCK
    assert str(REF + DAY) in said(found) and str(REF) in said(found)


def test_consent_withdrawn_before_the_referral_date_blocks():
    f = facts(consent_on=REF - 60 * DAY, consent_withdrawn_on=REF - DAY)
    found = judge("consent", f, proposal(Kind.SD, Kind.IV))
    assert found.result == Result.BLOCK
    assert str(REF - DAY) in said(found)


def test_consent_withdrawn_on_the_referral_date_blocks():
    f = facts(consent_on=REF - 60 * DAY, consent_withdrawn_on=REF)
    assert judge("consent", f, proposal(Kind.SD, Kind.IV)).result == Result.BLOCK


def test_consent_withdrawn_after_the_referral_date_passes():
    f = facts(consent_on=REF - 60 * DAY, consent_withdrawn_on=REF + DAY)
    assert judge("consent", f, proposal(Kind.SD, Kind.IV)).result == Result.PASS


def test_missing_consent_blocks_even_with_a_justification():
    findings = criteria.evaluate(facts(consent_on=None), proposal(Kind.SD, Kind.IV))
    assert judge("consent", facts(consent_on=None), proposal(Kind.SD, Kind.IV)).result \
        == Result.BLOCK
    assert not criteria.allowed(findings, override="the client agreed on the phone")


# --- other kind, open referral ----------------------------------------------------------------

@pytest.mark.parametrize("kind", list(Kind), ids=str)
def test_referral_to_own_kind_blocks(kind):
    found = judge("other-kind", facts(), proposal(kind, kind))
    assert found.result == Result.BLOCK
    assert CODES[kind] in said(found)


def test_open_referral_to_same_receiver_blocks_and_names_it():
    found = judge("no-open-referral", facts(), proposal(Kind.SD, Kind.IV, open_case="OPT-2026-0003"))
    assert found.result == Result.BLOCK
    assert "OPT-2026-0003" in said(found)


# --- IV rejection: the 12-month boundary ------------------------------------------------------

def test_iv_rejection_exactly_12_months_before_still_blocks():
    # "more than one year": a rejection of 30.11.2025 still blocks on 30.11.2026
    f = facts(iv_rejected_on=date(2025, 11, 30))
    found = judge("iv-rejection-recent", f, proposal(Kind.SD, Kind.IV, on=date(2026, 11, 30)))
    assert found.result == Result.BLOCK
    # the message says from when a referral is possible without justification
    assert "2026-12-01" in said(found)


def test_iv_rejection_12_months_and_a_day_before_passes():
    f = facts(iv_rejected_on=date(2025, 11, 30))
    found = judge("iv-rejection-recent", f, proposal(Kind.SD, Kind.IV, on=date(2026, 12, 1)))
    assert found.result == Result.PASS


def test_iv_rejection_at_month_end_uses_calendar_months():
    f = facts(iv_rejected_on=date(2025, 8, 31))
    on_the_day = judge("iv-rejection-recent", f, proposal(Kind.SD, Kind.IV, on=date(2026, 8, 31)))
    day_after = judge("iv-rejection-recent", f, proposal(Kind.SD, Kind.IV, on=date(2026, 9, 1)))
    assert on_the_day.result == Result.BLOCK
    assert day_after.result == Result.PASS


def test_iv_rejection_on_the_referral_date_blocks():
    f = facts(iv_rejected_on=REF)
    assert judge("iv-rejection-recent", f, proposal(Kind.RAV, Kind.IV)).result == Result.BLOCK


def test_no_iv_rejection_passes():
    f = facts(iv_rejected_on=None)
    assert judge("iv-rejection-recent", f, proposal(Kind.RAV, Kind.IV)).result == Result.PASS


@pytest.mark.parametrize("receiver", [Kind.RAV, Kind.SD], ids=str)
def test_iv_rules_are_absent_when_receiver_is_not_iv(receiver):
    referrer = Kind.IV if receiver == Kind.SD else Kind.SD
    f = facts(iv_rejected_on=REF - 10 * DAY, iv_procedure_open=True, health_suspected=True)
    findings = criteria.evaluate(f, proposal(referrer, receiver))
    for rule in TO_IV:
        assert find(findings, rule) is None


def test_iv_rejection_blocks_only_until_a_justification_is_recorded():
    findings = criteria.evaluate(facts(iv_rejected_on=REF - 100 * DAY), proposal(Kind.SD, Kind.IV))
    assert not criteria.allowed(findings)
    assert criteria.allowed(findings, override="the situation changed: new diagnosis")


def test_suspected_health_damage_blocks_a_referral_to_iv_until_justified():
    # domain.md: an IV registration *must* be made instead; a hard rule, not a warning
    findings = criteria.evaluate(facts(health_suspected=True), proposal(Kind.SD, Kind.IV))
    assert find(findings, "iv-health-registration").result == Result.BLOCK
    assert not criteria.allowed(findings)
    assert criteria.allowed(findings, override="the IV registration is made in parallel")


def test_suspected_health_damage_has_its_own_rejection_reason():
    from optima_cli.catalogue.de import LABELS
    from optima_cli.rules.codes import RejectReason, label
    reason = RejectReason("iv-registration-due")
    assert "IV registration" in label(reason)
    assert "IV-Anmeldung" in LABELS["RejectReason"]["iv-registration-due"]


@pytest.mark.parametrize(("fx", "referrer", "receiver", "rule"), [
    (dict(iv_procedure_open=True), Kind.SD, Kind.IV, "iv-procedure-open"),
    (dict(iv_measures_running=True), Kind.IV, Kind.RAV, "iv-measures-running"),
], ids=["iv-procedure-open", "iv-measures-running"])
def test_open_iv_procedure_or_running_measures_refuse_even_with_a_justification(
        fx, referrer, receiver, rule):
    # the seed foresees no exception for these (only for the IV 12-month rule)
    findings = criteria.evaluate(facts(**fx), proposal(referrer, receiver))
    assert judge(rule, facts(**fx), proposal(referrer, receiver)).result == Result.BLOCK
    assert not criteria.allowed(findings, override="urgent, the counsellors agree")


# --- RAV receiver -----------------------------------------------------------------------------

@pytest.mark.parametrize("referrer", [Kind.SD, Kind.RAV], ids=str)
def test_iv_measures_running_absent_unless_referrer_is_iv(referrer):
    f = facts(iv_measures_running=True, iv_procedure_open=True)
    assert find(criteria.evaluate(f, proposal(referrer, Kind.RAV)), "iv-measures-running") is None


def test_iv_measures_running_absent_when_iv_refers_to_sd():
    f = facts(iv_measures_running=True)
    assert find(criteria.evaluate(f, proposal(Kind.IV, Kind.SD)), "iv-measures-running") is None


def test_iv_measures_running_blocks_on_open_assessment_from_iv():
    f = facts(iv_procedure_open=True)
    assert judge("iv-measures-running", f, proposal(Kind.IV, Kind.RAV)).result == Result.BLOCK


@pytest.mark.parametrize("referrer", [Kind.IV, Kind.RAV], ids=str)
def test_rav_registered_recently_absent_unless_referrer_is_sd(referrer):
    f = facts(rav_registered_until=REF - 30 * DAY)
    found = find(criteria.evaluate(f, proposal(referrer, Kind.RAV)), "rav-registered-recently")
    assert found is None


def test_rav_registered_recently_absent_when_sd_refers_to_iv():
    f = facts(rav_registered_until=REF - 30 * DAY)
    assert find(criteria.evaluate(f, proposal(Kind.SD, Kind.IV)), "rav-registered-recently") is None


def test_rav_registration_ended_exactly_6_months_ago_warns():
    # 20.11.2026 - 6 months = 20.05.2026: still "in the last 6 months"
    f = facts(rav_registered_until=date(2026, 5, 20))
    assert judge("rav-registered-recently", f, proposal(Kind.SD, Kind.RAV)).result == Result.WARN


def test_rav_registration_ended_more_than_6_months_ago_passes():
    f = facts(rav_registered_until=date(2026, 5, 19))
    assert judge("rav-registered-recently", f, proposal(Kind.SD, Kind.RAV)).result == Result.PASS


def test_rav_registration_6_months_boundary_at_month_end():
    # on 30.11.2026, 6 months back is 30.05.2026 (31.05 is within): both sides of the boundary
    on = date(2026, 11, 30)
    inside = judge("rav-registered-recently", facts(rav_registered_until=date(2026, 5, 30)),
                   proposal(Kind.SD, Kind.RAV, on=on))
    outside = judge("rav-registered-recently", facts(rav_registered_until=date(2026, 5, 29)),
                    proposal(Kind.SD, Kind.RAV, on=on))
    assert inside.result == Result.WARN
    assert outside.result == Result.PASS


def test_never_registered_at_rav_passes_registered_recently():
    f = facts(rav_registered_until=None)
    assert judge("rav-registered-recently", f, proposal(Kind.SD, Kind.RAV)).result == Result.PASS


@pytest.mark.parametrize("until", [REF, REF + 90 * DAY], ids=["ends-on-referral-day", "future"])
def test_rav_registered_recently_warns_when_client_is_still_registered(until):
    # domain.md: "from SD: client was not registered at the RAV in the last 6 months".
    # A client registered at the RAV on the referral date (or beyond) *was* registered in the
    # last 6 months (--rav-registered-until is "future if registered now").
    f = facts(rav_registered_until=until)
    found = judge("rav-registered-recently", f, proposal(Kind.SD, Kind.RAV))
    assert found.result == Result.WARN, said(found)


def test_rav_registration_warns_when_registration_ended_before_the_referral():
    f = facts(rav_registered_until=REF - DAY)
    assert judge("rav-registration", f, proposal(Kind.SD, Kind.RAV)).result == Result.WARN


def test_rav_registration_until_the_referral_date_passes():
    f = facts(rav_registered_until=REF)
    assert judge("rav-registration", f, proposal(Kind.SD, Kind.RAV)).result == Result.PASS


@pytest.mark.parametrize("receiver", [Kind.IV, Kind.SD], ids=str)
def test_rav_rules_absent_when_receiver_is_not_rav(receiver):
    f = facts(rav_registered_until=None, iv_measures_running=True)
    findings = criteria.evaluate(f, proposal(Kind.RAV, receiver))
    for rule in ("iv-measures-running", "rav-registration",
                 "rav-registered-recently"):
        assert find(findings, rule) is None


# --- SD receiver ------------------------------------------------------------------------------

@pytest.mark.parametrize("topic", sorted(SOCIAL_TOPICS), ids=str)
def test_each_social_topic_passes(topic):
    found = judge("social-topic", facts(**NOT_INTACT), proposal(Kind.RAV, Kind.SD, topics=(topic,)))
    assert found.result == Result.PASS
    assert topic.value in said(found)


def test_social_topics_are_those_of_domain_md():
    assert {t.value for t in SOCIAL_TOPICS} == {
        "finances", "addiction", "conflict", "childcare", "life-event"}


@pytest.mark.parametrize("topics", [(), (Topic.HEALTH,), (Topic.PLACEMENT, Topic.OTHER)],
                         ids=["none", "health", "placement+other"])
def test_no_social_topic_warns(topics):
    found = judge("social-topic", facts(**NOT_INTACT), proposal(Kind.IV, Kind.SD, topics=topics))
    assert found.result == Result.WARN


@pytest.mark.parametrize("receiver", [Kind.IV, Kind.RAV], ids=str)
def test_social_topic_absent_when_receiver_is_not_sd(receiver):
    findings = criteria.evaluate(facts(), proposal(Kind.SD, receiver, topics=(Topic.PLACEMENT,)))
    assert find(findings, "social-topic") is None


def test_social_topic_warns_when_work_capacity_was_assessed_intact():
    """SD takes people WITHOUT intact work capacity (issue 16): assessed yes, the RAV is likely
    better placed, whatever the topics."""
    for topics in [(Topic.FINANCES,), (Topic.PLACEMENT,)]:
        found = judge("social-topic", facts(), proposal(Kind.RAV, Kind.SD, topics=topics))
        assert found.result == Result.WARN and found.why.key == "social-topic/4"
        assert "RAV is likely better placed" in said(found)


@pytest.mark.parametrize(("assessed", "key"), [(NOT_INTACT, "social-topic/5"),
                                               (dict(work_capacity="no"), "social-topic/5"),
                                               (dict(work_capacity=None), "social-topic/6")],
                         ids=["no", "no-day-unknown", "not-assessed"])
def test_social_topic_passes_with_a_social_topic_and_no_intact_work_capacity(assessed, key):
    found = judge("social-topic", facts(**assessed), proposal(Kind.IV, Kind.SD))
    assert found.result == Result.PASS and found.why.key == key
    assert "finances" in said(found)


def test_social_topic_counts_an_assessment_entered_after_the_referral_day():
    """Cases are entered days after the fact: intact as assessed on the referral day or the day
    after, it warns either way (the RAV is likely better placed)."""
    for day in (REF, REF + DAY):
        found = judge("social-topic", facts(work_capacity="yes", work_capacity_assessed_on=day),
                      proposal(Kind.RAV, Kind.SD))
        assert (found.result, found.why.key) == (Result.WARN, "social-topic/4"), day


# --- work capacity (RAV and IV) ---------------------------------------------------------------

@pytest.mark.parametrize("receiver", [Kind.RAV, Kind.IV], ids=str)
def test_work_capacity_assessed_no_blocks_unless_justified(receiver):
    findings = criteria.evaluate(facts(**NOT_INTACT), proposal(Kind.SD, receiver))
    found = find(findings, "work-capacity")
    assert (found.result, found.kind, found.why.key) == (Result.BLOCK, RuleKind.HARD, "work-capacity/3")
    assert said(found) == f"the client's work capacity is not intact (not placeable), as assessed on {REF - 20 * DAY}"
    assert criteria.blocks_needing_override(findings) == [found]
    assert not criteria.allowed(findings)
    assert criteria.allowed(findings, override="placeable after all, says the employer")


@pytest.mark.parametrize("receiver", [Kind.RAV, Kind.IV], ids=str)
def test_work_capacity_not_assessed_warns_and_says_how_to_record_it(receiver):
    p = replace(proposal(Kind.SD, receiver), client="C-0007")
    findings = criteria.evaluate(facts(work_capacity=None, work_capacity_assessed_on=None), p)
    found = find(findings, "work-capacity")
    assert (found.result, found.kind) == (Result.WARN, RuleKind.HARD)
    assert "`optima client update C-0007 --work-capacity yes|no`" in said(found)
    assert criteria.allowed(findings)  # a warning: referred without a justification
    unnamed = find(criteria.evaluate(facts(work_capacity=None), proposal(Kind.SD, receiver)),
                   "work-capacity")
    assert "`optima client update CLIENT --work-capacity yes|no`" in said(unnamed)


@pytest.mark.parametrize("receiver", [Kind.RAV, Kind.IV], ids=str)
def test_work_capacity_assessed_yes_passes_saying_the_day(receiver):
    found = judge("work-capacity", facts(), proposal(Kind.SD, receiver))
    assert found.result == Result.PASS and str(REF - 20 * DAY) in said(found)
    unknown = judge("work-capacity", facts(work_capacity_assessed_on=None), proposal(Kind.SD, receiver))
    assert unknown.result == Result.PASS and "a day not recorded" in said(unknown)


def test_work_capacity_assessed_no_on_an_unknown_day_blocks():
    """As migration 0006 carries over the old flag: no, the day not known."""
    found = judge("work-capacity", facts(work_capacity="no", work_capacity_assessed_on=None),
                  proposal(Kind.SD, Kind.RAV))
    assert found.result == Result.BLOCK and found.why.key == "work-capacity/1"


@pytest.mark.parametrize("assessed", ["yes", "no"])
def test_work_capacity_counts_an_assessment_entered_after_the_referral_day(assessed):
    """Both boundaries: an assessment of the referral day counts, and so does one of the day
    after (entered days after the fact, a "no" still blocks: it cannot be dodged by dating the
    referral back)."""
    expected = Result.PASS if assessed == "yes" else Result.BLOCK
    for day in (REF, REF + DAY):
        found = judge("work-capacity", facts(work_capacity=assessed, work_capacity_assessed_on=day),
                      proposal(Kind.SD, Kind.IV))
        assert found.result == expected, day


def test_work_capacity_is_no_criterion_of_sd():
    findings = criteria.evaluate(facts(**NOT_INTACT), proposal(Kind.RAV, Kind.SD))
    assert find(findings, "work-capacity") is None


# --- workable in period -----------------------------------------------------------------------

# Only the counsellor can judge it: asked, it passes on yes and warns on no or no answer at all
# (issue 16: a warning on every referral taught people to ignore warnings). Never a block.

@pytest.mark.parametrize(("referrer", "receiver"), ALL_PAIRS, ids=lambda k: str(k))
def test_workable_answered_yes_passes_and_says_so(referrer, receiver):
    found = judge("workable-in-period", facts(), proposal(referrer, receiver, workable=True))
    assert (found.result, found.kind, found.why.key) == (Result.PASS, RuleKind.WARN, "workable/2")
    assert said(found).startswith("answered yes")


@pytest.mark.parametrize(("referrer", "receiver"), ALL_PAIRS, ids=lambda k: str(k))
def test_workable_answered_no_warns_that_severe_problems_do_not_fit(referrer, receiver):
    found = judge("workable-in-period", facts(), proposal(referrer, receiver, workable=False))
    assert (found.result, found.why.key) == (Result.WARN, "workable/3")
    assert said(found).startswith("answered no") and "severe problems do not fit OPTIMA" in said(found)


@pytest.mark.parametrize(("referrer", "receiver"), ALL_PAIRS, ids=lambda k: str(k))
def test_workable_not_answered_warns_and_says_how_to_answer(referrer, receiver):
    found = judge("workable-in-period", facts(), proposal(referrer, receiver))
    assert (found.result, found.why.key) == (Result.WARN, "workable/4")
    assert "not answered" in said(found) and "--workable yes|no" in said(found)
    assert "column workable" in said(found)  # the import's word for it


def test_the_answer_changes_no_other_finding_and_never_blocks():
    for referrer, receiver in ALL_PAIRS:
        by_answer = {w: criteria.evaluate(Facts(), proposal(referrer, receiver, workable=w))
                     for w in (True, False, None)}
        others = {w: [f for f in found if f.rule != "workable-in-period"]
                  for w, found in by_answer.items()}
        assert others[True] == others[False] == others[None]
        assert [criteria.allowed(found) for found in by_answer.values()] == [
            criteria.allowed(others[None])] * 3


def test_the_warning_every_referral_had_is_kept_for_the_referrals_that_stored_it():
    """workable/1 is no longer said by the rule, but referrals made before keep it."""
    assert "workable/1" in en.FINDINGS_OF_THE_PAST
    stored = {"rule": "workable-in-period", "kind": "warn", "result": "warn", "key": "workable/1",
              "values": {}}
    assert en.finding(stored).startswith("only you can judge")


# --- allowed() --------------------------------------------------------------------------------

def _f(rule: str, kind: RuleKind, result: Result) -> Finding:
    return Finding(rule, kind, result, Sentence("why"))


NEVER_BLOCK = _f("consent", RuleKind.NEVER, Result.BLOCK)
HARD_BLOCK = _f("iv-rejection-recent", RuleKind.HARD, Result.BLOCK)
WARN = _f("workable-in-period", RuleKind.WARN, Result.WARN)
PASS = _f("other-kind", RuleKind.NEVER, Result.PASS)


def test_allowed_with_only_passes_and_warnings():
    assert criteria.allowed([PASS, WARN])
    assert criteria.allowed([])


@pytest.mark.parametrize("override", [None, "", "   ", "client insists, counsellor agrees"])
def test_never_block_cannot_be_overridden(override):
    assert not criteria.allowed([PASS, NEVER_BLOCK, WARN], override=override)
    assert not criteria.allowed([NEVER_BLOCK, HARD_BLOCK], override=override)


def test_hard_block_is_lifted_by_a_justification():
    assert not criteria.allowed([PASS, HARD_BLOCK, WARN])
    assert criteria.allowed([PASS, HARD_BLOCK, WARN], override="rejection was for other reasons")


@pytest.mark.parametrize("override", [None, "", " ", "\t\n"], ids=repr)
def test_blank_override_does_not_lift_a_hard_block(override):
    assert not criteria.allowed([HARD_BLOCK], override=override)


def test_refusals_blocks_and_warnings_split_findings():
    findings = [PASS, NEVER_BLOCK, HARD_BLOCK, WARN]
    assert criteria.refusals(findings) == [NEVER_BLOCK]
    assert criteria.blocks_needing_override(findings) == [HARD_BLOCK]
    assert criteria.warnings(findings) == [WARN]


def test_finding_as_dict_gives_keys_and_values():
    """A finding is stored as its rule, its result, the key of its sentence and its values (as
    JSON keeps them), never as a sentence."""
    found = Finding("iv-rejection-recent", RuleKind.HARD, Result.BLOCK,
                    Sentence("iv-rejection/2", (("rejected_on", date(2026, 1, 5)),
                                                ("possible_from", date(2027, 1, 5)))))
    assert found.as_dict() == {
        "rule": "iv-rejection-recent", "kind": "hard", "result": "block", "key": "iv-rejection/2",
        "values": {"rejected_on": "2026-01-05", "possible_from": "2027-01-05"}}
    assert said(found).startswith("the IV rejected the client on 2026-01-05")


# --- properties -------------------------------------------------------------------------------

dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
facts_st = st.builds(
    Facts,
    consent_on=st.none() | dates,
    consent_withdrawn_on=st.none() | dates,
    iv_rejected_on=st.none() | dates,
    iv_procedure_open=st.booleans(),
    iv_measures_running=st.booleans(),
    work_capacity=st.none() | st.sampled_from(["yes", "no"]),
    work_capacity_assessed_on=st.none() | dates,
    rav_registered_until=st.none() | dates,
    health_suspected=st.booleans(),
)
kinds = st.sampled_from(list(Kind))
proposal_st = st.builds(
    lambda a, b, on, topics, open_case, workable: proposal(a, b, on=on, topics=topics,
                                                           open_case=open_case, workable=workable),
    kinds, kinds, dates,
    st.lists(st.sampled_from(list(Topic)), unique=True, max_size=4).map(tuple),
    st.none() | st.just("OPT-2026-0001"),
    st.none() | st.booleans(),
)
overrides = st.none() | st.text(max_size=5)
# hard rules that may also only warn: work capacity not assessed
HARD_BUT_WARNS = {"work-capacity": (Result.BLOCK,)}


@settings(max_examples=300, deadline=None)
@given(facts_st, proposal_st, overrides)
def test_findings_are_consistent_with_rule_kinds(f, p, override):
    findings = criteria.evaluate(f, p)
    assert [x.rule for x in findings] == expected_rules(p.referrer_kind, p.receiver_kind)
    for x in findings:
        if x.kind == RuleKind.WARN or x.rule in HARD_BUT_WARNS:
            assert x.result in (Result.PASS, Result.WARN, *HARD_BUT_WARNS.get(x.rule, ()))
        else:
            assert x.result in (Result.PASS, Result.BLOCK)
    never_blocks = any(x.kind == RuleKind.NEVER and x.result == Result.BLOCK for x in findings)
    hard_blocks = any(x.kind == RuleKind.HARD and x.result == Result.BLOCK for x in findings)
    justified = bool(override and override.strip())
    if never_blocks:
        assert not criteria.allowed(findings, override=override)
    else:
        assert criteria.allowed(findings, override=override) == (not hard_blocks or justified)


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 2, 28)


@settings(max_examples=200, deadline=None)
@given(facts_st, proposal_st)
def test_consent_and_iv_rejection_are_judged_as_of_the_referral_date(f, p):
    findings = criteria.evaluate(f, p)
    # a withdrawal counts from its day on, unless consent was given again after it
    withdrawn = (f.consent_withdrawn_on is not None and f.consent_on is not None
                 and f.consent_on <= f.consent_withdrawn_on <= p.on)
    consent_ok = f.consent_on is not None and f.consent_on <= p.on and not withdrawn
    assert (find(findings, "consent").result == Result.PASS) == consent_ok
    rejection = find(findings, "iv-rejection-recent")
    if p.receiver_kind != Kind.IV:
        assert rejection is None
    else:
        recent = f.iv_rejected_on is not None and f.iv_rejected_on <= p.on and (
            p.on < _one_year_after(f.iv_rejected_on))
        assert (rejection.result == Result.BLOCK) == recent


def test_consent_given_again_after_a_withdrawal_counts():
    on = date(2026, 11, 20)
    renewed = Facts(consent_on=date(2026, 10, 1), consent_withdrawn_on=date(2026, 9, 1))
    assert find(criteria.evaluate(renewed, proposal(Kind.SD, Kind.RAV, on=on)), "consent").result == Result.PASS
    withdrawn = Facts(consent_on=date(2026, 8, 1), consent_withdrawn_on=date(2026, 9, 1))
    assert find(criteria.evaluate(withdrawn, proposal(Kind.SD, Kind.RAV, on=on)), "consent").result == Result.BLOCK
