"""Verifying the audit trail: one streaming pass over the events as they are stored.

Every event's hash is recomputed and chained to the one before; a row that is not what optima
writes (a moment that is not one, bytes instead of text) is named, never a traceback; erased
values are accepted only for clients that a later anonymization event names; and the trail is
anchored three ways: the head in meta (the last event, the count, the first event's hash), every
client and referral named by an event, and a hash noted elsewhere (`--expect`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import exists, func, type_coerce
from sqlalchemy.types import NullType
from sqlmodel import Session, col, select

from optima_cli.language import plural, t
from optima_cli.records import packing
from optima_cli.records.models import AuditEvent, Client, Meta, Referral
from optima_cli.store.audit import GENESIS, HEAD_KEY, Head, chain_hash, sha256


@dataclass(frozen=True)
class Verdict:
    ok: bool
    events: int
    head: str  # hash of the last event: write it down elsewhere to anchor the chain
    event_id: int | None = None  # the first event that does not verify
    problem: str | None = None
    expected: int | None = None  # the event with the hash that was expected (--expect)


class _Malformed(Exception):
    """A value of an event's row that optima never writes (SQLite keeps any type in any column)."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: object, column: str, nullable: bool = False) -> Any:
    if isinstance(value, str) or (nullable and value is None):
        return value
    raise _Malformed(t("its {column} {value} is not text", column=column, value=_shown(value)))


def _number(value: object, column: str) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _Malformed(t("its {column} {value} is not a number", column=column, value=_shown(value)))


def _moment(value: object) -> datetime:
    try:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    raise _Malformed(t("its moment {value} is not a timestamp", value=_shown(value)))


def _day(value: object) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    try:
        if isinstance(value, str) and date.fromisoformat(value).isoformat() == value:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise _Malformed(t("its day {value} is not a date", value=_shown(value)))


def _flag(value: object) -> bool:
    if value in (0, 1):  # True and False too
        return bool(value)
    raise _Malformed(t("its erasure flag {value} is not true or false", value=_shown(value)))


EVENT_COLUMNS = ("id", "at", "actor", "action", "entity", "entity_ref", "client_id",
                 "referral_id", "on_date", "source", "payload", "payload_erased", "payload_hash",
                 "prev_hash", "hash")


