"""The audit trail: every change and every read of personal data, chained by hashes.

Each event's hash covers the previous event's hash and the event's own fields, with the personal
payload (values before and after) included only as its hash, so that the payload can be erased later
(anonymization) and the chain still verifies. Writing the trail is here; verifying it is in
audit_verify.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, inspect
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from optima_cli.records.models import AuditEvent, Meta
from optima_cli.store import access

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
LAST_KEY = "optima_last_audit_event"  # in session.info: the event recorded last in this session
CHANGED_KEY = "optima_audit_changed"  # in session.info: events were added in this transaction
START_KEY = "optima_audit_start"  # in session.info: the last hash before this transaction's events


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_json_default,
                              separators=(",", ":"))


def canonical(value: Any) -> str:
    return _CANONICAL.encode(value)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, at: datetime, actor: str, action: str, entity: str,
                entity_ref: str, client_id: int | None, referral_id: int | None,
                on_date: date | None, source: str, payload_hash: str) -> str:
    return sha256(canonical([prev_hash, at.isoformat(), actor, action, entity, entity_ref,
                             client_id, referral_id, on_date.isoformat() if on_date else None,
                             source, payload_hash]))


def event_hash(event: AuditEvent) -> str:
    return chain_hash(event.prev_hash, event.at, event.actor, event.action, event.entity,
                       event.entity_ref, event.client_id, event.referral_id, event.on_date,
                       event.source, event.payload_hash)


def seal(previous: str, event: dict[str, Any]) -> dict[str, Any]:
    """The columns of an event's row, chained after the event whose hash is `previous`: `event`
    holds at, actor, action, entity, entity_ref, client_id, referral_id, on_date and source, and
    the values `before` and `after`, which become the payload (the dict is made into the row)."""
    before, after = event.pop("before", None), event.pop("after", None)
    why = event.pop("why", None)  # the justification of a correction (issue 17), beside them
    # the moment is stored in UTC and read back in UTC: hash it as it will be read, whatever the
    # local time zone of the machine that wrote it (on a Swiss machine, +01:00 would not verify)
    event["at"] = event["at"].astimezone(UTC)
    body = {"before": before, "after": after, **({"why": why} if why else {})}
    payload = canonical(body) if (before or after or why) else None
    payload_hash = sha256(payload or "")
    event.update(payload=payload, payload_erased=False, payload_hash=payload_hash, prev_hash=previous,
                 hash=chain_hash(previous, event["at"], event["actor"], event["action"],
                                  event["entity"], event["entity_ref"], event["client_id"],
                                  event["referral_id"], event["on_date"], event["source"],
                                  payload_hash))
    return event


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_ref: str,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    client_id: int | None = None,
    referral_id: int | None = None,
    on_date: date | None = None,
    source: str = "cli",
    why: str | None = None,
) -> AuditEvent:
    """Append one event to the trail, inside the caller's transaction (which holds the write
    lock, so the last event cannot change under it)."""
    last = session.info.get(LAST_KEY)
    if last is not None and inspect(last).persistent:
        previous = last.hash
    else:  # first event of this transaction, or the last one was rolled back with a savepoint
        previous = _last_hash(session)
        session.info.setdefault(START_KEY, previous)
    event = AuditEvent(**seal(previous, {
        "at": now, "actor": actor, "action": action, "entity": entity, "entity_ref": entity_ref,
        "client_id": client_id, "referral_id": referral_id, "on_date": on_date, "source": source,
        "before": before, "after": after, "why": why}))
    session.add(event)
    session.info[LAST_KEY] = event
    session.info[CHANGED_KEY] = True
    return event


class _Table:
    """The chain read from the table itself (SQLite; a server without access control)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.table = AuditEvent.__table__  # type: ignore[attr-defined]

    def last(self) -> tuple[int, str] | None:
        row = self.session.execute(select(self.table.c.id, self.table.c.hash)
                                   .order_by(self.table.c.id.desc()).limit(1)).first()
        return (row[0], row[1]) if row else None

    def hash_of(self, event_id: int) -> str | None:
        return self.session.execute(select(self.table.c.hash).where(self.table.c.id == event_id)).scalar()

    def count_after(self, event_id: int) -> int:
        return int(self.session.execute(select(func.count()).select_from(self.table).where(
            self.table.c.id > event_id)).scalar_one())

    def first(self) -> str | None:
        return self.session.execute(select(self.table.c.hash).order_by(self.table.c.id).limit(1)).scalar()


def _chain(session: Session) -> _Table | access.Trail:
    """The whole chain, as a writer must see it: on a server with access control a unit's member
    sees only some events, so the tip and the counts come from the owner's functions."""
    return access.Trail(session) if access.guarded(session) else _Table(session)


def _last_hash(session: Session) -> str:
    found = _chain(session).last()
    return found[1] if found else GENESIS


def append(session: Session, events: Iterable[dict[str, Any]], batch: int = 5000) -> int:
    """Append many events in their order, chained in Python and written `batch` at a time; each
    event is a dict as `seal` takes it. Returns how many were written."""
    previous = _last_hash(session)
    session.info.setdefault(START_KEY, previous)
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    rows: list[dict[str, Any]] = []
    written = 0
    for event in events:
        row = seal(previous, event)
        previous = row["hash"]
        rows.append(row)
        if len(rows) >= batch:
            session.execute(insert(table), rows)
            written += len(rows)
            rows = []
    if rows:
        session.execute(insert(table), rows)
        written += len(rows)
    if written:
        session.info.pop(LAST_KEY, None)  # record() after this reads the last hash again
        session.info[CHANGED_KEY] = True
    return written


