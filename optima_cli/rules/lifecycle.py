"""The life of a referral (domain.md): which action is allowed in which status, and what it needs.

referred --accept--> accepted --close--> closed
referred --reject--> rejected
referred/accepted --withdraw--> withdrawn
accepted: extend (3 -> 6 months, once), suspend-search / resume-search (RAV referrer only)

Each action is a pure function on a `Case` (the state of one referral): given the state, the day
and the inputs, it returns the new state or raises the refusal the user reads. The decisions of
`rules/actions.py`, which the commands (`workflow/cases.py`) and the import (`importing/rows.py`)
both take, apply them, so that an imported history is one the commands could have produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from optima_cli.errors import OptimaError, ReferralBlocked, UsageProblem
from optima_cli.language import label, t, t_
from optima_cli.rules import criteria, text
from optima_cli.rules.codes import (
    Cause,
    Kind,
    Outcome,
    RejectReason,
    Status,
    Topic,
    WithdrawReason,
)
from optima_cli.rules.clients import check_born_before_referral
from optima_cli.rules.dates import add_months, ensure_not_future

MONTHS = (3, 6)


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    EXTEND = "extend"
    SUSPEND_SEARCH = "suspend-search"
    RESUME_SEARCH = "resume-search"


# (status, action) -> status after the action
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.REFERRED, Action.ACCEPT): Status.ACCEPTED,
    (Status.REFERRED, Action.REJECT): Status.REJECTED,
    (Status.REFERRED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.ACCEPTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.ACCEPTED, Action.CLOSE): Status.CLOSED,
    (Status.ACCEPTED, Action.EXTEND): Status.ACCEPTED,
    (Status.ACCEPTED, Action.SUSPEND_SEARCH): Status.ACCEPTED,
    (Status.ACCEPTED, Action.RESUME_SEARCH): Status.ACCEPTED,
}


def next_status(case: str, status: Status, action: Action) -> Status:
    """The status after `action`, or a refusal that names the current status."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        allowed = [label("Status", s)
                   for s in sorted({s.value for (s, a) in TRANSITIONS if a == action})]
        if len(allowed) == 1:
            raise OptimaError(t(
                "cannot {action} {case}: it is {status}; {action} is only possible when it is "
                "{allowed}", action=action.value, case=case, status=label("Status", status),
                allowed=allowed[0])) from None
        raise OptimaError(t(
            "cannot {action} {case}: it is {status}; {action} is only possible when it is "
            "{allowed} or {other}", action=action.value, case=case,
            status=label("Status", status), allowed=allowed[0], other=allowed[1])) from None


def parse_months(value: int | str) -> int:
    try:
        months = int(value)
    except (TypeError, ValueError):
        months = -1
    if months not in MONTHS:
        raise UsageProblem(t("--months {value} is not a mandate period; use 3 or 6", value=value))
    return months


def mandate_due(accepted_on: date, months: int) -> date:
    """The mandate ends 3 or 6 calendar months after acceptance."""
    return add_months(accepted_on, months)


def require_note(code: RejectReason | WithdrawReason | Cause, note: str | None, option: str) -> None:
    if code.value == "other" and not (note and note.strip()):
        raise UsageProblem(t("{option} other needs a note; add --note \"what happened\"",
                             option=option))


def check_close(outcome: Outcome, cause: Cause | None) -> None:
    if outcome == Outcome.NOT_ACHIEVED and cause is None:
        raise UsageProblem(t(
            "--outcome not-achieved needs a cause; add --cause no-cooperation, not-placeable or other"
        ))
    if outcome != Outcome.NOT_ACHIEVED and cause is not None:
        raise UsageProblem(t(
            "--cause is only recorded with --outcome not-achieved, not with {outcome}",
            outcome=outcome.value))


def check_extend(case: str, months: int, extended_on: date | None) -> None:
    if extended_on is not None or months != 3:
        if extended_on:
            raise OptimaError(t("cannot extend {case}: it was already extended; a 3-month mandate "
                                "may be extended once, to 6", case=case))
        raise OptimaError(t("cannot extend {case}: its mandate is {months} months; a 3-month "
                            "mandate may be extended once, to 6", case=case, months=months))


@dataclass(frozen=True)
class SuspensionRequest:
    start: date
    until: date


