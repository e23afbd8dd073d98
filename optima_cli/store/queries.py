"""Queries: look-ups by the ids people type, and the case rows behind `list`, `show` and `due`.

A case's status *as of a date* is derived in SQL from its dates, so that `--as-of` shows the
state of that day for back-dated histories; the `status` column is today's status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, and_, bindparam, case, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session, col

from optima_cli.records.models import (
    CASE_FIELDS,
    Client,
    Institution,
    JointStrategy,
    JournalEntry,
    Referral,
    ReferralTopic,
    Suspension,
)
from optima_cli.rules.codes import OPEN_STATUSES, Status
from optima_cli.rules.deadlines import DECISION_DAYS, DueKind
from optima_cli.rules.identity import normalize_ahv, parse_case_id, parse_client_id
from optima_cli.store import access, deadlines

Referrer = aliased(Institution, name="referrer")
Receiver = aliased(Institution, name="receiver")


def institution_by_code(session: Session, code: str) -> Institution | None:
    return session.scalars(
        select(Institution).where(func.upper(col(Institution.code)) == (code or "").strip().upper())
    ).first()


def institutions(session: Session) -> Sequence[Institution]:
    return session.scalars(select(Institution).order_by(col(Institution.kind), col(Institution.code))).all()


def unit_ids_of_kind(session: Session, kind: str) -> list[int]:
    """The ids of every unit of a kind (RAV, IV, SD): a filter on the kind matches them all."""
    return list(session.scalars(select(col(Institution.id)).where(col(Institution.kind) == kind)))


def units_of_contact_user(session: Session, user: str) -> list[Institution]:
    """The units whose contact person logs in as `user` (issue 18: whose inbox is theirs)."""
    return list(session.scalars(select(Institution).where(col(Institution.contact_user) == user)
                                .order_by(col(Institution.kind), col(Institution.code))))


def unread_handbacks(session: Session, referrer_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The closed cases of these referring units whose handback is not read yet (issue 18): the
    case, the units and the closing, not the text (personal: `optima inbox --read` shows it)."""
    r = Referral
    query: Any = (select(col(r.case_id).label("case"), col(Referrer.code).label("referrer"),
                    col(Receiver.code).label("receiver"), col(r.closed_on), col(r.outcome),
                    col(r.receiving_counsellor), col(r.referring_counsellor))
             .join(Referrer, col(Referrer.id) == r.referrer_id)
             .join(Receiver, col(Receiver.id) == r.receiver_id)
             .where(col(r.referrer_id).in_(list(referrer_ids)), col(r.handback).is_not(None),
                    col(r.handback_read_on).is_(None), col(r.status) == Status.CLOSED.value)
             .order_by(col(r.closed_on), col(r.case_year), col(r.case_seq)))
    return rows_of(session.execute(query))


def institution_codes(session: Session) -> list[str]:
    return list(session.scalars(select(col(Institution.code)).order_by(col(Institution.code))))


def client_numbers(session: Session, ranges: list[tuple[int, int]], limit: int) -> list[int]:
    """The client numbers within the ranges (rules.identity.client_numbers_starting), in order,
    at most `limit`: ranges of the primary key, cheap at any number of clients."""
    if not ranges:
        return []
    within = or_(*(col(Client.id).between(low, high) for low, high in ranges))
    return list(session.scalars(select(col(Client.id)).where(within).order_by(col(Client.id))
                                .limit(limit)))


def case_ids_starting(session: Session, prefix: str, limit: int) -> list[str]:
    """The case ids that start with `prefix` (as stored: upper case), in order, at most `limit`:
    on SQLite a range of the unique index (LIKE would not use it), elsewhere LIKE."""
    query = select(col(Referral.case_id)).order_by(col(Referral.case_id)).limit(limit)
    if prefix and session.get_bind().dialect.name == "sqlite":
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        query = query.where(col(Referral.case_id) >= prefix, col(Referral.case_id) < after)
    elif prefix:
        query = query.where(col(Referral.case_id).startswith(prefix, autoescape=True))
    return list(session.scalars(query))


