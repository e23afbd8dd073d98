"""The life of a referral: refer, accept, reject, withdraw, extend, suspend/resume search, close.

Each function is one transaction: the per-command store (`store/session_store.py`) loads the case
as a `lifecycle.Case` and its client, the action of `rules/actions.py` decides (the new state and
the audit events, or a refusal), the store saves the outcome, and the case is returned as it is
now. The import applies the same decisions, with its batch store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from optima_cli.catalogue import en
from optima_cli.errors import ReferralBlocked
from optima_cli.rules import actions, corrections, joint, lifecycle
from optima_cli.rules.actions import Outcome as Decided
from optima_cli.rules.actions import Person
from optima_cli.rules.codes import (
    OPEN_STATUSES,
    Cause,
    Outcome,
    RejectReason,
    Topic,
    WithdrawReason,
)
from optima_cli.rules.lifecycle import Case
from optima_cli.rules.records import case_snapshot
from optima_cli.store import followup as followups
from optima_cli.store import refusals
from optima_cli.store.session_store import SessionStore
from optima_cli.workflow import lookup
from optima_cli.workflow.context import Context


def store_of(ctx: Context, session: Any) -> SessionStore:
    return SessionStore(session, ctx.user, ctx.source, ctx.now)


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
    given: tuple[tuple[str, Any], ...] = ()  # the case's fields that no rule reads (rules.records.GIVEN)


@dataclass(frozen=True)
class Referred:
    """What `refer` made: the case as scripts see it (its findings in the reader's language), and
    whether an override was given that no hard rule needed (so it was not stored)."""

    record: dict[str, Any]
    override_ignored: bool


def refer(ctx: Context, req: Refer) -> Referred:
    day = req.on or ctx.today
    checked = lifecycle.check_referral(req.months, req.topics, req.override, day, ctx.today)
    units: tuple[int, int] | None = None  # (referrer id, receiver id), once looked up
    try:
        with ctx.write() as session:
            store = store_of(ctx, session)
            client = store.person(lookup.client(session, req.client))
            receiver_id, receiver = store.institution_unit(lookup.institution(session, req.to))
            referrer_id, referrer = (store.institution_unit(lookup.institution(session, req.referrer))
                                     if req.referrer else store.unit_of(client))
            units = (referrer_id, receiver_id)
            outcome = actions.refer(
                client, store.next_case_seq(day.year), referrer, receiver,
                store.open_referral_to(client, receiver_id), req.topics, checked.months, day,
                ctx.today, goal=req.goal, counsellor=req.counsellor, override=checked.override,
                given=req.given, settings=store.settings())
            store.save(outcome)
    except ReferralBlocked as refused:
        # every hurdle counted: the refused attempt wrote nothing (rolled back); it is recorded,
        # without the person, in a transaction of its own, and still refused
        assert units is not None
        with ctx.write() as session:
            refusals.record(session, day, *units, refused.rules, refused.justifiable)
        raise
    assert outcome.case is not None
    result = case_snapshot(outcome.case, client.id or 0, ctx.today)
    result["findings"] = [en.shown_finding(f.as_dict()) for f in outcome.findings]  # the reader's
    return Referred(result, override_ignored=bool(req.override) and outcome.case.override is None)


def _change(ctx: Context, ref: str, on: date | None,
            decide: Callable[[Case, Person, date], Decided]) -> dict[str, Any]:
    """Load a case, let the action decide on the day, save the outcome (the new state and its
    audit events); returns the case as it is now."""
    day = on or ctx.today
    with ctx.write() as session:
        store = store_of(ctx, session)
        case, client = store.case(lookup.referral(session, ref))
        outcome = decide(case, client, day)
        store.save(outcome)
        assert outcome.case is not None
        return case_snapshot(outcome.case, client.id or 0, ctx.today)


def accept(ctx: Context, ref: str, counsellor: str | None = None, on: date | None = None) -> dict[str, Any]:
    return _change(ctx, ref, on, lambda case, client, day: actions.accept(
        case, client, day, ctx.today, counsellor))


def reject(ctx: Context, ref: str, reason: RejectReason, note: str | None = None,
           on: date | None = None) -> dict[str, Any]:
    lifecycle.require_note(reason, note)  # refused before the case is looked up
    return _change(ctx, ref, on, lambda case, client, day: actions.reject(
        case, client, day, ctx.today, reason, note))


def withdraw(ctx: Context, ref: str, reason: WithdrawReason, note: str | None = None,
             on: date | None = None) -> dict[str, Any]:
    lifecycle.require_note(reason, note, "withdraw_reason", "withdraw_note")  # before the lookup
    joint.check_withdraw_reason(reason, ref)  # made only by `joint open --from-case`
    return _change(ctx, ref, on, lambda case, client, day: actions.withdraw(
        case, client, day, ctx.today, reason, note))


def extend(ctx: Context, ref: str, on: date | None = None) -> dict[str, Any]:
    return _change(ctx, ref, on, lambda case, client, day: actions.extend(case, client, day, ctx.today))


def suspend_search(ctx: Context, ref: str, until: date, start: date | None = None,
                   note: str | None = None) -> dict[str, Any]:
    return _change(ctx, ref, start, lambda case, client, day: actions.suspend_search(
        case, client, day, ctx.today, until, note))


def resume_search(ctx: Context, ref: str, on: date | None = None) -> dict[str, Any]:
    return _change(ctx, ref, on, lambda case, client, day: actions.resume_search(
        case, client, day, ctx.today))


def close(ctx: Context, ref: str, outcome: Outcome, cause: Cause | None = None,
          employed: bool | None = None, note: str | None = None,
          on: date | None = None, handback: str | None = None) -> dict[str, Any]:
    lifecycle.check_close(outcome, cause)  # refused before the case is looked up
    return _change(ctx, ref, on, lambda case, client, day: actions.close(
        case, client, day, ctx.today, outcome, cause, employed, note, handback))


def assign(ctx: Context, ref: str, counsellor: str | None, on: date | None = None) -> dict[str, Any]:
    """Name who works the case at the receiver (issue 18); returns the case as it is now."""
    return _change(ctx, ref, on, lambda case, client, day: actions.assign(
        case, client, counsellor, day, ctx.today))


def forward(ctx: Context, ref: str, to: str, note: str | None = None,
            on: date | None = None) -> dict[str, Any]:
    """Send an undecided referral on to another unit of the same kind (issue 18), judged by the
    criteria that look at the receiver; returns the case as it is now."""
    day = on or ctx.today
    with ctx.write() as session:
        store = store_of(ctx, session)
        case, client = store.case(lookup.referral(session, ref))
        to_id, unit = store.institution_unit(lookup.institution(session, to))
        outcome = actions.forward(case, client, unit,
                                  store.open_referral_to(client, to_id, case.case_id), day,
                                  ctx.today, note, store.settings())
        store.save(outcome)
        assert outcome.case is not None
        return case_snapshot(outcome.case, client.id or 0, ctx.today)


def undo(ctx: Context, ref: str, why: str | None, reopening: bool = False) -> dict[str, Any]:
    """Take back the case's last action (`reopening`: only a closing or a withdrawal), as if it
    had not happened; the event keeps the justification. Returns the case as it is now, with
    the action taken back ("undone")."""
    cleaned = corrections.justification(why)  # refused before the case is looked up
    decide = corrections.reopen if reopening else corrections.undo
    with ctx.write() as session:
        store = store_of(ctx, session)
        referral = lookup.referral(session, ref)
        case, client = store.case(referral)
        joint.check_undo(case)  # a referral that became a joint strategy stays withdrawn
        # a case open again (a closing, a withdrawal, a rejection taken back): not beside another
        other = store.open_referral_to(client, referral.receiver_id, case.case_id)
        outcome = decide(case, client, cleaned, ctx.today, store.history(case.case_id), other)
        store.save(outcome)
        assert outcome.case is not None
        result = case_snapshot(outcome.case, client.id or 0, ctx.today)
        result["undone"] = (outcome.events[-1].after or {})["undone"]
        return result


def amend(ctx: Context, ref: str, changes: dict[str, Any], why: str | None) -> dict[str, Any]:
    """Correct what was recorded of a case (`corrections.amend`): the changes by the names of
    `corrections.AMENDABLE`, and the justification; returns the case as it is now."""
    corrections.justification(why)  # refused before the case is looked up
    with ctx.write() as session:
        store = store_of(ctx, session)
        referral = lookup.referral(session, ref)
        case, client = store.case(referral)
        open_case = (store.open_referral_to(client, referral.receiver_id, case.case_id)
                     if case.status in OPEN_STATUSES else None)
        outcome = corrections.amend(case, client, changes, why, ctx.today, open_case,
                                    store.settings_of(referral.settings_version),
                                    followed_up=bool(followups.current(session, referral.id or 0)))
        store.save(outcome)
        assert outcome.case is not None
        return case_snapshot(outcome.case, client.id or 0, ctx.today)
