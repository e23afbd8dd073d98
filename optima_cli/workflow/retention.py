"""Retention: `anonymize` removes the personal data of clients whose every referral has ended.

Codes and dates stay, so every report figure stays the same; the audit events keep their hashes,
so the trail still verifies. The free text of their referrals goes too, the goal included (it
may name the person), the text of their cases' journal entries (issue 18) and measures (issue 19); the counsellors'
and the entries' authors' names stay (staff, not the client; `examples` never shows them). The
file is compacted afterwards, so the erased values are gone from its pages too. When that cannot
be done (another connection keeps reading, or optima is killed first), the database says so
(meta `compaction_pending`, written with the erasure), `doctor` reports it, and the next
`anonymize` finishes it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from optima_cli.errors import OptimaError
from optima_cli.language import t
from optima_cli.rules import access as access_rules
from optima_cli.rules.identity import format_client_id
from optima_cli.rules.records import FREE_TEXT
from optima_cli.store import access, audit, joint, maintenance, measures, queries
from optima_cli.store import followup as followups
from optima_cli.store.engine import delete_meta, read_meta, write_meta
from optima_cli.store.maintenance import COMPACTION_PENDING
from optima_cli.workflow.context import Context

ANONYMIZED_NAME = "(anonymized)"
ERASED = "(erased)"


def anonymize(ctx: Context, closed_before: date, dry_run: bool = False) -> dict[str, Any]:
    """Erase, then compact. `compacted` in the result is False when the erased values may still
    be in the file (`compaction_problem` says why); `server_note` on PostgreSQL says what the
    server itself may still hold."""
    if closed_before > ctx.today:
        raise OptimaError(t("--closed-before {day} is after today ({today}): it would take clients "
                            "whose referrals have not ended, or who registered today; give a day "
                            "up to today", day=closed_before, today=ctx.today),
                          field="--closed-before")
    with ctx.write() as session:
        access_rules.require("admin", **access.standing(session))
        ids = queries.clients_ended_before(session, closed_before)
        pending = read_meta(session, COMPACTION_PENDING)
        result: dict[str, Any] = {
            "closed_before": closed_before, "dry_run": dry_run, "clients": len(ids),
            "ids": [format_client_id(i) for i in ids], "events_erased": 0,
            "compacted": pending is None}
        if ids and not dry_run:
            result["events_erased"] = _erase(ctx, session, ids, closed_before)
            pending = closed_before.isoformat()
            write_meta(session, COMPACTION_PENDING, pending)  # cleared only once compacted
    if dry_run or pending is None:
        return result
    problem = maintenance.compact(ctx.db)
    if problem is None:
        with ctx.write() as session:
            delete_meta(session, COMPACTION_PENDING)
        maintenance.checkpoint(ctx.db)
    result["compacted"] = problem is None
    result["compaction_problem"] = problem
    result["compaction_day"] = pending
    if ctx.db.path is None:
        result["server_note"] = t(
            "the server may still hold the erased values: in its write-ahead log (and a WAL "
            "archive or replicas), and in base backups and pg_dump files made before; the "
            "administrator runs CHECKPOINT, lets old WAL be recycled, and deletes or remakes "
            "those backups (README: retention)")
    return result


def _erase(ctx: Context, session: Any, ids: list[int], closed_before: date) -> int:
    for client in session.exec(queries.select_clients(ids)).scalars():
        client.name, client.name_key = ANONYMIZED_NAME, None
        client.ahv = client.birth_date = client.municipality = client.external_ref = None
        client.anonymized_on = ctx.today
        session.add(client)
    for referral in session.exec(queries.select_referrals_of(ids)).scalars():
        override = referral.override
        for name in FREE_TEXT:  # the goal too: it may name them
            setattr(referral, name, None)
        if override:  # the justification may tell of health: keep only that there was one
            referral.override = ERASED
        session.add(referral)
        for suspension in queries.suspensions_of(session, referral.id or 0):
            suspension.note = None
            session.add(suspension)
        for entry in queries.journal_of(session, referral.id or 0):  # the case journal (issue 18)
            entry.text = entry.struck_why = None  # its day and its author (staff) stay
            session.add(entry)
        followups.erase_text(session, [referral.id or 0])  # the notes of follow-ups (issue 19)
    joint.erase_text(session, ids)  # the goal and notes of their joint strategies (issue 18)
    measures.erase_text(session, [r.id for r in session.exec(  # their measures' notes (issue 19)
        queries.select_referrals_of(ids)).scalars()])
    erased = audit.erase_payloads(session, ids)
    audit.record(session, actor=ctx.user, action="anonymize", entity="database",
                 entity_ref=ctx.db.location.name, now=ctx.now(), source=ctx.source,
                 after={"closed_before": closed_before, "clients": len(ids),
                        "client_ids": ids})  # ids only: what makes the erasures lawful
    return erased