def client_by_ref(session: Session, ref: str) -> Client | None:
    """A client by id (`C-0007`, `7`) or by AHV number."""
    number = parse_client_id(ref)
    if number is not None:
        return session.get(Client, number)
    digits = "".join(ch for ch in (ref or "") if ch.isdigit())
    if len(digits) == 13:
        try:
            ahv = normalize_ahv(ref)
        except Exception:  # noqa: BLE001 - not an AHV number: simply not found
            return None
        return session.scalars(select(Client).where(col(Client.ahv) == ahv)).first()
    return None


def duplicate_client(session: Session, *, ahv: str | None, name_key: str, birth_date: date,
                     exclude_id: int | None = None) -> Client | None:
    """A client with the same AHV number, or the same name (by its key) and birth date."""
    conditions = [and_(col(Client.name_key) == name_key, col(Client.birth_date) == birth_date)]
    if ahv:
        conditions.append(col(Client.ahv) == ahv)
    # of several, the first registered: the one the import's batch store names too
    query = select(Client).where(or_(*conditions)).order_by(col(Client.id))
    if exclude_id is not None:
        query = query.where(col(Client.id) != exclude_id)
    return session.scalars(query).first()


def referral_by_case(session: Session, ref: str) -> Referral | None:
    parsed = parse_case_id(ref)
    if parsed is None:
        return None
    year, seq = parsed
    return session.scalars(
        select(Referral).where(col(Referral.case_year) == year, col(Referral.case_seq) == seq)
    ).first()


def next_case_seq(session: Session, year: int) -> int:
    """The next number of the year; called inside the writing transaction, so it stays unique
    (on a protected server counted past the rows the writer may see)."""
    counted = access.next_case_seq(session, year)
    if counted is not None:
        return counted
    current = session.scalar(
        select(func.max(col(Referral.case_seq))).where(col(Referral.case_year) == year))
    return (current or 0) + 1


def first_referral_of(session: Session, client_id: int) -> tuple[str, date] | None:
    """The case id and day of a client's earliest referral, or None."""
    found = session.execute(
        select(col(Referral.case_id), col(Referral.referred_on))
        .where(col(Referral.client_id) == client_id)
        .order_by(col(Referral.referred_on), col(Referral.id)).limit(1)
    ).first()
    return (found[0], found[1]) if found else None


def open_referral_to(session: Session, client_id: int, receiver_id: int,
                     other_than: str | None = None) -> str | None:
    """The case id of the client's open referral to the receiver (not `other_than`), if any."""
    return session.scalars(
        select(col(Referral.case_id)).where(
            col(Referral.client_id) == client_id,
            col(Referral.receiver_id) == receiver_id,
            col(Referral.status).in_(OPEN_STATUSES),
            col(Referral.case_id) != (other_than or ""),
        )
    ).first()


def topics_of(session: Session, referral_id: int) -> list[str]:
    return list(session.scalars(
        select(col(ReferralTopic.topic)).where(col(ReferralTopic.referral_id) == referral_id)))


def suspensions_of(session: Session, referral_id: int) -> Sequence[Suspension]:
    return session.scalars(
        select(Suspension).where(col(Suspension.referral_id) == referral_id)
        .order_by(col(Suspension.id))).all()


def journal_of(session: Session, referral_id: int) -> Sequence[JournalEntry]:
    """A case's journal entries, in their order (issue 18)."""
    return session.scalars(
        select(JournalEntry).where(col(JournalEntry.referral_id) == referral_id)
        .order_by(col(JournalEntry.number))).all()


# --- case rows -------------------------------------------------------------------------------

def status_at(day: date) -> ColumnElement[Any]:
    """The status a case had at the end of `day`, from its dates (NULL: not yet referred)."""
    r = Referral
    return case(
        (col(r.referred_on) > day, literal(None)),
        (col(r.closed_on) <= day, literal(Status.CLOSED.value)),
        (col(r.withdrawn_on) <= day, literal(Status.WITHDRAWN.value)),
        (and_(col(r.decided_on) <= day, col(r.status) == Status.REJECTED.value),
         literal(Status.REJECTED.value)),
        (col(r.decided_on) <= day, literal(Status.ACCEPTED.value)),
        else_=literal(Status.REFERRED.value),
    )