def check_suspension(
    case: str, referrer_kind: Kind, accepted_on: date, due_on: date, req: SuspensionRequest,
    overlapping_until: date | None,
) -> None:
    """The RAV may suspend job-search duties while another institution works the case,
    at most until the mandate ends."""
    if referrer_kind != Kind.RAV:
        raise OptimaError(t(
            "cannot suspend the job search for {case}: it was referred by {kind}, "
            "only a case referred by a RAV unit can suspend job-search obligations",
            case=case, kind=referrer_kind))
    if overlapping_until is not None:
        raise OptimaError(t(
            "{case} already has a job-search suspension until {until} in that time; "
            "end it with resume-search first, or choose days after it",
            case=case, until=overlapping_until))
    if req.start < accepted_on:
        raise OptimaError(t(
            "a suspension from {start} would start before the mandate ({accepted_on})",
            start=req.start, accepted_on=accepted_on))
    if req.until < req.start:
        raise OptimaError(t("--until {until} is before --from {start}", until=req.until,
                            start=req.start))
    if req.until > due_on:
        raise OptimaError(t(
            "cannot suspend the job search for {case} until {until}: the mandate ends on "
            "{due_on}; a suspension may last at most until then",
            case=case, until=req.until, due_on=due_on))


# --- a case's state and the actions on it -----------------------------------------------------
# One implementation for the commands (which load a referral, apply, write back) and the import
# (which applies a file's rows to cases held in memory): given the state, the day and the inputs,
# each action returns the new state or raises the refusal the user sees. States are named tuples:
# values that cannot change, and a new one costs little (an import makes one per step of a row).


class Unit(NamedTuple):
    """An institution unit as the rules see it."""

    code: str
    kind: Kind


class SearchSuspension(NamedTuple):
    """A suspension of the client's job-search obligations, as a case holds it."""

    start_on: date
    until: date
    ended_on: date | None = None  # resumed, or the case ended, before `until`
    note: str | None = None

    def running_on(self, day: date) -> bool:
        return self.ended_on is None and self.start_on <= day <= self.until

    def in_effect_during(self, start: date, until: date) -> bool:
        """Whether it is in effect on some day from `start` to `until`: from its start to its end,
        or to the day before it was ended (never, if ended on its first day)."""
        if self.start_on > until or self.until < start:
            return False
        return self.ended_on is None or (self.ended_on > start and self.ended_on > self.start_on)


class Case(NamedTuple):
    """A referral as the actions see and change it: its row and its suspensions."""

    case_id: str
    referrer: Unit
    receiver: Unit
    topics: tuple[str, ...]
    status: str
    months: int
    referred_on: date
    goal: str | None = None
    referring_counsellor: str | None = None
    override: str | None = None
    decided_on: date | None = None
    receiving_counsellor: str | None = None
    due_on: date | None = None
    first_due_on: date | None = None  # the mandate end before an extension
    extended_on: date | None = None
    reason: str | None = None  # rejection or withdrawal reason code
    reason_note: str | None = None
    withdrawn_on: date | None = None
    closed_on: date | None = None
    outcome: str | None = None
    cause: str | None = None
    employed: bool | None = None
    close_note: str | None = None
    suspensions: tuple[SearchSuspension, ...] = ()

    def running_suspension(self, day: date) -> SearchSuspension | None:
        """The suspension, not ended early, that runs on `day`."""
        running = [s for s in self.suspensions if s.running_on(day)]
        return max(running, key=lambda s: s.start_on) if running else None

    def overlapping_suspension(self, start: date, until: date) -> SearchSuspension | None:
        found = [s for s in self.suspensions if s.in_effect_during(start, until)]
        return min(found, key=lambda s: s.start_on) if found else None


class ReferralInputs(NamedTuple):
    """The inputs of a referral as `check_referral` passed them."""

    months: int
    override: str | None  # the justification, cleaned (rules.text)


def check_referral(months: int | str, topics: tuple[Topic, ...], override: str | None, day: date,
                   today: date) -> ReferralInputs:
    """The inputs of a referral that can be judged before the client and units are looked up:
    the mandate period and the justification, cleaned."""
    checked = parse_months(months)
    if not topics:
        raise UsageProblem(t("missing option {option}", option="--topics"))
    if override is not None and not override.strip():
        raise UsageProblem(t("--override needs a justification text, not an empty one"))
    cleaned = text.free_text(override, "override")
    ensure_not_future(day, today, t("referral date"))
    return ReferralInputs(checked, cleaned)


