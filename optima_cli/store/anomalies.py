"""What doctor looks for in the records: what every command keeps from happening, but a database
may hold all the same (written by an older optima, or changed outside optima). Each is one query;
doctor (workflow/upkeep.py) names what it finds."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from optima_cli.records.models import AuditEvent, Client, Referral, Suspension


def cases_dated_after(session: Session, day: date) -> int:
    """How many cases have an event dated after `day`: none should (every command refuses a date
    in the future), and views as of today rely on that (a writer whose clock ran ahead breaks it).
    A job-search suspension may start later (planned ahead, issue 16), not end earlier later."""
    r, s = Referral, Suspension
    later = or_(*(column > day for column in (col(r.referred_on), col(r.decided_on), col(r.extended_on),
                                              col(r.withdrawn_on), col(r.closed_on))),
                col(r.id).in_(select(col(s.referral_id)).where(col(s.ended_on) > day)))
    return int(session.execute(select(func.count()).select_from(r).where(later)).scalar_one())


def cases_out_of_order(session: Session) -> list[str]:
    """The ids of the cases whose dates are out of order (every action keeps them in order, but
    a database may hold cases from before that rule, or changed directly): decided before
    referred, extended before decided, withdrawn or closed before an earlier event, a suspension
    starting before the decision or after the mandate, ending before the decision, or going on
    after the case ended (unless cancelled before its start: it ended before it began), and a
    client born after being referred. In case id order."""
    r, s, c = Referral, Suspension, Client
    endings = (col(r.withdrawn_on), col(r.closed_on))
    began = or_(col(s.ended_on).is_(None), col(s.ended_on) >= s.start_on)  # not cancelled
    suspension = select(col(s.id)).where(col(s.referral_id) == r.id, or_(
        col(s.start_on) < r.referred_on, col(s.start_on) < r.decided_on, col(s.ended_on) < r.decided_on,
        col(s.start_on) > r.due_on,
        *(and_(col(s.start_on) > end, began) for end in endings),
        *(col(s.ended_on) > end for end in endings)))
    born_later = select(col(c.id)).where(col(c.id) == r.client_id, col(c.birth_date) > r.referred_on)
    out_of_order = or_(
        col(r.decided_on) < r.referred_on, col(r.extended_on) < r.referred_on,
        col(r.extended_on) < r.decided_on,
        *(end < earlier for end in endings for earlier in (col(r.referred_on), col(r.decided_on),
                                                           col(r.extended_on))),
        suspension.exists(), born_later.exists())
    return list(session.execute(select(col(r.case_id)).where(out_of_order)
                                .order_by(col(r.case_year), col(r.case_seq))).scalars())


def duplicate_clients(session: Session) -> list[list[int]]:
    """The ids of clients that are one person by name and birth date (the same name key), in
    groups: `register` and the import refuse a second one, but a database may hold such pairs
    from before names were compared by their key (SQLite folded only ASCII letters)."""
    twice = (select(col(Client.name_key), col(Client.birth_date)).where(col(Client.name_key).is_not(None))
             .group_by(col(Client.name_key), col(Client.birth_date)).having(func.count() > 1).subquery())
    rows = session.execute(select(col(Client.id), col(Client.name_key), col(Client.birth_date)).join(
        twice, and_(col(Client.name_key) == twice.c.name_key, col(Client.birth_date) == twice.c.birth_date))
        .order_by(col(Client.id)))
    groups: dict[tuple[Any, Any], list[int]] = {}
    for client_id, name_key, birth_date in rows:
        groups.setdefault((name_key, birth_date), []).append(client_id)
    return list(groups.values())


def files_written(session: Session) -> set[str]:
    """The files that exports with personal data and backups of a server were recorded as
    writing: the folders in which `doctor` looks for what a killed writer left."""
    payloads = session.execute(select(col(AuditEvent.payload)).where(
        col(AuditEvent.action).in_(("export-personal-data", "backup")),
        col(AuditEvent.payload).is_not(None))).scalars()
    found = set()
    for payload in payloads:
        try:
            after = json.loads(payload).get("after") or {}
        except (ValueError, AttributeError):
            continue
        name = after.get("file") or after.get("to") if isinstance(after, dict) else None
        if isinstance(name, str):
            found.add(name)
    return found


def tables(session: Session) -> set[str]:
    """The tables the database has (a table dropped by hand is the `tables` check's finding;
    other checks leave it out)."""
    from sqlalchemy import inspect

    return set(inspect(session.connection()).get_table_names())
