"""Every action decided once, for the commands and the import alike.

Each action is a pure function: given the state loaded by a store (the client as a `Person`, the
case as a `lifecycle.Case`, what the store's queries found), the request and the day, it returns an
`Outcome` (the client and the case as the action leaves them, and the audit events as data) or
raises the refusal. It writes nothing: the per-command store (`store/session_store.py`) or the
import's batch store (`store/batch_store.py`) saves the outcome and fills in the ids. The audit
payloads are built here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NamedTuple

from optima_cli.errors import OptimaError, ReferralBlocked, UsageProblem
from optima_cli.rules import clients as client_rules
from optima_cli.rules import criteria, lifecycle, text
from optima_cli.rules.codes import Cause, RejectReason, Status, Topic, WithdrawReason
from optima_cli.rules.codes import Outcome as CloseOutcome
from optima_cli.rules.identity import format_case_id, format_client_id
from optima_cli.rules.lifecycle import Action, Case, Unit
from optima_cli.rules.records import (
    CLIENT_FACTS,
    case_changes,
    case_snapshot,
    client_record,
    diff,
)
from optima_cli.rules.settings import DEFAULTS, Settings

# the field of a case that keeps the version of the settings its criteria were judged under
SETTINGS_VERSION = "settings_version"

# the audit action of a correction (`amend`)
AMEND = "amend"

# what a client's events name the client by, in their payloads: filled in by the store with the id
CLIENT_KEY = "client"


@dataclass(eq=False, slots=True)
class ClientKey:
    """Who a client is to a store: the database id once written (None until then; the batch store
    writes new clients in bulk), and the order in which clients were registered."""

    id: int | None
    order: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Person:
    """A client as the actions see it: the values of their row (never changed in place)."""

    key: ClientKey
    institution: str  # the code of the unit where the client is registered
    institution_id: int
    name: str | None
    name_key: str | None
    birth_date: date | None
    ahv: str | None = None
    municipality: str | None = None
    counsellor: str | None = None
    external_ref: str | None = None
    consent_on: date | None = None
    consent_withdrawn_on: date | None = None
    iv_rejected_on: date | None = None
    iv_procedure_open: bool = False
    iv_measures_running: bool = False
    work_capacity: str | None = None
    work_capacity_assessed_on: date | None = None
    rav_registered_until: date | None = None
    health_suspected: bool = False
    anonymized_on: date | None = None

    @property
    def id(self) -> int | None:
        return self.key.id


def facts_of(client: Any) -> criteria.Facts:
    """What the access criteria look at of a client (a Person, or a stored Client)."""
    return criteria.Facts(**{name: getattr(client, name) for name in CLIENT_FACTS})


# the values of a client that an action can set (not who they are to the store)
PERSON_VALUES = tuple(f for f in Person.__dataclass_fields__ if f not in ("key", "institution"))


@dataclass(frozen=True, slots=True)
class Event:
    """An audit event as data: the store adds who, when, the client's and the case's ids (and
    the client's id to a payload's "client"), and chains it on."""

    action: str
    entity: str  # "client" or "referral"
    on_date: date | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    why: str | None = None  # the justification of a correction (amend, undo, reopen), kept in the payload


# how a store writes the client of an outcome
INSERT, UPDATE, QUIET = "insert", "update", "quiet"  # QUIET: without touching updated_at


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an action decided: the client and the case as they are now, what to write of them,
    the findings of a referral, and the audit events in their order."""

    client: Person
    client_write: str | None = None  # INSERT, UPDATE, QUIET or None (unchanged)
    case: Case | None = None
    case_seq: int | None = None  # set for a new case (refer), which the store inserts
    findings: tuple[criteria.Finding, ...] = ()
    recorded_findings: tuple[dict[str, str], ...] = ()  # as the referral row and the event keep them
    events: tuple[Event, ...] = field(default=())


def refuse_anonymized(client: Person, correcting: bool) -> None:
    """A client whose personal data was erased (`optima anonymize`) takes no referral and no
    correction: the person is registered again."""
    if not (client.anonymized_on or client.birth_date is None):
        return
    who, when = format_client_id(client.id or 0), client.anonymized_on
    if correcting:
        raise OptimaError.refused("anonymized-update", client=who, anonymized_on=when)
    raise OptimaError.refused("anonymized-refer", client=who, anonymized_on=when)


