"""The settings of the steering group in the database (table setting_change): the settings in
force, read once per command, and a change written with its audit event in the command's
transaction. What a value means and which are allowed is in rules/settings.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from optima_cli.records.models import Meta, SettingChange
from optima_cli.rules import notices
from optima_cli.rules import settings as rules
from optima_cli.store import audit


def current(session: Session) -> rules.Settings:
    """The settings in force: the defaults overlaid with every change in the order made; their
    version is the latest change's id (0: none)."""
    return _overlaid(session.exec(select(SettingChange).order_by(col(SettingChange.id))).all())


def _overlaid(changes: Sequence[SettingChange]) -> rules.Settings:
    """The defaults overlaid with `changes` in their order; the version is the last one's id."""
    return rules.overlay(((c.key, c.value) for c in changes), changes[-1].id or 0 if changes else 0)


def as_of(session: Session, day: date) -> rules.Settings:
    """The settings that were in force at the end of `day` (UTC as stored): what a report of a
    period ending that day judges its deadlines by, so that a later change never changes it."""
    return _overlaid([c for c in session.exec(select(SettingChange).order_by(col(SettingChange.id)))
                      if c.at.date() <= day])


def at_version(session: Session, version: int) -> rules.Settings:
    """The settings as they were at `version` (a case's, which keeps the criteria it was judged
    under): the defaults overlaid with the changes up to it."""
    changes = session.exec(select(SettingChange).where(col(SettingChange.id) <= version)
                           .order_by(col(SettingChange.id))).all()
    return rules.overlay(((c.key, c.value) for c in changes), version)


def latest_changes(session: Session) -> dict[str, SettingChange]:
    """The latest change of each key that was changed."""
    latest: dict[str, SettingChange] = {}
    for change in session.exec(select(SettingChange).order_by(col(SettingChange.id))).all():
        latest[change.key] = change
    return latest


def change(session: Session, key: str, value: str, before: str, actor: str, now: datetime,
           source: str) -> int:
    """Write a change of `key` to `value` (as text, parsed) and its audit event; the new version."""
    row = SettingChange(at=now, actor=actor, key=key, value=value)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="settings-set", entity="settings", entity_ref=key,
                 before={key: before}, after={key: value, "version": row.id}, now=now,
                 source=source)
    return row.id or 0


def changes_between(session: Session, start: date | None, end: date) -> list[dict[str, Any]]:
    """The changes made from `start` (None: the first) to `end` (days, inclusive, in UTC as
    stored), in order, each
    with the value before it (the default if it is the key's first): day, key, before, after,
    version."""
    rows = session.exec(select(SettingChange).order_by(col(SettingChange.id))).all()
    found: list[dict[str, Any]] = []
    last: dict[str, str] = {}
    for row in rows:
        before = last.get(row.key, _default_text(row.key))
        last[row.key] = row.value
        day = row.at.date()
        if (start is None or start <= day) and day <= end:
            found.append({"day": day, "key": row.key, "before": before, "after": row.value,
                          "version": row.id})
    return found


def _default_text(key: str) -> str:
    try:
        return str(rules.default_of(key))
    except KeyError:
        return ""


def count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(SettingChange)).one())


# --- the mail server of `optima notify` (issue 18): kept in meta, one row per key set -------------

def mail(session: Session) -> notices.MailSettings:
    """The mail server as set (the defaults where nothing is)."""
    rows = session.exec(select(Meta).where(col(Meta.key).in_(list(notices.MAIL_KEYS)))).all()
    return notices.mail_settings({row.key: row.value for row in rows})


def set_mail(session: Session, key: str, value: str, before: str, actor: str, now: datetime,
             source: str) -> None:
    """Write a mail setting (as text; "" removes it) and its audit event."""
    row = session.get(Meta, key)
    if value:
        row = row or Meta(key=key, value=value)
        row.value = value
        session.add(row)
    elif row is not None:
        session.delete(row)
    audit.record(session, actor=actor, action="settings-set", entity="settings", entity_ref=key,
                 before={key: before}, after={key: value}, now=now, source=source)