def refer(*, case_id: str, referrer: Unit, receiver: Unit, facts: criteria.Facts,
          birth_date: date, open_case: str | None, topics: tuple[Topic, ...], months: int,
          day: date, goal: str | None = None, counsellor: str | None = None,
          client_counsellor: str | None = None,
          override: str | None = None) -> tuple[Case, list[criteria.Finding]]:
    """A new referral after the access criteria (`check_referral` has passed, `months` and
    `override` are as it returned them); refused with `ReferralBlocked` naming the criteria. The
    referring counsellor defaults to the client's."""
    check_born_before_referral(birth_date, (case_id, day), "referred_on")
    findings = criteria.evaluate(facts, criteria.Proposal(
        referrer_kind=referrer.kind, receiver_kind=receiver.kind, receiver_code=receiver.code,
        on=day, topics=topics, open_case_to_receiver=open_case))
    refused = criteria.refusals(findings)
    if refused:
        raise ReferralBlocked(t("referral refused: {reasons}",
                                reasons="; ".join(f.text for f in refused)),
                              [f.rule for f in refused], justifiable=False)
    needs = criteria.blocks_needing_override(findings)
    if needs and not override:
        raise ReferralBlocked(t(
            "referral blocked: {reasons}. To deviate, record your justification "
            "(--override \"...\", or the override column of an import)",
            reasons="; ".join(f"{label('Rule', f.rule)}: {f.text}" for f in needs)),
            [f.rule for f in needs], justifiable=True)
    case = Case(case_id=case_id, referrer=referrer, receiver=receiver,
                topics=tuple(t.value for t in topics), status=Status.REFERRED.value,
                months=months, referred_on=day, goal=text.free_text(goal, "goal"),
                referring_counsellor=(text.optional_name(counsellor, "referring_counsellor")
                                      or client_counsellor),
                override=override if needs else None)
    return case, findings


def _date_of(action: Action) -> str:
    """The name of the date of an action, in the language of the command."""
    names = {
        Action.ACCEPT: lambda: t("accept date"),
        Action.REJECT: lambda: t("reject date"),
        Action.WITHDRAW: lambda: t("withdraw date"),
        Action.CLOSE: lambda: t("close date"),
        Action.EXTEND: lambda: t("extend date"),
        Action.SUSPEND_SEARCH: lambda: t("suspend-search date"),
        Action.RESUME_SEARCH: lambda: t("resume-search date"),
    }
    return names[action]()


# --- the order of a case's events --------------------------------------------------------------
# Every action's day is at or after every earlier event of the case: a case is never extended
# after it was closed, nor withdrawn before a suspension of it began.

# the option that gives the day of an action (the import names the column instead)
DAY_OPTION = {action: "--on" for action in Action} | {Action.SUSPEND_SEARCH: "--from"}


def _event_name(event: str) -> str:
    """An event of a case as "is before {event}" names it (in German in the dative)."""
    names = {
        "referral": lambda: t("the referral"),
        "acceptance": lambda: t("the acceptance"),
        "rejection": lambda: t("the rejection"),
        "extension": lambda: t("the extension"),
        "suspension-start": lambda: t("the start of a job-search suspension"),
        "suspension-end": lambda: t("the end of a job-search suspension"),
        "withdrawal": lambda: t("the withdrawal"),
        "closing": lambda: t("the closing"),
    }
    return names[event]()


def dated_events(case: Case) -> list[tuple[date, str]]:
    """The dated events of a case: (day, event), in the order they happen on one day."""
    decision = "rejection" if case.status == Status.REJECTED else "acceptance"
    found = [(case.referred_on, "referral"), (case.decided_on, decision),
             (case.extended_on, "extension"),
             *((s.start_on, "suspension-start") for s in case.suspensions),
             *((s.ended_on, "suspension-end") for s in case.suspensions),
             (case.withdrawn_on, "withdrawal"), (case.closed_on, "closing")]
    return [(day, event) for day, event in found if day is not None]


def latest_event(case: Case) -> tuple[date, str]:
    """The day of the latest event of a case, and that event (the referral, at least)."""
    return max(dated_events(case), key=lambda e: e[0])


def check_order(case: Case, action: Action, day: date) -> None:
    """Refuse `action` on `day` if the case has an event dated later. The refusal names the
    option that gives the action's day; the import says it with its column instead."""
    earlier, event = latest_event(case)
    if day < earlier:
        raise OptimaError.about(
            DAY_OPTION[action],
            t_("{action} on {day} is before {event} on {earlier}; use {field} {earlier} or later"),
            action=action.value, day=day, event=_event_name(event), earlier=earlier)