def refuse_duplicate(person: Person, duplicate_of: Callable[[Person], Person | None]) -> None:
    """Another client with the same AHV number, or the same name and birth date, is refused."""
    other = duplicate_of(person)
    if other is not None:
        raise client_rules.duplicate(other.id or 0, bool(person.ahv and other.ahv == person.ahv))


def register(values: dict[str, Any], registered_at: Unit, institution_id: int, key: ClientKey,
             duplicate_of: Callable[[Person], Person | None]) -> Outcome:
    """A new client; `values` are cleaned (`rules.clients.clean`) and complete (`require`),
    without the unit."""
    person = Person(key=key, institution=registered_at.code, institution_id=institution_id,
                    **{k: v for k, v in values.items() if v is not None})
    client_rules.check_consent(person.consent_on, person.birth_date)  # type: ignore[arg-type]
    client_rules.check_work_capacity(person.work_capacity, person.work_capacity_assessed_on,
                                     person.birth_date)  # type: ignore[arg-type]
    refuse_duplicate(person, duplicate_of)
    record = client_record(person, person.institution)
    return Outcome(client=person, client_write=INSERT, events=(
        Event(action="register", entity="client", on_date=None, before=None, after=record),))


def update_client(client: Person, values: dict[str, Any], institution: tuple[str, int] | None,
                  duplicate_of: Callable[[Person], Person | None],
                  first_referral: Callable[[], tuple[str, date] | None]) -> Outcome:
    """A client's values corrected or completed; `values` are cleaned, without the unit, which
    is `institution` (code, id) if it changes. The event records what changed."""
    refuse_anonymized(client, correcting=True)
    changed = replace(client, **values)
    if institution is not None:
        changed = replace(changed, institution=institution[0], institution_id=institution[1])
    client_rules.check_consent(changed.consent_on, changed.birth_date)  # type: ignore[arg-type]
    client_rules.check_work_capacity(changed.work_capacity, changed.work_capacity_assessed_on,
                                     changed.birth_date)  # type: ignore[arg-type]
    if "birth_date" in values:
        client_rules.check_born_before_referral(changed.birth_date, first_referral())  # type: ignore[arg-type]
    refuse_duplicate(changed, duplicate_of)
    before, after = diff(client_record(client, client.institution),
                         client_record(changed, changed.institution))
    events = (Event(action="client-update", entity="client", on_date=None, before=before,
                    after=after),) if before or after else ()
    return Outcome(client=changed, client_write=UPDATE, events=events)


def refer(client: Person, seq: int, referrer: Unit, receiver: Unit, open_case: str | None,
          topics: tuple[Topic, ...], months: int, day: date, today: date, goal: str | None = None,
          counsellor: str | None = None, override: str | None = None,
          given: tuple[tuple[str, Any], ...] = (), settings: Settings = DEFAULTS) -> Outcome:
    """A new case after the access criteria (`lifecycle.check_referral` has passed; `months` and
    `override` as it returned them; `given` the case's fields the life cycle does not hold, among
    them the answer the criteria read, `workable`), judged under the steering group's
    `settings`, whose version the case keeps. The event holds the case with its findings (as
    keys and values)."""
    refuse_anonymized(client, correcting=False)
    case, findings = lifecycle.refer(
        case_id=format_case_id(day.year, seq), referrer=referrer, receiver=receiver,
        facts=facts_of(client), birth_date=client.birth_date,  # type: ignore[arg-type]
        open_case=open_case, topics=topics, months=months, day=day, goal=goal,
        counsellor=counsellor, client_counsellor=client.counsellor, override=override,
        workable=dict(given).get("workable"), settings=settings)
    given = (*((name, value) for name, value in given if name != SETTINGS_VERSION),
             (SETTINGS_VERSION, settings.version))
    case = case._replace(given=given)
    snapshot = case_snapshot(case, client.id or 0, today)
    recorded = [f.as_dict() for f in findings]  # in English
    snapshot["findings"] = recorded
    return Outcome(client=client, case=case, case_seq=seq, findings=tuple(findings),
                   recorded_findings=tuple(recorded),
                   events=(Event(action="refer", entity="referral", on_date=day, before=None,
                                 after=snapshot),))