def write_head(session: Session) -> None:
    """Called by the store just before it commits (store/engine.py: `Database.write`), and by a
    copy before it reads the whole trail. Keep the head of the chain apart (in meta), so that
    removing the last events shows too.

    Written once per transaction, from what is really there after any savepoint rollbacks (or
    earlier, by a caller that reads the whole trail before its commit: a copy).

    The head names the last event, the number of events and the first event's hash. It is only
    ever carried forward from a head that still fits the trail: a head that names an event no
    longer there (or none at all, where the trail was not empty) is left as it is, so that a
    later write never covers up events removed at the end."""
    session.info.pop(LAST_KEY, None)
    start = session.info.pop(START_KEY, GENESIS)
    if not session.info.pop(CHANGED_KEY, False):
        return
    chain = _chain(session)
    last = chain.last()
    if last is None:
        return
    row = session.get(Meta, HEAD_KEY)
    head = Head(0, GENESIS)  # no events yet
    if row is not None:
        try:
            head = Head.parse(row.value)
        except ValueError:
            return  # not a head optima wrote: leave it for verify to name
        named = chain.hash_of(head.last_id)
        if named != head.last_hash:
            return  # its last event was removed or replaced: leave that visible
    elif start != GENESIS:  # the trail had events, but its head is gone: leave that visible
        return
    if head.count is not None and head.first is not None:
        count = head.count + chain.count_after(head.last_id)
        first = head.first
    else:  # a new trail, or a head of the first form ("id:hash"): counted once
        count = chain.count_after(0)
        first = chain.first() or GENESIS
    row = row or Meta(key=HEAD_KEY, value="")
    row.value = str(Head(last[0], last[1], count, first))
    session.add(row)
    session.flush()


@dataclass(frozen=True)
class Head:
    """What meta `audit_head` holds: "last id:last hash:count:first hash" ("id:hash" before the
    count and the first hash were added; still read)."""

    last_id: int
    last_hash: str
    count: int | None = None
    first: str | None = None

    @classmethod
    def parse(cls, value: object) -> Head:
        parts = value.split(":") if isinstance(value, str) else []
        if len(parts) not in (2, 4) or not all(p.isascii() and p.isdigit() for p in parts[::2]) \
                or not all(is_hash(p) for p in parts[1::2]):
            raise ValueError(value)
        if len(parts) == 2:
            return cls(int(parts[0]), parts[1])
        return cls(int(parts[0]), parts[1], int(parts[2]), parts[3])

    def __str__(self) -> str:
        return f"{self.last_id}:{self.last_hash}:{self.count}:{self.first}"


def is_hash(text: str) -> bool:
    """Whether `text` is an event's hash as optima writes it (64 hexadecimal digits, lower case)."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def erase_payloads(session: Session, client_ids: list[int]) -> int:
    """Remove the recorded values of these clients' events; their hashes keep the chain whole."""
    events = session.exec(select(AuditEvent).where(
        col(AuditEvent.client_id).in_(client_ids), col(AuditEvent.payload).is_not(None)))
    n = 0
    for event in events:
        event.payload = None
        event.payload_erased = True
        session.add(event)
        n += 1
    return n


def events(session: Session, *, referral_id: int | None = None, client_id: int | None = None,
           actor: str | None = None, since: datetime | None = None,
           limit: int | None = None, leaving_out: tuple[str, ...] = ()) -> list[AuditEvent]:
    """Events in the trail's order; `leaving_out`: actions not read at all (filtered in SQL)."""
    query = select(AuditEvent)
    if leaving_out:
        query = query.where(col(AuditEvent.action).not_in(leaving_out))
    if referral_id is not None:
        query = query.where(AuditEvent.referral_id == referral_id)
    if client_id is not None:
        query = query.where(AuditEvent.client_id == client_id)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    query = query.order_by(col(AuditEvent.id).desc() if limit else col(AuditEvent.id))
    if limit:
        query = query.limit(limit)
    found = list(session.exec(query))
    return sorted(found, key=lambda e: e.id or 0)


HISTORY_LEAVES_OUT = ("read",)  # a case's history shows what was done to it, not who looked


@dataclass(frozen=True)
class Step:
    """One event of a case's history: what `show` shows of it."""

    at: datetime
    actor: str
    action: str
    on_date: date | None
    payload: str | None


def history_query(referral_id: int) -> Any:
    """The events of a case as its history shows them, in the trail's order: the reads left out
    in SQL (a case shown 50,000 times has 50,000 of them) and only the columns shown read."""
    e = AuditEvent
    return (select_columns(col(e.at), col(e.actor), col(e.action), col(e.on_date), col(e.payload))
            .where(col(e.referral_id) == referral_id, col(e.action).not_in(HISTORY_LEAVES_OUT))
            .order_by(col(e.id)))


def history(session: Session, referral_id: int) -> list[Step]:
    return [Step(*row) for row in session.execute(history_query(referral_id))]




def why_of(payload: str | None) -> str | None:
    """The justification an event keeps beside its values (a correction's), if any."""
    return (json.loads(payload).get("why") if payload else None) or None


def changed_keys(payload: str | None) -> set[str]:
    """The keys of the values an event changed (before and after)."""
    if not payload:
        return set()
    values = json.loads(payload)
    return {*(values.get("before") or {}), *(values.get("after") or {})}
