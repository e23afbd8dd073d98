"""The cases as the database held them at the end of a past day (`optima report --as-recorded`).

The report's queries (store/report.py) read the tables `referral`, `referral_topic`, `suspension`,
`setting_change`, `forward`, `joint_strategy`, `measure` and `follow_up` by their plain names.
`shadowed` puts temporary copies of these tables in front of them for the length of one read: a
temporary table is found
before the stored table of the same name (SQLite searches its `temp` schema first, PostgreSQL its
`pg_temp`), so the very same
queries count the copies, and the database itself is not written. In the copies, every case that
the audit trail shows changed (or entered) after that day is put back as its events up to then
add up to (rules/as_recorded.py) with its forwardings, settings changed since are left out, and
joint strategies opened since are left out and those closed since are open; measures entered
since are left out, those decided since are undecided and those struck since count (issue 19:
each measure keeps when it was entered, decided and struck); follow-ups entered since are left
out and those corrected since count as they were (table follow_up, issue 19).

Only the copies are ever written, always by their schema-qualified names (`temp.referral`,
`pg_temp.referral`), never by a plain name that could reach the stored table; they are dropped when
the block ends (on PostgreSQL also when the transaction ends).

Not put back: refused referrals (a refusal keeps its day, not when it was recorded) and cases whose
recorded values were erased by `anonymize` since (counted as they are, and said).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import MetaData, Table, delete, insert, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from optima_cli.records.models import (
    CASE_FIELDS,
    AuditEvent,
    FollowUp,
    Forward,
    Institution,
    JointStrategy,
    Measure,
    Referral,
    ReferralTopic,
    SettingChange,
    Suspension,
)
from optima_cli.rules.as_recorded import Step, Then, replay
from optima_cli.store.bulk import chunks

# the tables the report reads that a later change can touch, as the models define them
_SHADOWED: tuple[Table, ...] = (Referral.__table__, ReferralTopic.__table__,  # type: ignore[attr-defined]
                                 Suspension.__table__, SettingChange.__table__,  # type: ignore[attr-defined]
                                 Forward.__table__, JointStrategy.__table__,  # type: ignore[attr-defined]
                                 Measure.__table__, FollowUp.__table__)  # type: ignore[attr-defined]
# the column of each key of a case record, and the type of its values
_COLUMNS = {f.key: (f.name, f.type) for f in CASE_FIELDS if f.name and f.type is not None}
_COLUMNS["first_due_on"] = ("first_due_on", date)


@dataclass(frozen=True)
class AsRecorded:
    """What `shadowed` put back: the day, the cases changed or entered after it, and of those the
    ones whose recorded values were erased since (counted as they are now)."""

    on: date
    changed_since: int
    erased: int

    def as_dict(self) -> dict[str, Any]:
        return {"on": self.on, "cases_changed_since": self.changed_since,
                "cases_erased_since": self.erased}


def end_of(day: date) -> datetime:
    """The moment the day ends, in this machine's time zone, in UTC as the trail keeps its times."""
    return datetime.combine(day + timedelta(days=1), time.min).astimezone().astimezone(UTC)


