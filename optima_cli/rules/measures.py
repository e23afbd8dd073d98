"""Measures with financial consequences and their cost (issue 19, concept 2.1 a).

A measure (a coaching, a course, a labour-market measure, a debt-counselling mandate, ...) is
requested for a case whose mandate was accepted, on a day from its acceptance on; it costs an
amount in Swiss francs (kept in Rappen, rules/money.py) and is paid by a unit: the referrer, as
the concept says, unless another is named. It is then approved ("Kosten übernommen") or declined,
on a day from its request on; given with an approval day, it is added approved. A wrong measure
is struck with a justification: it keeps its values (the trail keeps both) and counts nowhere.

    requested ──approve──> approved
              ──decline──> declined        (any of the three) ──strike──> struck

Each is a pure decision like those of rules/journal.py: given the case, its client and the
measures loaded by the store, it returns what to write (`Written`) with its audit event (whose
keys are not a case's, so that `report --as-recorded` replays the case unchanged), or refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import money, text
from optima_cli.rules.actions import Event, Person, refuse_anonymized
from optima_cli.rules.codes import MeasureKind, Status
from optima_cli.rules.dates import ensure_not_future
from optima_cli.rules.lifecycle import Case, Unit

# the audit actions of measures
ADD, APPROVE, DECLINE, STRIKE = "measure-add", "measure-approve", "measure-decline", "measure-strike"
# a measure's decision, as lists show it
REQUESTED, APPROVED, DECLINED, STRUCK = "requested", "approved", "declined", "struck"
DECISIONS = (REQUESTED, APPROVED, DECLINED, STRUCK)


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure as the rules see it (the store keeps who entered it and when)."""

    number: int  # 1, 2, ... within its case
    kind: str
    cost: int  # Rappen
    payer: str  # the paying unit's code
    requested_on: date
    approved_on: date | None = None
    declined_on: date | None = None
    note: str | None = None
    decline_why: str | None = None
    struck: bool = False

    @property
    def decision(self) -> str:
        if self.struck:
            return STRUCK
        if self.approved_on is not None:
            return APPROVED
        return DECLINED if self.declined_on is not None else REQUESTED

    @property
    def decided_on(self) -> date | None:
        return self.approved_on or self.declined_on


@dataclass(frozen=True, slots=True)
class Written:
    """What a decision writes: the measure as it is now (new: to insert), and its audit event."""

    measure: Measure
    new: bool
    event: Event
    why: str | None = None  # the justification of a strike


def payload(m: Measure) -> dict[str, Any]:
    """A measure's values in its audit event (keys that are not a case's)."""
    return {"measure": m.number, "measure_kind": m.kind, "cost": money.plain(m.cost),
            "payer": m.payer, "requested_on": m.requested_on, "approved_on": m.approved_on,
            "declined_on": m.declined_on, "measure_note": m.note}


def was_accepted(case: Case) -> bool:
    """The case's mandate was accepted: it runs, was closed, or was withdrawn after acceptance."""
    if case.status in (Status.ACCEPTED, Status.CLOSED):
        return True
    return case.status == Status.WITHDRAWN and case.decided_on is not None


def check_decision_day(case: Case, m: Measure, day: date, today: date, field: str) -> None:
    ensure_not_future(day, today, "measure")
    if day < m.requested_on:
        raise OptimaError.refused("measure-decided-before-request", field, case=case.case_id,
                                  measure=m.number, requested_on=m.requested_on, day=day)


def add(case: Case, client: Person, *, kind: MeasureKind, cost: int, payer: Unit, day: date,
        today: date, measures: tuple[Measure, ...], approved_on: date | None = None,
        note: str | None = None) -> Written:
    """A new measure of `case` requested on `day` (approved on `approved_on`, if given),
    numbered after the case's `measures`; `payer` already resolved (the referrer by default)."""
    cleaned = text.free_text(note, "note")
    if kind == MeasureKind.OTHER and cleaned is None:
        raise UsageProblem.refused("measure-note-required", "note")
    if cost < 0:
        raise UsageProblem.refused("money-negative", "cost", raw=money.plain(cost))
    refuse_anonymized(client, correcting=True)
    ensure_not_future(day, today, "measure")
    if not was_accepted(case):
        raise OptimaError.refused("measure-not-accepted", case=case.case_id, status=case.status)
    assert case.decided_on is not None
    if day < case.decided_on:
        raise OptimaError.refused("measure-before-acceptance", "on", case=case.case_id, day=day,
                                  decided_on=case.decided_on)
    ended = case.closed_on or case.withdrawn_on
    if ended is not None and day > ended:  # paid for the mandate, not after it
        raise OptimaError.refused("measure-after-end", "on", case=case.case_id, day=day,
                                  ended_on=ended)
    m = Measure(number=max((x.number for x in measures), default=0) + 1, kind=kind.value,
                cost=cost, payer=payer.code, requested_on=day, note=cleaned)
    if approved_on is not None:
        check_decision_day(case, m, approved_on, today, "approved_on")
        m = replace(m, approved_on=approved_on)
    return Written(m, True, Event(action=ADD, entity="referral", on_date=day, before=None,
                                  after=payload(m)))


