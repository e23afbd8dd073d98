"""Measures and their cost (issue 19): `measure add`, `approve`, `decline`, `strike`, `list`, the
measures `show` lists, and the report's section (rules/measures.py decides, store/measures.py
holds the SQL).

Each change is one transaction like `note` (workflow/journal.py): the per-command store loads the
case and its client, the decision of rules/measures.py decides, the measure and its audit event
(on the case, so that `anonymize` erases its values with the client's others) are written."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from optima_cli.records.models import Measure
from optima_cli.rules import measures as rules
from optima_cli.rules import money
from optima_cli.rules.codes import MeasureKind, parse_code
from optima_cli.store import measures as stored
from optima_cli.store import report as q
from optima_cli.workflow import lookup
from optima_cli.workflow.cases import store_of
from optima_cli.workflow.context import Context


def record(row: Measure, case: str, payer: str) -> dict[str, Any]:
    """A measure as scripts see it (`measure list --format json`, `show`'s `measures`; the keys
    are a contract): the cost in francs as a string, "1200.50"."""
    m = stored.state(row, payer)
    return {"case": case, "measure": row.number, "kind": row.kind, "cost": money.plain(m.cost),
            "payer": payer, "requested_on": row.requested_on, "decision": m.decision,
            "approved_on": row.approved_on, "declined_on": row.declined_on, "note": row.note,
            "decline_why": row.decline_why, "by": row.author, "at": row.recorded_at,
            "struck_at": row.struck_at, "struck_by": row.struck_by, "struck_why": row.struck_why}


def _change(ctx: Context, ref: str, decide: Any, payer_code: str | None = None) -> dict[str, Any]:
    """Load the case, its client and its measures; `decide(case, client, measures, payer)`
    decides; write the measure and its event."""
    with ctx.write() as session:
        store = store_of(ctx, session)
        referral = lookup.referral(session, ref)
        case, client = store.case(referral)
        rows = stored.of_case(session, referral.id or 0)
        codes = stored.payer_codes(session)
        measures = tuple(stored.state(r, codes[r.payer_id]) for r in rows)
        payer_id, payer = store.institution_unit(  # the referrer pays unless another is named
            lookup.institution(session, case.referrer.code if payer_code is None else payer_code))
        written = decide(case, client, measures, payer)
        if not written.new:
            payer_id = next(r.payer_id for r in rows if r.number == written.measure.number)
        row = stored.write(session, referral.id or 0, {r.number: r for r in rows}, written,
                           payer_id, ctx.user, ctx.now())
        store.record_event(written.event, client, referral)
        return record(row, case.case_id, codes.get(row.payer_id) or payer.code)


def add(ctx: Context, ref: str, kind: MeasureKind | str, cost: str, payer: str | None = None,
        on: date | None = None, approved_on: date | None = None,
        note: str | None = None) -> dict[str, Any]:
    """A new measure of the case of the kind `kind` (a code), requested `on` (default today), paid
    by `payer` (default the case's referrer), approved on `approved_on` if given; returns it."""
    kind = parse_code(MeasureKind, str(kind))  # refused before the case is looked up
    rappen = money.parse_chf(cost)
    day = on or ctx.today
    return _change(ctx, ref, lambda case, client, measures, unit: rules.add(
        case, client, kind=kind, cost=rappen, payer=unit, day=day, today=ctx.today,
        measures=measures, approved_on=approved_on, note=note), payer)


def approve(ctx: Context, ref: str, number: int, on: date | None = None) -> dict[str, Any]:
    day = on or ctx.today
    return _change(ctx, ref, lambda case, client, measures, _: rules.approve(
        case, client, number, day, ctx.today, measures))


def decline(ctx: Context, ref: str, number: int, on: date | None = None,
            why: str | None = None) -> dict[str, Any]:
    day = on or ctx.today
    return _change(ctx, ref, lambda case, client, measures, _: rules.decline(
        case, client, number, day, ctx.today, measures, why))


def strike(ctx: Context, ref: str, number: int, why: str | None) -> dict[str, Any]:
    return _change(ctx, ref, lambda case, client, measures, _: rules.strike(
        case, client, number, why, ctx.today, measures))


def list_measures(ctx: Context, case: str | None = None,
                  unit: str | None = None) -> list[dict[str, Any]]:
    """Measures in the order of their cases: of one case, or those a unit pays or whose case it
    refers or receives."""
    with ctx.read() as session:
        referral_id = lookup.referral(session, case).id if case else None
        found = stored.listing(session, referral_id, lookup.units(session, unit))
        return [{**record(f["row"], f["case"], f["payer"]), "referrer": f["referrer"],
                 "receiver": f["receiver"]} for f in found]


def of_case(session: Session, referral_id: int, case: str) -> list[dict[str, Any]]:
    """A case's measures, as `show` lists them."""
    codes = stored.payer_codes(session)
    return [record(r, case, codes[r.payer_id]) for r in stored.of_case(session, referral_id)]


def report_section(session: Session, start: date | None, end: date, by: str,
                   keys: list[str], pending: bool = True) -> dict[str, Any]:
    """The report's section `measures` (rules/measures.section): requested, approved and
    declined in the period by kind, payer and receiver group, costs covered, pending at its end
    (without `pending`, for a series, none: the stock is not counted)."""
    return rules.section(keys, q.group_of_unit(session, by),
                         stored.figures(session, start, end, pending))
