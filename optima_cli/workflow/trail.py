"""The audit trail as users see it: `audit verify` and `audit list`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from optima_cli.store import audit
from optima_cli.workflow import lookup
from optima_cli.workflow.context import Context


def verify(ctx: Context) -> dict[str, Any]:
    with ctx.read() as session:
        verdict = audit.verify(session)
    return {"ok": verdict.ok, "events": verdict.events, "head": verdict.head,
            "event": verdict.event_id, "problem": verdict.problem}


def listing(ctx: Context, case: str | None = None, client: str | None = None,
            user: str | None = None, since: date | None = None,
            limit: int | None = None) -> list[dict[str, Any]]:
    """Who did what when: the events, without the recorded values (they hold personal data)."""
    with ctx.read() as session:
        referral_id = lookup.referral(session, case).id if case else None
        client_id = lookup.client(session, client).id if client else None
        start = datetime.combine(since, time.min).astimezone(UTC) if since else None
        found = audit.events(session, referral_id=referral_id, client_id=client_id, actor=user,
                             since=start, limit=limit)
    return [{"id": e.id, "at": e.at, "user": e.actor, "action": e.action, "entity": e.entity,
             "ref": e.entity_ref, "on": e.on_date, "source": e.source,
             "erased": e.payload_erased} for e in found]