@dataclass(frozen=True)
class _Event:
    """An event as read for verification, each value checked for its type."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_ref: str
    client_id: int | None
    referral_id: int | None
    on_date: date | None
    source: str
    payload: str | None
    payload_erased: bool
    payload_hash: str
    prev_hash: str
    hash: str

    @classmethod
    def read(cls, row: Any) -> _Event:
        return cls(row.id, _moment(row.at), _text(row.actor, "actor"), _text(row.action, "action"),
                   _text(row.entity, "entity"), _text(row.entity_ref, "entity_ref"),
                   _number(row.client_id, "client_id"), _number(row.referral_id, "referral_id"),
                   _day(row.on_date), _text(row.source, "source"),
                   _unpacked(_text(row.payload, "payload", nullable=True)), _flag(row.payload_erased),
                   _text(row.payload_hash, "payload_hash"), _text(row.prev_hash, "prev_hash"),
                   _text(row.hash, "hash"))

    def chain_hash(self) -> str:
        return chain_hash(self.prev_hash, self.at, self.actor, self.action, self.entity,
                           self.entity_ref, self.client_id, self.referral_id, self.on_date,
                           self.source, self.payload_hash)


def _unpacked(payload: str | None) -> str | None:
    """A payload as it was hashed: the canonical JSON its stored form holds (records/packing.py);
    one that does not unpack is taken as it is, and its hash names it."""
    return None if payload is None else packing.unpack(payload)


def _raw_events(session: Session) -> Iterable[Any]:
    """Every event in its order, as the database holds it: no value converted on the way (a
    malformed one would raise there), streamed, so that memory does not grow with the trail."""
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    query = select(*(type_coerce(table.c[name], NullType()).label(name) for name in EVENT_COLUMNS))
    return session.execute(query.order_by(table.c.id).execution_options(yield_per=2000))


ERASED = sha256("")  # the payload hash of an event recorded without values


def _anonymized_ids(event: _Event) -> list[int] | int:
    """The clients an anonymization names, or, for one recorded before they were named, how many
    it anonymized."""
    try:
        after = json.loads(event.payload or "{}").get("after")
    except (ValueError, AttributeError):
        return 0
    if not isinstance(after, dict):
        return 0
    ids = after.get("client_ids")
    if isinstance(ids, list):
        return [i for i in ids if isinstance(i, int)]
    clients = after.get("clients")
    return clients if isinstance(clients, int) else 0


def verify(session: Session, expect: str | None = None) -> Verdict:
    """Walk the chain from the first event, in one pass: the first event changed, removed,
    inserted or reordered outside optima is named. Recorded values may be missing only where an
    anonymization later in the chain names the client. Then the anchors: the head kept apart
    (the last event, the number of events, the first one), every client and referral named by
    some event, and, if given, the hash `expect` noted elsewhere."""
    previous, count, last_id, first = GENESIS, 0, None, None
    expected: int | None = None
    erased: dict[int, int] = {}  # client id -> the first of its events with values erased
    anonymized: set[int] | None = None  # clients marked anonymized, read if an old event needs it
    for row in _raw_events(session):
        count += 1
        try:
            event = _Event.read(row)
        except _Malformed as exc:
            return Verdict(False, count, previous, row.id, str(exc))
        if event.payload is not None and sha256(event.payload) != event.payload_hash:
            return Verdict(False, count, previous, event.id, t("its recorded values were changed"))
        if event.payload is None and event.payload_hash != ERASED:
            if not event.payload_erased or event.client_id is None:
                return Verdict(False, count, previous, event.id,
                               t("its recorded values were removed"))
            erased.setdefault(event.client_id, event.id)
        if event.chain_hash() != event.hash:
            return Verdict(False, count, previous, event.id,
                           t("it was changed or inserted outside optima (its hash does not match)"))
        if event.prev_hash != previous:
            return Verdict(False, count, previous, event.id,
                           t("the event before it is not the one it was chained to: events were "
                             "removed, inserted or reordered"))
        if event.action == "anonymize" and erased:
            named = _anonymized_ids(event)
            if isinstance(named, int):  # recorded before anonymizations named their clients
                if anonymized is None:
                    ids = session.exec(select(col(Client.id)).where(
                        col(Client.anonymized_on).is_not(None)))
                    anonymized = {client_id for client_id in ids if client_id is not None}
                named = [c for c in erased if c in anonymized][:named]
            for client_id in named:
                erased.pop(client_id, None)
        if event.hash == expect:
            expected = event.id
        first = first or event.hash
        previous, last_id = event.hash, event.id
    if erased:
        return Verdict(False, count, previous, min(erased.values()),
                       t("its recorded values were removed, but no anonymization names its client"))
    problem = _head_problem(session, count, last_id, previous, first)
    if problem is None:
        problem = _unrecorded_problem(session)
    if problem is None and expect is not None and expected is None:
        problem = (None, t("no event has the hash {hash} that was noted before: it and the events "
                           "after it were removed, or it is of another database", hash=expect))
    if problem is not None:
        return Verdict(False, count, previous, problem[0], problem[1])
    return Verdict(True, count, previous, expected=expected)


def _head_problem(session: Session, count: int, last_id: int | None, last: str,
                  first: str | None) -> tuple[int | None, str] | None:
    """What the head kept apart says against the trail as walked, if anything."""
    table = Meta.__table__  # type: ignore[attr-defined]
    value = session.execute(select(type_coerce(table.c.value, NullType()))
                            .where(table.c.key == HEAD_KEY)).scalar()
    if value is None:
        if count == 0:
            return None, t("the trail holds no event, yet every optima database records its "
                           "creation in it: its events and its head were removed")
        return None, t("the head of the trail (meta audit_head) is missing: events at the end may "
                       "have been removed with it")
    try:
        head = Head.parse(value)
    except ValueError:
        return None, t("the head of the trail {value} is not one optima writes: it was changed "
                       "outside optima", value=_shown(value))
    if last_id is None:
        return None, t("the trail holds no event, but event {head} was recorded last: its events "
                       "were removed", head=head.last_id)
    if head.last_id != last_id:
        return head.last_id, t("the trail ends at event {last}, but event {head} was recorded "
                               "last: events at the end were removed", last=last_id,
                               head=head.last_id)
    if head.last_hash != last:
        return last_id, t("it is not the event recorded last (the head names another hash): "
                          "events at the end were removed or replaced")
    if head.count is not None and head.count != count:
        return None, t("the trail holds {events} events, but {count} were recorded: events were "
                       "removed", events=count, count=head.count)
    if head.first is not None and head.first != first:
        return None, t("the first event is not the one the trail began with: the trail was "
                       "replaced")
    return None


def _unrecorded_problem(session: Session) -> tuple[None, str] | None:
    """Every client and every referral is recorded when made (register, refer or import): one
    that no event names shows that the trail lost events, even with no note kept elsewhere."""
    clients = session.execute(select(func.count()).select_from(Client).where(~exists().where(
        col(AuditEvent.client_id) == Client.id))).scalar_one()
    referrals = session.execute(select(func.count()).select_from(Referral).where(~exists().where(
        col(AuditEvent.referral_id) == Referral.id))).scalar_one()
    if not clients and not referrals:
        return None
    return None, t("{clients} and {referrals} have no event in the trail, though each is recorded "
                   "when made: events were removed",
                   clients=plural(clients, "1 client", "{n} clients", n=clients),
                   referrals=plural(referrals, "1 referral", "{n} referrals", n=referrals))


