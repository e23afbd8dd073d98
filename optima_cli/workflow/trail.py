"""The audit trail as users see it: `audit verify` and `audit list`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from optima_cli.errors import UsageProblem
from optima_cli.language import t
from optima_cli.rules import access as access_rules
from optima_cli.rules.corrections import AMEND
from optima_cli.store import access, audit, audit_verify
from optima_cli.workflow import lookup
from optima_cli.workflow.context import Context


def verify(ctx: Context, expect: str | None = None) -> dict[str, Any]:
    """The verdict on the trail; `expect` is the hash of an event noted elsewhere (a head printed
    by an earlier verify), which must still be in the chain."""
    if expect is not None:
        expect = expect.strip().lower()
        if not audit.is_hash(expect):
            raise UsageProblem(t("--expect takes the hash of an event as audit verify prints it "
                                 "(64 hexadecimal digits)"), field="--expect")
    with ctx.read() as session:
        access_rules.require("all", **access.standing(session))
        verdict = audit_verify.verify(session, expect)
    result = {"ok": verdict.ok, "events": verdict.events, "head": verdict.head,
              "event": verdict.event_id, "problem": verdict.problem}
    if expect is not None:
        result["expected"] = verdict.expected
    return result


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
             "erased": e.payload_erased, **_correction(e)} for e in found]


def _correction(event: Any) -> dict[str, Any]:
    """What a correction changed (an amendment: the names of the fields, not their values) and
    why (an amendment, an undo, a reopen)."""
    fields = (sorted(audit.changed_keys(event.payload) - {"findings"}) if event.action == AMEND
              else None)
    return {"fields": fields, "why": audit.why_of(event.payload)}
