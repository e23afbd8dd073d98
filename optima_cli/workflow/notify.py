"""`optima notify`: the daily digest by e-mail (issue 18), for a cron job.

One read gathers what awaits each unit (rules/notices.py `Item`: referrals to decide, decisions
overdue, mandates ending, job-search suspensions ending, handbacks to read, reviews of joint
strategies due) and what was delivered before (table
notice); each contact person's address gets one message with its units' new items. A message is
recorded as delivered (its items, in table notice, with an audit event) in its own transaction
right after the mail server took it: a message that was not taken is sent by the next run, one that
was taken is never sent again. The mail server is the settings' (`optima settings set mail-host`).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import stat
from collections.abc import Callable
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from optima_cli.errors import OptimaError
from optima_cli.language import plural, t
from optima_cli.render import due as due_wording
from optima_cli.rules import deadlines
from optima_cli.rules import notices as rules
from optima_cli.store import audit, queries
from optima_cli.store import notices as stored_notices
from optima_cli.store import settings as stored_settings
from optima_cli.workflow.case_reads import due_day
from optima_cli.workflow.context import Context
from optima_cli.workflow.joint import due_warnings as joint_due

SMTP_TIMEOUT_S = 30


def _items(session: Any, day: date) -> list[rules.Item]:
    """Everything that awaits a unit on `day`: the referrals it has to decide, and the warnings
    of `due` (as its default window has them)."""
    settings = stored_settings.current(session)
    w = deadlines.window(day, settings.due_days, settings.decision_days)
    items: list[rules.Item] = []
    referred = queries.case_rows(session, day, queries.CaseFilter(statuses=["referred"], current=True),
                                 decision_days=w.decision_days)
    for row in referred:
        decide_by = deadlines.decision_due(row["referred_on"], w.decision_days)
        items.append(rules.Item(
            row["receiver"], f"referral:{row['case_id']}:{row['receiver']}", row["referred_on"],
            t("{case}: referred by {referrer} on {day}; decide by {deadline}", case=row["case_id"],
              referrer=row["referrer"], day=row["referred_on"], deadline=decide_by),
            row["receiving_counsellor"]))
    found = queries.due_rows(session, day, w.horizon, w.decision_cutoff, current=True, limit=None,
                             which=queries.CaseFilter(), decision_days=w.decision_days)
    for kind_name, (_, rows) in found.items():
        kind = deadlines.DueKind(kind_name)
        for row in rows:
            when, extra = due_day(kind, row, w.decision_days)
            receiving = kind in rules.FOR_RECEIVER
            unit = row["receiver"] if receiving else row["referrer"]
            items.append(rules.Item(unit, f"{kind.value}:{row['case_id']}:{when}", when,
                                    due_wording.message(kind, row["case_id"], when, day, extra),
                                    row["receiving_counsellor" if receiving
                                        else "referring_counsellor"]))
    # the handbacks not yet read, for the unit that referred the case
    for h in queries.unread_handbacks(session, stored_notices.unit_ids(session)):
        items.append(rules.Item(
            h["referrer"], f"handback:{h['case']}:{h['closed_on']}", h["closed_on"],
            t("{case}: closed by {receiver} on {day}; its handback waits for you (optima inbox "
              "--read {case})", case=h["case"], receiver=h["receiver"], day=h["closed_on"]),
            h["referring_counsellor"]))
    # the reviews of joint strategies due or overdue, for the lead and each unit taking part
    for kind, joint in joint_due(session, w, None, None):
        line = due_wording.message(kind, joint["joint"], joint["review_on"], day, joint["lead"])
        for unit in (joint["lead"], *joint["with"]):
            items.append(rules.Item(unit, f"{kind.value}:{joint['joint']}:{joint['review_on']}",
                                    joint["review_on"], line))
    return items


def _plan(ctx: Context) -> tuple[list[rules.Digest], list[str], rules.MailSettings]:
    with ctx.read() as session:
        items = _items(session, ctx.today)
        addresses = stored_notices.contact_addresses(session)
        counsellors = {(unit, name): email for unit, name, email in stored_notices.counsellors(session)}
        sent = stored_notices.sent(session)
        mail = stored_settings.mail(session)
    found, unreachable = rules.digests(items, addresses, sent, counsellors)
    return found, unreachable, mail


def message(digest: rules.Digest, sender: str, day: date) -> EmailMessage:
    """The e-mail of a digest: case ids, unit codes and dates, nothing about the person."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = digest.to
    mail["Subject"] = plural(len(digest.items), "OPTIMA: 1 new item for {units}",
                             "OPTIMA: {n} new items for {units}", n=len(digest.items),
                             units=", ".join(digest.units))
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    lines = [t("What awaits {units} in OPTIMA on {day}:", units=", ".join(digest.units), day=day), ""]
    lines += [f"- {item.line}" for item in digest.items]
    lines += ["", t("Open a case with `optima show CASE`; `optima due` lists every deadline. This "
                    "message names no person, on purpose.")]
    mail.set_content("\n".join(lines) + "\n")
    return mail