def running_suspension_of(referral_id: Any, day: Any) -> ColumnElement[bool]:
    """A suspension of the case that runs on `day` and was not ended by then (correlated when
    `referral_id` is the outer query's column)."""
    s = Suspension
    return and_(col(s.referral_id) == referral_id, col(s.start_on) <= day, col(s.until) >= day,
                or_(col(s.ended_on).is_(None), col(s.ended_on) > day))


def topic_list() -> Any:
    """Per case (correlated): its topics, comma-separated. Evaluated only for the rows selected."""
    t = ReferralTopic
    return (select(func.aggregate_strings(col(t.topic), ","))
            .where(col(t.referral_id) == Referral.id).scalar_subquery())


@dataclass(frozen=True)
class AsOf:
    """SQL expressions for a case's state at the end of a day, to select and filter on."""

    status: ColumnElement[Any]
    due_on: ColumnElement[Any]
    suspended_until: ColumnElement[Any]
    deadline: ColumnElement[Any]  # the mandate end, or the day a pending decision is late


def _known(value: Any, happened_on: Any, day: date) -> ColumnElement[Any]:
    """`value` if the event that set it had happened by `day`, else NULL."""
    return case((happened_on <= day, value), else_=literal(None))


AS_OF_DAY = bindparam("as_of_day", type_=Date)


@lru_cache(maxsize=1)
def case_select(decision_days: int = DECISION_DAYS) -> tuple[Select[Any], AsOf]:
    """The columns of a case row as they stood at the end of the day bound to `as_of_day`
    (execute with `{"as_of_day": day}`); a referral's deadline is its decision's after
    `decision_days`.

    Values set by a later event (a decision, an extension, a closing) are hidden, and an
    extension decided later still shows the 3-month mandate end, so that back-dated histories
    read as they stood on that day. Topics and the running suspension are correlated
    subqueries, computed only for the rows a filter keeps. Built once: constructing it costs
    more than running it.
    """
    day: Any = AS_OF_DAY
    r, s = Referral, Suspension
    status = status_at(day)
    running = running_suspension_of(col(r.id), day)
    suspended_until = select(func.max(col(s.until))).where(running).scalar_subquery()
    suspended_from = select(func.min(col(s.start_on))).where(running).scalar_subquery()
    decided_on, withdrawn_on = col(r.decided_on), col(r.withdrawn_on)
    extended_later = col(r.extended_on) > day
    due_on = case((or_(decided_on.is_(None), decided_on > day), literal(None)),
                  (extended_later, col(r.first_due_on)), else_=col(r.due_on))
    closing = col(r.closed_on)
    rejected = and_(decided_on <= day, col(r.status) == "rejected")
    reason = case((rejected, col(r.reason)), (withdrawn_on <= day, col(r.reason)), else_=literal(None))
    reason_note = case((rejected, col(r.reason_note)), (withdrawn_on <= day, col(r.reason_note)),
                       else_=literal(None))
    as_of_day: dict[str, Any] = {  # the fields whose value on the day is not the stored one
        "status": status, "months": case((extended_later, literal(3)), else_=col(r.months)),
        "decided_on": _known(decided_on, decided_on, day),
        # assigned at the decision, or before it while the referral waits (issue 18)
        "receiving_counsellor": _known(col(r.receiving_counsellor),
                                       func.coalesce(decided_on, col(r.referred_on)), day),
        "due_on": due_on, "extended_on": _known(col(r.extended_on), col(r.extended_on), day),
        "reason": reason, "reason_note": reason_note,
        "withdrawn_on": _known(withdrawn_on, withdrawn_on, day),
        "closed_on": _known(closing, closing, day),
        "outcome": _known(col(r.outcome), closing, day), "cause": _known(col(r.cause), closing, day),
        "employed": _known(col(r.employed), closing, day),
        "close_note": _known(col(r.close_note), closing, day),
        "handback": _known(col(r.handback), closing, day),
    }
    fields = [as_of_day.get(f.key, col(getattr(r, f.name))).label(f.key) for f in CASE_FIELDS
              if f.name and f.in_record and f.key not in ("case", "client", "referrer", "receiver")]
    query = (
        select(
            col(r.id), col(r.case_id), col(r.client_id),
            col(Referrer.code).label("referrer"), col(Referrer.kind).label("referrer_kind"),
            col(Receiver.code).label("receiver"), col(Receiver.kind).label("receiver_kind"),
            topic_list().label("topics"), *fields, col(r.findings),
            suspended_from.label("search_suspended_from"),
            suspended_until.label("search_suspended_until"),
        )
        .join(Referrer, col(Referrer.id) == r.referrer_id)
        .join(Receiver, col(Receiver.id) == r.receiver_id)
    )
    deadline = deadlines.deadline(status, {"referred_on": col(r.referred_on), "due_on": due_on},
                                  decision_days)
    return query, AsOf(status=status, due_on=due_on, suspended_until=suspended_until,
                       deadline=deadline)


