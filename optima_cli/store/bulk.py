"""Many rows at once, for the import: what a file's rows need, loaded in a few queries, and the
rows written with one executemany statement per table (portable SQL through SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, insert, or_, select, tuple_, update
from sqlalchemy.engine import RowMapping
from sqlmodel import Session, SQLModel, col

from optima_cli.records.models import Client, Referral, ReferralTopic
from optima_cli.store import access

CHUNK = 5000  # keys per query: well below SQLite's and PostgreSQL's limits on parameters


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def highest_case_seqs(session: Session) -> dict[int, int]:
    """Per year, the highest case number given so far (on a protected server, of every case)."""
    counted = access.case_seqs(session)
    if counted is not None:
        return counted
    rows = session.execute(select(col(Referral.case_year), func.max(col(Referral.case_seq)))
                           .group_by(col(Referral.case_year)))
    return {year: seq for year, seq in rows}  # noqa: C416 (rows are Row objects, not pairs)


def clients_matching(session: Session, external_refs: Sequence[str], ahvs: Sequence[str],
                     people: Sequence[tuple[str, date]]) -> list[RowMapping]:
    """Every client with one of the external references, one of the AHV numbers, or one of the
    (name key, birth date) pairs: their columns."""
    table = Client.__table__  # type: ignore[attr-defined]
    query = select(*table.c)
    found: dict[int, RowMapping] = {}
    longest = max(len(external_refs), len(ahvs), len(people))
    for start in range(0, longest, CHUNK):
        conditions = []
        if refs := external_refs[start:start + CHUNK]:
            conditions.append(table.c.external_ref.in_(refs))
        if numbers := ahvs[start:start + CHUNK]:
            conditions.append(table.c.ahv.in_(numbers))
        if pairs := people[start:start + CHUNK]:
            conditions.append(tuple_(table.c.name_key, table.c.birth_date).in_(pairs))
        for row in session.execute(query.where(or_(*conditions))).mappings():
            found[row["id"]] = row
    return [found[key] for key in sorted(found)]


def referrals_of(session: Session, client_ids: Sequence[int],
                 columns: Sequence[str] = ()) -> list[RowMapping]:
    """The referrals of these clients (receiver, referral date, case id, status, and `columns`),
    by id."""
    r = Referral
    rows: list[RowMapping] = []
    more = [getattr(Referral.__table__.c, name) for name in columns]  # type: ignore[attr-defined]
    for chunk in chunks(client_ids):
        rows += session.execute(
            select(col(r.id), col(r.client_id), col(r.receiver_id), col(r.referred_on), col(r.case_id),
                   col(r.status), *more).where(col(r.client_id).in_(chunk))).mappings()
    return sorted(rows, key=lambda row: row["id"])


def topics_of(session: Session, referral_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The topics of these referrals, as stored, by referral id."""
    found: dict[int, list[str]] = {}
    for chunk in chunks(referral_ids):
        for referral_id, topic in session.execute(
                select(col(ReferralTopic.referral_id), col(ReferralTopic.topic))
                .where(col(ReferralTopic.referral_id).in_(chunk))):
            found.setdefault(referral_id, []).append(topic)
    return {k: tuple(v) for k, v in found.items()}


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]


def insert_returning_ids(session: Session, model: type[SQLModel], rows: list[dict[str, Any]],
                         key: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
    """Insert the rows; their generated ids by the values of the columns `key`, which must tell
    the rows apart. (Batched RETURNING does not promise the order of the rows, and asking
    SQLAlchemy to keep it costs one statement per row on SQLite.)"""
    if not rows:
        return {}
    table = model.__table__  # type: ignore[attr-defined]
    result = session.execute(insert(table).returning(table.c.id, *(table.c[k] for k in key)), rows)
    ids = {tuple(row[1:]): row[0] for row in result}
    if len(ids) != len(rows):
        raise ValueError(f"the {key} of the rows given to insert_returning_ids are not distinct")
    return ids


def update_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Update rows by primary key (each dict holds `id` and the same columns)."""
    if rows:
        session.execute(update(model), rows)
