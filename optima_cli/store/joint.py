"""The SQL of joint strategies (rules/joint.py): look-ups, the rows written, the strategies a list,
`due` and the report read, and the report's figures as GROUP BY."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from optima_cli.records.models import (
    Institution,
    JointPartner,
    JointReview,
    JointStrategy,
    Referral,
)
from optima_cli.rules.codes import Kind
from optima_cli.rules.identity import format_client_id, parse_joint_id
from optima_cli.rules.joint import Joint, Review
from optima_cli.rules.lifecycle import Unit
from optima_cli.store import access


def by_id(session: Session, ref: str) -> JointStrategy | None:
    """A joint strategy by its id as people type it (`GS-2026-0001`, `2026-1`)."""
    parsed = parse_joint_id(ref)
    if parsed is None:
        return None
    return session.scalars(select(JointStrategy).where(
        col(JointStrategy.strategy_year) == parsed[0],
        col(JointStrategy.strategy_seq) == parsed[1])).first()


def next_seq(session: Session, year: int) -> int:
    counted = access.next_joint_seq(session, year)  # past the rows the writer may see
    if counted is not None:
        return counted
    found = session.execute(select(func.max(col(JointStrategy.strategy_seq))).where(
        col(JointStrategy.strategy_year) == year)).scalar()
    return (found or 0) + 1


def open_of_client(session: Session, client_id: int) -> str | None:
    """The id of the client's open joint strategy, if any."""
    return session.scalars(select(col(JointStrategy.strategy_id)).where(
        col(JointStrategy.client_id) == client_id,
        col(JointStrategy.closed_on).is_(None))).first()


def _unit(session: Session, institution_id: int) -> Unit:
    inst = session.get(Institution, institution_id)
    assert inst is not None
    return Unit(inst.code, Kind(inst.kind))


def state(session: Session, row: JointStrategy) -> Joint:
    """A stored joint strategy as the rules see it."""
    partners = session.scalars(select(JointPartner).where(
        col(JointPartner.joint_id) == row.id).order_by(col(JointPartner.position))).all()
    reviews = session.scalars(select(JointReview).where(
        col(JointReview.joint_id) == row.id).order_by(col(JointReview.id))).all()
    from_case = (session.get(Referral, row.from_referral_id)
                 if row.from_referral_id is not None else None)
    return Joint(joint_id=row.strategy_id, client=format_client_id(row.client_id),
                 lead=_unit(session, row.lead_id),
                 partners=tuple(_unit(session, p.institution_id) for p in partners),
                 goal=row.goal, opened_on=row.opened_on, first_review_on=row.review_on,
                 reviews=tuple(Review(r.reviewed_on, r.next_on, r.note) for r in reviews),
                 closed_on=row.closed_on, outcome=row.outcome, cause=row.cause,
                 close_note=row.close_note, from_case=from_case.case_id if from_case else None)


def partner_ids(session: Session, row: JointStrategy) -> set[int]:
    """The ids of the units beside the lead."""
    return set(session.scalars(select(col(JointPartner.institution_id)).where(
        col(JointPartner.joint_id) == row.id)))