def _find(case: Case, number: int, measures: tuple[Measure, ...]) -> Measure:
    found = next((m for m in measures if m.number == number), None)
    if found is None:
        raise OptimaError.refused("no-such-measure", "measure", case=case.case_id, measure=number,
                                  count=len(measures))
    if found.struck:
        raise OptimaError.refused("measure-struck", "measure", case=case.case_id, measure=number)
    return found


def _open(case: Case, client: Person, number: int, measures: tuple[Measure, ...]) -> Measure:
    refuse_anonymized(client, correcting=True)
    found = _find(case, number, measures)
    if found.decided_on is not None:
        raise OptimaError.refused("measure-decided", "measure", case=case.case_id,
                                  measure=number, day=found.decided_on)
    return found


def approve(case: Case, client: Person, number: int, day: date, today: date,
            measures: tuple[Measure, ...]) -> Written:
    """The measure `number` approved on `day`: its cost is paid ("Kosten übernommen")."""
    found = _open(case, client, number, measures)
    check_decision_day(case, found, day, today, "on")
    return Written(replace(found, approved_on=day), False, Event(
        action=APPROVE, entity="referral", on_date=day,
        before={"measure": number, "approved_on": None}, after={"measure": number,
                                                                "approved_on": day}))


def decline(case: Case, client: Person, number: int, day: date, today: date,
            measures: tuple[Measure, ...], why: str | None = None) -> Written:
    """The measure `number` declined on `day`, with the reason `why` (optional)."""
    reason = text.free_text(why, "why")
    found = _open(case, client, number, measures)
    check_decision_day(case, found, day, today, "on")
    return Written(replace(found, declined_on=day, decline_why=reason), False, Event(
        action=DECLINE, entity="referral", on_date=day,
        before={"measure": number, "declined_on": None},
        after={"measure": number, "declined_on": day}, why=reason), why=reason)


def strike(case: Case, client: Person, number: int, why: str | None, today: date,
           measures: tuple[Measure, ...]) -> Written:
    """The measure `number` struck as a mistake, with the justification `why`: it counts
    nowhere; its values stay."""
    reason = text.free_text(why, "why")
    if reason is None:
        raise UsageProblem.refused("value-required", "why")
    refuse_anonymized(client, correcting=True)
    found = _find(case, number, measures)
    return Written(replace(found, struck=True), False, Event(
        action=STRIKE, entity="referral", on_date=today, before={**payload(found), "struck": False},
        after={"measure": number, "struck": True}, why=reason), why=reason)


# --- the report's section `measures` -----------------------------------------------------------

EVENTS = ("requested", "approved", "declined")  # each counted on its own day: summable over periods


def _empty() -> dict[str, Any]:
    return {key: 0 for e in EVENTS for key in (e, f"{e}_chf")}


def _amounts(cell: dict[str, Any]) -> dict[str, Any]:
    return {k: money.plain(v) if k.endswith("_chf") else v for k, v in cell.items()}


def section(keys: list[str], group: dict[int, str],
            cells: dict[str, list[tuple[str, int, int, int, int]]]) -> dict[str, Any]:
    """The report's section `measures` from the store's sums (store/measures.figures: for each
    of requested, approved, declined and pending, rows of kind, payer id, receiver id, count and
    Rappen); `keys` every group of the report, `group` each unit's group. Amounts as strings
    ("1200.50"). Every figure but `pending_at_end` counts each measure in the period of its own
    day (requested, approved, declined), so a series of periods sums to the whole."""
    by_kind = {k.value: _empty() for k in MeasureKind}
    by_payer = {key: _empty() for key in keys}
    by_receiver = {key: _empty() for key in keys}
    total = _empty()
    for event in EVENTS:
        for kind, payer_id, receiver_id, n, rappen in cells[event]:
            for cell in (total, by_kind.setdefault(kind, _empty()),
                         by_payer.setdefault(group[payer_id], _empty()),
                         by_receiver.setdefault(group[receiver_id], _empty())):
                cell[event] += n
                cell[f"{event}_chf"] += rappen
    pending = (sum(n for *_, n, _ in cells["pending"]),
               sum(r for *_, r in cells["pending"]))
    decided = total["approved"] + total["declined"]
    return {
        "requested": {"count": total["requested"], "chf": money.plain(total["requested_chf"])},
        "approved": {"count": total["approved"], "chf": money.plain(total["approved_chf"])},
        "declined": {"count": total["declined"], "chf": money.plain(total["declined_chf"])},
        # "Kosten übernommen: x von y": approved of the measures decided in the period
        "costs_covered": {"approved": total["approved"], "decided": decided,
                          "approved_chf": money.plain(total["approved_chf"]),
                          "decided_chf": money.plain(total["approved_chf"]
                                                     + total["declined_chf"])},
        "by_kind": {k: _amounts(v) for k, v in by_kind.items()},
        "by_payer": {k: _amounts(v) for k, v in by_payer.items()},
        "by_receiver": {k: _amounts(v) for k, v in by_receiver.items()},
        # a stock, like open_at_end: requested by the period's end and not decided by then
        "pending_at_end": {"count": pending[0], "chf": money.plain(pending[1])},
    }
