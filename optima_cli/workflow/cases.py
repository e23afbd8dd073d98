"""The life of a referral: refer, accept, reject, withdraw, extend, suspend/resume search, close.

Each function is one transaction: it loads the case as a `lifecycle.Case`, lets the action of
`rules.lifecycle` return the new state (or refuse), writes it back, appends one audit event with
the values before and after, and returns the case. The import applies the same actions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from optima_cli.catalogue import en
from optima_cli.errors import OptimaError
from optima_cli.language import t
from optima_cli.rules import lifecycle
from optima_cli.rules.codes import Cause, Kind, Outcome, RejectReason, Topic, WithdrawReason
from optima_cli.rules.identity import format_case_id, format_client_id
from optima_cli.rules.lifecycle import Action, Case, SearchSuspension, Unit
from optima_cli.store import audit, queries
from optima_cli.store.models import Client, Institution, Referral, ReferralTopic, Suspension
from optima_cli.workflow import lookup
from optima_cli.workflow.clients import facts_of
from optima_cli.workflow.context import Context
from optima_cli.workflow.records import (
    STATE_COLUMNS,
    case_changes,
    case_snapshot,
    given_stored,
)


def unit(inst: Institution) -> Unit:
    return Unit(inst.code, Kind(inst.kind))


def _state(session: Session, referral: Referral) -> tuple[Case, list[Suspension]]:
    """The case state of a stored referral, and its suspension rows (in the state's order)."""
    referrer = session.get(Institution, referral.referrer_id)
    receiver = session.get(Institution, referral.receiver_id)
    assert referrer is not None and receiver is not None
    rows = list(queries.suspensions_of(session, referral.id or 0))
    case = Case(
        case_id=referral.case_id, referrer=unit(referrer), receiver=unit(receiver),
        topics=tuple(queries.topics_of(session, referral.id or 0)), referred_on=referral.referred_on,
        goal=referral.goal, referring_counsellor=referral.referring_counsellor,
        override=referral.override,
        suspensions=tuple(SearchSuspension(s.start_on, s.until, s.ended_on, s.note) for s in rows),
        given=given_stored(referral), **{name: getattr(referral, name) for name in STATE_COLUMNS})
    return case, rows


def _write_back(session: Session, referral: Referral, rows: list[Suspension], case: Case,
                now: Any) -> None:
    for name in STATE_COLUMNS:
        setattr(referral, name, getattr(case, name))
    referral.updated_at = now
    session.add(referral)
    for i, s in enumerate(case.suspensions):
        row = rows[i] if i < len(rows) else Suspension(referral_id=referral.id)
        row.start_on, row.until, row.ended_on, row.note = s.start_on, s.until, s.ended_on, s.note
        session.add(row)


@dataclass
class Refer:
    client: str
    to: str
    topics: tuple[Topic, ...]
    months: int
    goal: str | None = None
    referrer: str | None = None
    counsellor: str | None = None
    on: date | None = None
    override: str | None = None


def refer(ctx: Context, req: Refer) -> dict[str, Any]:
    day = req.on or ctx.today
    checked = lifecycle.check_referral(req.months, req.topics, req.override, day, ctx.today)
    with ctx.write() as session:
        client = lookup.client(session, req.client)
        receiver = lookup.institution(session, req.to)
        source = (lookup.institution(session, req.referrer) if req.referrer
                  else session.get(Institution, client.institution_id))
        assert source is not None
        if client.anonymized_on or client.birth_date is None:
            raise OptimaError(t("{client} was anonymized on {anonymized_on}; register the person "
                                "again to refer them", client=req.client,
                                anonymized_on=client.anonymized_on))
        seq = queries.next_case_seq(session, day.year)
        case, findings = lifecycle.refer(
            case_id=format_case_id(day.year, seq),
            referrer=unit(source), receiver=unit(receiver), facts=facts_of(client),
            birth_date=client.birth_date,
            open_case=queries.open_referral_to(session, client.id or 0, receiver.id or 0),
            topics=req.topics, months=checked.months, day=day, goal=req.goal,
            counsellor=req.counsellor, client_counsellor=client.counsellor,
            override=checked.override)
        now = ctx.now()
        referral = Referral(
            case_year=day.year, case_seq=seq, case_id=case.case_id, client_id=client.id,
            referrer_id=source.id, receiver_id=receiver.id, findings=json.dumps([f.as_dict() for f in findings]),
            goal=case.goal, referred_on=day, referring_counsellor=case.referring_counsellor,
            override=case.override, created_at=now, updated_at=now, **dict(case.given),
            **{name: getattr(case, name) for name in STATE_COLUMNS})
        session.add(referral)
        session.flush()
        for topic in case.topics:
            session.add(ReferralTopic(referral_id=referral.id, topic=topic))
        result = case_snapshot(case, client.id or 0, ctx.today)
        result["findings"] = [f.as_dict() for f in findings]  # stored: keys and values
        audit.record(session, actor=ctx.user, action="refer", entity="referral",
                     entity_ref=referral.case_id, client_id=client.id, referral_id=referral.id,
                     on_date=day, after=result, now=now, source=ctx.source)
        result = {**result, "findings": [en.shown_finding(f) for f in result["findings"]]}
        result["override_ignored"] = bool(req.override) and case.override is None
        return result


def _change(ctx: Context, ref: str, action: Action, on: date | None,
            apply: Callable[[Case, date], Case],
            side_effect: Callable[[Session, Referral, date], None] | None = None) -> dict[str, Any]:
    """Load a case, apply the action of `rules.lifecycle` on the day, write the new state back and
    record the audit event with the differences; returns the case as it is now."""
    day = on or ctx.today
    with ctx.write() as session:
        referral = lookup.referral(session, ref)
        before, rows = _state(session, referral)
        after = apply(before, day)
        if side_effect is not None:
            side_effect(session, referral, day)
        _write_back(session, referral, rows, after, ctx.now())
        changed_before, changed_after = case_changes(before, after)
        audit.record(session, actor=ctx.user, action=action.value, entity="referral",
                     entity_ref=referral.case_id, client_id=referral.client_id,
                     referral_id=referral.id, on_date=day, before=changed_before,
                     after=changed_after, now=ctx.now(), source=ctx.source)
        return case_snapshot(after, referral.client_id, ctx.today)


def accept(ctx: Context, ref: str, counsellor: str | None = None, on: date | None = None) -> dict[str, Any]:
    return _change(ctx, ref, Action.ACCEPT, on,
                   lambda case, day: lifecycle.accept(case, day, ctx.today, counsellor))


def reject(ctx: Context, ref: str, reason: RejectReason, note: str | None = None,
           on: date | None = None) -> dict[str, Any]:
    lifecycle.require_note(reason, note)  # refused before the case is looked up
    return _change(ctx, ref, Action.REJECT, on,
                   lambda case, day: lifecycle.reject(case, day, ctx.today, reason, note))


def withdraw(ctx: Context, ref: str, reason: WithdrawReason, note: str | None = None,
             on: date | None = None) -> dict[str, Any]:
    lifecycle.require_note(reason, note, "withdraw_reason", "withdraw_note")  # before the lookup

    def consent(session: Session, referral: Referral, day: date) -> None:
        client = session.get(Client, referral.client_id)
        assert client is not None
        withdrawn = lifecycle.consent_withdrawal(reason, client.consent_withdrawn_on, day)
        if withdrawn is None:
            return
        before = client.consent_withdrawn_on
        client.consent_withdrawn_on = withdrawn
        session.add(client)
        audit.record(session, actor=ctx.user, action="client-update", entity="client",
                     entity_ref=format_client_id(client.id or 0), client_id=client.id,
                     before={"consent_withdrawn_on": before},
                     after={"consent_withdrawn_on": withdrawn}, on_date=day, now=ctx.now(),
                     source=ctx.source)

    return _change(ctx, ref, Action.WITHDRAW, on,
                   lambda case, day: lifecycle.withdraw(case, day, ctx.today, reason, note), consent)


def extend(ctx: Context, ref: str, on: date | None = None) -> dict[str, Any]:
    return _change(ctx, ref, Action.EXTEND, on,
                   lambda case, day: lifecycle.extend(case, day, ctx.today))


def suspend_search(ctx: Context, ref: str, until: date, start: date | None = None,
                   note: str | None = None) -> dict[str, Any]:
    return _change(ctx, ref, Action.SUSPEND_SEARCH, start,
                   lambda case, day: lifecycle.suspend_search(case, day, ctx.today, until, note))


def resume_search(ctx: Context, ref: str, on: date | None = None) -> dict[str, Any]:
    return _change(ctx, ref, Action.RESUME_SEARCH, on,
                   lambda case, day: lifecycle.resume_search(case, day, ctx.today))


def close(ctx: Context, ref: str, outcome: Outcome, cause: Cause | None = None,
          employed: bool | None = None, note: str | None = None,
          on: date | None = None) -> dict[str, Any]:
    lifecycle.check_close(outcome, cause)  # refused before the case is looked up
    return _change(ctx, ref, Action.CLOSE, on, lambda case, day: lifecycle.close(
        case, day, ctx.today, outcome, cause, employed, note))
