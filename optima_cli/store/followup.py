"""Follow-ups after the closing in the database (table follow_up, issue 19): the only SQL of
follow-ups. The schedule is not stored: the figures and `due` find the closings whose follow-up
falls due in a span of days by the closing days (rules/followup.py turns the span of due days into
spans of closing days, one per settings in force), so every count is one GROUP BY."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, false, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from optima_cli.records.models import FollowUp, Institution, Referral, SettingChange
from optima_cli.rules import followup as rules
from optima_cli.rules import settings as settings_rules
from optima_cli.rules.codes import Status


def regimes(session: Session) -> list[tuple[rules.Span, settings_rules.Settings]]:
    """The spans of closing days and the settings in force at the end of each (store/settings.py
    as_of): a change made on a day holds for closings from that day on."""
    rows = session.execute(select(col(SettingChange.at), col(SettingChange.key),
                                  col(SettingChange.value)).order_by(col(SettingChange.id))).all()
    changes: list[tuple[str, str]] = []
    by_day: list[tuple[date, settings_rules.Settings]] = []
    for at, key, value in rows:
        changes.append((key, value))
        day = at.date()
        settings = settings_rules.overlay(changes, 0)
        if by_day and by_day[-1][0] == day:
            by_day[-1] = (day, settings)
        else:
            by_day.append((day, settings))
    return rules.regimes(by_day)


def _in(spans: Sequence[rules.Span]) -> ColumnElement[bool]:
    """The closing day lies in one of `spans`."""
    day = col(Referral.closed_on)
    parts = [and_(*((day >= lo,) if lo is not None else ()), *((day <= hi,) if hi is not None else ()),
                  day.is_not(None)) for lo, hi in spans]
    return or_(*parts) if parts else false()


def _closed() -> ColumnElement[bool]:
    return and_(col(Referral.status) == Status.CLOSED.value, col(Referral.closed_on).is_not(None))


def _since_closing() -> ColumnElement[bool]:
    """A follow-up belongs to the closing it was recorded after (its day kept with it): one of a
    closing taken back, or moved by a correction since, does not count."""
    return col(FollowUp.closed_on) == col(Referral.closed_on)


def current(session: Session, referral_id: int) -> dict[str, FollowUp]:
    """The follow-ups recorded for a referral's closing (not replaced by a correction), by
    point."""
    rows = session.scalars(select(FollowUp).join(Referral, col(Referral.id) == col(
        FollowUp.referral_id)).where(col(FollowUp.referral_id) == referral_id,
                                     col(FollowUp.replaced_at).is_(None), _since_closing()))
    return {row.point: row for row in rows}


def state(row: FollowUp) -> rules.Recorded:
    return rules.Recorded(row.point, row.months, row.due_on, row.situation, row.contact_on,
                          row.since, row.note)


def insert(session: Session, referral_id: int, closed_on: date, done: rules.Recorded, actor: str,
           now: datetime, replaces: FollowUp | None) -> FollowUp:
    """Write a follow-up of the closing on `closed_on`; a correction marks the row it replaces."""
    if replaces is not None:
        replaces.replaced_at = now
        session.add(replaces)
    row = FollowUp(referral_id=referral_id, closed_on=closed_on, point=done.point, months=done.months,
                   due_on=done.due_on, situation=done.situation, since=done.since,
                   contact_on=done.contact_on, note=done.note, entered_at=now, actor=actor)
    session.add(row)
    session.flush()
    return row


def figures(session: Session, point: str, start: date | None, end: date,
            as_of: date) -> list[tuple[int, str | None, int, int]]:
    """(receiver id, situation or None, follow-ups, of those overdue) of the closed cases whose
    follow-up `point` fell due in the period, by receiver and the situation recorded by `as_of`
    (None: not recorded); overdue: not recorded and its recording time ended before `as_of`."""
    spans = regimes(session)
    due = _in(rules.closings_due(spans, point, start, end))
    overdue = _in(rules.closings_overdue(spans, point, as_of))
    joined = and_(col(FollowUp.referral_id) == col(Referral.id), col(FollowUp.point) == point,
                  col(FollowUp.replaced_at).is_(None), col(FollowUp.contact_on) <= as_of,
                  _since_closing())
    situation = col(FollowUp.situation)
    query = (select(col(Referral.receiver_id), situation, func.count(),
                    func.coalesce(func.sum(case((and_(situation.is_(None), overdue), 1),
                                                else_=0)), 0))
             .select_from(Referral).outerjoin(FollowUp, joined)
             .where(_closed(), due).group_by(col(Referral.receiver_id), situation))
    return [(r, s, int(n), int(o)) for r, s, n, o in session.execute(query)]


def due_rows(session: Session, start: date, end: date, closed_by: date,
             referrers: list[int] | None, receivers: list[int] | None) -> list[dict[str, Any]]:
    """The follow-ups due from `start` to `end` and not recorded, of the cases closed by
    `closed_by`: case, units, closing day, point (the due day follows from the closing and the
    settings of its day)."""
    spans = regimes(session)
    referrer, receiver = Institution.__table__.alias("referrer"), Institution.__table__.alias("receiver")  # type: ignore[attr-defined]
    found = []
    for point in rules.POINTS:
        recorded = exists().where(col(FollowUp.referral_id) == col(Referral.id),
                                  col(FollowUp.point) == point,
                                  col(FollowUp.replaced_at).is_(None), _since_closing())
        query = (select(col(Referral.case_id), col(Referral.status), col(Referral.closed_on),
                        referrer.c.code, receiver.c.code)
                 .join(referrer, referrer.c.id == col(Referral.referrer_id))
                 .join(receiver, receiver.c.id == col(Referral.receiver_id))
                 .where(_closed(), col(Referral.closed_on) <= closed_by,
                        _in(rules.closings_due(spans, point, start, end)),
                        ~recorded))
        if referrers is not None:
            query = query.where(col(Referral.referrer_id).in_(referrers))
        if receivers is not None:
            query = query.where(col(Referral.receiver_id).in_(receivers))
        found += [{"case": c, "status": s, "closed_on": closed, "referrer": a, "receiver": b,
                   "point": point} for c, s, closed, a, b in session.execute(query)]
    return found


def closed_cases(session: Session) -> list[tuple[str, date, date]]:
    """(case id, referral day, closing day) of every closed case, in the order of the closings
    (the demo's invented follow-ups: a few dozen)."""
    rows = session.execute(select(col(Referral.case_id), col(Referral.referred_on),
                                  col(Referral.closed_on)).where(_closed())
                           .order_by(col(Referral.closed_on), col(Referral.id))).all()
    return [(c, r, d) for c, r, d in rows if d is not None]


def erase_text(session: Session, referral_ids: list[int]) -> None:
    """Anonymization: the notes of these referrals' follow-ups (free text that may name the
    client) are removed; codes and dates stay."""
    for row in session.scalars(select(FollowUp).where(col(FollowUp.referral_id).in_(referral_ids))):
        row.note = None
        session.add(row)
