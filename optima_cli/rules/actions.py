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

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import clients as client_rules
from optima_cli.rules import criteria, lifecycle, text
from optima_cli.rules.codes import Cause, RejectReason, Result, Status, Topic, WithdrawReason
from optima_cli.rules.codes import Outcome as CloseOutcome
from optima_cli.rules.dates import ensure_not_future
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
    forward: Forwarding | None = None  # a forwarding to another unit (issue 18), which the store keeps


class Forwarding(NamedTuple):
    """A referral forwarded (`forward`): from which unit to which, on which day."""

    from_unit: str
    to_unit: str
    on: date


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
          note: str | None = None, handback: str | None = None) -> Outcome:
    return _changed(client, case, lifecycle.close(case, day, today, outcome, cause, employed, note,
                                                  handback), Action.CLOSE, day)


# --- between the institutions (issue 18): assign, forward, the handback read -------------------
# New actions beside the life cycle's (they change no status): their audit actions are these.
ASSIGN, FORWARD, HANDBACK_READ = "assign", "forward", "handback-read"


def _dated(case: Case, action: str, day: date, today: date) -> None:
    """An action of these on `day`: not in the future, not before the case's latest event."""
    ensure_not_future(day, today, action)
    earlier, event = lifecycle.latest_event(case, today)
    if day < earlier:
        raise OptimaError.refused("out-of-order", "on", action=action, day=day, event=event,
                                  earlier=earlier)


def assign(case: Case, client: Person, counsellor: str | None, day: date, today: date) -> Outcome:
    """Who works the case at the receiver (its receiving counsellor), for a referred or an
    accepted case; a change of counsellor is history (the event keeps before and after), not a
    new referral."""
    if case.status not in (Status.REFERRED, Status.ACCEPTED):
        raise OptimaError.refused("assign-not-open", case=case.case_id, status=case.status)
    named = text.optional_name(counsellor, "counsellor")
    if named is None:
        raise UsageProblem.refused("value-required", "counsellor")
    if named == case.receiving_counsellor:
        raise OptimaError.refused("assign-unchanged", case=case.case_id, counsellor=named)
    _dated(case, ASSIGN, day, today)
    after = case._replace(receiving_counsellor=named)
    return Outcome(client=client, case=after, events=(Event(
        ASSIGN, "referral", day, {"receiving_counsellor": case.receiving_counsellor},
        {"receiving_counsellor": named}),))


def forward(case: Case, client: Person, to: Unit, open_case: str | None, day: date, today: date,
            note: str | None = None, settings: Settings = DEFAULTS) -> Outcome:
    """An undecided referral sent on to another unit of the same kind (the right municipal social
    service), keeping its case id, dates and history. The criteria that look at the receiver
    (`criteria.RECEIVER_RULES`: `open_case`, the client's open case to `to`) are judged as `refer`
    judges them; a forwarding has no justification, so any block refuses it. The decision
    deadline still counts from the referral: the client waits since then."""
    if case.status != Status.REFERRED:
        raise OptimaError.refused("forward-not-referred", case=case.case_id, status=case.status)
    if to.code == case.receiver.code:
        raise OptimaError.refused("forward-same-unit", "to", case=case.case_id, receiver=to.code)
    if to.kind != case.receiver.kind:
        raise OptimaError.refused("forward-other-kind", "to", case=case.case_id, receiver=to.code,
                                  kind=to.kind.value, current=case.receiver.code,
                                  current_kind=case.receiver.kind.value)
    cleaned = text.free_text(note, "note")
    _dated(case, FORWARD, day, today)
    findings = lifecycle.judge(facts_of(client), case.referrer, to, day,
                               tuple(Topic(t) for t in case.topics), open_case,
                               settings=settings)
    blocked = [f for f in findings
               if f.rule in criteria.RECEIVER_RULES and f.result == Result.BLOCK]
    if blocked:
        raise OptimaError.refused("forward-refused", "to", case=case.case_id, receiver=to.code,
                                  reasons=[f.as_dict() for f in blocked])
    # the new unit assigns its own counsellor: one assigned at the old unit does not go along
    after = case._replace(receiver=to, receiving_counsellor=None)
    before = {"receiver": case.receiver.code}
    moved: dict[str, Any] = {"receiver": to.code, "note": cleaned}
    if case.receiving_counsellor is not None:
        before["receiving_counsellor"], moved["receiving_counsellor"] = case.receiving_counsellor, None
    return Outcome(client=client, case=after, forward=Forwarding(case.receiver.code, to.code, day),
                   events=(Event(FORWARD, "referral", day, before, moved),))


def read_handback(case: Case, client: Person, today: date) -> Outcome:
    """The referrer has read the handback of a closed case: it leaves their inbox. Refused if
    the case has none."""
    if not case.handback:
        raise OptimaError.refused("no-handback", case=case.case_id, status=case.status)
    if case.handback_read_on is not None:  # read before: nothing changes
        return Outcome(client=client, case=case)
    return Outcome(client=client, case=case._replace(handback_read_on=today), events=(Event(
        HANDBACK_READ, "referral", today, {"handback_read_on": None}, {"handback_read_on": today}),))
