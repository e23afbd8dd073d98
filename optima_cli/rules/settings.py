"""The settings of the steering group (issue 16, recommendation g of the evaluation): the months
and days of the access criteria and the deadlines, and how strictly each rule binds, within what
the concept allows.

`Settings` holds them; `DEFAULTS` are the concept's. The store keeps the changes (table
setting_change); the settings in force are the defaults overlaid with the latest value of each key
(`overlay`), and their version is the id of the latest change (0: all defaults). A referral keeps
the version its criteria were judged under. A key's value is read by `parse`, which refuses a
malformed one (exit 2) or a kind the concept does not allow for a rule (exit 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules.codes import RuleKind, parse_code

N, H, W = RuleKind.NEVER, RuleKind.HARD, RuleKind.WARN

RULE_KEY = "rule."  # a rule's kind: rule.<rule id>, e.g. rule.iv-rejection-recent


@dataclass(frozen=True)
class Settings:
    """The settings in force, and their version (the id of the latest change; 0: the defaults)."""

    iv_rejection_months: int = 12  # an IV rejection blocks a referral to IV for this long
    rav_recent_months: int = 6  # from SD to RAV: not registered at the RAV in these months
    decision_days: int = 10  # a referral waiting longer than this for a decision is late
    due_days: int = 14  # the days ahead that `due` and `list` look by default
    publish_threshold: int = 3  # `report --publish` hides every count below this (issue 19)
    # the follow-ups after a closing (issue 19, rules/followup.py): months after the closing
    follow_up_first_months: int = 6
    follow_up_second_months: int = 12
    rule_kinds: tuple[tuple[str, RuleKind], ...] = ()  # (rule id, kind) where not the default
    version: int = 0

    def kind(self, rule: str, default: RuleKind) -> RuleKind:
        """How strictly `rule` binds: as set, else its default (criteria.RULES)."""
        for rule_id, kind in self.rule_kinds:
            if rule_id == rule:
                return kind
        return default


DEFAULTS = Settings()


@dataclass(frozen=True)
class NumberKey:
    """A setting that is a whole number of months or days, within `low`..`high`."""

    key: str
    attribute: str  # of Settings
    low: int
    high: int


# the numbers, in the order `settings show` lists them (then the rules, in their order)
NUMBERS: tuple[NumberKey, ...] = (
    NumberKey("iv-rejection-months", "iv_rejection_months", 1, 36),
    NumberKey("rav-recent-months", "rav_recent_months", 1, 36),
    NumberKey("decision-days", "decision_days", 1, 90),
    NumberKey("due-days", "due_days", 1, 90),
    # at least 2: with 1 only zeros would hide, and a reader knows a hidden cell is then 0
    NumberKey("publish-threshold", "publish_threshold", 2, 20),
    NumberKey("follow-up-first-months", "follow_up_first_months", 1, 36),  # issue 19
    NumberKey("follow-up-second-months", "follow_up_second_months", 2, 60),
)
_NUMBERS = {n.key: n for n in NUMBERS}

# The kinds the concept allows each rule (domain.md). The rules that define what an OPTIMA referral
# is stay `never`; the RAV registration is a to-do, never a hurdle. The report writes the IV
# 12 months and the IV registration as musts ("muss", section 1.2), so both may also be `never`
# (the pilot's practice); the IV registration is never a mere warning. A rule not listed here
# (one added later) keeps its default kind only.
RULE_KINDS: dict[str, tuple[RuleKind, ...]] = {
    "consent": (N,),
    "other-kind": (N,),
    "no-open-referral": (N,),
    "iv-rejection-recent": (N, H, W),
    "iv-procedure-open": (N,),
    "iv-health-registration": (N, H),
    "work-capacity": (H, W),
    "iv-measures-running": (N,),
    "rav-registration": (W,),
    "rav-registered-recently": (H, W),
    "social-topic": (H, W),
    "workable-in-period": (H, W),
}


def rules() -> tuple[tuple[str, RuleKind], ...]:
    """Every access rule (id, default kind), in the order of domain.md."""
    from optima_cli.rules.criteria import RULES  # criteria judges by Settings: imported late

    return tuple((rule.id, rule.kind) for rule in RULES)


def allowed_kinds(rule: str, default: RuleKind) -> tuple[RuleKind, ...]:
    """The kinds a rule may be set to, in the order never, hard, warn."""
    return RULE_KINDS.get(rule, (default,))


def all_keys() -> tuple[str, ...]:
    """Every key, in the order `settings show` lists them."""
    return (*_NUMBERS, *(RULE_KEY + rule for rule, _ in rules()))


def default_of(key: str) -> int | RuleKind:
    if key in _NUMBERS:
        return getattr(DEFAULTS, _NUMBERS[key].attribute)
    return dict(rules())[key.removeprefix(RULE_KEY)]


def value_of(settings: Settings, key: str) -> int | RuleKind:
    """The value of `key` in `settings`."""
    if key in _NUMBERS:
        return getattr(settings, _NUMBERS[key].attribute)
    rule = key.removeprefix(RULE_KEY)
    return settings.kind(rule, dict(rules())[rule])


def parse_key(text: str) -> str:
    """A key as typed (any case, spaces around); refused if there is no such setting."""
    key = (text or "").strip().lower()
    if key not in all_keys():
        raise UsageProblem.refused("not-a-setting", "key", value=repr((text or "").strip()),
                                   codes=", ".join(all_keys()))
    return key


def parse(key: str, text: str) -> int | RuleKind:
    """The value of `key` (a known key) as typed: a whole number within the key's range, or a
    rule kind the concept allows for the rule."""
    raw = (text or "").strip()
    number = _NUMBERS.get(key)
    if number is not None:
        if not (raw.isascii() and raw.isdigit()):
            raise UsageProblem.refused("setting-not-a-number", "value", key=key, value=repr(raw))
        value = int(raw)
        if not number.low <= value <= number.high:
            raise UsageProblem.refused("setting-out-of-range", "value", key=key, value=value,
                                       low=number.low, high=number.high)
        return value
    rule = key.removeprefix(RULE_KEY)
    kind = parse_code(RuleKind, raw)
    allowed = allowed_kinds(rule, dict(rules())[rule])
    if kind not in allowed:
        raise OptimaError.refused("rule-kind-not-allowed", "value", rule=rule, kind=kind.value,
                                  allowed=", ".join(k.value for k in allowed))
    return kind


def with_value(settings: Settings, key: str, value: int | RuleKind) -> Settings:
    """`settings` with `key` set to `value` (parsed)."""
    if key in _NUMBERS:
        changed: dict[str, Any] = {_NUMBERS[key].attribute: value}
        return replace(settings, **changed)
    rule = key.removeprefix(RULE_KEY)
    kinds = dict(settings.rule_kinds)
    kinds[rule] = RuleKind(str(value))
    return replace(settings, rule_kinds=tuple((r, kinds[r]) for r, _ in rules() if r in kinds))


def check(settings: Settings) -> None:
    """Settings that belong together: the second follow-up comes after the first (issue 19)."""
    if settings.follow_up_second_months <= settings.follow_up_first_months:
        raise OptimaError.refused("follow-up-months-order", "value",
                                  first=settings.follow_up_first_months,
                                  second=settings.follow_up_second_months)


def overlay(changes: Iterable[tuple[str, str]], version: int) -> Settings:
    """The settings in force: the defaults overlaid with each change (key, value as stored) in
    the order made, at `version`. A stored value that no longer reads (a rule since removed, a
    range since narrowed) is left out: its default holds."""
    settings = DEFAULTS
    for key, text in changes:
        try:
            known = parse_key(key)
            settings = with_value(settings, known, parse(known, text))
        except OptimaError:
            continue
    return replace(settings, version=version)
