"""Joint strategies: open, review, close, list, show, and their lines in `due` (rules/joint.py).

Each change is one transaction: load the client, the units, the strategy (and the referral it
starts from), let the rule decide, write the rows and the audit events (each event names the
client, so `anonymize` erases its values with the client's others)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from optima_cli.errors import NotFound
from optima_cli.language import t
from optima_cli.records.models import JointStrategy
from optima_cli.rules import access as access_rules
from optima_cli.rules import actions, deadlines
from optima_cli.rules import joint as rules
from optima_cli.rules.codes import Cause, Outcome
from optima_cli.rules.identity import format_client_id, format_joint_id
from optima_cli.store import access, audit
from optima_cli.store import joint as stored
from optima_cli.workflow import lookup
from optima_cli.workflow.cases import store_of
from optima_cli.workflow.context import Context

ENTITY = "joint"  # what the audit events of a joint strategy name


@dataclass
class Open:
    client: str
    lead: str
    partners: tuple[str, ...]
    goal: str | None
    review_on: date
    on: date | None = None
    from_case: str | None = None


def find(session: Session, ref: str) -> JointStrategy:
    found = stored.by_id(session, ref)
    if found is None:
        raise NotFound(t("no joint strategy {ref!r}; their ids look like GS-2026-0001 (see "
                         "`optima joint list`)", ref=ref))
    return found


def _record(ctx: Context, session: Session, row: JointStrategy, event: rules.JointEvent) -> None:
    audit.record(session, actor=ctx.user, action=event.action, entity=ENTITY,
                 entity_ref=row.strategy_id, client_id=row.client_id, on_date=event.on_date,
                 before=event.before, after=event.after, now=ctx.now(), source=ctx.source)


def open_joint(ctx: Context, req: Open) -> dict[str, Any]:
    day = req.on or ctx.today
    with ctx.write() as session:
        store = store_of(ctx, session)
        client = lookup.client(session, req.client)
        units = [store.institution_unit(lookup.institution(session, code))
                 for code in (req.lead, *req.partners)]
        unit_ids = {unit.code: unit_id for unit_id, unit in units}
        access_rules.require_lead(units[0][1].code, units[0][0], access.units_of_login(session))
        referral = lookup.referral(session, req.from_case) if req.from_case else None
        from_case = store.case(referral) if referral is not None else None
        decided = rules.open_joint(
            joint_id=format_joint_id(day.year, stored.next_seq(session, day.year)),
            client=format_client_id(client.id or 0), facts=actions.facts_of(client),
            anonymized=bool(client.anonymized_on or client.birth_date is None),
            lead=units[0][1], partners=tuple(unit for _, unit in units[1:]), goal=req.goal,
            day=day, review_on=req.review_on, today=ctx.today,
            open_joint_id=stored.open_of_client(session, client.id or 0), from_case=from_case)
        if decided.withdrawn is not None:
            store.save(decided.withdrawn)
        seq = int(decided.joint.joint_id.rsplit("-", 1)[1])
        row = stored.insert(session, decided.joint, seq, client.id or 0, unit_ids,
                            referral.id if referral is not None else None, ctx.now())
        _record(ctx, session, row, decided.event)
        return rules.record(decided.joint)


def _change(ctx: Context, ref: str, decide: Any) -> dict[str, Any]:
    with ctx.write() as session:
        row = find(session, ref)
        decided = decide(stored.state(session, row))
        stored.update(session, row, decided.joint, ctx.now())
        _record(ctx, session, row, decided.event)
        return rules.record(decided.joint)


def review(ctx: Context, ref: str, next_on: date, on: date | None = None,
           note: str | None = None) -> dict[str, Any]:
    day = on or ctx.today
    return _change(ctx, ref, lambda joint: rules.review(joint, day, ctx.today, next_on, note))


def close(ctx: Context, ref: str, outcome: Outcome, cause: Cause | None = None,
          note: str | None = None, on: date | None = None) -> dict[str, Any]:
    from optima_cli.rules.lifecycle import check_close

    check_close(outcome, cause)  # refused before the strategy is looked up
    day = on or ctx.today
    return _change(ctx, ref, lambda joint: rules.close(joint, day, ctx.today, outcome, cause, note))


STATUSES = ("open", "closed", "all")


def list_joint(ctx: Context, status: str = "open", client: str | None = None,
               unit: str | None = None) -> list[dict[str, Any]]:
    """Joint strategies in the order they were opened; the closing note only with `show`."""
    if status not in STATUSES:
        from optima_cli.errors import UsageProblem

        raise UsageProblem(t("--status must be open, closed or all, not {value!r}", value=status))
    with ctx.read() as session:
        client_id = lookup.client(session, client).id if client else None
        rows = stored.strategies(session, client_id=client_id, units=lookup.units(session, unit))
        found = [rules.record(stored.state(session, row)) for row in rows]
    return [{**r, "close_note": None} for r in found if status in ("all", r["status"])]


def show_joint(ctx: Context, ref: str) -> dict[str, Any]:
    """One joint strategy with its reviews and notes; the read is recorded in the audit trail."""
    with ctx.write() as session:
        row = find(session, ref)
        joint = stored.state(session, row)
        result = rules.record(joint)
        result["review_history"] = [{"on": r.on, "next_on": r.next_on, "note": r.note}
                                    for r in joint.reviews]
        audit.record(session, actor=ctx.user, action="read", entity=ENTITY,
                     entity_ref=row.strategy_id, client_id=row.client_id, now=ctx.now(),
                     source=ctx.source)
        return result


def due_warnings(session: Session, w: deadlines.Window, lead: list[int] | None,
                 partner: list[int] | None) -> list[tuple[deadlines.DueKind, dict[str, Any]]]:
    """The joint strategies open on the window's day whose next review (as it stood that day)
    is overdue or within the window: (kind, the strategy's record with that review day)."""
    found = []
    for row in stored.strategies(session, open_on=w.as_of):
        if lead is not None and row.lead_id not in lead:
            continue
        if partner is not None and not set(partner) & stored.partner_ids(session, row):
            continue
        joint = stored.state(session, row)
        review_on = joint.review_on_day(w.as_of)
        flag = deadlines.flag(review_on, w)
        if flag is None:
            continue
        kind = (deadlines.DueKind.REVIEW_OVERDUE if flag == deadlines.DueKind.OVERDUE.value
                else deadlines.DueKind.REVIEW_DUE)
        found.append((kind, {**rules.record(joint), "review_on": review_on,
                             "status": rules.OPEN}))  # open on the window's day
    return found


def report_section(session: Session, start: date | None, end: date, by: str,
                   keys: list[str]) -> dict[str, Any]:
    """The report's section `joint`: opened and closed in the period, closed by outcome (every
    outcome, zero when none), opened by the lead's kind or unit (every group of the report), and
    open at the period's end."""
    found = stored.figures(session, start, end, by)
    return {"opened": found["opened"], "closed": found["closed"],
            "by_outcome": {o.value: found["by_outcome"].get(o.value, 0) for o in Outcome},
            "lead": {key: found["lead"].get(key, 0) for key in keys},
            "open_at_end": found["open_at_end"]}


def report_rows(session: Session, start: date | None, end: date) -> list[dict[str, Any]]:
    """The joint strategies active in the period (opened by its end, not closed before its
    start), as the workbook lists them: without notes, the next review as it stood at the end."""
    rows = []
    for row in stored.strategies(session, active_from=start, active_to=end):
        joint = stored.state(session, row)
        record = rules.record(joint)
        closed = joint.closed_on is not None and joint.closed_on <= end
        record.update(status=rules.CLOSED if closed else rules.OPEN, close_note=None,
                      reviews=sum(1 for r in joint.reviews if r.on <= end),
                      review_on=None if closed else joint.review_on_day(end),
                      **({} if closed else {"closed_on": None, "outcome": None, "cause": None}))
        rows.append(record)
    return rows