def rows_of(result: Any) -> list[dict[str, Any]]:
    """The rows of a result as plain dicts (zipping the keys once is faster than row._mapping)."""
    keys = list(result.keys())
    return [dict(zip(keys, row)) for row in result]


def _current_status(statuses: Sequence[str], current: bool) -> ColumnElement[bool]:
    """A filter on the stored status, which the index serves: as of today (or later) it is the
    status derived from the dates, since no date lies in the future. True for other days."""
    return col(Referral.status).in_(list(statuses)) if current else literal(True)


@dataclass(frozen=True)
class CaseFilter:
    """Which cases: statuses None means every case referred by the day. `current`: the day is
    today or later, so that the stored status may filter first."""

    statuses: Sequence[str] | None = None
    referrer: Sequence[int] | None = None  # the units (one, or every unit of a kind)
    receiver: Sequence[int] | None = None
    client_id: int | None = None
    referral_id: int | None = None
    current: bool = False

    def apply(self, query: Select[Any], as_of: AsOf) -> Select[Any]:
        query = query.where(as_of.status.is_not(None))
        if self.statuses is not None:
            query = query.where(_current_status(self.statuses, self.current),
                                as_of.status.in_(list(self.statuses)))
        query = query.where(*self.units())
        for column, value in ((col(Referral.client_id), self.client_id),
                              (col(Referral.id), self.referral_id)):
            if value is not None:
                query = query.where(column == value)
        return query

    def units(self) -> list[ColumnElement[bool]]:
        """The conditions on the referring and receiving units."""
        return [column.in_(list(ids)) for column, ids in ((col(Referral.referrer_id), self.referrer),
                                                          (col(Referral.receiver_id), self.receiver))
                if ids is not None]


def _stored_deadlines(session: Session, which: CaseFilter, day: date) -> bool:
    """Whether the stored days order and bound the deadlines of these cases: open cases only,
    as of today or later (when the stored status and mandate end are the day's), unless an
    extension is dated after the day (a clock that was ahead: `doctor` names such cases)."""
    return (which.current and bool(which.statuses) and set(which.statuses or ()) <= set(OPEN_STATUSES)
            and not _extended_after(session, day))


def _extended_after(session: Session, day: date) -> bool:
    """Whether a case was extended on a day after `day` (its stored mandate end is not the day's)."""
    return session.scalar(select(literal(1)).where(col(Referral.extended_on) > day).limit(1)) is not None


