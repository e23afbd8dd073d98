"""Joint strategies (gemeinsame Strategie, issue 18): the evaluation's main recommendation.

Instead of handing the case management over for 3 or 6 months, two or three institutions set a
strategy for one client together, and one of them takes the lead (federführende Stelle): "gemeinsam
eine Strategie festlegen, wobei eine Institution den Lead übernimmt" (evaluation, section 4).

    open ──review (next review day)──> open ──close (outcome)──> closed

- The lead and one or two other units, each of another kind (RAV, IV, SD): two or three
  institutions, never two units of one kind (that is the institution's own business).
- The client's consent covers each participant: it must be valid on the opening day, the same
  criterion as a referral's (`criteria.consent_on_day`).
- At most one open joint strategy per client: it is the client's one strategy.
- A referral may become one (`--from-case`): both of its units take part, and the referral is
  withdrawn with the reason `joint-strategy` on the opening day, as the joint strategy replaces the
  handover (one case management, with one lead). A withdrawal with that reason is made only so.
- Every review sets the next review day, which `due` watches; closing records the outcome and
  cause with the codes of a referral's closing.

Each action is one pure decision: the state, the request and the day in, the new state and its
audit event out (or a refusal); `workflow/joint.py` loads and saves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import actions, criteria, text
from optima_cli.rules.actions import Person
from optima_cli.rules.codes import Cause, Outcome, RuleKind, Status, WithdrawReason
from optima_cli.rules.dates import ensure_not_future
from optima_cli.rules.identity import format_client_id
from optima_cli.rules.lifecycle import Case, Unit, check_close

OPEN, CLOSED = "open", "closed"  # the status of a joint strategy
MAX_PARTNERS = 2  # beside the lead: two or three institutions in all


@dataclass(frozen=True, slots=True)
class Review:
    """One review: its day, the next review day it set, and a note."""

    on: date
    next_on: date
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Joint:
    """A joint strategy as the actions see and change it."""

    joint_id: str  # GS-2026-0001
    client: str  # C-0001
    lead: Unit
    partners: tuple[Unit, ...]  # the other units, in the order given
    goal: str | None
    opened_on: date
    first_review_on: date  # the review day set at the opening
    reviews: tuple[Review, ...] = ()
    closed_on: date | None = None
    outcome: str | None = None
    cause: str | None = None
    close_note: str | None = None
    from_case: str | None = None  # the referral it started from

    @property
    def status(self) -> str:
        return CLOSED if self.closed_on is not None else OPEN

    @property
    def review_on(self) -> date:
        """The next review day: the one the latest review set, else the one set at the opening."""
        return self.reviews[-1].next_on if self.reviews else self.first_review_on

    def review_on_day(self, day: date) -> date:
        """The next review day as it stood at the end of `day`."""
        done = [r for r in self.reviews if r.on <= day]
        return done[-1].next_on if done else self.first_review_on

    def open_on(self, day: date) -> bool:
        """Opened by `day` and not closed by then."""
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)


@dataclass(frozen=True, slots=True)
class JointEvent:
    """An audit event as data: the store adds who and when, the client's id and chains it on."""

    action: str  # joint-open, joint-review, joint-close
    on_date: date
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Decided:
    joint: Joint
    event: JointEvent
    withdrawn: actions.Outcome | None = None  # the referral it started from, withdrawn (--from-case)


def record(joint: Joint) -> dict[str, Any]:
    """A joint strategy as JSON keys it (the contract: CHANGELOG), as lists and the trail keep it."""
    return {"joint": joint.joint_id, "client": joint.client, "status": joint.status,
            "lead": joint.lead.code, "lead_kind": joint.lead.kind.value,
            "with": [u.code for u in joint.partners], "goal": joint.goal,
            "opened_on": joint.opened_on, "review_on": joint.review_on,
            "reviews": len(joint.reviews), "closed_on": joint.closed_on,
            "outcome": joint.outcome, "cause": joint.cause, "close_note": joint.close_note,
            "from_case": joint.from_case}


def check_units(lead: Unit, partners: tuple[Unit, ...]) -> None:
    """The lead and one or two other units, each of another kind: two or three institutions."""
    if not partners or len(partners) > MAX_PARTNERS:
        raise UsageProblem.refused("joint-partners", "with", count=len(partners))
    seen = [lead]
    for unit in partners:
        for other in seen:
            if other.kind == unit.kind:
                raise OptimaError.refused("joint-same-kind", "with", unit=unit.code,
                                          other=other.code, kind=unit.kind.value)
        seen.append(unit)


def check_review_day(day: date, next_on: date, field: str) -> None:
    """The next review lies after the day it is set on."""
    if next_on <= day:
        raise UsageProblem.refused("joint-review-not-after", field, next_on=next_on, day=day)


