"""The codes of the domain (see shared/domain.md) and the one table of their labels.

Codes are the contract for scripts (JSON, CSV, options); labels are what people read. The labels
of other languages are in optima_cli/catalogue/ (LABELS, keyed by the class names below).
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TypeVar

from optima_cli.errors import UsageProblem


class Kind(StrEnum):
    """The three kinds of institution."""

    RAV = "RAV"
    IV = "IV"
    SD = "SD"


class Status(StrEnum):
    REFERRED = "referred"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


# The statuses of a case that is still open (the one definition of "open"), as plain codes so
# that SQL binds them as text.
OPEN_STATUSES: tuple[str, ...] = (Status.REFERRED.value, Status.ACCEPTED.value)


class Topic(StrEnum):
    FINANCES = "finances"
    ADDICTION = "addiction"
    CONFLICT = "conflict"
    CHILDCARE = "childcare"
    LIFE_EVENT = "life-event"
    HEALTH = "health"
    PLACEMENT = "placement"
    OTHER = "other"


SOCIAL_TOPICS = frozenset(
    {Topic.FINANCES, Topic.ADDICTION, Topic.CONFLICT, Topic.CHILDCARE, Topic.LIFE_EVENT}
)


class RejectReason(StrEnum):
    IV_REJECTION_RECENT = "iv-rejection-recent"
    IV_PROCEDURE_OPEN = "iv-procedure-open"
    IV_REGISTRATION_DUE = "iv-registration-due"
    NO_WORK_CAPACITY = "no-work-capacity"
    RAV_REGISTERED_RECENTLY = "rav-registered-recently"
    TOO_SEVERE = "too-severe"
    NO_CONSENT = "no-consent"
    OTHER = "other"


class WithdrawReason(StrEnum):
    CONSENT_WITHDRAWN = "consent-withdrawn"
    OTHER = "other"
    # the referral became a joint strategy (`optima joint open --from-case`, rules/joint.py)
    JOINT_STRATEGY = "joint-strategy"


class Outcome(StrEnum):
    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not-achieved"


class Cause(StrEnum):
    NO_COOPERATION = "no-cooperation"
    NOT_PLACEABLE = "not-placeable"
    OTHER = "other"


class Situation(StrEnum):
    """What became of the client at a follow-up after the closing (rules/followup.py, issue 19)."""

    EMPLOYED = "employed"  # in work on the first labour market (since a day)
    UNEMPLOYMENT_BENEFIT = "unemployment-benefit"
    SOCIAL_ASSISTANCE = "social-assistance"
    IV_BENEFIT = "iv-benefit"
    OTHER = "other"  # with a note
    NOT_REACHED = "not-reached"  # the client could not be reached: marked so, never assumed


class WorkCapacity(StrEnum):
    """The counsellor's judgement of intact work capacity (intaktes Arbeitsangebot: objectively and
    subjectively placeable, secondary virtues such as punctuality); None: not assessed."""

    YES = "yes"
    NO = "no"


# what a code group's missing value (None) is called where it is typed: `--work-capacity
# not-assessed`, an import cell `not-assessed`
NONE_CODE: dict[type[StrEnum], str] = {WorkCapacity: "not-assessed"}


class MeasureKind(StrEnum):
    """The kinds of measure with financial consequences, paid by the referrer (concept 2.1 a;
    issue 19): domain.md names none, so these are documented in README."""

    COACHING = "coaching"
    COURSE = "course"
    LABOUR_MARKET = "labour-market"
    WORK_TRIAL = "work-trial"
    DEBT_COUNSELLING = "debt-counselling"
    ADDICTION_COUNSELLING = "addiction-counselling"
    CHILDCARE = "childcare"
    OTHER = "other"  # a note says what


class RuleKind(StrEnum):
    """How strictly an access criterion binds."""

    NEVER = "never"  # always refuses
    HARD = "hard"  # refuses unless a justification is recorded
    WARN = "warn"  # only warns


class Result(StrEnum):
    """The result of one access criterion for one proposed referral."""

    PASS = "pass"
    WARN = "warn"
    BLOCK = "block"


# The refusal when a text is not a code of a group (its sentence in catalogue/en.py): whole
# sentences, so that each language can say it its own way.
NOT_A: dict[type[StrEnum], str] = {
    Kind: "not-a-kind", Status: "not-a-status", Topic: "not-a-topic",
    RejectReason: "not-a-reject-reason", WithdrawReason: "not-a-withdraw-reason",
    Outcome: "not-an-outcome", Cause: "not-a-cause", RuleKind: "not-a-rule-kind",
    Result: "not-a-result", WorkCapacity: "not-a-work-capacity",
    MeasureKind: "not-a-measure-kind",
    Situation: "not-a-situation",
}

# The one table of labels (English). Keyed by code group, then code.
LABELS: dict[type[StrEnum], dict[str, str]] = {
    Kind: {
        "RAV": "employment centre (RAV)",
        "IV": "disability insurance (IV)",
        "SD": "social services (SD)",
    },
    Status: {
        "referred": "referred, awaiting decision",
        "accepted": "accepted, mandate running",
        "rejected": "rejected",
        "withdrawn": "withdrawn",
        "closed": "closed",
    },
    Topic: {
        "finances": "finances, debts",
        "addiction": "addiction",
        "conflict": "conflicts",
        "childcare": "childcare",
        "life-event": "stressful life event (separation, divorce)",
        "health": "health",
        "placement": "job search, placement",
        "other": "other",
    },
    RejectReason: {
        "iv-rejection-recent": "IV rejection not more than 12 months ago",
        "iv-procedure-open": "IV procedure, assessment or proceeding open",
        "iv-registration-due": "health damage suspected: a regular IV registration is due",
        "no-work-capacity": "no intact work capacity",
        "rav-registered-recently": "registered at the RAV in the last 6 months",
        "too-severe": "problem too severe for 3 or 6 months",
        "no-consent": "no consent of the client",
        "other": "other (see note)",
    },
    WithdrawReason: {
        "consent-withdrawn": "client withdrew consent",
        "other": "other (see note)",
        "joint-strategy": "became a joint strategy",
    },
    Outcome: {
        "achieved": "goal achieved",
        "partly": "goal partly achieved",
        "not-achieved": "goal not achieved",
    },
    Cause: {
        "no-cooperation": "lack of cooperation",
        "not-placeable": "not placeable",
        "other": "other",
    },
    RuleKind: {
        "never": "never allowed",
        "hard": "allowed only with a justification",
        "warn": "warning",
    },
    Result: {"pass": "pass", "warn": "warn", "block": "block"},
    WorkCapacity: {"yes": "intact (assessed)", "no": "not intact (assessed)"},
    MeasureKind: {
        "coaching": "coaching, job coaching",
        "course": "course, further training",
        "labour-market": "labour-market measure (e.g. employment programme)",
        "work-trial": "work trial, internship",
        "debt-counselling": "debt or budget counselling",
        "addiction-counselling": "addiction counselling",
        "childcare": "childcare",
        "other": "other (see note)",
    },
    Situation: {
        "employed": "in work (first labour market)",
        "unemployment-benefit": "unemployment benefit",
        "social-assistance": "social assistance",
        "iv-benefit": "IV benefit",
        "other": "other",
        "not-reached": "not reached",
    },
}

# The codes as they may be typed in German (issue 21): `--topics finanzen` is `finances`, in every
# command, the import and the completion of `optima shell`. One word or a few, lower case, taken
# from the German labels (catalogue/de.py LABELS); a group without an entry is typed as it is (the
# kinds RAV, IV, SD). A German name never names another code of its group (tests/test_rules_dates_codes.py).
GERMAN: dict[type[StrEnum], dict[str, str]] = {
    Status: {"referred": "angemeldet", "accepted": "angenommen", "rejected": "abgelehnt",
             "withdrawn": "zurückgezogen", "closed": "abgeschlossen"},
    Topic: {"finances": "finanzen", "addiction": "sucht", "conflict": "konflikte",
            "childcare": "kinderbetreuung", "life-event": "belastendes-ereignis",
            "health": "gesundheit", "placement": "stellensuche", "other": "anderes"},
    RejectReason: {"iv-rejection-recent": "iv-ablehnung-kürzlich",
                   "iv-procedure-open": "iv-verfahren-offen",
                   "iv-registration-due": "iv-anmeldung-angezeigt",
                   "no-work-capacity": "kein-arbeitsangebot",
                   "rav-registered-recently": "rav-anmeldung-kürzlich",
                   "too-severe": "zu-schwer", "no-consent": "keine-einwilligung",
                   "other": "anderer-grund"},
    WithdrawReason: {"consent-withdrawn": "einwilligung-zurückgezogen", "other": "anderer-grund",
                     "joint-strategy": "gemeinsame-strategie"},
    Outcome: {"achieved": "erreicht", "partly": "teilweise", "not-achieved": "nicht-erreicht"},
    Cause: {"no-cooperation": "mangelnde-kooperation", "not-placeable": "nicht-vermittelbar",
            "other": "anderer-grund"},
    RuleKind: {"never": "zwingend", "hard": "mit-begründung", "warn": "hinweis"},
    Result: {"pass": "erfüllt", "warn": "warnung", "block": "blockiert"},
    WorkCapacity: {"yes": "intakt", "no": "nicht-intakt"},
    MeasureKind: {"coaching": "jobcoaching", "course": "kurs", "labour-market": "amm",
                  "work-trial": "arbeitsversuch", "debt-counselling": "schuldenberatung",
                  "addiction-counselling": "suchtberatung", "childcare": "kinderbetreuung",
                  "other": "andere-massnahme"},
    Situation: {"employed": "erwerbstätig", "unemployment-benefit": "arbeitslosenentschädigung",
                "social-assistance": "sozialhilfe", "iv-benefit": "iv-leistung",
                "other": "anderes", "not-reached": "nicht-erreicht"},
}
# the German name of a group's missing value (NONE_CODE)
GERMAN_NONE: dict[type[StrEnum], str] = {WorkCapacity: "nicht-beurteilt"}


def typed(group: type[StrEnum], lang: str) -> dict[str, str]:
    """The codes of a group as they are typed in a language (for completion): the typed word ->
    the code. German: the German names, and the codes that have none."""
    codes = {member.value: member.value for member in group}
    if group in NONE_CODE:
        codes[NONE_CODE[group]] = NONE_CODE[group]
    if lang != "de" or group not in GERMAN:
        return codes
    german = {name: code for code, name in GERMAN[group].items()}
    if group in GERMAN_NONE:
        german[GERMAN_NONE[group]] = NONE_CODE[group]
    return german | {code: code for code in codes if code not in german.values()}


E = TypeVar("E", bound=StrEnum)


def label(code: StrEnum) -> str:
    """The human label of a code."""
    return LABELS[type(code)][code.value]


def choices(group: type[StrEnum]) -> str:
    """The codes of a group as a comma-separated list, for help texts and messages (with the
    name of its missing value, if it has one)."""
    none = (NONE_CODE[group],) if group in NONE_CODE else ()
    return ", ".join((*(member.value for member in group), *none))


@cache
def _by_lower_code(group: type[E]) -> dict[str, E]:
    german = {name: group(code) for code, name in GERMAN.get(group, {}).items()}
    return german | {member.value.lower(): member for member in group}


def parse_code(group: type[E], text: str) -> E:
    """Read one code of a group, case-insensitively, in English or by its German name (GERMAN);
    raise a usage problem naming the valid codes."""
    cleaned = (text or "").strip()
    found = _by_lower_code(group).get(cleaned.lower())
    if found is not None:
        return found
    raise UsageProblem.refused(NOT_A[group], value=repr(cleaned), codes=choices(group))


def parse_code_or_none(group: type[E], text: str) -> E | None:
    """A code of a group, or None given by the name of its missing value (NONE_CODE)."""
    if group in NONE_CODE and (text or "").strip().lower() in (NONE_CODE[group], GERMAN_NONE.get(group)):
        return None
    return parse_code(group, text)


# a yes or a no as people write it, in English or German (an import's cell, --workable, a prompt)
YES = frozenset({"1", "yes", "y", "true", "ja", "j", "x", "wahr"})
NO = frozenset({"0", "no", "n", "false", "nein", "falsch"})


def parse_yes_no(text: str) -> bool:
    """Read a yes or a no, case-insensitively; raise a usage problem otherwise."""
    cleaned = (text or "").strip()
    if cleaned.lower() in YES:
        return True
    if cleaned.lower() in NO:
        return False
    raise UsageProblem.refused("not-yes-or-no", value=repr(cleaned))


def parse_topics(text: str) -> tuple[Topic, ...]:
    """Read a comma-separated list of topics, without duplicates, in the order given."""
    parts = [part for part in (p.strip() for p in (text or "").split(",")) if part]
    if not parts:
        raise UsageProblem.refused("no-topic", codes=choices(Topic))
    topics: list[Topic] = []
    for part in parts:
        topic = parse_code(Topic, part)
        if topic not in topics:
            topics.append(topic)
    return tuple(topics)
