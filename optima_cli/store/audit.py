"""The audit trail: every change and every read of personal data, chained by hashes.

Each event's hash covers the previous event's hash and the event's own fields, with the personal
payload (values before and after) included only as its hash, so that the payload can be erased later
(anonymization) and the chain still verifies.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from optima_cli.store.models import AuditEvent

GENESIS = "0" * 64


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default,
                      separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    fields = [
        event.prev_hash, event.at.isoformat(), event.actor, event.action, event.entity,
        event.entity_ref, event.client_id, event.referral_id,
        event.on_date.isoformat() if event.on_date else None, event.source, event.payload_hash,
    ]
    return sha256(canonical(fields))


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict, dict]:
    """Only the values that changed, before and after."""
    before = before or {}
    after = after or {}
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return ({k: before.get(k) for k in keys if k in before},
            {k: after.get(k) for k in keys if k in after})


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
) -> AuditEvent:
    """Append one event to the trail, inside the caller's transaction."""
    previous = session.exec(
        select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
    ).first()
    payload = canonical({"before": before, "after": after}) if (before or after) else None
    event = AuditEvent(
        at=now, actor=actor, action=action, entity=entity, entity_ref=entity_ref,
        client_id=client_id, referral_id=referral_id, on_date=on_date, source=source,
        payload=payload, payload_hash=sha256(payload or ""), prev_hash=previous or GENESIS,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    return event


def history(session: Session, *, referral_id: int | None = None,
            client_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent)
    if referral_id is not None:
        query = query.where(AuditEvent.referral_id == referral_id)
    if client_id is not None:
        query = query.where(AuditEvent.client_id == client_id)
    return list(session.exec(query.order_by(col(AuditEvent.id))))
