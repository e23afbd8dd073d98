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
from typing import Any, NamedTuple

from optima_cli.errors import OptimaError, ReferralBlocked, UsageProblem
from optima_cli.rules import criteria, text
from optima_cli.rules.clients import check_born_before_referral
from optima_cli.rules.codes import (
    Cause,
    Kind,
    Outcome,
    RejectReason,
    Status,
    Topic,
    WithdrawReason,
)
from optima_cli.rules.dates import add_months, ensure_not_future
from optima_cli.rules.settings import DEFAULTS, Settings

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
        allowed = sorted({s.value for (s, a) in TRANSITIONS if a == action})
        if len(allowed) == 1:
            raise OptimaError.refused("status-forbids", action=action.value, case=case,
                                      status=status.value, allowed=allowed[0]) from None
        raise OptimaError.refused("status-forbids-either", action=action.value, case=case,
                                  status=status.value, allowed=allowed[0],
                                  other=allowed[1]) from None


def parse_months(value: int | str) -> int:
    try:
        months = int(value)
    except (TypeError, ValueError):
        months = -1
    if months not in MONTHS:
        raise UsageProblem.refused("months-invalid", "months", value=value)
    return months


def mandate_due(accepted_on: date, months: int) -> date:
    """The mandate ends 3 or 6 calendar months after acceptance."""
    return add_months(accepted_on, months)


def require_note(code: RejectReason | WithdrawReason | Cause, note: str | None,
                 reason: str = "reason", field: str = "reason_note") -> None:
    """The code `other` (of the field `reason`) needs a note (the field `field`)."""
    if code.value == "other" and not (note and note.strip()):
        raise UsageProblem.refused("note-required", field, names={"reason": reason})


def check_close(outcome: Outcome, cause: Cause | None) -> None:
    if outcome == Outcome.NOT_ACHIEVED and cause is None:
        raise UsageProblem.refused("cause-required", "cause", names={"outcome": "outcome"})
    # "nicht oder nur teilweise erfolgreich": a partly achieved case may name its cause too
    if outcome == Outcome.ACHIEVED and cause is not None:
        raise UsageProblem.refused("cause-unexpected", "cause", names={"outcome": "outcome"},
                                   value=outcome.value)


def check_extend(case: str, months: int, extended_on: date | None) -> None:
    if extended_on is not None or months != 3:
        if extended_on:
            raise OptimaError.refused("already-extended", case=case)
        raise OptimaError.refused("not-extendable", case=case, months=months)


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
        raise OptimaError.refused("suspend-not-rav", case=case, kind=referrer_kind.value)
    if overlapping_until is not None:
        raise OptimaError.refused("suspension-overlaps", case=case, until=overlapping_until)
    if req.start < accepted_on:
        raise OptimaError.refused("suspension-before-mandate", start=req.start,
                                  accepted_on=accepted_on)
    if req.start > due_on:  # a suspension may be planned ahead, within the mandate
        raise OptimaError.refused("suspension-starts-after-mandate", "from", case=case,
                                  start=req.start, due_on=due_on)
    if req.until < req.start:
        raise OptimaError.refused("until-before-from", "until", names={"start_field": "from"},
                                  until=req.until, start=req.start)
    if req.until > due_on:
        raise OptimaError.refused("suspension-after-mandate", case=case, until=req.until,
                                  due_on=due_on)


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

    def planned_on(self, today: date) -> bool:
        """Recorded ahead (issue 16): it starts after `today` and was not cancelled."""
        return self.ended_on is None and self.start_on > today

    @property
    def cancelled(self) -> bool:
        """Ended (by resume-search, a closing or a withdrawal) before it started: it never ran."""
        return self.ended_on is not None and self.ended_on < self.start_on

    def began_by(self, today: date | None) -> bool:
        """Whether its start is an event of the case as of `today` (None: whatever its day): not
        when it is planned for a later day, nor when it was cancelled before it started."""
        return not self.cancelled and (today is None or not self.planned_on(today))

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
    # the case's other fields, which no action changes: (name, value) as given with the referral
    given: tuple[tuple[str, Any], ...] = ()
    # the summary for the referrer at the closing, and the day the referrer read it (issue 18)
    handback: str | None = None
    handback_read_on: date | None = None

    def running_suspension(self, day: date) -> SearchSuspension | None:
        """The suspension, not ended early, that runs on `day`."""
        running = [s for s in self.suspensions if s.running_on(day)]
        return max(running, key=lambda s: s.start_on) if running else None

    def next_planned_suspension(self, day: date) -> SearchSuspension | None:
        """The suspension, not ended, that starts first after `day` (one planned ahead)."""
        planned = [s for s in self.suspensions if s.planned_on(day)]
        return min(planned, key=lambda s: s.start_on) if planned else None

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
        raise UsageProblem.refused("value-required", "topics")
    if override is not None and not override.strip():
        raise UsageProblem.refused("override-empty", "override")
    cleaned = text.free_text(override, "override")
    ensure_not_future(day, today, "referral")
    return ReferralInputs(checked, cleaned)