def _by_stored_deadline(session: Session, query: Select[Any], day: date, which: CaseFilter,
                        limit: int, decision_days: int) -> list[dict[str, Any]]:
    """The first `limit` rows of open cases soonest deadline first: per status, in the order of
    the stored day its deadline counts from (which the index on status and that day serves, so
    that only the rows shown are read), then merged by the deadline, as `case_rows` orders."""
    found: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for status in dict.fromkeys(which.statuses or ()):
        field, days = deadlines.stored_start(status, decision_days)
        part = (query.where(col(Referral.status) == status)
                .order_by(col(getattr(Referral, field)), col(Referral.referred_on),
                          col(Referral.case_year), col(Referral.case_seq)))
        for row in rows_of(session.execute(part.limit(limit), {"as_of_day": day})):
            start = row[field]  # the day's value: the stored one, as of today
            deadline = start + timedelta(days=days) if start is not None else None
            found.append(((deadline is None, deadline or date.min, row["referred_on"],
                           parse_case_id(row["case_id"])), row))
    found.sort(key=lambda keyed: keyed[0])
    return [row for _, row in found[:limit]]


def case_rows(session: Session, day: date, which: CaseFilter = CaseFilter(), *,
              by_deadline: bool = False, limit: int | None = None,
              decision_days: int = DECISION_DAYS) -> list[dict[str, Any]]:
    """Case rows as of `day`, in the order they were referred, or soonest deadline first (cases
    without one last)."""
    query, as_of = case_select(decision_days)
    query = which.apply(query, as_of)
    if by_deadline and limit is not None and _stored_deadlines(session, which, day):
        # the first rows only: every row is read faster in the table's order and sorted
        return _by_stored_deadline(session, query, day, which, limit, decision_days)
    order = (as_of.deadline.is_(None), as_of.deadline) if by_deadline else ()
    query = query.order_by(*order, col(Referral.referred_on), col(Referral.case_year), col(Referral.case_seq))
    if limit is not None:
        query = query.limit(limit)
    return rows_of(session.execute(query, {"as_of_day": day}))


def deadline_counts(session: Session, day: date, horizon: date,
                    which: CaseFilter = CaseFilter(),
                    decision_days: int = DECISION_DAYS) -> dict[str, int]:
    """How many cases match, and how many of them are overdue or due by `horizon`, as of `day`."""
    _, as_of = case_select(decision_days)
    if _stored_deadlines(session, which, day):  # by the stored days: no date computed per case
        r: Any = Referral
        flag = deadlines.stored_flag(r.status, {"referred_on": r.referred_on, "due_on": r.due_on},
                                     {"as_of": day, "horizon": horizon}, decision_days)
    else:
        flag = deadlines.flag(as_of.deadline, {"as_of": day, "horizon": horizon})
    counted = which.apply(select(
        func.count(),
        func.coalesce(func.sum(case((flag == DueKind.OVERDUE.value, 1), else_=0)), 0),
        func.coalesce(func.sum(case((flag == DueKind.DUE_SOON.value, 1), else_=0)), 0),
    ).select_from(Referral), as_of)
    total, overdue, due_soon = session.execute(counted, {"as_of_day": day}).one()
    return {"total": int(total), "overdue": int(overdue), "due-soon": int(due_soon)}


def due_rows(session: Session, day: date, horizon: date, decision_cutoff: date,
             current: bool = False, limit: int | None = None,
             which: CaseFilter = CaseFilter(),
             decision_days: int = DECISION_DAYS) -> dict[str, tuple[int, list[dict[str, Any]]]]:
    """Per `due` warning: how many cases it concerns, and the first `limit` of them, soonest
    first, then by case number (the order `due` shows them in, so that the first `limit` of
    each kind hold the first `limit` of all); each selected by its own WHERE. Of `which`, only
    the units count."""
    query, as_of = case_select(decision_days)
    query = query.where(*which.units())
    due_on, suspended_until = as_of.due_on, as_of.suspended_until
    accepted = and_(_current_status([Status.ACCEPTED.value], current),
                    as_of.status == Status.ACCEPTED.value)
    decision_due = as_of.deadline  # of a referred case: the day its decision is late after
    if current and not _extended_after(session, day):  # the stored days are the day's: the
        # indexes on status and day serve them
        stored: Any = Referral
        due_on, decision_due = stored.due_on, stored.referred_on
    conditions = {  # kind: (which cases, the date the warning is about)
        "overdue": (and_(accepted, due_on < day), due_on),
        "due-soon": (and_(accepted, due_on >= day, due_on <= horizon), due_on),
        "decision-late": (and_(_current_status([Status.REFERRED.value], current),
                               as_of.status == Status.REFERRED.value,
                               col(Referral.referred_on) < decision_cutoff), decision_due),
        "suspension-ending": (and_(accepted, suspended_until.is_not(None),
                                   suspended_until <= horizon), suspended_until),
        "suspension-outlasts": (and_(accepted, suspended_until.is_not(None),
                                     suspended_until > due_on), suspended_until),
    }
    count = select(*(func.coalesce(func.sum(case((where, 1), else_=0)), 0)
                     for where, _ in conditions.values())).select_from(Referral)
    counts = session.execute(count.where(_current_status(OPEN_STATUSES, current), *which.units()),
                             {"as_of_day": day}).one()
    result = {}
    for (kind, (where, when)), n in zip(conditions.items(), counts):
        found = query.where(where).order_by(when, col(Referral.case_year), col(Referral.case_seq))
        rows = rows_of(session.execute(found.limit(limit), {"as_of_day": day})) if n else []
        result[kind] = (int(n), rows)
    return result


