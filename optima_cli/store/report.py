"""The report's queries: every figure a GROUP BY over the events of a period, in SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from optima_cli.store.models import Client, Institution, Referral, ReferralTopic
from optima_cli.store.queries import Receiver, Referrer, case_select


def _between(column: Any, start: date | None, end: date) -> ColumnElement[bool]:
    if start is None:
        return column <= end
    return and_(column >= start, column <= end)


def groups(session: Session, by: str) -> list[str]:
    """Every group of the report, in a stable order: the three kinds, or every unit's code."""
    if by == "kind":
        return ["RAV", "IV", "SD"]
    order = case((Institution.kind == "RAV", 0), (Institution.kind == "IV", 1), else_=2)
    return list(session.exec(select(Institution.code).order_by(order, Institution.code)).scalars())


def _group(alias: Any, by: str) -> Any:
    return alias.kind if by == "kind" else alias.code


def _joined(query: Any) -> Any:
    return (query.join(Referrer, Referrer.id == Referral.referrer_id)
            .join(Receiver, Receiver.id == Referral.receiver_id))


def referral_cells(session: Session, by: str, start: date | None, end: date) -> list[tuple[str, str, int]]:
    rg, cg = _group(Referrer, by), _group(Receiver, by)
    query = _joined(select(rg, cg, func.count(Referral.id))).where(
        _between(Referral.referred_on, start, end)).group_by(rg, cg)
    return [tuple(row) for row in session.execute(query)]


def _by_receiver(session: Session, by: str, condition: ColumnElement[bool], *extra: Any) -> list[tuple]:
    cg = _group(Receiver, by)
    query = _joined(select(cg, *extra, func.count(Referral.id))).where(condition).group_by(cg, *extra)
    return [tuple(row) for row in session.execute(query)]


def accepted(session: Session, by: str, start: date | None, end: date) -> list[tuple]:
    return _by_receiver(session, by, and_(_between(Referral.decided_on, start, end),
                                          Referral.status != "rejected"))


def rejected(session: Session, by: str, start: date | None, end: date) -> list[tuple]:
    return _by_receiver(session, by, and_(_between(Referral.decided_on, start, end),
                                          Referral.status == "rejected"), Referral.reason)


def withdrawn(session: Session, by: str, start: date | None, end: date) -> list[tuple]:
    return _by_receiver(session, by, _between(Referral.withdrawn_on, start, end))


def closed(session: Session, by: str, start: date | None, end: date) -> list[tuple]:
    return _by_receiver(session, by, _between(Referral.closed_on, start, end),
                        Referral.outcome, Referral.cause, Referral.employed)


def open_at(session: Session, day: date) -> dict[str, int]:
    """Open cases at the end of `day`: referred, accepted, of those overdue and search-suspended."""
    query, _ = case_select()
    sub = query.subquery()
    accepted_ = sub.c.status == "accepted"

    def count(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(select(
        count(sub.c.status == "referred"),
        count(accepted_),
        count(and_(accepted_, sub.c.due_on < day)),
        count(and_(accepted_, sub.c.search_suspended_until.is_not(None))),
    ), {"as_of_day": day}).one()
    return dict(zip(("referred", "accepted", "overdue", "search_suspended"), map(int, row)))


def decision_pairs(session: Session, start: date | None, end: date) -> list[tuple[date, date]]:
    """(referred_on, decided_on) of the decisions in the period, for the median."""
    query = select(Referral.referred_on, Referral.decided_on).where(
        _between(Referral.decided_on, start, end))
    return [tuple(row) for row in session.execute(query)]


def mandate_pairs(session: Session, start: date | None, end: date) -> list[tuple[date, date]]:
    """(decided_on, closed_on) of the closings in the period, for the median."""
    query = select(Referral.decided_on, Referral.closed_on).where(
        _between(Referral.closed_on, start, end))
    return [tuple(row) for row in session.execute(query)]


def topic_counts(session: Session, start: date | None, end: date) -> list[tuple[str, int]]:
    query = (select(ReferralTopic.topic, func.count())
             .join(Referral, Referral.id == ReferralTopic.referral_id)
             .where(_between(Referral.referred_on, start, end))
             .group_by(ReferralTopic.topic))
    return [tuple(row) for row in session.execute(query)]


def override_count(session: Session, start: date | None, end: date) -> int:
    query = select(func.count(Referral.id)).where(
        _between(Referral.referred_on, start, end), col(Referral.override).is_not(None))
    return int(session.execute(query).scalar_one())


def first_referral(session: Session) -> date | None:
    return session.execute(select(func.min(Referral.referred_on))).scalar_one_or_none()


def active_cases(session: Session, start: date | None, end: date, day: date,
                 personal: bool = False) -> list[dict[str, Any]]:
    """Every case active in the period (referred by its end, not ended before its start), as it
    stood at the end of `day`; with `personal`, the client's name, AHV number and birth date."""
    query, _ = case_select()
    query = query.where(Referral.referred_on <= end)
    if start is not None:
        ended_before = or_(Referral.closed_on < start, Referral.withdrawn_on < start,
                           and_(Referral.status == "rejected", Referral.decided_on < start))
        query = query.where(not_(func.coalesce(ended_before, False)))
    if personal:
        query = query.add_columns(Client.name.label("client_name"), Client.ahv.label("client_ahv"),
                                  Client.birth_date.label("client_birth_date")).join(
            Client, Client.id == Referral.client_id)
    query = query.order_by(Referral.referred_on, Referral.case_year, Referral.case_seq)
    return [dict(row._mapping) for row in session.execute(query, {"as_of_day": day})]
