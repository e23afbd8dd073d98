"""The referrals an access criterion refused (every hurdle counted, issue 16): written, in their
own transaction, by workflow/cases.py at the refusal, and counted by the report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session

from optima_cli.records.models import Refusal, RefusalRule


def record(session: Session, day: date, referrer_id: int, receiver_id: int,
           rules: Iterable[str], justifiable: bool) -> None:
    """One refused `refer`: the day, the two units and the rules; no person, no client."""
    refusal = Refusal(refused_on=day, referrer_id=referrer_id, receiver_id=receiver_id,
                      justifiable=justifiable)
    session.add(refusal)
    session.flush()
    for rule in sorted(set(rules)):
        session.add(RefusalRule(refusal_id=refusal.id or 0, rule=rule))
