"""Who `optima notify` mails, and what it delivered (issue 18): the units' contact addresses, the
counsellors' addresses (table counsellor) and the items sent (table notice). What goes to whom
is decided in rules/notices.py; workflow/notify.py sends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from optima_cli.records.models import Counsellor, Institution, Notice


def unit_ids(session: Session) -> list[int]:
    return list(session.scalars(select(col(Institution.id))))


def contact_addresses(session: Session) -> dict[str, str | None]:
    """Each unit's contact e-mail, by its code (None: none)."""
    return {i.code: i.contact_email for i in session.exec(select(Institution))}


def counsellors(session: Session, unit_ids: Sequence[int] | None = None) -> list[tuple[str, str, str]]:
    """(unit code, name, e-mail) of the counsellors with an address, of these units or of all,
    by unit and name."""
    query = (select(col(Institution.code), col(Counsellor.name), col(Counsellor.email))
             .join(Institution, col(Institution.id) == col(Counsellor.institution_id))
             .order_by(col(Institution.code), col(Counsellor.name)))
    if unit_ids is not None:
        query = query.where(col(Counsellor.institution_id).in_(list(unit_ids)))
    return [(code, name, email) for code, name, email in session.execute(query)]


def counsellor(session: Session, institution_id: int, name: str) -> Counsellor | None:
    return session.exec(select(Counsellor).where(Counsellor.institution_id == institution_id,
                                                 Counsellor.name == name)).first()


def set_counsellor(session: Session, institution_id: int, name: str, email: str | None) -> str | None:
    """Write a counsellor's address (None removes them); the address before."""
    row = counsellor(session, institution_id, name)
    before = row.email if row else None
    if email is None and row is not None:
        session.delete(row)
    elif email is not None:
        row = row or Counsellor(institution_id=institution_id, name=name, email=email)
        row.email = email
        session.add(row)
    return before


def sent(session: Session) -> set[tuple[str, str]]:
    """(address, item) of every item delivered so far, the address in lower case."""
    return {(r.lower(), k) for r, k in session.execute(
        select(col(Notice.recipient), col(Notice.item)))}


def delivered(session: Session, to: str, items: Sequence[str], now: datetime) -> None:
    """Record the items the mail server took for an address."""
    for item in items:
        session.add(Notice(recipient=to, item=item, sent_at=now))
