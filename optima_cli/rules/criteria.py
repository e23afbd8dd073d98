"""The access criteria (Zuweisungskriterien) of domain.md, one small function each.

`evaluate` runs every rule that applies to a proposed referral and returns one finding per rule:
pass, warn or block, with a sentence why. A `never` rule that blocks always refuses; a `hard` rule
that blocks refuses unless the counsellor records a justification; `warn` rules never block.
Facts are judged as of the referral date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from optima_cli.rules.codes import SOCIAL_TOPICS, Kind, Result, RuleKind, Topic, WorkCapacity
from optima_cli.rules.dates import add_months, months_before
from optima_cli.rules.settings import DEFAULTS, Settings


@dataclass(frozen=True)
class Facts:
    """What is known of the client that the criteria look at."""

    consent_on: date | None = None
    consent_withdrawn_on: date | None = None
    iv_rejected_on: date | None = None
    iv_procedure_open: bool = False
    iv_measures_running: bool = False
    work_capacity: str | None = None  # WorkCapacity as the counsellor assessed it; None: not assessed
    work_capacity_assessed_on: date | None = None  # None: the day is not known
    rav_registered_until: date | None = None
    health_suspected: bool = False


@dataclass(frozen=True)
class Proposal:
    """A referral as proposed: who to whom, on which topics, on which date."""

    referrer_kind: Kind
    receiver_kind: Kind
    receiver_code: str
    on: date
    topics: tuple[Topic, ...] = ()
    open_case_to_receiver: str | None = None  # case id of an open referral to the same receiver
    client: str = ""  # the client's id for a sentence that names a command (check); "": CLIENT
    # the counsellor's answer: can the problem plausibly be improved within the mandate (3 or 6
    # months)? None: not answered (a script without --workable, an old referral, an empty cell)
    workable: bool | None = None
    settings: Settings = DEFAULTS  # the steering group's months (evaluate sets them)


@dataclass(frozen=True)
class Sentence:
    """Why a rule holds or not, as data: the key of its sentence (catalogue/en.py FINDINGS, said
    in the reader's language where it is shown) and its values."""

    key: str
    values: tuple[tuple[str, object], ...] = ()


def _stored(value: object) -> Any:
    """A value of a finding as JSON keeps it: a date as 2026-11-20, codes as they are."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_stored(v) for v in value]
    return value


@dataclass(frozen=True)
class Finding:
    rule: str
    kind: RuleKind
    result: Result
    why: Sentence

    def as_dict(self) -> dict[str, Any]:
        """As stored with the referral and in the audit trail: the rule, its result, and the key
        and values of its sentence (said in any language where it is shown)."""
        return {"rule": self.rule, "kind": str(self.kind), "result": str(self.result),
                "key": self.why.key, "values": {k: _stored(v) for k, v in self.why.values}}


@dataclass(frozen=True)
class Rule:
    id: str
    kind: RuleKind
    description: str
    applies: Callable[[Proposal], bool]
    # (holds, sentence why); holds may be WARNS: the rule only warns this time, whatever its kind
    judge: Callable[[Facts, Proposal], tuple[bool | Result, Sentence]]


WARNS = Result.WARN  # what a judge says for "neither holds nor blocks: only a warning"


def _say(key: str, **values: object) -> Sentence:
    """A finding's sentence: its key (catalogue/en.py FINDINGS) and values."""
    return Sentence(key, tuple(values.items()))


def consent_on_day(facts: Facts, on: date) -> tuple[bool, Sentence]:
    """The rule `consent` as of a day: the client's consent is recorded by then and not
    withdrawn since. A referral asks it on its referral day, a joint strategy (rules/joint.py)
    on its opening day."""
    if facts.consent_on is None:
        return False, _say("consent/1")
    if facts.consent_on > on:
        return False, _say("consent/2",
                              consent_on=facts.consent_on, on=on)
    withdrawn = facts.consent_withdrawn_on
    if withdrawn is not None and facts.consent_on <= withdrawn <= on:
        return False, _say("consent/3", withdrawn_on=withdrawn)
    return True, _say("consent/4",
                         consent_on=facts.consent_on)


def _consent(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    return consent_on_day(facts, p.on)


def _other_kind(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    if p.receiver_kind == p.referrer_kind:
        return False, _say("other-kind/1",
            receiver=p.receiver_code, kind=p.referrer_kind)
    return True, _say("other-kind/2",
                         referrer_kind=p.referrer_kind, receiver_kind=p.receiver_kind)


def _no_open_referral(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    if p.open_case_to_receiver:
        return False, _say("no-open-referral/1",
            case=p.open_case_to_receiver, receiver=p.receiver_code)
    return True, _say("no-open-referral/2", receiver=p.receiver_code)


def _iv_rejection(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    if facts.iv_rejected_on is None or facts.iv_rejected_on > p.on:
        return True, _say("iv-rejection/1")
    # "more than one year": on the anniversary itself the rejection still blocks
    months = p.settings.iv_rejection_months
    ends = add_months(facts.iv_rejected_on, months)
    other = {"months": months} if months != DEFAULTS.iv_rejection_months else {}  # set otherwise
    if p.on <= ends:
        if p.settings.kind("iv-rejection-recent", RuleKind.HARD) != RuleKind.HARD:
            # set to never or warn: no justification is asked for, so the sentence offers none,
            # and says when the months are over rather than when a referral is possible
            return False, _say("iv-rejection/7", rejected_on=facts.iv_rejected_on, months=months,
                               possible_from=ends + timedelta(days=1))
        return False, _say("iv-rejection/5" if other else "iv-rejection/4",
            rejected_on=facts.iv_rejected_on, **other, possible_from=ends + timedelta(days=1))
    return True, _say("iv-rejection/6" if other else "iv-rejection/3",
                         rejected_on=facts.iv_rejected_on, **other)


def _iv_procedure(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    if facts.iv_procedure_open:
        return False, _say("iv-procedure/1")
    return True, _say("iv-procedure/2")


def _iv_health(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    if facts.health_suspected:
        return False, _say("iv-health/1")
    return True, _say("iv-health/2")


def _work_capacity_assessed(facts: Facts, p: Proposal) -> str | None:
    """The work capacity as the counsellor assessed it (None: not assessed), whatever the day of
    the assessment: cases are entered days after the fact, so an assessment recorded after the
    referral day is still the counsellor's judgement of that referral (a day in the future is
    refused when it is entered)."""
    return facts.work_capacity


def _work_capacity(facts: Facts, p: Proposal) -> tuple[bool | Result, Sentence]:
    """Intact work capacity, a judgement of the counsellor: assessed no blocks, not assessed
    warns (saying how to record it), assessed yes holds."""
    assessed, day = _work_capacity_assessed(facts, p), facts.work_capacity_assessed_on
    if assessed == WorkCapacity.NO:
        return False, (_say("work-capacity/3", assessed_on=day) if day
                       else _say("work-capacity/1"))
    if assessed == WorkCapacity.YES:
        return True, (_say("work-capacity/4", assessed_on=day) if day
                      else _say("work-capacity/5"))
    record = f"optima client update {p.client or 'CLIENT'} --work-capacity yes|no"
    return WARNS, _say("work-capacity/6", command=record)


def _iv_measures(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    if facts.iv_measures_running:
        return False, _say("iv-measures/1")
    if facts.iv_procedure_open:
        return False, _say("iv-measures/2")
    return True, _say("iv-measures/3")


def _rav_registration(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    until = facts.rav_registered_until
    if until is not None and until >= p.on:
        return True, _say("rav-registration/1", until=until)
    return False, _say("rav-registration/2")


def _rav_recent(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    until = facts.rav_registered_until
    # "in the last 6 months" includes the day exactly 6 months back, like the IV rejection's year
    months = p.settings.rav_recent_months
    since = months_before(p.on, months)
    other = {"months": months} if months != DEFAULTS.rav_recent_months else {}  # set otherwise
    if until is not None and until >= since:
        if until >= p.on:
            return False, _say("rav-recent/4" if other else "rav-recent/1",
                until=until, **other)
        return False, _say("rav-recent/5" if other else "rav-recent/2",
            until=until, **other)
    return True, _say("rav-recent/6" if other else "rav-recent/3", **other)


def _social_topic(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    """SD takes people without intact work capacity because of problems in their surroundings:
    a social topic, and work capacity not assessed as intact (then the RAV is better placed)."""
    assessed = _work_capacity_assessed(facts, p)
    if assessed == WorkCapacity.YES:
        return False, _say("social-topic/4")
    social = [t.value for t in p.topics if t in SOCIAL_TOPICS]
    if not social:
        return False, _say("social-topic/3" if p.topics else "social-topic/2")
    if assessed == WorkCapacity.NO:
        return True, _say("social-topic/5", topics=tuple(social))
    return True, _say("social-topic/6", topics=tuple(social))


def _workable(facts: Facts, p: Proposal) -> tuple[bool, Sentence]:
    # only the counsellor can judge it: asked, and warned of only when answered no or not at all
    # (workable/1, the warning on every referral before issue 16, stays for those it was stored with)
    if p.workable is None:
        return False, _say("workable/4")
    if not p.workable:
        return False, _say("workable/3")
    return True, _say("workable/2")


def _always(p: Proposal) -> bool:
    return True


def _to(kind: Kind) -> Callable[[Proposal], bool]:
    return lambda p: p.receiver_kind == kind


def _to_any(*kinds: Kind) -> Callable[[Proposal], bool]:
    return lambda p: p.receiver_kind in kinds


def _from_to(referrer: Kind, receiver: Kind) -> Callable[[Proposal], bool]:
    return lambda p: p.referrer_kind == referrer and p.receiver_kind == receiver


N, H, W = RuleKind.NEVER, RuleKind.HARD, RuleKind.WARN

RULES: tuple[Rule, ...] = (
    Rule("consent", N, "client consent recorded and not withdrawn", _always, _consent),
    Rule("other-kind", N, "receiver is of another kind than the referrer", _always, _other_kind),
    Rule("no-open-referral", N, "no other open referral of this client to the same receiver",
         _always, _no_open_referral),
    Rule("iv-rejection-recent", H, "no IV rejection less than 12 months ago", _to(Kind.IV),
         _iv_rejection),
    Rule("iv-procedure-open", N, "no IV procedure, assessment or legal proceeding open",
         _to(Kind.IV), _iv_procedure),
    Rule("iv-health-registration", H,
         "if an IV-relevant health damage is suspected, a regular IV registration is due instead",
         _to(Kind.IV), _iv_health),
    Rule("work-capacity", H, "work capacity intact, as the counsellor assessed it",
         _to_any(Kind.RAV, Kind.IV), _work_capacity),
    Rule("iv-measures-running", N,
         "from IV: no IV measures running, no open assessment or proceeding",
         _from_to(Kind.IV, Kind.RAV), _iv_measures),
    Rule("rav-registration", W, "client must register at the RAV", _to(Kind.RAV),
         _rav_registration),
    Rule("rav-registered-recently", W,
         "from SD: client was not registered at the RAV in the last 6 months",
         _from_to(Kind.SD, Kind.RAV), _rav_recent),
    Rule("social-topic", W,
         "no intact work capacity, because of a social problem that the topics name",
         _to(Kind.SD), _social_topic),
    Rule("workable-in-period", W,
         "the problem can plausibly be improved within 3 or 6 months", _always, _workable),
)


# the rules that look at the receiving unit, not only at its kind: what a forwarding to another
# unit of the same kind judges again (rules/actions.py forward)
RECEIVER_RULES = frozenset({"other-kind", "no-open-referral"})


def evaluate(facts: Facts, proposal: Proposal, settings: Settings = DEFAULTS) -> list[Finding]:
    """Every rule that applies to the proposal, in the order of domain.md, judged with the
    months and the kinds of `settings` (each finding keeps the kind it was judged with)."""
    proposal = replace(proposal, settings=settings)
    findings = []
    for rule in RULES:
        if not rule.applies(proposal):
            continue
        holds, why = rule.judge(facts, proposal)
        kind = settings.kind(rule.id, rule.kind)
        if holds is WARNS:
            result = Result.WARN
        elif holds:
            result = Result.PASS
        elif kind == RuleKind.WARN:
            result = Result.WARN
        else:
            result = Result.BLOCK
        findings.append(Finding(rule.id, kind, result, why))
    return findings


def refusals(findings: list[Finding]) -> list[Finding]:
    """Blocks that no justification can lift."""
    return [f for f in findings if f.result == Result.BLOCK and f.kind == RuleKind.NEVER]


def blocks_needing_override(findings: list[Finding]) -> list[Finding]:
    """Blocks that a recorded justification can lift."""
    return [f for f in findings if f.result == Result.BLOCK and f.kind == RuleKind.HARD]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.result == Result.WARN]


def allowed(findings: list[Finding], override: str | None = None) -> bool:
    if refusals(findings):
        return False
    return not blocks_needing_override(findings) or bool(override and override.strip())
