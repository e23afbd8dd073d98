"""The SQL of measures and their cost (rules/measures.py, issue 19): a case's measures, the rows
written, the list, and the report's sums as GROUP BY over integer Rappen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from optima_cli.records.models import Institution, Measure, Referral
from optima_cli.rules import measures as rules

# a row of the report's sums: (kind, payer id, receiver id, count, Rappen)
Cell = tuple[str, int, int, int, int]


def of_case(session: Session, referral_id: int) -> Sequence[Measure]:
    """A case's measures, in their order."""
    return session.scalars(select(Measure).where(col(Measure.referral_id) == referral_id)
                           .order_by(col(Measure.number))).all()


def state(row: Measure, payer: str) -> rules.Measure:
    """A stored measure as the rules see it; `payer` the paying unit's code."""
    return rules.Measure(number=row.number, kind=row.kind, cost=row.cost_rappen, payer=payer,
                         requested_on=row.requested_on, approved_on=row.approved_on,
                         declined_on=row.declined_on, note=row.note, decline_why=row.decline_why,
                         struck=row.struck_at is not None)


def payer_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(col(Institution.id), col(Institution.code))).all())


def write(session: Session, referral_id: int, found: dict[int, Measure], written: rules.Written,
          payer_id: int, user: str, now: datetime) -> Measure:
    """A decision's measure: inserted when new, else the stored one (`found` by number) changed."""
    m = written.measure
    if written.new:
        row = Measure(referral_id=referral_id, number=m.number, kind=m.kind, cost_rappen=m.cost,
                      payer_id=payer_id, requested_on=m.requested_on, approved_on=m.approved_on,
                      note=m.note, author=user, recorded_at=now,
                      decided_at=now if m.approved_on else None)
    else:
        row = found[m.number]
        if m.struck and row.struck_at is None:
            row.struck_at, row.struck_by, row.struck_why = now, user, written.why
        elif row.approved_on != m.approved_on or row.declined_on != m.declined_on:
            row.approved_on, row.declined_on, row.decline_why = (m.approved_on, m.declined_on,
                                                                 m.decline_why)
            row.decided_at = now
    session.add(row)
    session.flush()
    return row


def listing(session: Session, referral_id: int | None = None,
            units: list[int] | None = None) -> list[dict[str, Any]]:
    """Measures with their case, its units and the payer, in the order of their cases; of one
    case, or of the cases or payers among `units`."""
    payer, referrer, receiver = aliased(Institution), aliased(Institution), aliased(Institution)
    query: Any = (select(Measure, col(Referral.case_id), col(payer.code), col(referrer.code),
                         col(receiver.code))
                  .join(Referral, col(Referral.id) == col(Measure.referral_id))
                  .join(payer, col(payer.id) == col(Measure.payer_id))
                  .join(referrer, col(referrer.id) == col(Referral.referrer_id))
                  .join(receiver, col(receiver.id) == col(Referral.receiver_id)))
    if referral_id is not None:
        query = query.where(col(Measure.referral_id) == referral_id)
    if units is not None:
        query = query.where(or_(col(Measure.payer_id).in_(units),
                                col(Referral.referrer_id).in_(units),
                                col(Referral.receiver_id).in_(units)))
    rows = session.execute(query.order_by(col(Referral.case_year), col(Referral.case_seq),
                                          col(Measure.number))).all()
    return [{"row": m, "case": case, "payer": p, "referrer": a, "receiver": b}
            for m, case, p, a, b in rows]


def _within(column: Any, start: date | None, end: date) -> Any:
    return and_(column <= end, *((column >= start,) if start is not None else ()))


def figures(session: Session, start: date | None, end: date,
            pending: bool = True) -> dict[str, list[Cell]]:
    """The report's sums: measures not struck requested, approved and declined in the period
    (each on its own day), and those requested by its end and undecided at its end (pending),
    each by kind, payer and the case's receiver, in one pass over the table (a sequential scan:
    an index on the days would be read in random order for most of the table). Without
    `pending` (a series: many short periods), only the measures with a day in the period are
    read, through the indexes on the days, and none counts as pending."""
    undecided = and_(col(Measure.requested_on) <= end,
                     or_(col(Measure.approved_on).is_(None), col(Measure.approved_on) > end),
                     or_(col(Measure.declined_on).is_(None), col(Measure.declined_on) > end))
    conditions = {"requested": _within(col(Measure.requested_on), start, end),
                  "approved": _within(col(Measure.approved_on), start, end),
                  "declined": _within(col(Measure.declined_on), start, end),
                  "pending": undecided if pending else false()}
    sums = [part for condition in conditions.values() for part in (
        func.coalesce(func.sum(case((condition, 1), else_=0)), 0),
        func.coalesce(func.sum(case((condition, col(Measure.cost_rappen)), else_=0)), 0))]
    query = (select(col(Measure.kind), col(Measure.payer_id), col(Referral.receiver_id), *sums)
             .join(Referral, col(Referral.id) == col(Measure.referral_id))
             .where(col(Measure.struck_at).is_(None),
                    *(() if pending else (or_(*conditions.values()),)))
             .group_by(col(Measure.kind), col(Measure.payer_id), col(Referral.receiver_id)))
    found: dict[str, list[Cell]] = {name: [] for name in conditions}
    for kind, payer, receiver, *values in session.execute(query):
        for i, name in enumerate(conditions):
            n, rappen = int(values[2 * i]), int(values[2 * i + 1])
            if n:
                found[name].append((kind, payer, receiver, n, rappen))
    return found


def erase_text(session: Session, referral_ids: list[int]) -> None:
    """Anonymization: the free text of these cases' measures (note, reasons); amounts stay."""
    for row in session.scalars(select(Measure).where(col(Measure.referral_id).in_(referral_ids))):
        row.note = row.decline_why = row.struck_why = None
        session.add(row)
