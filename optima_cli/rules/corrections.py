"""Corrections (issue 17): `amend` a case, `undo` its last action, `reopen` a closing or a
withdrawal made by mistake.

Each is a pure decision like the actions of `rules/actions.py`, whose `Outcome` and `Event` it
returns: it corrects what was recorded through the rules of the action that recorded it
(`rules/lifecycle.py`), and its audit event keeps the justification (`why`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, NamedTuple

from optima_cli.errors import OptimaError, ReferralBlocked, UsageProblem
from optima_cli.rules import criteria, lifecycle, text
from optima_cli.rules.actions import QUIET, Event, Outcome, Person, facts_of, refuse_anonymized
from optima_cli.rules.codes import Cause, RejectReason, Status, Topic, WithdrawReason, parse_code
from optima_cli.rules.codes import Outcome as CloseOutcome
from optima_cli.rules.dates import ensure_not_future
from optima_cli.rules.lifecycle import (
    Action,
    Case,
    check_close,
    dated_events,
    mandate_due,
    parse_months,
    require_note,
)
from optima_cli.rules.records import case_changes, case_snapshot, diff, suspensions_changed
from optima_cli.rules.settings import DEFAULTS, Settings

# the audit action of a correction (`amend`)
AMEND = "amend"


# --- correcting what was recorded (issue 17) ---------------------------------------------------
# `optima amend` corrects a case through the rules of the action that recorded each value: the
# codes are read as the actions read them, the dates are not in the future and keep the order of
# the case's events, the mandate end follows from the acceptance and the months. The access
# criteria are judged again by `amend` below (through `lifecycle.refer`).

# what can be corrected, by the name of the change (the option without its dashes)
AMENDABLE = ("topics", "goal", "months", "referring_counsellor", "receiving_counsellor",
             "referred_on", "decided_on", "closed_on", "outcome", "cause", "reason", "note")

# the order of a case's events: an event of a lower stage is never after one of a higher stage
_STAGE = {"referral": 0, "acceptance": 1, "rejection": 1, "extension": 2, "suspension-start": 2,
          "suspension-end": 2, "withdrawal": 3, "closing": 3}
# the field that holds the day of an event, where `amend` can correct it
_EVENT_FIELD = {"referral": "referred_on", "acceptance": "decided_on", "rejection": "decided_on",
                "closing": "closed_on"}
_DATE_WHAT = {"referred_on": "referral", "closed_on": "close"}


def _applies(case: Case, name: str) -> None:
    """Refuse a change that does not apply to the case in its status, saying what to do instead."""
    status, decided = Status(case.status), case.decided_on is not None
    said: dict[str, Any] = {"case": case.case_id, "status": status.value}
    if name == "decided_on" and not decided:
        raise OptimaError.refused("amend-not-decided", name, **said)
    if name == "receiving_counsellor" and not (decided and status != Status.REJECTED):
        raise OptimaError.refused("amend-not-accepted", name, **said)
    if name in ("closed_on", "outcome", "cause") and status != Status.CLOSED:
        raise OptimaError.refused("amend-not-closed", name, **said)
    if name == "reason" and status == Status.WITHDRAWN:
        raise OptimaError.refused("amend-withdraw-reason", name, **said)
    if name == "reason" and status != Status.REJECTED:
        raise OptimaError.refused("amend-not-rejected", name, **said)
    if name == "note" and status not in (Status.REJECTED, Status.WITHDRAWN, Status.CLOSED):
        raise OptimaError.refused("amend-no-note", name, **said)


def applies(case: Case, name: str) -> bool:
    """Whether the value `name` of AMENDABLE is one the case has in its status (a closing date
    only once closed): what the import compares with a row (importing/rows.py)."""
    try:
        _applies(case, name)
    except OptimaError:
        return False
    return True


def _check_dates(case: Case, amended: set[str], today: date) -> None:
    """The events of the corrected case in their order: no event of a later stage before one of
    an earlier stage; the refusal names the corrected date."""
    events = dated_events(case, today)
    for day, event in events:
        for other_day, other in events:
            if _STAGE[event] >= _STAGE[other] or day <= other_day:
                continue
            # `event` (earlier stage) lies after `other` (later stage): blame a corrected date
            if _EVENT_FIELD.get(other) in amended:
                raise OptimaError.refused("amend-before", _EVENT_FIELD[other], day=other_day,
                                          event=event, other=day)
            raise OptimaError.refused("amend-after", _EVENT_FIELD.get(event, event), day=day,
                                      event=other, other=other_day)


def _check_mandate(case: Case, field: str) -> None:
    """The extension and the job-search suspensions stay inside the recomputed mandate."""
    if case.due_on is None:
        return
    if case.extended_on and case.first_due_on and case.extended_on > case.first_due_on:
        raise OptimaError.refused("amend-extension-outside", field, due_on=case.first_due_on,
                                  extended_on=case.extended_on)
    for s in case.suspensions:
        if not s.cancelled and s.until > case.due_on and (s.ended_on or s.until) > case.due_on:
            raise OptimaError.refused("amend-suspension-outside", field, due_on=case.due_on,
                                      until=s.until)


def corrected_case(case: Case, changes: dict[str, Any], today: date) -> Case:
    """The case with `changes` (by the names of AMENDABLE: text, codes and months as typed,
    dates as dates) applied through the rules of the actions that recorded them; the access
    criteria are not judged here."""
    for name in changes:
        _applies(case, name)
    new = case
    if "goal" in changes:
        new = new._replace(goal=text.free_text(changes["goal"], "goal"))
    if "referring_counsellor" in changes:
        new = new._replace(referring_counsellor=text.optional_name(
            changes["referring_counsellor"], "referring_counsellor"))
    if "receiving_counsellor" in changes:
        new = new._replace(receiving_counsellor=text.optional_name(
            changes["receiving_counsellor"], "receiving_counsellor"))
    if "topics" in changes:  # the same topics in another order are no change
        topics = tuple(t.value for t in _topics(changes["topics"]))
        if set(topics) != set(case.topics):
            new = new._replace(topics=topics)
    if "months" in changes:
        months = parse_months(changes["months"])
        if case.extended_on is not None and months != case.months:
            raise OptimaError.refused("amend-extended", "months", case=case.case_id,
                                      extended_on=case.extended_on)
        new = new._replace(months=months)
    for name in ("referred_on", "decided_on", "closed_on"):
        if name in changes:
            what = _DATE_WHAT.get(name) or ("reject" if case.status == Status.REJECTED else "accept")
            ensure_not_future(changes[name], today, what)
            new = new._replace(**{name: changes[name]})
    if "closed_on" in changes:  # the closing on its corrected day ends what it would have ended
        new = new._replace(suspensions=_ended_by_closing(case, new.closed_on))
    new = _amend_codes(case, new, changes)
    if new.due_on is not None and new.decided_on is not None:  # the mandate follows
        first = 3 if new.extended_on else new.months
        new = new._replace(due_on=mandate_due(new.decided_on, new.months),
                           first_due_on=mandate_due(new.decided_on, first))
    _check_dates(new, {n for n in changes if n.endswith("_on")}, today)
    _check_mandate(new, "months" if "months" in changes else "decided_on")
    return new


def _ended_by_closing(case: Case, day: date | None) -> tuple[lifecycle.SearchSuspension, ...]:
    """The case's suspensions with its closing moved to `day`: those the closing ended run
    again, then, as `close` does, those that would run on after `day` end on it. (A suspension
    resumed on the closing day counts as one the closing ended: the case cannot tell them
    apart.)"""
    assert day is not None
    again = (s._replace(ended_on=None) if s.ended_on == case.closed_on else s
             for s in case.suspensions)
    return tuple(s._replace(ended_on=day) if s.ended_on is None and s.until > day else s
                 for s in again)


def _topics(value: Any) -> tuple[Topic, ...]:
    from optima_cli.rules.codes import parse_topics

    return value if isinstance(value, tuple) else parse_topics(value)


def _amend_codes(case: Case, new: Case, changes: dict[str, Any]) -> Case:
    """The codes of a rejection or a closing and their notes, read and checked as reject and
    close read and check them."""

    if case.status == Status.REJECTED and ("reason" in changes or "note" in changes):
        reason = parse_code(RejectReason, str(changes.get("reason", case.reason) or ""))
        note = changes.get("note", case.reason_note)
        require_note(reason, note)
        return new._replace(reason=reason.value, reason_note=text.free_text(note, "reason_note"))
    if case.status == Status.WITHDRAWN and "note" in changes:
        withdrawn = WithdrawReason(case.reason or "")
        require_note(withdrawn, changes["note"], "withdraw_reason", "withdraw_note")
        return new._replace(reason_note=text.free_text(changes["note"], "withdraw_note"))
    if case.status == Status.CLOSED and {"outcome", "cause", "note"} & changes.keys():
        outcome = parse_code(CloseOutcome, str(changes.get("outcome", case.outcome) or ""))
        given = changes.get("cause")
        if given is None and outcome == CloseOutcome.ACHIEVED:  # an achieved goal has no cause
            cause = None
        else:
            raw = given if given is not None else case.cause
            cause = parse_code(Cause, raw) if raw else None
        check_close(outcome, cause)
        return new._replace(outcome=outcome.value, cause=cause.value if cause else None,
                            close_note=text.free_text(changes.get("note", case.close_note),
                                                      "close_note"))
    return new


# --- taking an action back (issue 17) ------------------------------------------------------------
# The last action is read from the case's audit trail, not from its dates: the trail holds the
# order in which the actions were taken (several on one day, or a suspension planned ahead, are
# in the order they happened, which the dates cannot tell), which suspension a resume-search
# ended, and the client's consent as it was before a withdrawal for withdrawn consent. Undoing
# reverses the action by the rules of the life cycle (what the action set is cleared, what it
# ended runs again), so it does not depend on how old events stored their values.

UNDOABLE = frozenset(a.value for a in Action)
REOPENABLE = frozenset({Action.CLOSE.value, Action.WITHDRAW.value})
TAKEN_BACK = frozenset({"undo", "reopen"})  # events that take back the last action before them
# the actions between the institutions (issue 18): they stand like the others; an assignment is
# taken back, a forwarding is not (forward the referral back: the figures count it)
BETWEEN = ("assign", "forward")
# what was recorded of a case's measures and follow-ups (issue 19) stands like an amendment:
# nothing is undone across it (a measure needs the acceptance, a follow-up the closing)
RECORDS = frozenset({"measure-add", "measure-approve", "measure-decline", "measure-strike",
                     "follow-up", "follow-up-correct"})


class Recorded(NamedTuple):
    """An audit event of a case (or of its client) as the store read it, in the trail's order;
    `before`/`after` as stored (dates as ISO text)."""

    action: str
    on_date: date | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _effective(history: tuple[Recorded, ...]) -> list[tuple[int, Recorded]]:
    """The case's actions that stand (with their place in the history): an undo or a reopen takes
    back the last one standing; an amendment stands like an action (nothing is undone across it)."""
    standing: list[tuple[int, Recorded]] = []
    for i, event in enumerate(history):
        if event.action in TAKEN_BACK:
            if standing:
                standing.pop()
        elif event.action in UNDOABLE or event.action in ("refer", "amend", *BETWEEN, *RECORDS):
            standing.append((i, event))
    return standing


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _resumed_ones(standing: list[tuple[int, Recorded]]) -> set[tuple[str | None, str | None]]:
    """(start, end) of the suspensions that a standing resume-search ended."""
    return {((e.after or {}).get("search_suspended_from") or (e.before or {}).get("search_suspended_from"),
             (e.after or {}).get("search_resumed_on"))
            for _, e in standing if e.action == Action.RESUME_SEARCH.value}


def _running_again(case: Case, day: date,
                   resumed: set[tuple[str | None, str | None]]) -> tuple[lifecycle.SearchSuspension, ...]:
    """The suspensions that a closing or a withdrawal on `day` ended run again (not those a
    resume-search ended that day)."""
    return tuple(s._replace(ended_on=None)
                 if s.ended_on == day and (_iso(s.start_on), day.isoformat()) not in resumed else s
                 for s in case.suspensions)


def _consent_before(history: tuple[Recorded, ...], at: int, day: date) -> tuple[bool, Any]:
    """The client's consent withdrawal day before the withdrawal at `history[at]`, if that
    withdrawal set it (its client-update event comes just before it)."""
    if at > 0:
        event = history[at - 1]
        if (event.action == "client-update" and event.on_date == day
                and "consent_withdrawn_on" in (event.after or {})):
            value = (event.before or {}).get("consent_withdrawn_on")
            return True, date.fromisoformat(value) if isinstance(value, str) else value
    return False, None


def justification(why: str | None) -> str:
    """The required justification of a correction (`--why`), cleaned like other free text."""
    cleaned = text.free_text(why, "why")
    if cleaned is None:
        raise UsageProblem.refused("value-required", "why")
    return cleaned


def undo(case: Case, client: Person, why: str, today: date, history: tuple[Recorded, ...],
         open_case: str | None = None, only: frozenset[str] = UNDOABLE,
         action: str = "undo") -> Outcome:
    """The case as it was before its last action (`history`: its audit events in order), with an
    event `action` that keeps the justification `why` (cleaned by the caller). `only`: the actions
    that may be taken back (reopen: a closing or a withdrawal). `open_case`: the client's open
    case to the same receiver, if any, which a case open again (after a closing, a withdrawal or a
    rejection taken back) would double: refused."""
    refuse_anonymized(client, correcting=True)
    standing = _effective(history)
    if not standing or standing[-1][1].action == "refer":
        if only is REOPENABLE:
            raise OptimaError.refused("reopen-not-ended", case=case.case_id, status=case.status)
        raise OptimaError.refused("nothing-to-undo", case=case.case_id)
    at, last = standing[-1]
    if last.action == "amend":
        raise OptimaError.refused("undo-after-amend", case=case.case_id)
    if last.action in RECORDS and last.action.startswith("follow-up"):
        raise OptimaError.refused("undo-after-follow-up", case=case.case_id)
    if last.action in RECORDS:
        raise OptimaError.refused("undo-after-measure", case=case.case_id)
    if last.action in BETWEEN and only is not REOPENABLE:
        return _undo_between(case, client, last, why, today, action)
    if last.action not in only:
        raise OptimaError.refused("reopen-not-ended", case=case.case_id, status=case.status)
    undone = Action(last.action)
    if open_case is not None and last.action in REOPENABLE | {Action.REJECT.value}:  # open again
        raise OptimaError.refused("reopen-other-open", action=action, case=case.case_id,
                                  open_case=open_case, receiver=case.receiver.code)
    client_after, write = client, None
    first: tuple[Event, ...] = ()
    restored: Case
    if undone == Action.ACCEPT:
        # the counsellor as before the acceptance (one assigned before it stays: issue 18)
        counsellor = (last.before or {}).get("receiving_counsellor", case.receiving_counsellor)
        restored = case._replace(status=Status.REFERRED.value, decided_on=None,
                                 receiving_counsellor=counsellor, due_on=None, first_due_on=None)
    elif undone == Action.REJECT:
        restored = case._replace(status=Status.REFERRED.value, decided_on=None,
                                 reason=None, reason_note=None)
    elif undone == Action.EXTEND:
        restored = case._replace(months=3, extended_on=None, due_on=case.first_due_on)
    elif undone == Action.SUSPEND_SEARCH:
        added = (last.after or {}).get("search_suspended_from")
        keep = list(case.suspensions)
        found = [i for i, s in enumerate(keep) if _iso(s.start_on) == added] or [len(keep) - 1]
        gone = keep.pop(found[-1])
        restored = case._replace(suspensions=tuple(keep))
    elif undone == Action.RESUME_SEARCH:
        start, day = (last.after or {}).get("search_suspended_from"), last.on_date
        match = [i for i, s in enumerate(case.suspensions)
                 if s.ended_on == day and (start is None or _iso(s.start_on) == start)]
        restored = case._replace(suspensions=tuple(
            s._replace(ended_on=None) if match and i == match[-1] else s
            for i, s in enumerate(case.suspensions)))
    elif undone == Action.CLOSE:
        assert case.closed_on is not None
        restored = case._replace(
            status=Status.ACCEPTED.value, closed_on=None, outcome=None, cause=None,
            employed=None, close_note=None, handback=None, handback_read_on=None,
            suspensions=_running_again(case, case.closed_on, _resumed_ones(standing[:-1])))
    else:  # a withdrawal
        assert case.withdrawn_on is not None
        restored = case._replace(
            status=(Status.ACCEPTED if case.decided_on else Status.REFERRED).value,
            withdrawn_on=None, reason=None, reason_note=None,
            suspensions=_running_again(case, case.withdrawn_on, _resumed_ones(standing[:-1])))
        changed, consent = _consent_before(history, at, case.withdrawn_on)
        # given back only as the withdrawal left it (not if changed since, by another case)
        if changed and client.consent_withdrawn_on == case.withdrawn_on != consent:
            first = (Event(action="client-update", entity="client", on_date=today,
                           before={"consent_withdrawn_on": client.consent_withdrawn_on},
                           after={"consent_withdrawn_on": consent}, why=why),)
            client_after, write = replace(client, consent_withdrawn_on=consent), QUIET
    old, new = case_changes(case, restored)
    if undone == Action.SUSPEND_SEARCH:  # the suspension taken back: its days
        old.update(search_suspended_from=gone.start_on, search_suspended_until=gone.until)
    return Outcome(client=client_after, client_write=write, case=restored, events=(
        *first, Event(action, "referral", today, old, {"undone": undone.value, **new}, why=why)))


def _undo_between(case: Case, client: Person, last: Recorded, why: str, today: date,
                  action: str) -> Outcome:
    """Undo an assignment (the counsellor before it is back); a forwarding is refused."""
    before = last.before or {}
    if last.action == "forward":
        raise OptimaError.refused("undo-forward", case=case.case_id, receiver=case.receiver.code,
                                  back=before.get("receiver"))
    restored = case._replace(receiving_counsellor=before.get("receiving_counsellor"))
    old, new = case_changes(case, restored)
    return Outcome(client=client, case=restored, events=(
        Event(action, "referral", today, old, {"undone": last.action, **new}, why=why),))


def reopen(case: Case, client: Person, why: str, today: date, history: tuple[Recorded, ...],
           open_case: str | None = None) -> Outcome:
    """A closing or a withdrawal made by mistake taken back: the case is open again with its
    mandate (accepted, or referred if it was withdrawn before a decision)."""
    return undo(case, client, why, today, history, open_case, only=REOPENABLE, action="reopen")


def amend(case: Case, client: Person, changes: dict[str, Any], why: str | None, today: date,
          open_case: str | None = None, settings: Settings = DEFAULTS,
          followed_up: bool = False) -> Outcome:
    """A correction of what was recorded (`corrected_case`, by the rules of the actions that
    recorded it), with `why`. When the referral date or the topics change, the access criteria
    are judged again as of the referral date, as `refer` judges them (`open_case`: another open
    referral of the client to the receiver; `settings`: those the case was judged under): a
    never rule refuses the correction, a hard rule needs the justification already recorded, and
    the new findings replace the stored ones. The event keeps the changed values before and
    after, and the why."""
    reason = justification(why)
    if not changes:
        raise UsageProblem.refused("amend-nothing", case=case.case_id)
    after = corrected_case(case, changes, today)
    if followed_up and after.closed_on != case.closed_on:  # `followed_up`: follow-ups recorded
        raise OptimaError.refused("amend-closed-followed-up", case=case.case_id)
    findings: tuple[criteria.Finding, ...] = ()
    if after.referred_on != case.referred_on or after.topics != case.topics:
        refuse_anonymized(client, correcting=True)
        try:
            judged, found = lifecycle.refer(
                case_id=case.case_id, referrer=case.referrer, receiver=case.receiver,
                facts=facts_of(client), birth_date=client.birth_date,  # type: ignore[arg-type]
                open_case=open_case, topics=tuple(Topic(t) for t in after.topics),
                months=after.months, day=after.referred_on, goal=after.goal,
                counsellor=after.referring_counsellor, override=case.override,
                workable=dict(case.given).get("workable"), settings=settings)
        except ReferralBlocked as blocked:
            if blocked.code != "referral-blocked":
                raise
            raise ReferralBlocked.refused("amend-blocked", case=case.case_id,
                                          reasons=blocked.values["reasons"]) from None
        after, findings = after._replace(override=judged.override), tuple(found)
    old, new = diff(case_snapshot(case, client.id or 0, today),
                    case_snapshot(after, client.id or 0, today))
    suspensions_changed(old, new, case, after)
    if not old and not new:
        raise OptimaError.refused("amend-unchanged", case=case.case_id)
    recorded = tuple(f.as_dict() for f in findings)
    if findings:
        new["findings"] = list(recorded)
    return Outcome(client=client, case=after, findings=findings, recorded_findings=recorded,
                   events=(Event(AMEND, "referral", None, old, new, why=reason),))
