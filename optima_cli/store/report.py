"""The report's queries: every figure a GROUP BY over the events of a period, in SQL (called by
workflow/report.py; rules/figures.py shapes what they count)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, not_, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from optima_cli.records.models import (
    Client,
    Forward,
    Institution,
    Referral,
    ReferralTopic,
    Refusal,
    RefusalRule,
)
from optima_cli.rules.codes import Status
from optima_cli.store.dialects import days_between
from optima_cli.store.queries import (
    AS_OF_DAY,
    case_select,
    running_suspension_of,
)


def _between(column: Any, start: date | None, end: date) -> ColumnElement[bool]:
    if start is None:
        return column <= end
    return and_(column >= start, column <= end)


def groups(session: Session, by: str) -> list[str]:
    """Every group of the report, in a stable order: the three kinds, or every unit's code."""
    if by == "kind":
        return ["RAV", "IV", "SD"]
    order = case((col(Institution.kind) == "RAV", 0), (col(Institution.kind) == "IV", 1), else_=2)
    return list(session.scalars(select(col(Institution.code)).order_by(order, col(Institution.code))))


def group_of_unit(session: Session, by: str) -> dict[int, str]:
    """Each unit's id and the group it counts in (its kind or its code). The counting queries
    group by unit id, which needs no join; the few unit groups are then added up by group."""
    column = col(Institution.kind) if by == "kind" else col(Institution.code)
    return dict(session.execute(select(col(Institution.id), column)).all())


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def referral_cells(session: Session, start: date | None, end: date) -> list[tuple[int, int, int, int]]:
    """(referrer id, receiver id, referrals, of them with an override) of the period's referrals."""
    query = (select(col(Referral.referrer_id), col(Referral.receiver_id), func.count(),
                    func.count(col(Referral.override)))
             .where(_between(col(Referral.referred_on), start, end))
             .group_by(col(Referral.referrer_id), col(Referral.receiver_id)))
    return [(a, b, int(n), int(o)) for a, b, n, o in session.execute(query)]


def refused_by_rule(session: Session, start: date | None, end: date) -> list[tuple[str, int]]:
    """(rule, refused `refer`s) of the period: every attempt a rule refused, by each rule that
    refused it (an attempt refused by two rules counts for both)."""
    query = (select(col(RefusalRule.rule), func.count())
             .join(Refusal, col(Refusal.id) == RefusalRule.refusal_id)
             .where(_between(col(Refusal.refused_on), start, end))
             .group_by(col(RefusalRule.rule)))
    return [(rule, int(n)) for rule, n in session.execute(query)]


def override_findings(session: Session, start: date | None, end: date) -> list[tuple[str, int]]:
    """(stored findings, referrals) of the period's referrals stored with an override (justified
    exceptions), grouped by their findings: rules/figures.py reads which rules needed it."""
    query = (select(col(Referral.findings), func.count())
             .where(_between(col(Referral.referred_on), start, end), col(Referral.override).is_not(None))
             .group_by(col(Referral.findings)))
    return [(text, int(n)) for text, n in session.execute(query)]


@dataclass(frozen=True)
class DecisionCell:
    """The decisions, withdrawals and closings of the period for one receiver and one combination
    of codes."""

    receiver_id: int
    reason: str | None
    outcome: str | None
    cause: str | None
    employed: bool | None
    accepted: int
    rejected: int
    withdrawn: int
    closed: int


def decision_cells(session: Session, start: date | None, end: date) -> list[DecisionCell]:
    """Acceptances, rejections, withdrawals and closings of the period per receiver and codes,
    counted in one pass over the referrals."""
    r = Referral
    decided, withdrawn = _between(col(r.decided_on), start, end), _between(col(r.withdrawn_on), start, end)
    closed = _between(col(r.closed_on), start, end)
    codes = (col(r.receiver_id), col(r.reason), col(r.outcome), col(r.cause), col(r.employed))
    query = (select(*codes, _count_if(and_(decided, col(r.status) != "rejected")),
                    _count_if(and_(decided, col(r.status) == "rejected")),
                    _count_if(withdrawn), _count_if(closed))
             .where(or_(decided, withdrawn, closed))
             .group_by(*codes))
    return [DecisionCell(*row[:5], *map(int, row[5:])) for row in session.execute(query)]