def judge(facts: criteria.Facts, referrer: Unit, receiver: Unit, day: date,
          topics: tuple[Topic, ...], open_case: str | None, client: str = "",
          workable: bool | None = None, settings: Settings = DEFAULTS) -> list[criteria.Finding]:
    """The access criteria for a referral of a client with these facts, from `referrer` to
    `receiver` on `day`, with the counsellor's answer whether the problem is `workable` in the
    mandate (None: not answered), under the steering group's `settings`; what `check` shows and
    `refer` decides by. `client` is the client's id, for the sentences that name a command:
    `check` names it; `refer` does not, as its findings are stored alike whether the command or
    the import (which knows no id yet) made them."""
    return criteria.evaluate(facts, criteria.Proposal(
        referrer_kind=referrer.kind, receiver_kind=receiver.kind, receiver_code=receiver.code,
        on=day, topics=topics, open_case_to_receiver=open_case, client=client, workable=workable),
        settings)


def refer(*, case_id: str, referrer: Unit, receiver: Unit, facts: criteria.Facts,
          birth_date: date, open_case: str | None, topics: tuple[Topic, ...], months: int,
          day: date, goal: str | None = None, counsellor: str | None = None,
          client_counsellor: str | None = None, override: str | None = None,
          workable: bool | None = None,
          settings: Settings = DEFAULTS) -> tuple[Case, list[criteria.Finding]]:
    """A new referral after the access criteria (`check_referral` has passed, `months` and
    `override` are as it returned them; `workable` the counsellor's answer, None if not given);
    refused with `ReferralBlocked` naming the criteria. The referring counsellor defaults to the
    client's."""
    check_born_before_referral(birth_date, (case_id, day), "referred_on")
    findings = judge(facts, referrer, receiver, day, topics, open_case, workable=workable,
                     settings=settings)
    refused = criteria.refusals(findings)
    if refused:
        error = ReferralBlocked.refused("referral-refused", reasons=[f.as_dict() for f in refused])
        error.rules, error.justifiable = [f.rule for f in refused], False
        raise error
    needs = criteria.blocks_needing_override(findings)
    if needs and not override:
        error = ReferralBlocked.refused("referral-blocked", "override",
                                        reasons=[f.as_dict() for f in needs])
        error.rules, error.justifiable = [f.rule for f in needs], True
        raise error
    case = Case(case_id=case_id, referrer=referrer, receiver=receiver,
                topics=tuple(t.value for t in topics), status=Status.REFERRED.value,
                months=months, referred_on=day, goal=text.free_text(goal, "goal"),
                referring_counsellor=(text.optional_name(counsellor, "referring_counsellor")
                                      or client_counsellor),
                override=override if needs else None)
    return case, findings


# --- the order of a case's events --------------------------------------------------------------
# Every action's day is at or after every earlier event of the case: a case is never extended
# after it was closed, nor withdrawn before a suspension of it began. A suspension planned for a
# day after today (issue 16) has not begun: its start is no earlier event, and closing,
# withdrawing or resuming before it cancels it (it ends on that day, before its start).

# the field that gives the day of an action (the command line's option, the import's column)
DAY_FIELD = dict.fromkeys(Action, "on") | {Action.SUSPEND_SEARCH: "from"}