def _begin(case: Case, action: Action, day: date, today: date) -> str:
    """The status after `action` on `day`, once the transition and the day are allowed."""
    after = next_status(case.case_id, Status(case.status), action)
    ensure_not_future(day, today, _date_of(action))
    check_order(case, action, day)
    return after.value


def _ended_by(suspensions: tuple[SearchSuspension, ...], day: date) -> tuple[SearchSuspension, ...]:
    """A suspension cannot outlive the case: those that would still run after `day` end on it."""
    return tuple(s._replace(ended_on=day) if s.ended_on is None and s.until > day else s
                 for s in suspensions)


def accept(case: Case, day: date, today: date, counsellor: str | None = None) -> Case:
    status = _begin(case, Action.ACCEPT, day, today)
    due = mandate_due(day, case.months)
    return case._replace(status=status, decided_on=day,
                         receiving_counsellor=text.optional_name(counsellor, "receiving_counsellor"),
                         due_on=due, first_due_on=due)


def reject(case: Case, day: date, today: date, reason: RejectReason,
           note: str | None = None) -> Case:
    require_note(reason, note, "--reason")
    status = _begin(case, Action.REJECT, day, today)
    return case._replace(status=status, decided_on=day, reason=reason.value,
                   reason_note=text.free_text(note, "reason_note"))


def withdraw(case: Case, day: date, today: date, reason: WithdrawReason,
             note: str | None = None) -> Case:
    """The client's consent, if that is the reason, is withdrawn too: see `consent_withdrawal`."""
    require_note(reason, note, "--reason")
    status = _begin(case, Action.WITHDRAW, day, today)
    return case._replace(status=status, withdrawn_on=day, reason=reason.value,
                         reason_note=text.free_text(note, "withdraw_note"),
                         suspensions=_ended_by(case.suspensions, day))


def consent_withdrawal(reason: WithdrawReason, withdrawn_on: date | None, day: date) -> date | None:
    """Withdrawn consent also stops new referrals of the client until consent is given again: the
    client's new consent withdrawal date, or None if it stays as it is."""
    if reason != WithdrawReason.CONSENT_WITHDRAWN or (withdrawn_on and withdrawn_on <= day):
        return None
    return day


def extend(case: Case, day: date, today: date) -> Case:
    status = _begin(case, Action.EXTEND, day, today)
    check_extend(case.case_id, case.months, case.extended_on)
    assert case.decided_on is not None and case.due_on is not None
    if day > case.due_on:
        raise OptimaError(t(
            "cannot extend {case} on {day}: its mandate ended on {due_on}; "
            "give the date the extension was decided with --on",
            case=case.case_id, day=day, due_on=case.due_on))
    return case._replace(status=status, months=6, extended_on=day,
                   due_on=mandate_due(case.decided_on, 6))


def suspend_search(case: Case, day: date, today: date, until: date,
                   note: str | None = None) -> Case:
    status = _begin(case, Action.SUSPEND_SEARCH, day, today)
    assert case.decided_on and case.due_on
    overlap = case.overlapping_suspension(day, until)
    check_suspension(case.case_id, case.referrer.kind, case.decided_on, case.due_on,
                     SuspensionRequest(day, until), overlap.until if overlap else None)
    return case._replace(status=status, suspensions=(
        *case.suspensions, SearchSuspension(start_on=day, until=until, note=text.free_text(note, "note"))))


def resume_search(case: Case, day: date, today: date) -> Case:
    status = _begin(case, Action.RESUME_SEARCH, day, today)
    running = case.running_suspension(day)
    if running is None:
        raise OptimaError(t(
            "{case} has no job-search suspension running on {day}; nothing to resume",
            case=case.case_id, day=day))
    return case._replace(status=status, suspensions=tuple(
        s._replace(ended_on=day) if s is running else s for s in case.suspensions))


def close(case: Case, day: date, today: date, outcome: Outcome, cause: Cause | None = None,
          employed: bool | None = None, note: str | None = None) -> Case:
    check_close(outcome, cause)
    status = _begin(case, Action.CLOSE, day, today)
    return case._replace(status=status, closed_on=day, outcome=outcome.value,
                   cause=cause.value if cause else None, employed=employed,
                   close_note=text.free_text(note, "close_note"),
                   suspensions=_ended_by(case.suspensions, day))