def _changed(client: Person, before: Case, after: Case, action: Action, day: date,
             *first: Event, client_write: str | None = None, changed: Person | None = None) -> Outcome:
    """The outcome of an action on a case: the new state, and the event with the differences."""
    old, new = case_changes(before, after)
    return Outcome(client=changed or client, client_write=client_write, case=after,
                   events=(*first, Event(action.value, "referral", day, old, new)))


def accept(case: Case, client: Person, day: date, today: date,
           counsellor: str | None = None) -> Outcome:
    return _changed(client, case, lifecycle.accept(case, day, today, counsellor), Action.ACCEPT, day)


def reject(case: Case, client: Person, day: date, today: date, reason: RejectReason,
           note: str | None = None) -> Outcome:
    return _changed(client, case, lifecycle.reject(case, day, today, reason, note), Action.REJECT, day)


def withdraw(case: Case, client: Person, day: date, today: date, reason: WithdrawReason,
             note: str | None = None) -> Outcome:
    """Withdrawn; withdrawn consent also ends the client's consent (`consent_withdrawal`), with
    its own event before the case's."""
    after = lifecycle.withdraw(case, day, today, reason, note)
    withdrawn = lifecycle.consent_withdrawal(reason, client.consent_withdrawn_on, day)
    if withdrawn is None:
        return _changed(client, case, after, Action.WITHDRAW, day)
    consent = Event(action="client-update", entity="client", on_date=day,
                    before={"consent_withdrawn_on": client.consent_withdrawn_on},
                    after={"consent_withdrawn_on": withdrawn})
    return _changed(client, case, after, Action.WITHDRAW, day, consent, client_write=QUIET,
                    changed=replace(client, consent_withdrawn_on=withdrawn))


def extend(case: Case, client: Person, day: date, today: date) -> Outcome:
    return _changed(client, case, lifecycle.extend(case, day, today), Action.EXTEND, day)


def suspend_search(case: Case, client: Person, day: date, today: date, until: date,
                   note: str | None = None) -> Outcome:
    return _changed(client, case, lifecycle.suspend_search(case, day, today, until, note),
                    Action.SUSPEND_SEARCH, day)


def resume_search(case: Case, client: Person, day: date, today: date) -> Outcome:
    return _changed(client, case, lifecycle.resume_search(case, day, today), Action.RESUME_SEARCH, day)


def close(case: Case, client: Person, day: date, today: date, outcome: CloseOutcome,
          cause: Cause | None = None, employed: bool | None = None,
          note: str | None = None) -> Outcome:
    return _changed(client, case, lifecycle.close(case, day, today, outcome, cause, employed, note),
                    Action.CLOSE, day)


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
        elif event.action in UNDOABLE or event.action in ("refer", "amend"):
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
        restored = case._replace(status=Status.REFERRED.value, decided_on=None,
                                 receiving_counsellor=None, due_on=None, first_due_on=None)
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
            employed=None, close_note=None,
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


def reopen(case: Case, client: Person, why: str, today: date, history: tuple[Recorded, ...],
           open_case: str | None = None) -> Outcome:
    """A closing or a withdrawal made by mistake taken back: the case is open again with its
    mandate (accepted, or referred if it was withdrawn before a decision)."""
    return undo(case, client, why, today, history, open_case, only=REOPENABLE, action="reopen")


def amend(case: Case, client: Person, changes: dict[str, Any], why: str | None, today: date,
          open_case: str | None = None, settings: Settings = DEFAULTS) -> Outcome:
    """A correction of what was recorded (`lifecycle.amend`, by the rules of the actions that
    recorded it), with `why`. When the referral date or the topics change, the access criteria
    are judged again as of the referral date, as `refer` judges them (`open_case`: another open
    referral of the client to the receiver; `settings`: those the case was judged under): a
    never rule refuses the correction, a hard rule needs the justification already recorded, and
    the new findings replace the stored ones. The event keeps the changed values before and
    after, and the why."""
    reason = justification(why)
    if not changes:
        raise UsageProblem.refused("amend-nothing", case=case.case_id)
    after = lifecycle.amend(case, changes, today)
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
    if not old and not new:
        raise OptimaError.refused("amend-unchanged", case=case.case_id)
    recorded = tuple(f.as_dict() for f in findings)
    if findings:
        new["findings"] = list(recorded)
    return Outcome(client=client, case=after, findings=findings, recorded_findings=recorded,
                   events=(Event(AMEND, "referral", None, old, new, why=reason),))
