"""Follow-ups after the closing (issue 19): record one, the follow-ups of a case for `show`, their
lines in `due` and `inbox`, and the report's section `follow_up` (rules/followup.py decides,
store/followup.py holds the SQL).

A case's schedule follows from its closing and the settings in force at the end of its closing
day (store/settings.as_of), so that an amend, undo or reopen of the closing moves or removes it."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from optima_cli.records.models import Referral
from optima_cli.rules import followup as rules
from optima_cli.rules.codes import Situation, parse_code
from optima_cli.store import audit
from optima_cli.store import followup as stored
from optima_cli.store import settings as stored_settings
from optima_cli.workflow import lookup
from optima_cli.workflow.cases import store_of
from optima_cli.workflow.context import Context


def schedule(session: Session, referral: Referral) -> tuple[rules.Scheduled, ...]:
    """The follow-ups of a case, under the settings of its closing day (none if not closed)."""
    if referral.closed_on is None:
        return ()
    return rules.schedule(referral.status, referral.closed_on,
                          stored_settings.as_of(session, referral.closed_on))


def record_follow_up(ctx: Context, ref: str, at: int, situation: Situation | str,
                     since: date | None = None, on: date | None = None, note: str | None = None,
                     correct: bool = False, why: str | None = None) -> dict[str, Any]:
    """Record what became of the client `at` months after the closing of `ref` (with `correct`,
    replace the follow-up recorded before: a new row, an audit event with before and after)."""
    day = on or ctx.today
    code = situation if isinstance(situation, Situation) else parse_code(Situation, situation)
    with ctx.write() as session:
        referral = lookup.referral(session, ref)
        _, client = store_of(ctx, session).case(referral)
        planned = schedule(session, referral)
        existing = stored.current(session, referral.id or 0)
        item = next((p for p in planned if p.months == at), None)
        found = existing.get(item.point) if item is not None else None
        decided = rules.decide(case=referral.case_id, status=referral.status,
                               referred_on=referral.referred_on, closed_on=referral.closed_on,
                               planned=planned, at=at, situation=code, since=since, on=day,
                               today=ctx.today, note=note,
                               existing=stored.state(found) if found else None,
                               correct=correct, why=why, client=client)
        assert referral.closed_on is not None  # decided: the case is closed
        stored.insert(session, referral.id or 0, referral.closed_on, decided.recorded, ctx.user,
                      ctx.now(), found)
        audit.record(session, actor=ctx.user, action=decided.action, entity="referral",
                     entity_ref=referral.case_id, client_id=referral.client_id,
                     referral_id=referral.id, on_date=day, before=decided.before,
                     after=decided.after, now=ctx.now(), source=ctx.source, why=decided.why)
        scheduled = next(p for p in planned if p.months == at)
        return {"case": referral.case_id, "closed_on": referral.closed_on,
                "corrected": correct, **rules.record(decided.recorded, scheduled)}


def closed_cases(ctx: Context) -> list[dict[str, Any]]:
    """Every closed case with its referral day and its schedule (for the demo)."""
    found = []
    with ctx.read() as session:
        for case, referred_on, closed_on in stored.closed_cases(session):
            settings = stored_settings.as_of(session, closed_on)
            found.append({"case": case, "referred_on": referred_on, "closed_on": closed_on,
                          "schedule": rules.schedule("closed", closed_on, settings)})
    return found


def of_case(session: Session, referral: Referral) -> list[dict[str, Any]]:
    """The follow-ups of a case for `show`: each scheduled one, recorded or not."""
    found = stored.current(session, referral.id or 0)
    return [rules.record(stored.state(found[p.point]) if p.point in found else None, p)
            for p in schedule(session, referral)]


def due_items(session: Session, day: date, end: date, referrers: list[int] | None,
              receivers: list[int] | None) -> list[dict[str, Any]]:
    """The follow-ups of the cases closed by `day` that are due up to `end` and not recorded,
    from their due day until their recording time ends (listed_from), each with its due day and
    months, soonest first."""
    items = []
    spans = stored.regimes(session)
    for row in stored.due_rows(session, listed_from(day), end, day, referrers, receivers):
        months = rules.months_of(rules.settings_on(spans, row["closed_on"]), row["point"])
        items.append({**row, "months": months,
                      "due_on": rules.due_day(row["closed_on"], months)})
    return sorted(items, key=lambda i: (i["due_on"], i["case"], i["months"]))


def listed_from(day: date) -> date:
    """`due` and `inbox` list a follow-up not recorded from its due day until its recording time
    ends (a month after it); after that it is counted `overdue` in the figures."""
    return day - relativedelta(months=rules.RECORD_MONTHS)


def report_section(session: Session, start: date | None, end: date, as_of: date, by: str,
                   keys: list[str], group: dict[int, str]) -> dict[str, Any]:
    """The report's section `follow_up`: for each follow-up (`first`, `second`), those that fell
    due in the period (each counted in the period of its due day, so that periods add up), recorded
    by `as_of` by situation (every code, zero when none), employed, not recorded yet, and overdue
    (not recorded when its recording time ended), and by receiver (kind or unit)."""
    settings = stored_settings.as_of(session, end)
    section: dict[str, Any] = {}
    for point in rules.POINTS:
        cells = stored.figures(session, point, start, end, as_of)
        by_situation = {s.value: 0 for s in Situation}
        receiver = {key: {"due": 0, "recorded": 0, "employed": 0} for key in keys}
        overdue = not_recorded = 0
        for receiver_id, situation, n, late in cells:
            cell = receiver.setdefault(group[receiver_id], {"due": 0, "recorded": 0, "employed": 0})
            cell["due"] += n
            if situation is None:
                not_recorded += n
                overdue += late
                continue
            by_situation[situation] = by_situation.get(situation, 0) + n
            cell["recorded"] += n
            if situation == Situation.EMPLOYED.value:
                cell["employed"] += n
        recorded = sum(by_situation.values())
        section[point] = {"months": rules.months_of(settings, point),
                          "due": recorded + not_recorded, "recorded": recorded,
                          "by_situation": by_situation,
                          "employed": by_situation[Situation.EMPLOYED.value],
                          "not_reached": by_situation[Situation.NOT_REACHED.value],
                          "not_recorded_yet": not_recorded - overdue, "overdue": overdue,
                          "receiver": receiver}
    return section