@contextmanager
def shadowed(session: Session, day: date) -> Iterator[AsRecorded]:
    """Within the block, the report's queries in `session` see the cases as recorded at the end
    of `day` (see the module's text)."""
    end = end_of(day)
    later = select(col(AuditEvent.referral_id)).where(
        col(AuditEvent.referral_id).is_not(None), col(AuditEvent.at) >= end,
        or_(col(AuditEvent.payload).is_not(None), col(AuditEvent.payload_erased))).distinct()
    touched = {i for i in session.scalars(later) if i is not None}
    settings_later = session.scalar(select(col(SettingChange.id)).where(
        col(SettingChange.at) >= end).limit(1)) is not None
    # joint strategies opened or closed since (issue 18): by their ids
    joint_later = {action: set(session.scalars(select(col(AuditEvent.entity_ref)).where(
        col(AuditEvent.action) == action, col(AuditEvent.at) >= end).distinct()))
        for action in ("joint-open", "joint-close")}
    measures_later = session.scalar(select(col(Measure.id)).where(or_(
        col(Measure.recorded_at) >= end, col(Measure.decided_at) >= end,
        col(Measure.struck_at) >= end)).limit(1)) is not None  # issue 19
    if not touched and not settings_later and not any(joint_later.values()) \
            and not measures_later:
        yield AsRecorded(day, 0, 0)
        return
    erased: set[int] = {i for part in chunks(sorted(touched)) for i in session.scalars(
        select(col(AuditEvent.referral_id)).where(col(AuditEvent.referral_id).in_(part),
                                                  col(AuditEvent.payload_erased)).distinct())
                       if i is not None}
    put_back = sorted(touched - erased)
    cases = cases_then(session, set(put_back), end)
    rows = {row["id"]: dict(row) for part in chunks(put_back) for row in session.execute(
        select(Referral.__table__).where(col(Referral.id).in_(part))).mappings()}  # type: ignore[attr-defined]
    temp, stored = _schemas(session)
    copies = {t.name: t.to_metadata(MetaData(), schema=temp) for t in _SHADOWED}
    try:
        for table in _SHADOWED:
            on_commit = " ON COMMIT DROP" if temp == "pg_temp" else ""
            session.execute(text(f'CREATE TEMPORARY TABLE "{table.name}"{on_commit} AS '
                                 f'SELECT * FROM "{stored}"."{table.name}"'))
        referral, topic = copies["referral"], copies["referral_topic"]
        suspension, settings = copies["suspension"], copies["setting_change"]
        forward, joint = copies["forward"], copies["joint_strategy"]
        session.execute(delete(settings).where(settings.c.at >= end))
        # follow-ups (issue 19): those entered since are left out, those corrected since count
        follow_up = copies["follow_up"]
        session.execute(delete(follow_up).where(follow_up.c.entered_at >= end))
        session.execute(follow_up.update().where(follow_up.c.replaced_at >= end).values(
            replaced_at=None))
        for part in chunks(sorted(joint_later["joint-open"])):
            session.execute(delete(joint).where(joint.c.strategy_id.in_(part)))
        for part in chunks(sorted(joint_later["joint-close"])):
            session.execute(joint.update().where(joint.c.strategy_id.in_(part)).values(
                closed_on=None, outcome=None, cause=None))
        measure = copies["measure"]  # as entered then (issue 19)
        session.execute(delete(measure).where(measure.c.recorded_at >= end))
        session.execute(measure.update().where(measure.c.decided_at >= end).values(
            approved_on=None, declined_on=None, decided_at=None))
        session.execute(measure.update().where(measure.c.struck_at >= end).values(struck_at=None))
        unit_ids = {code: i for i, code in session.execute(
            select(col(Institution.id), col(Institution.code)))}
        for part in chunks(put_back):
            session.execute(delete(topic).where(topic.c.referral_id.in_(part)))
            session.execute(delete(suspension).where(suspension.c.referral_id.in_(part)))
            session.execute(delete(referral).where(referral.c.id.in_(part)))
            session.execute(delete(forward).where(forward.c.referral_id.in_(part)))
        for referral_id, then in cases.items():
            if then is None:  # entered after the day
                continue
            session.execute(insert(referral).values(row_then(rows[referral_id], then, unit_ids)))
            for on, was, to in then.forwards:
                session.execute(insert(forward).values(
                    referral_id=referral_id, forwarded_on=on, from_id=unit_ids.get(was),
                    to_id=unit_ids.get(to)))
            for name in then.values.get("topics") or ():
                session.execute(insert(topic).values(referral_id=referral_id, topic=name))
            for start, (until, ended) in then.suspensions.items():
                session.execute(insert(suspension).values(
                    referral_id=referral_id, start_on=date.fromisoformat(start),
                    until=_date(until), ended_on=_date(ended)))
        yield AsRecorded(day, len(touched), len(erased))
    finally:
        try:
            for table in _SHADOWED:
                session.execute(text(f'DROP TABLE IF EXISTS {temp}."{table.name}"'))
        except DBAPIError:  # a transaction that failed: its rollback drops them (and the error
            pass            # that failed it is the one to say)


def _schemas(session: Session) -> tuple[str, str]:
    """The schema of temporary tables, and the schema the stored tables are in."""
    if session.get_bind().dialect.name == "sqlite":
        return "temp", "main"
    return "pg_temp", str(session.scalar(text("SELECT current_schema()")))


def cases_then(session: Session, ids: set[int], end: datetime) -> dict[int, Then | None]:
    """Each case as its events before `end` add up to (None: entered later)."""
    events: dict[int, list[Step]] = {i: [] for i in ids}
    for part in chunks(sorted(ids)):
        query = (select(col(AuditEvent.referral_id), col(AuditEvent.action),
                        col(AuditEvent.on_date), col(AuditEvent.payload))
                 .where(col(AuditEvent.referral_id).in_(part), col(AuditEvent.at) < end,
                        col(AuditEvent.payload).is_not(None))
                 .order_by(col(AuditEvent.id)))
        for referral_id, action, on_date, payload in session.execute(query):
            values = json.loads(payload)
            events[referral_id].append(Step(action, on_date, values.get("before"),
                                            values.get("after")))
    return {i: replay(found) for i, found in events.items()}


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def row_then(current: dict[str, Any], then: Then, unit_ids: dict[str, int]) -> dict[str, Any]:
    """The referral's row as recorded then: its row now, with the values it had then
    (`unit_ids`: each unit's id by its code)."""
    row = dict(current)
    for key, value in then.values.items():
        if key == "receiver":  # forwarded since: the unit it was with then
            row["receiver_id"] = unit_ids.get(value, row["receiver_id"])
        elif key == "findings":  # the trail keeps them with sorted keys: the stored text if equal
            if json.loads(row["findings"] or "[]") != value:
                row["findings"] = json.dumps(value)
        elif key in _COLUMNS:
            name, kind = _COLUMNS[key]
            row[name] = _date(value) if kind is date else value
    return row