def check_withdraw_reason(reason: WithdrawReason, case: str) -> None:
    """`withdraw --reason joint-strategy` by hand is refused: the reason is recorded only when a
    joint strategy starts from the referral, so that each such withdrawal has its strategy."""
    if reason == WithdrawReason.JOINT_STRATEGY:
        raise OptimaError.refused("joint-withdraw-reason", "withdraw_reason", case=case)


def check_undo(case: Case) -> None:
    """A referral withdrawn because a joint strategy started from it stays withdrawn: `undo` and
    `reopen` would give it back beside the strategy that replaced it."""
    if case.status == Status.WITHDRAWN.value and case.reason == WithdrawReason.JOINT_STRATEGY.value:
        raise OptimaError.refused("joint-undo", case=case.case_id)


def open_joint(*, joint_id: str, client: str, facts: criteria.Facts, anonymized: bool,
               lead: Unit, partners: tuple[Unit, ...], goal: str | None, day: date,
               review_on: date, today: date, open_joint_id: str | None,
               from_case: tuple[Case, Person] | None = None) -> Decided:
    """A new joint strategy of `client` on `day`; `open_joint_id` the client's open one, if any;
    `from_case` the referral it starts from and its client: it is withdrawn (`actions.withdraw`,
    with its own event)."""
    check_units(lead, partners)
    cleaned = text.free_text(goal, "goal")
    if cleaned is None:
        raise UsageProblem.refused("value-required", "goal")
    ensure_not_future(day, today, "joint-open")
    check_review_day(day, review_on, "review_on")
    if anonymized:
        raise OptimaError.refused("joint-anonymized", client=client)
    if open_joint_id is not None:
        raise OptimaError.refused("joint-open-exists", client=client, joint=open_joint_id)
    holds, why = criteria.consent_on_day(facts, day)
    if not holds:
        finding = criteria.Finding("consent", RuleKind.NEVER, criteria.Result.BLOCK, why)
        raise OptimaError.refused("joint-no-consent", client=client, reasons=[finding.as_dict()])
    withdrawn = None
    if from_case is not None:
        case, person = from_case
        from_client = format_client_id(person.id or 0)
        if from_client != client:
            raise OptimaError.refused("joint-case-other-client", "from_case",
                                      case=case.case_id, other=from_client, client=client)
        codes = {lead.code, *(u.code for u in partners)}
        missing = [u.code for u in (case.referrer, case.receiver) if u.code not in codes]
        if missing:
            raise OptimaError.refused("joint-case-units", "from_case", case=case.case_id,
                                      referrer=case.referrer.code, receiver=case.receiver.code,
                                      unit=missing[0])
        withdrawn = actions.withdraw(case, person, day, today, WithdrawReason.JOINT_STRATEGY)
    joint = Joint(joint_id=joint_id, client=client, lead=lead, partners=partners, goal=cleaned,
                  opened_on=day, first_review_on=review_on,
                  from_case=from_case[0].case_id if from_case else None)
    return Decided(joint, JointEvent("joint-open", day, None, record(joint)), withdrawn)


def _latest(joint: Joint) -> tuple[date, str]:
    """The day of the strategy's latest event, and that event (the opening or a review)."""
    if joint.reviews:
        return joint.reviews[-1].on, "review"
    return joint.opened_on, "opening"


def _begin(joint: Joint, action: str, day: date, today: date) -> None:
    """An open strategy, a day not in the future and not before its latest event."""
    if joint.closed_on is not None:
        raise OptimaError.refused("joint-closed", action=action, joint=joint.joint_id,
                                  closed_on=joint.closed_on)
    ensure_not_future(day, today, f"joint-{action}")
    earlier, event = _latest(joint)
    if day < earlier:
        raise OptimaError.refused("out-of-order", "on", action=action, day=day, event=event,
                                  earlier=earlier)


def _changed(before: Joint, after: Joint, action: str, day: date) -> Decided:
    old, new = record(before), record(after)
    keys = [k for k in new if old[k] != new[k]]
    return Decided(after, JointEvent(action, day, {k: old[k] for k in keys},
                                     {k: new[k] for k in keys}))


def review(joint: Joint, day: date, today: date, next_on: date,
           note: str | None = None) -> Decided:
    """A review on `day`, which sets the next review day."""
    _begin(joint, "review", day, today)
    check_review_day(day, next_on, "next")
    done = Review(day, next_on, text.free_text(note, "note"))
    decided = _changed(joint, replace(joint, reviews=(*joint.reviews, done)), "joint-review", day)
    after = {**(decided.event.after or {}), "note": done.note}
    return replace(decided, event=replace(decided.event, after=after))


def close(joint: Joint, day: date, today: date, outcome: Outcome, cause: Cause | None = None,
          note: str | None = None) -> Decided:
    """Closed with the outcome (and the cause) of a referral's closing."""
    check_close(outcome, cause)
    _begin(joint, "close", day, today)
    return _changed(joint, replace(joint, closed_on=day, outcome=outcome.value,
                                   cause=cause.value if cause else None,
                                   close_note=text.free_text(note, "close_note")),
                    "joint-close", day)
