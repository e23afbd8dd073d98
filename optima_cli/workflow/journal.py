"""The case journal (issue 18): `note` writes a dated entry, `note --strike` strikes a wrong one.

Each is one transaction like the actions of workflow/cases.py: the per-command store loads the
case, its client and its journal, the decision of rules/journal.py decides, the store writes the
entry and its audit event. `show` lists the journal (workflow/case_reads.py), and logs that read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from optima_cli.records.models import JournalEntry
from optima_cli.rules import journal
from optima_cli.workflow import lookup
from optima_cli.workflow.cases import store_of
from optima_cli.workflow.context import Context


def entry_record(row: JournalEntry) -> dict[str, Any]:
    """A journal entry as scripts see it (`show --format json`'s `journal`; keys are a contract)."""
    return {"entry": row.number, "on": row.entry_on, "by": row.author, "at": row.recorded_at,
            "text": row.text, "struck_at": row.struck_at, "struck_by": row.struck_by,
            "struck_why": row.struck_why}


def note(ctx: Context, ref: str, text: str | None, on: date | None = None) -> dict[str, Any]:
    """A new entry in the case's journal, dated `on` (default today); returns it with its case."""
    journal.entry_text(text)  # refused before the case is looked up
    day = on or ctx.today
    with ctx.write() as session:
        store = store_of(ctx, session)
        case, client = store.case(lookup.referral(session, ref))
        written = journal.note(case, client, text, day, ctx.today, store.journal(case.case_id))
        row = store.save_journal(case.case_id, client, written)
        return {"case": case.case_id, **entry_record(row)}


def strike(ctx: Context, ref: str, number: int, why: str | None) -> dict[str, Any]:
    """The entry `number` of the case's journal struck as wrong, with the justification; returns
    it with its case."""
    with ctx.write() as session:
        store = store_of(ctx, session)
        case, client = store.case(lookup.referral(session, ref))
        written = journal.strike(case, client, number, why, ctx.today,
                                 store.journal(case.case_id))
        row = store.save_journal(case.case_id, client, written)
        return {"case": case.case_id, **entry_record(row)}