def dated_events(case: Case, today: date | None = None) -> list[tuple[date, str]]:
    """The dated events of a case as of `today`: (day, event), in the order they happen on one
    day. A suspension's start counts once it has begun (`SearchSuspension.began_by`)."""
    decision = "rejection" if case.status == Status.REJECTED else "acceptance"
    found = [(case.referred_on, "referral"), (case.decided_on, decision),
             (case.extended_on, "extension"),
             *((s.start_on, "suspension-start") for s in case.suspensions if s.began_by(today)),
             *((s.ended_on, "suspension-end") for s in case.suspensions),
             (case.withdrawn_on, "withdrawal"), (case.closed_on, "closing")]
    return [(day, event) for day, event in found if day is not None]


def latest_event(case: Case, today: date | None = None) -> tuple[date, str]:
    """The day of the latest event of a case as of `today`, and that event (the referral, at
    least)."""
    return max(dated_events(case, today), key=lambda e: e[0])


def check_order(case: Case, action: Action, day: date, today: date | None = None) -> None:
    """Refuse `action` on `day` if the case has an event dated later (as of `today`: not the
    start of a suspension planned ahead). The refusal names the field that gives the action's
    day (`on`, `from`)."""
    earlier, event = latest_event(case, today)
    if day < earlier:
        raise OptimaError.refused("out-of-order", DAY_FIELD[action], action=action.value, day=day,
                                  event=event, earlier=earlier)


def _begin(case: Case, action: Action, day: date, today: date) -> str:
    """The status after `action` on `day`, once the transition and the day are allowed."""
    after = next_status(case.case_id, Status(case.status), action)
    if action != Action.SUSPEND_SEARCH:  # a suspension may start later, within the mandate
        ensure_not_future(day, today, action.value)
    check_order(case, action, day, today)
    return after.value


def _ended_by(suspensions: tuple[SearchSuspension, ...], day: date) -> tuple[SearchSuspension, ...]:
    """A suspension cannot outlive the case: those that would still run after `day` end on it,
    and one planned to start after `day` is cancelled (ends on `day`, before its start)."""
    return tuple(s._replace(ended_on=day) if s.ended_on is None and s.until > day else s
                 for s in suspensions)


def accept(case: Case, day: date, today: date, counsellor: str | None = None) -> Case:
    status = _begin(case, Action.ACCEPT, day, today)
    due = mandate_due(day, case.months)
    # the counsellor given, or the one assigned while the referral waited (`optima assign`)
    named = text.optional_name(counsellor, "receiving_counsellor") or case.receiving_counsellor
    return case._replace(status=status, decided_on=day, receiving_counsellor=named,
                         due_on=due, first_due_on=due)


def reject(case: Case, day: date, today: date, reason: RejectReason,
           note: str | None = None) -> Case:
    require_note(reason, note)
    status = _begin(case, Action.REJECT, day, today)
    return case._replace(status=status, decided_on=day, reason=reason.value,
                   reason_note=text.free_text(note, "reason_note"))


def withdraw(case: Case, day: date, today: date, reason: WithdrawReason,
             note: str | None = None) -> Case:
    """The client's consent, if that is the reason, is withdrawn too: see `consent_withdrawal`."""
    require_note(reason, note, "withdraw_reason", "withdraw_note")
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
        raise OptimaError.refused("extend-after-mandate", "on", case=case.case_id, day=day,
                                  due_on=case.due_on)
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
    # the one running on `day`, or else one planned ahead: resuming before its start cancels it
    running = case.running_suspension(day) or case.next_planned_suspension(day)
    if running is None:
        raise OptimaError.refused("nothing-to-resume", case=case.case_id, day=day)
    return case._replace(status=status, suspensions=tuple(
        s._replace(ended_on=day) if s is running else s for s in case.suspensions))


def close(case: Case, day: date, today: date, outcome: Outcome, cause: Cause | None = None,
          employed: bool | None = None, note: str | None = None,
          handback: str | None = None) -> Case:
    """Closed; `handback` is the summary for the referrer (issue 18), unread until they read it."""
    check_close(outcome, cause)
    status = _begin(case, Action.CLOSE, day, today)
    return case._replace(status=status, closed_on=day, outcome=outcome.value,
                   cause=cause.value if cause else None, employed=employed,
                   close_note=text.free_text(note, "close_note"),
                   handback=text.free_text(handback, "handback"), handback_read_on=None,
                   suspensions=_ended_by(case.suspensions, day))
