"""The settings of the steering group: shown, and set (one transaction: the change and its audit
event). What a key means and which values it takes is in rules/settings.py; the table in
store/settings.py."""

from __future__ import annotations

from typing import Any

from optima_cli.rules import notices
from optima_cli.rules import settings as rules
from optima_cli.store import settings as stored
from optima_cli.workflow.context import Context


def _text(value: int | rules.RuleKind) -> str:
    return str(value)


def show(ctx: Context) -> dict[str, Any]:
    """The settings in force, key by key (value, default, when and by whom it was last changed),
    and their version."""
    with ctx.read() as session:
        current = stored.current(session)
        latest = stored.latest_changes(session)
    rows = []
    for key in rules.all_keys():
        change = latest.get(key)
        rows.append({"key": key, "value": _text(rules.value_of(current, key)),
                     "default": _text(rules.default_of(key)),
                     "changed_on": change.at.date() if change else None,
                     "changed_by": change.actor if change else None})
        mail = stored.mail(session)
    return {"version": current.version, "settings": rows,
            "mail": {key: notices.shown(mail, key) or None for key in notices.MAIL_KEYS}}


def set_value(ctx: Context, key: str, value: str) -> dict[str, Any]:
    """Set `key` to `value` (refused if either is not allowed): the change is the new version of
    the settings; stored referrals keep the version they were judged under. A mail key
    (mail-host, ...) sets the mail server of `optima notify`: no new version."""
    if notices.is_mail_key(key):
        return _set_mail(ctx, key.strip().lower(), value)
    known = rules.parse_key(key)
    parsed = _text(rules.parse(known, value))
    with ctx.write() as session:
        settings = stored.current(session)
        before = _text(rules.value_of(settings, known))
        rules.check(rules.with_value(settings, known, rules.parse(known, parsed)))
        if parsed == before:  # nothing changes: no new version, no line in the report
            return {"key": known, "before": before, "value": parsed, "version": settings.version,
                    "changed": False}
        version = stored.change(session, known, parsed, before, ctx.user, ctx.now(), ctx.source)
    return {"key": known, "before": before, "value": parsed, "version": version, "changed": True}


def _set_mail(ctx: Context, key: str, value: str) -> dict[str, Any]:
    parsed = notices.parse_mail(key, value)
    text = notices.shown(notices.replace_mail(notices.MailSettings(), key, parsed), key)
    with ctx.write() as session:
        current = stored.current(session)
        before = notices.shown(stored.mail(session), key)
        if text != before:
            stored.set_mail(session, key, text if (value or "").strip() else "", before,
                            ctx.user, ctx.now(), ctx.source)
    return {"key": key, "before": before, "value": text, "version": current.version,
            "changed": text != before, "mail": True}