def example_rows(session: Session, topic: str | None = None,
                 receiver: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Closed referrals that achieved their goal at least partly, with no client data at all."""
    query = (
        select(col(Referrer.code).label("referrer"), col(Referrer.kind).label("referrer_kind"),
               col(Receiver.code).label("receiver"), col(Receiver.kind).label("receiver_kind"),
               topic_list().label("topics"), col(Referral.goal), col(Referral.months),
               col(Referral.referred_on), col(Referral.decided_on), col(Referral.closed_on),
               col(Referral.outcome), col(Referral.employed))
        .join(Referrer, col(Referrer.id) == Referral.referrer_id)
        .join(Receiver, col(Receiver.id) == Referral.receiver_id)
        .where(col(Referral.status) == "closed", col(Referral.outcome).in_(("achieved", "partly")))
    )
    if topic is not None:
        query = query.where(col(Referral.id).in_(
            select(col(ReferralTopic.referral_id)).where(col(ReferralTopic.topic) == topic)))
    if receiver is not None:
        query = query.where(col(Referral.receiver_id).in_(list(receiver)))
    query = query.order_by(case((col(Referral.outcome) == "achieved", 0), else_=1),
                           col(Referral.closed_on).desc(), col(Referral.case_year), col(Referral.case_seq))
    return rows_of(session.execute(query))


def clients_ended_before(session: Session, day: date) -> list[int]:
    """Clients not yet anonymized whose every referral and joint strategy ended before `day`
    (closed, withdrawn or rejected), and clients without referrals registered before it."""
    ended_on = func.coalesce(col(Referral.closed_on), col(Referral.withdrawn_on),
                             case((col(Referral.status) == "rejected", col(Referral.decided_on))))
    still_needed = (select(col(Referral.client_id))
                    .where(or_(col(Referral.status).in_(OPEN_STATUSES),
                               ended_on >= day, ended_on.is_(None))))
    # a joint strategy (issue 18) open, or closed on or after `day`, needs its client too
    still_joint = select(col(JointStrategy.client_id)).where(or_(
        col(JointStrategy.closed_on).is_(None), col(JointStrategy.closed_on) >= day))
    query = (select(col(Client.id))
             .where(col(Client.anonymized_on).is_(None), col(Client.id).not_in(still_needed),
                    col(Client.id).not_in(still_joint))
             .where(or_(col(Client.id).in_(select(col(Referral.client_id))),
                        col(Client.created_at) < datetime.combine(day, time.min, tzinfo=UTC)))
             .order_by(col(Client.id)))
    return list(session.execute(query).scalars())


def select_clients(ids: list[int]) -> Select[Any]:
    return select(Client).where(col(Client.id).in_(ids))


def select_referrals_of(client_ids: list[int]) -> Select[Any]:
    return select(Referral).where(col(Referral.client_id).in_(client_ids))
