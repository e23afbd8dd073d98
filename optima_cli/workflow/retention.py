"""Retention: `anonymize` removes the personal data of clients whose every referral has ended.

Codes and dates stay, so every report figure stays the same; the audit events keep their hashes,
so the trail still verifies; the file is compacted afterwards, so the erased values are gone from
its pages too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from optima_cli.rules.identity import format_client_id
from optima_cli.store import audit, maintenance, queries

from optima_cli.workflow.context import Context

ANONYMIZED_NAME = "(anonymized)"
ERASED = "(erased)"


def anonymize(ctx: Context, closed_before: date, dry_run: bool = False) -> dict[str, Any]:
    with ctx.write() as session:
        ids = queries.clients_ended_before(session, closed_before)
        result = {"closed_before": closed_before, "dry_run": dry_run, "clients": len(ids),
                  "ids": [format_client_id(i) for i in ids], "events_erased": 0}
        if dry_run or not ids:
            return result
        for client in session.exec(queries.select_clients(ids)).scalars():
            client.name, client.name_key = ANONYMIZED_NAME, None
            client.ahv = client.birth_date = client.municipality = client.external_ref = None
            client.anonymized_on = ctx.today
            session.add(client)
        for referral in session.exec(queries.select_referrals_of(ids)).scalars():
            referral.reason_note = referral.close_note = None
            if referral.override:  # the justification may tell of health: keep only that there was one
                referral.override = ERASED
            session.add(referral)
            for suspension in queries.suspensions_of(session, referral.id or 0):
                suspension.note = None
                session.add(suspension)
        result["events_erased"] = audit.erase_payloads(session, ids)
        audit.record(session, actor=ctx.user, action="anonymize", entity="database",
                     entity_ref=ctx.db.location.name, now=ctx.now(), source=ctx.source,
                     after={"closed_before": closed_before, "clients": len(ids)})
    maintenance.compact(ctx.db)
    return result