def open_at(session: Session, day: date) -> dict[str, int]:
    """Open cases at the end of `day`: referred, accepted, of those overdue and search-suspended."""
    _, as_of = case_select()
    accepted_ = as_of.status == Status.ACCEPTED.value
    suspended = exists().where(running_suspension_of(col(Referral.id), AS_OF_DAY))

    r = Referral
    still_open = and_(col(r.referred_on) <= AS_OF_DAY,  # what the status CASE needs to look at
                      or_(col(r.closed_on).is_(None), col(r.closed_on) > AS_OF_DAY),
                      or_(col(r.withdrawn_on).is_(None), col(r.withdrawn_on) > AS_OF_DAY))
    row = session.execute(select(
        _count_if(as_of.status == Status.REFERRED.value),
        _count_if(accepted_),
        _count_if(and_(accepted_, as_of.due_on < AS_OF_DAY)),
        _count_if(and_(accepted_, suspended)),
    ).select_from(r).where(still_open), {"as_of_day": day}).one()
    return dict(zip(("referred", "accepted", "overdue", "search_suspended"), map(int, row)))


def _days_histogram(session: Session, start_column: Any, end_column: Any,
                    condition: ColumnElement[bool]) -> list[tuple[int, int]]:
    """(days from start to end, how many) over the rows that meet `condition`: what a median
    needs, counted in SQL."""
    days = days_between(start_column, end_column)
    query = (select(days, func.count()).where(condition, col(start_column).is_not(None))
             .group_by(days))
    return [(int(d), int(n)) for d, n in session.execute(query)]


def decision_days(session: Session, start: date | None, end: date) -> list[tuple[int, int]]:
    """Days from referral to decision of the decisions in the period, as (days, how many)."""
    return _days_histogram(session, col(Referral.referred_on), col(Referral.decided_on),
                           _between(col(Referral.decided_on), start, end))


def mandate_days(session: Session, start: date | None, end: date) -> list[tuple[int, int]]:
    """Days from acceptance to closing of the closings in the period, as (days, how many)."""
    return _days_histogram(session, col(Referral.decided_on), col(Referral.closed_on),
                           _between(col(Referral.closed_on), start, end))


def topic_counts(session: Session, start: date | None, end: date) -> list[tuple[str, int]]:
    query = (select(col(ReferralTopic.topic), func.count())
             .join(Referral, col(Referral.id) == ReferralTopic.referral_id)
             .where(_between(col(Referral.referred_on), start, end))
             .group_by(col(ReferralTopic.topic)))
    return [tuple(row) for row in session.execute(query)]


def first_referral(session: Session) -> date | None:
    return session.execute(select(func.min(col(Referral.referred_on)))).scalar_one_or_none()


STREAMED_ROWS = 1000  # rows fetched at a time when a result is read as it comes


def _active(query: Any, start: date | None, end: date) -> Any:
    """Only the referrals active in the period: referred by its end, not ended before its start."""
    query = query.where(col(Referral.referred_on) <= end)
    if start is not None:
        ended_before = or_(col(Referral.closed_on) < start, col(Referral.withdrawn_on) < start,
                           and_(col(Referral.status) == "rejected", col(Referral.decided_on) < start))
        query = query.where(not_(func.coalesce(ended_before, False)))
    return query


def count_active_cases(session: Session, start: date | None, end: date) -> int:
    """How many cases `active_cases` gives for the period (the referral's own columns only)."""
    query = _active(select(func.count()).select_from(Referral), start, end)
    return int(session.execute(query).scalar_one())


def active_cases(session: Session, start: date | None, end: date, day: date,
                 personal: bool = False) -> Iterator[dict[str, Any]]:
    """Every case active in the period (referred by its end, not ended before its start), as it
    stood at the end of `day`; with `personal`, the client's name, AHV number and birth date.
    Read as they come (STREAMED_ROWS at a time, on PostgreSQL through a server-side cursor), so
    that the rows of a large period are never all held at once: read them before the session
    ends."""
    query, _ = case_select()
    query = _active(query, start, end)
    if personal:
        query = query.add_columns(col(Client.name).label("client_name"), col(Client.ahv).label("client_ahv"),
                                  col(Client.birth_date).label("client_birth_date")).join(
            Client, col(Client.id) == Referral.client_id)
    query = query.order_by(col(Referral.referred_on), col(Referral.case_year), col(Referral.case_seq))
    result = session.execute(query.execution_options(yield_per=STREAMED_ROWS), {"as_of_day": day})
    keys = list(result.keys())
    for row in result:
        yield dict(zip(keys, row))


def forwarded(session: Session, start: date | None, end: date) -> int:
    """Referrals forwarded to another unit of their kind in the period (issue 18): each referral
    once, however often it was forwarded; they count as one referral each in `referral_cells`."""
    query = (select(func.count(func.distinct(col(Forward.referral_id))))
             .where(_between(col(Forward.forwarded_on), start, end)))
    return int(session.execute(query).scalar_one())
