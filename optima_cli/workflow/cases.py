"""The life of a referral: refer, accept, reject, withdraw, extend, suspend/resume search, close.

Each function is one transaction: it loads the case, asks `rules.lifecycle` whether the action is
allowed, writes, appends one audit event with the values before and after, and returns the case.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from optima_cli.errors import OptimaError, ReferralBlocked, UsageProblem
from optima_cli.rules import criteria
from optima_cli.rules.codes import (
    Cause,
    Kind,
    Outcome,
    RejectReason,
    Status,
    Topic,
    WithdrawReason,
)
from optima_cli.rules.dates import ensure_not_before, ensure_not_future
from optima_cli.rules.identity import format_case_id
from optima_cli.rules.lifecycle import (
    Action,
    SuspensionRequest,
    check_close,
    check_extend,
    check_suspension,
    mandate_due,
    next_status,
    parse_months,
    require_note,
)
from optima_cli.store import audit, queries
from optima_cli.store.models import Client, Institution, Referral, ReferralTopic, Suspension
from optima_cli.workflow import lookup
from optima_cli.workflow.clients import facts_of, proposal_for
from optima_cli.workflow.context import Context
from optima_cli.workflow.records import case_record


def _snapshot(session: Session, referral: Referral, day: date) -> dict[str, Any]:
    """The case as scripts see it, from the loaded objects (two small queries, not the as-of
    query: every date of a change is at most today, so today's state is the stored one)."""
    session.flush()
    referrer = session.get(Institution, referral.referrer_id)
    receiver = session.get(Institution, referral.receiver_id)
    running = queries.running_suspension(session, referral.id or 0, day)
    row = {column: getattr(referral, column) for column in CASE_COLUMNS}
    row.update(referrer=referrer.code if referrer else None, receiver=receiver.code if receiver else None,
               topics=queries.topics_of(session, referral.id or 0),
               search_suspended_from=running.start_on if running else None,
               search_suspended_until=running.until if running else None)
    return case_record(row)


def _changeable(session: Session, referral: Referral, day: date) -> dict[str, Any]:
    """The values of the case that an action can change, keyed as in the case record."""
    running = queries.running_suspension(session, referral.id or 0, day)
    values = {column: getattr(referral, column) for column in CHANGEABLE}
    values.update(search_suspended_from=running.start_on if running else None,
                  search_suspended_until=running.until if running else None)
    return values


CHANGEABLE = ("status", "months", "decided_on", "receiving_counsellor", "due_on", "extended_on",
              "withdrawn_on", "closed_on", "reason", "reason_note", "outcome", "cause", "employed",
              "close_note")
CASE_COLUMNS = ("case_id", "client_id", "status", "months", "goal", "referred_on",
                "referring_counsellor", "decided_on", "receiving_counsellor", "due_on",
                "extended_on", "withdrawn_on", "closed_on", "reason", "reason_note", "outcome",
                "cause", "employed", "close_note", "override")


def _clean(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


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
    months = parse_months(req.months)
    if not req.topics:
        raise UsageProblem("missing option --topics")
    if req.override is not None and not req.override.strip():
        raise UsageProblem("--override needs a justification text, not an empty one")
    day = req.on or ctx.today
    ensure_not_future(day, ctx.today, "referral date")
    with ctx.write() as session:
        client = lookup.client(session, req.client)
        receiver = lookup.institution(session, req.to)
        source = (lookup.institution(session, req.referrer) if req.referrer
                  else session.get(Institution, client.institution_id))
        assert source is not None
        if client.anonymized_on or client.birth_date is None:
            raise OptimaError(f"{req.client} was anonymized on {client.anonymized_on}; register the "
                              "person again to refer them")
        ensure_not_before(day, client.birth_date, "referral date", "the birth date")
        findings = criteria.evaluate(facts_of(client), proposal_for(
            session, client, source, receiver, day, req.topics))
        refused = criteria.refusals(findings)
        if refused:
            raise ReferralBlocked("referral refused: " + "; ".join(f.message for f in refused),
                                  [f.rule for f in refused], justifiable=False)
        needs = criteria.blocks_needing_override(findings)
        if needs and not req.override:
            raise ReferralBlocked(
                "referral blocked: " + "; ".join(f"{f.rule}: {f.message}" for f in needs)
                + ". To deviate, record your justification (--override \"...\", or the override "
                "column of an import)", [f.rule for f in needs], justifiable=True)
        override = _clean(req.override) if needs else None
        seq = queries.next_case_seq(session, day.year)
        now = ctx.now()
        referral = Referral(
            case_year=day.year, case_seq=seq, case_id=format_case_id(day.year, seq),
            client_id=client.id, referrer_id=source.id, receiver_id=receiver.id,
            status=Status.REFERRED.value, months=months, goal=_clean(req.goal), referred_on=day,
            referring_counsellor=_clean(req.counsellor) or client.counsellor,
            findings=json.dumps([f.as_dict() for f in findings]), override=override,
            created_at=now, updated_at=now,
        )
        session.add(referral)
        session.flush()
        for topic in req.topics:
            session.add(ReferralTopic(referral_id=referral.id, topic=topic.value))
        result = _snapshot(session, referral, ctx.today)
        result["findings"] = [f.as_dict() for f in findings]
        audit.record(session, actor=ctx.user, action="refer", entity="referral",
                     entity_ref=referral.case_id, client_id=client.id, referral_id=referral.id,
                     on_date=day, after=result, now=now, source=ctx.source)
        result["override_ignored"] = bool(req.override) and not needs
        return result


@contextmanager
def _changing(ctx: Context, ref: str, action: Action, on: date | None) -> Iterator[tuple[Session, Referral, date, dict[str, Any]]]:
    """Load a case for `action`, check the transition and the date; after the caller's changes,
    record the audit event with the differences."""
    day = on or ctx.today
    with ctx.write() as session:
        referral = lookup.referral(session, ref)
        after_status = next_status(referral.case_id, Status(referral.status), action)
        ensure_not_future(day, ctx.today, f"{action.value} date")
        ensure_not_before(day, referral.referred_on, f"{action.value} date", "the referral date")
        if referral.decided_on is not None:
            ensure_not_before(day, referral.decided_on, f"{action.value} date", "the acceptance date")
        before = _changeable(session, referral, ctx.today)
        result: dict[str, Any] = {}
        yield session, referral, day, result
        referral.status = after_status.value
        referral.updated_at = ctx.now()
        session.add(referral)
        after = _snapshot(session, referral, ctx.today)
        changed_before, changed_after = audit.diff(before, {k: after[k] for k in before})
        audit.record(session, actor=ctx.user, action=action.value, entity="referral",
                     entity_ref=referral.case_id, client_id=referral.client_id,
                     referral_id=referral.id, on_date=day, before=changed_before,
                     after=changed_after, now=ctx.now(), source=ctx.source)
        result.update(after)


def accept(ctx: Context, ref: str, counsellor: str | None = None, on: date | None = None) -> dict[str, Any]:
    with _changing(ctx, ref, Action.ACCEPT, on) as (_session, referral, day, result):
        referral.decided_on = day
        referral.receiving_counsellor = _clean(counsellor)
        referral.due_on = referral.first_due_on = mandate_due(day, referral.months)
    return result


def reject(ctx: Context, ref: str, reason: RejectReason, note: str | None = None,
           on: date | None = None) -> dict[str, Any]:
    require_note(reason, note, "--reason")
    with _changing(ctx, ref, Action.REJECT, on) as (_session, referral, day, result):
        referral.decided_on = day
        referral.reason = reason.value
        referral.reason_note = _clean(note)
    return result


def _end_suspensions(session: Session, referral: Referral, day: date) -> None:
    """A suspension cannot outlive the case: end any that would still run after `day`."""
    for suspension in queries.suspensions_of(session, referral.id or 0):
        if suspension.ended_on is None and suspension.until > day:
            suspension.ended_on = day
            session.add(suspension)


def withdraw(ctx: Context, ref: str, reason: WithdrawReason, note: str | None = None,
             on: date | None = None) -> dict[str, Any]:
    require_note(reason, note, "--reason")
    with _changing(ctx, ref, Action.WITHDRAW, on) as (session, referral, day, result):
        referral.withdrawn_on = day
        referral.reason = reason.value
        referral.reason_note = _clean(note)
        _end_suspensions(session, referral, day)
        if reason == WithdrawReason.CONSENT_WITHDRAWN:
            _record_consent_withdrawn(ctx, session, referral.client_id, day)
    return result


def _record_consent_withdrawn(ctx: Context, session: Session, client_id: int, day: date) -> None:
    """Withdrawn consent also stops new referrals of the client until consent is given again."""
    client = session.get(Client, client_id)
    if client is None or (client.consent_withdrawn_on and client.consent_withdrawn_on <= day):
        return
    before = client.consent_withdrawn_on
    client.consent_withdrawn_on = day
    session.add(client)
    audit.record(session, actor=ctx.user, action="client-update", entity="client",
                 entity_ref=f"C-{client_id:04d}", client_id=client_id,
                 before={"consent_withdrawn_on": before}, after={"consent_withdrawn_on": day},
                 on_date=day, now=ctx.now(), source=ctx.source)


def extend(ctx: Context, ref: str, on: date | None = None) -> dict[str, Any]:
    with _changing(ctx, ref, Action.EXTEND, on) as (_session, referral, day, result):
        check_extend(referral.case_id, referral.months, referral.extended_on)
        assert referral.decided_on is not None and referral.due_on is not None
        if day > referral.due_on:
            raise OptimaError(
                f"cannot extend {referral.case_id} on {day}: its mandate ended on {referral.due_on}; "
                "give the date the extension was decided with --on"
            )
        referral.months = 6
        referral.extended_on = day
        referral.due_on = mandate_due(referral.decided_on, 6)
    return result


def suspend_search(ctx: Context, ref: str, until: date, start: date | None = None,
                   note: str | None = None) -> dict[str, Any]:
    day = start or ctx.today
    with _changing(ctx, ref, Action.SUSPEND_SEARCH, day) as (session, referral, day, result):
        referrer = session.get(Institution, referral.referrer_id)
        assert referrer is not None and referral.decided_on and referral.due_on
        overlap = queries.overlapping_suspension(session, referral.id or 0, day, until)
        check_suspension(referral.case_id, Kind(referrer.kind), referral.decided_on,
                         referral.due_on, SuspensionRequest(day, until),
                         overlap.until if overlap else None)
        session.add(Suspension(referral_id=referral.id, start_on=day, until=until,
                               note=_clean(note)))
    return result


def resume_search(ctx: Context, ref: str, on: date | None = None) -> dict[str, Any]:
    with _changing(ctx, ref, Action.RESUME_SEARCH, on) as (session, referral, day, result):
        running = queries.running_suspension(session, referral.id or 0, day)
        if running is None or running.start_on > day:
            raise OptimaError(
                f"{referral.case_id} has no job-search suspension running on {day}; "
                "nothing to resume"
            )
        running.ended_on = day
        session.add(running)
    return result


def close(ctx: Context, ref: str, outcome: Outcome, cause: Cause | None = None,
          employed: bool | None = None, note: str | None = None,
          on: date | None = None) -> dict[str, Any]:
    check_close(outcome, cause)
    with _changing(ctx, ref, Action.CLOSE, on) as (session, referral, day, result):
        referral.closed_on = day
        referral.outcome = outcome.value
        referral.cause = cause.value if cause else None
        referral.employed = employed
        referral.close_note = _clean(note)
        _end_suspensions(session, referral, day)
    return result