def insert(session: Session, joint: Joint, seq: int, client_id: int, unit_ids: dict[str, int],
           from_referral_id: int | None, now: datetime) -> JointStrategy:
    row = JointStrategy(strategy_year=joint.opened_on.year, strategy_seq=seq,
                        strategy_id=joint.joint_id, client_id=client_id,
                        lead_id=unit_ids[joint.lead.code], goal=joint.goal,
                        opened_on=joint.opened_on, review_on=joint.first_review_on,
                        from_referral_id=from_referral_id, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    for position, unit in enumerate(joint.partners):
        session.add(JointPartner(joint_id=row.id or 0, institution_id=unit_ids[unit.code],
                                 position=position))
    return row


def update(session: Session, row: JointStrategy, joint: Joint, now: datetime) -> None:
    """What a review or a closing changed: a new review row, the closing's values."""
    known = session.execute(select(func.count()).select_from(JointReview).where(
        col(JointReview.joint_id) == row.id)).scalar_one()
    for review in joint.reviews[known:]:
        session.add(JointReview(joint_id=row.id or 0, reviewed_on=review.on,
                                next_on=review.next_on, note=review.note))
    row.closed_on, row.outcome, row.cause = joint.closed_on, joint.outcome, joint.cause
    row.close_note = joint.close_note
    row.updated_at = now
    session.add(row)


def strategies(session: Session, *, client_id: int | None = None, open_on: date | None = None,
               units: list[int] | None = None, active_from: date | None = None,
               active_to: date | None = None) -> Sequence[JointStrategy]:
    """Joint strategies in the order they were opened: of a client, open on a day, with a unit
    of `units` taking part (as lead or beside it), active in a period (opened by `active_to`,
    not closed before `active_from`)."""
    query = select(JointStrategy)
    if active_to is not None:
        query = query.where(col(JointStrategy.opened_on) <= active_to)
    if active_from is not None:
        query = query.where(or_(col(JointStrategy.closed_on).is_(None),
                                col(JointStrategy.closed_on) >= active_from))
    if client_id is not None:
        query = query.where(col(JointStrategy.client_id) == client_id)
    if open_on is not None:
        query = query.where(col(JointStrategy.opened_on) <= open_on,
                            or_(col(JointStrategy.closed_on).is_(None),
                                col(JointStrategy.closed_on) > open_on))
    if units is not None:
        partner = select(col(JointPartner.joint_id)).where(
            col(JointPartner.institution_id).in_(units))
        query = query.where(or_(col(JointStrategy.lead_id).in_(units),
                                col(JointStrategy.id).in_(partner)))
    return session.scalars(query.order_by(col(JointStrategy.opened_on),
                                          col(JointStrategy.id))).all()


def figures(session: Session, start: date | None, end: date, by: str) -> dict[str, Any]:
    """The report's section `joint`: strategies opened and closed in the period (closed by
    outcome), opened by the kind (or unit, `by` institution) of their lead, and open at its end."""
    group = col(Institution.kind) if by == "kind" else col(Institution.code)

    def within(column: Any) -> Any:
        return and_(column <= end, *((column >= start,) if start is not None else ()))

    opened = session.execute(select(func.count()).select_from(JointStrategy).where(
        within(col(JointStrategy.opened_on)))).scalar_one()
    by_outcome = dict(session.execute(
        select(col(JointStrategy.outcome), func.count())
        .where(within(col(JointStrategy.closed_on)))
        .group_by(col(JointStrategy.outcome))).all())
    by_lead = dict(session.execute(
        select(group, func.count()).select_from(JointStrategy)
        .join(Institution, col(Institution.id) == col(JointStrategy.lead_id))
        .where(within(col(JointStrategy.opened_on))).group_by(group)).all())
    open_at_end = session.execute(select(func.count()).select_from(JointStrategy).where(
        col(JointStrategy.opened_on) <= end,
        or_(col(JointStrategy.closed_on).is_(None), col(JointStrategy.closed_on) > end))
    ).scalar_one()
    return {"opened": opened, "closed": sum(by_outcome.values()), "by_outcome": by_outcome,
            "lead": by_lead, "open_at_end": open_at_end}


def erase_text(session: Session, client_ids: list[int]) -> None:
    """Anonymization: the free text of these clients' joint strategies (the goal, which may name
    them, the closing note and the reviews' notes) is removed; codes and dates stay."""
    for row in session.scalars(select(JointStrategy).where(
            col(JointStrategy.client_id).in_(client_ids))):
        row.goal = row.close_note = None
        session.add(row)
        for review in session.scalars(select(JointReview).where(
                col(JointReview.joint_id) == row.id)):
            review.note = None
            session.add(review)