def _password(mail: rules.MailSettings) -> str | None:
    """The login's password: from the environment, else from the settings' file (yours alone)."""
    if os.environ.get(rules.PASSWORD_VARIABLE):
        return os.environ[rules.PASSWORD_VARIABLE]
    if not mail.password_file:
        return None
    path = Path(mail.password_file).expanduser()
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise OptimaError.refused("mail-password-open", path=str(path))
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise OptimaError.refused("mail-password-file", path=str(path),
                                  problem=exc.strerror or str(exc)) from None


def _connect(mail: rules.MailSettings) -> smtplib.SMTP:
    server = f"{mail.host}:{mail.port}"
    password = _password(mail)
    try:
        smtp = smtplib.SMTP(mail.host or "", mail.port, timeout=SMTP_TIMEOUT_S)
    except (OSError, smtplib.SMTPException) as exc:
        raise OptimaError.refused("mail-unreachable", server=server,
                                  problem=_said(exc)) from None
    try:
        if mail.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if mail.user:
            smtp.login(mail.user, password or "")
    except smtplib.SMTPAuthenticationError as exc:
        smtp.close()
        raise OptimaError.refused("mail-login", server=server, user=mail.user,
                                  problem=_said(exc)) from None
    except (OSError, smtplib.SMTPException) as exc:
        smtp.close()
        raise OptimaError.refused("mail-unreachable", server=server, problem=_said(exc)) from None
    return smtp


def _said(exc: BaseException) -> str:
    """An SMTP or socket error in one line."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return f"{exc.smtp_code} {' '.join(text.split())}"
    return " ".join((getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).split())


def _delivered(ctx: Context, digest: rules.Digest) -> None:
    """Record a digest the mail server took: its items for its address, and an audit event."""
    now = ctx.now()
    with ctx.write() as session:
        stored_notices.delivered(session, digest.to, [i.key for i in digest.items], now)
        audit.record(session, actor=ctx.user, action="notify", entity="mail",
                     entity_ref=",".join(digest.units), now=now, source=ctx.source,
                     after={"to": digest.to, "items": [i.key for i in digest.items]})


def notify(ctx: Context, dry_run: bool = False,
           sent: Callable[[rules.Digest, bool], None] | None = None) -> dict[str, Any]:
    """Send each contact person the new items of their units (with `dry_run`: only say what
    would go). `sent(digest, delivered)` hears of each message as it goes. A server that cannot
    be reached is refused (exit 1) with nothing recorded; a message the server refuses is left
    for the next run, the others go."""
    found, unreachable, mail = _plan(ctx)
    result: dict[str, Any] = {"dry_run": dry_run, "unreachable_units": unreachable, "messages": []}
    if not found:
        return result
    if dry_run:
        result["messages"] = [_record(d, None, message(d, mail.sender or "optima@localhost",
                                                       ctx.today)) for d in found]
        return result
    rules.ready(mail)
    assert mail.sender is not None
    smtp = _connect(mail)
    try:
        for digest in found:
            mail_message = message(digest, mail.sender, ctx.today)
            try:
                smtp.send_message(mail_message)
            except smtplib.SMTPServerDisconnected as exc:
                raise OptimaError.refused("mail-unreachable", server=f"{mail.host}:{mail.port}",
                                          problem=_said(exc)) from None
            except smtplib.SMTPException as exc:
                result["messages"].append(_record(digest, _said(exc), mail_message))
                if sent:
                    sent(digest, False)
                continue
            _delivered(ctx, digest)
            result["messages"].append(_record(digest, "", mail_message))
            if sent:
                sent(digest, True)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return result


def _record(digest: rules.Digest, problem: str | None, mail: EmailMessage) -> dict[str, Any]:
    """A message as `notify` reports it (`problem`: None for a dry run, "" when delivered)."""
    return {"to": digest.to, "units": list(digest.units), "items": [i.key for i in digest.items],
            "delivered": problem == "" if problem is not None else None,
            "problem": problem or None, "subject": mail["Subject"],
            "text": mail.get_content() if problem is None else None}
