"""The settings of the steering group as pure rules (rules/settings.py): each key's values read and
refused, the settings in force overlaid from the changes, and the criteria and deadlines judged by
them on both boundaries of every changed period. No database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from optima_cli.catalogue import en
from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import criteria, deadlines
from optima_cli.rules import settings as s
from optima_cli.rules.codes import Kind, Result, RuleKind, Topic
from optima_cli.rules.criteria import Facts, Proposal
from optima_cli.rules.dates import add_months

DAY = timedelta(days=1)
CONSENT = date(2025, 1, 1)


def _finding(facts: Facts, referrer: Kind, receiver: Kind, on: date, rule: str,
             settings: s.Settings = s.DEFAULTS) -> criteria.Finding:
    proposal = Proposal(referrer, receiver, receiver.value, on, (Topic.HEALTH,))
    found = [f for f in criteria.evaluate(facts, proposal, settings) if f.rule == rule]
    assert len(found) == 1, rule
    return found[0]


# --- the keys and their values -------------------------------------------------------------------

def test_the_defaults_are_the_concepts():
    assert (s.DEFAULTS.iv_rejection_months, s.DEFAULTS.rav_recent_months, s.DEFAULTS.decision_days,
            s.DEFAULTS.due_days, s.DEFAULTS.version) == (12, 6, 10, 14, 0)
    assert deadlines.DECISION_DAYS == 10 and deadlines.DEFAULT_WITHIN == 14
    assert s.all_keys()[:4] == ("iv-rejection-months", "rav-recent-months", "decision-days", "due-days")


def test_every_rule_has_a_key_and_its_default_kind_is_allowed():
    rules = dict(s.rules())
    assert set(s.RULE_KINDS) == set(rules)
    for rule, default in rules.items():
        assert default in s.allowed_kinds(rule, default), rule
        assert s.default_of(s.RULE_KEY + rule) == default
    # what defines an OPTIMA referral stays never; the RAV registration is a to-do, never a hurdle
    for rule in ("consent", "other-kind", "no-open-referral", "iv-procedure-open", "iv-measures-running"):
        assert s.RULE_KINDS[rule] == (RuleKind.NEVER,)
    assert s.RULE_KINDS["rav-registration"] == (RuleKind.WARN,)
    assert RuleKind.WARN not in s.RULE_KINDS["iv-health-registration"]  # a must, not a hint


@pytest.mark.parametrize(("key", "text", "value"), [
    ("iv-rejection-months", "6", 6), ("iv-rejection-months", " 36 ", 36), ("iv-rejection-months", "1", 1),
    ("rav-recent-months", "3", 3), ("decision-days", "90", 90), ("due-days", "1", 1),
    ("rule.iv-rejection-recent", "WARN", RuleKind.WARN), ("rule.iv-rejection-recent", "never", RuleKind.NEVER),
    ("rule.work-capacity", "warn", RuleKind.WARN), ("rule.iv-health-registration", "never", RuleKind.NEVER),
])
def test_a_value_within_what_is_allowed_is_read(key, text, value):
    assert s.parse(s.parse_key(key.upper()), text) == value


@pytest.mark.parametrize(("key", "text", "code"), [
    ("iv-rejection-months", "0", "setting-out-of-range"),
    ("iv-rejection-months", "37", "setting-out-of-range"),
    ("decision-days", "91", "setting-out-of-range"),
    ("due-days", "-1", "setting-not-a-number"),
    ("due-days", "1.5", "setting-not-a-number"),
    ("rav-recent-months", "six", "setting-not-a-number"),
    ("rav-recent-months", "", "setting-not-a-number"),
    ("rule.work-capacity", "soft", "not-a-rule-kind"),
])
def test_a_malformed_value_is_a_usage_problem(key, text, code):
    with pytest.raises(UsageProblem) as refused:
        s.parse(key, text)
    assert refused.value.code == code and refused.value.exit_code == 2


def test_an_unknown_key_is_a_usage_problem_naming_the_keys():
    with pytest.raises(UsageProblem) as refused:
        s.parse_key("iv-months")
    assert refused.value.code == "not-a-setting" and "rule.work-capacity" in refused.value.message


@pytest.mark.parametrize(("rule", "kind"), [
    ("consent", "warn"), ("other-kind", "hard"), ("iv-procedure-open", "warn"),
    ("iv-measures-running", "hard"), ("rav-registration", "hard"), ("iv-health-registration", "warn"),
    ("work-capacity", "never"), ("social-topic", "never"),
])
def test_a_kind_the_concept_does_not_allow_is_refused_not_malformed(rule, kind):
    with pytest.raises(OptimaError) as refused:
        s.parse(s.RULE_KEY + rule, kind)
    assert refused.value.code == "rule-kind-not-allowed" and refused.value.exit_code == 1


def test_the_settings_in_force_are_the_defaults_overlaid_by_the_latest_value_of_each_key():
    settings = s.overlay([("iv-rejection-months", "6"), ("rule.work-capacity", "warn"),
                          ("iv-rejection-months", "9"), ("no-longer-a-key", "3"),
                          ("rule.consent", "warn")], version=5)
    assert settings.iv_rejection_months == 9 and settings.version == 5
    assert settings.kind("work-capacity", RuleKind.HARD) == RuleKind.WARN
    assert settings.kind("consent", RuleKind.NEVER) == RuleKind.NEVER  # not allowed: left out
    assert s.value_of(settings, "rav-recent-months") == 6
    assert s.overlay([], 0) == s.DEFAULTS


# --- the criteria judged by other settings ------------------------------------------------------

@pytest.mark.parametrize("months", [6, 12, 24])
def test_an_iv_rejection_blocks_through_the_anniversary_of_the_months_set(months):
    rejected = date(2025, 8, 31)
    settings = s.Settings(iv_rejection_months=months)
    facts = Facts(consent_on=CONSENT, iv_rejected_on=rejected)
    anniversary = add_months(rejected, months)
    on_it = _finding(facts, Kind.SD, Kind.IV, anniversary, "iv-rejection-recent", settings)
    after = _finding(facts, Kind.SD, Kind.IV, anniversary + DAY, "iv-rejection-recent", settings)
    assert (on_it.result, after.result) == (Result.BLOCK, Result.PASS)
    assert dict(on_it.why.values)["possible_from"] == anniversary + DAY
    if months != 12:  # the sentence names the months set; the concept's keeps its own
        assert dict(on_it.why.values)["months"] == months and on_it.why.key == "iv-rejection/5"
        assert after.why.key == "iv-rejection/6"
    else:
        assert (on_it.why.key, after.why.key) == ("iv-rejection/4", "iv-rejection/3")


@pytest.mark.parametrize("months", [3, 6, 12])
def test_a_rav_registration_is_recent_within_the_months_set(months):
    on = date(2026, 11, 20)
    settings = s.Settings(rav_recent_months=months)
    since = on.replace(month=on.month - months) if months < 11 else on.replace(year=on.year - 1)
    recent = _finding(Facts(consent_on=CONSENT, rav_registered_until=since), Kind.SD, Kind.RAV, on,
                      "rav-registered-recently", settings)
    older = _finding(Facts(consent_on=CONSENT, rav_registered_until=since - DAY), Kind.SD, Kind.RAV,
                     on, "rav-registered-recently", settings)
    assert (recent.result, older.result) == (Result.WARN, Result.PASS)


def test_a_rule_judged_by_the_kind_set_and_the_finding_keeps_that_kind():
    facts = Facts(consent_on=CONSENT, iv_rejected_on=date(2026, 10, 1))
    on = date(2026, 11, 20)
    for kind, result in ((RuleKind.HARD, Result.BLOCK), (RuleKind.WARN, Result.WARN),
                         (RuleKind.NEVER, Result.BLOCK)):
        settings = s.Settings(rule_kinds=(("iv-rejection-recent", kind),))
        found = _finding(facts, Kind.SD, Kind.IV, on, "iv-rejection-recent", settings)
        assert (found.kind, found.result) == (kind, result)
        assert found.as_dict()["kind"] == kind.value
        findings = criteria.evaluate(facts, Proposal(Kind.SD, Kind.IV, "IV", on, (Topic.HEALTH,)),
                                     settings)
        assert bool(criteria.refusals(findings)) == (kind == RuleKind.NEVER)
        assert bool(criteria.blocks_needing_override(findings)) == (kind == RuleKind.HARD)
        assert criteria.allowed(findings) == (kind == RuleKind.WARN)
        # only a hard rule's sentence offers a justification
        assert ("justification" in en.finding(found.as_dict())) == (kind == RuleKind.HARD)


def test_evaluate_without_settings_judges_by_the_defaults():
    facts = Facts(consent_on=CONSENT, iv_rejected_on=date(2026, 1, 1))
    proposal = Proposal(Kind.SD, Kind.IV, "IV", date(2026, 11, 20), (Topic.HEALTH,))
    assert criteria.evaluate(facts, proposal) == criteria.evaluate(facts, proposal, s.DEFAULTS)


# --- the deadlines judged by the decision days set ----------------------------------------------

@pytest.mark.parametrize("days", [1, 10, 30])
def test_a_decision_is_late_after_the_days_set(days):
    referred = date(2026, 11, 1)
    due = deadlines.decision_due(referred, days)
    assert due == referred + days * DAY
    assert deadlines.deadline_of("referred", referred, None, days) == due
    on_the_day = deadlines.window(due, 14, days)
    after = deadlines.window(due + DAY, 14, days)
    assert deadlines.flag(due, on_the_day) == "due-soon" and deadlines.flag(due, after) == "overdue"
    assert not referred < on_the_day.decision_cutoff and referred < after.decision_cutoff
    row = {"status": "referred", "referred_on": referred, "due_on": None}
    assert deadlines.derived(row, after)["flag"] == "overdue"
