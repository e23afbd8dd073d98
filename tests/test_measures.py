"""Measures and their cost through the workflow and the store (issue 19), on SQLite and
PostgreSQL: a small history built by the commands, and every figure of the report's section
`measures` checked against a hand-computed model, for months and for the whole, summable over
periods; `report --as-recorded` leaves out what was entered, decided or struck later; each change
is one audit event, `show` lists them, a refusal writes nothing, `anonymize` erases their notes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from conftest import TODAY, dump, query

from optima_cli.errors import NotFound, OptimaError, UsageProblem
from optima_cli.rules.codes import Kind, MeasureKind, Outcome, Topic
from optima_cli.rules.periods import choose
from optima_cli.workflow import case_reads, cases, clients, measures, retention, trail
from optima_cli.workflow import report as reporting
from optima_cli.workflow.context import Context
from optima_cli.workflow.institutions import add_institution

pytestmark = pytest.mark.both_backends


@dataclass
class Clocked(Context):
    """A context whose rows and audit events are recorded at `at`."""

    at: datetime = datetime(2026, 11, 23, 12, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def d(text: str) -> date:
    return date.fromisoformat(text)


def _case(ctx: Context, name: str, at: str, to: str, referred: str, accepted: str | None) -> str:
    client = clients.register(ctx, clients.ClientInput(
        name=name, birth_date=date(1985, 5, 5), institution=at,
        consent_on=date(2025, 6, 1)))["client"]
    case = cases.refer(ctx, cases.Refer(client=client, to=to, topics=(Topic.FINANCES,),
                                        months=6, on=d(referred))).record["case"]
    if accepted:
        cases.accept(ctx, case, on=d(accepted))
    return case


# The history: (case, kind, CHF typed, payer or None (the referrer), requested, approved,
# declined, struck). Cases: A from RAV to SD-EMMEN, B from SD-EMMEN to IV.
@dataclass(frozen=True)
class M:
    case: str
    kind: str
    typed: str
    rappen: int
    payer: str  # as paid: the referrer unless named
    named_payer: str | None
    requested: str
    approved: str | None = None
    declined: str | None = None
    struck: bool = False
    approve_at_add: bool = False
    note: str | None = None


HISTORY = [
    M("A", "coaching", "1'200.50", 120050, "RAV", None, "2026-09-05", approved="2026-10-02"),
    M("A", "debt-counselling", "800.-", 80000, "SD-EMMEN", "SD-EMMEN", "2026-10-10",
      declined="2026-10-20"),
    M("A", "course", "CHF 450.25", 45025, "RAV", None, "2026-10-15"),  # pending
    M("B", "labour-market", "3000", 300000, "SD-EMMEN", None, "2026-09-15",
      approved="2026-09-20", approve_at_add=True),
    M("B", "other", "99,95", 9995, "IV", "IV", "2026-11-02", approved="2026-11-05",
      note="Bahnabonnement"),
    M("B", "coaching", "500", 50000, "SD-EMMEN", None, "2026-11-03", struck=True),
    M("B", "childcare", "250", 25000, "SD-EMMEN", None, "2026-10-30", approved="2026-11-01"),
]
RECEIVER = {"A": "SD-EMMEN", "B": "IV"}
KIND = {"RAV": "RAV", "IV": "IV", "SD-EMMEN": "SD", "SD": "SD"}


def build(ctx: Context) -> dict[str, str]:
    add_institution(ctx, "SD-EMMEN", Kind.SD, "Sozialdienst Emmen")
    ids = {"A": _case(ctx, "Massnahme Anna", "RAV", "SD-EMMEN", "2026-08-25", "2026-09-01"),
           "B": _case(ctx, "Massnahme Beat", "SD-EMMEN", "IV", "2026-09-01", "2026-09-10")}
    for m in HISTORY:
        added = measures.add(ctx, ids[m.case], MeasureKind(m.kind), m.typed, m.named_payer,
                             d(m.requested), d(m.approved) if m.approve_at_add else None, m.note)
        assert (added["cost"], added["payer"]) == (f"{m.rappen // 100}.{m.rappen % 100:02d}", m.payer)
    for number, m in enumerate(HISTORY):
        n = sum(1 for x in HISTORY[:number + 1] if x.case == m.case)
        if m.approved and not m.approve_at_add:
            measures.approve(ctx, ids[m.case], n, d(m.approved))
        if m.declined:
            measures.decline(ctx, ids[m.case], n, d(m.declined), "anderes Angebot")
        if m.struck:
            measures.strike(ctx, ids[m.case], n, "doppelt erfasst")
    return ids


def within(day: str | None, start: date | None, end: date) -> bool:
    return day is not None and (start is None or d(day) >= start) and d(day) <= end


def chf(rappen: int) -> str:
    return f"{rappen // 100}.{rappen % 100:02d}"


def model(start: date | None, end: date, by: str) -> dict:
    """The section `measures` as computed by hand from HISTORY."""
    keys = ["RAV", "IV", "SD"] if by == "kind" else ["RAV", "IV", "SD", "SD-EMMEN"]
    group = (lambda unit: KIND[unit]) if by == "kind" else (lambda unit: unit)
    live = [m for m in HISTORY if not m.struck]

    def cell(chosen: list[M]) -> dict:
        found = {}
        for event in ("requested", "approved", "declined"):
            hit = [m for m in chosen if within(getattr(m, event), start, end)]
            found[event] = len(hit)
            found[f"{event}_chf"] = chf(sum(m.rappen for m in hit))
        return found

    total = cell(live)
    pending = [m for m in live if d(m.requested) <= end and not within(m.approved, None, end)
               and not within(m.declined, None, end)]
    approved = [m for m in live if within(m.approved, start, end)]
    decided = approved + [m for m in live if within(m.declined, start, end)]
    return {
        "requested": {"count": total["requested"], "chf": total["requested_chf"]},
        "approved": {"count": total["approved"], "chf": total["approved_chf"]},
        "declined": {"count": total["declined"], "chf": total["declined_chf"]},
        "costs_covered": {"approved": len(approved), "decided": len(decided),
                          "approved_chf": chf(sum(m.rappen for m in approved)),
                          "decided_chf": chf(sum(m.rappen for m in decided))},
        "by_kind": {k.value: cell([m for m in live if m.kind == k.value]) for k in MeasureKind},
        "by_payer": {g: cell([m for m in live if group(m.payer) == g]) for g in keys},
        "by_receiver": {g: cell([m for m in live if group(RECEIVER[m.case]) == g]) for g in keys},
        "pending_at_end": {"count": len(pending), "chf": chf(sum(m.rappen for m in pending))},
    }


MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11"]


def test_every_measures_figure_matches_the_hand_computed_model(ctx):
    build(ctx)
    for by in ("kind", "institution"):
        for month in MONTHS:
            period = choose(TODAY, month=month)
            got = reporting.report(ctx, period, by)["measures"]
            assert got == model(period.start, period.state_day, by), (month, by)
        whole = choose(TODAY)
        assert reporting.report(ctx, whole, by)["measures"] == model(None, TODAY, by)
    # a few figures written out, as the steering group reads them
    october = reporting.report(ctx, choose(TODAY, month="2026-10"))["measures"]
    assert october["requested"] == {"count": 3, "chf": "1500.25"}
    assert october["costs_covered"] == {"approved": 1, "decided": 2, "approved_chf": "1200.50",
                                        "decided_chf": "2000.50"}
    assert october["pending_at_end"] == {"count": 2, "chf": "700.25"}  # the course, the childcare
    everything = reporting.report(ctx, choose(TODAY))["measures"]
    assert everything["approved"] == {"count": 4, "chf": "4550.45"}
    assert everything["by_payer"]["SD"]["approved_chf"] == "3250.00"
    assert everything["by_receiver"]["IV"]["requested"] == 3  # the struck one counts nowhere


def test_the_months_sum_to_the_whole_period(ctx):
    build(ctx)
    months = [reporting.report(ctx, choose(TODAY, month=m))["measures"] for m in MONTHS]
    whole = reporting.report(ctx, choose(TODAY, start=d("2026-08-01"), end=d("2026-11-30")))
    whole = whole["measures"]

    def cents(value: str) -> int:
        return int(value.replace(".", ""))

    for event in ("requested", "approved", "declined"):
        assert sum(m[event]["count"] for m in months) == whole[event]["count"]
        assert sum(cents(m[event]["chf"]) for m in months) == cents(whole[event]["chf"])
        for part in ("by_kind", "by_payer", "by_receiver"):
            for key, cell in whole[part].items():
                assert sum(m[part][key][event] for m in months) == cell[event]
                assert sum(cents(m[part][key][f"{event}_chf"]) for m in months) == cents(
                    cell[f"{event}_chf"])
    for key in ("approved", "decided"):
        assert sum(m["costs_covered"][key] for m in months) == whole["costs_covered"][key]


def test_as_recorded_leaves_out_what_was_entered_decided_or_struck_later(db_path):
    first = Clocked(db_path=str(db_path), user="builder", today=TODAY, at=noon(TODAY))
    ids = build(first)
    before = [reporting.report(first, choose(TODAY, month=m)) for m in MONTHS]
    later = Clocked(db_path=str(db_path), user="late", today=TODAY + timedelta(days=1),
                    at=noon(TODAY + timedelta(days=1)))
    measures.add(later, ids["A"], MeasureKind.WORK_TRIAL, "600", None, d("2026-10-01"))
    measures.approve(later, ids["A"], 3, d("2026-10-20"))  # the course, pending until now
    measures.strike(later, ids["B"], 1, "falscher Fall")  # the labour-market measure
    after = [reporting.report(later, choose(TODAY, month=m)) for m in MONTHS]
    assert [a["measures"] for a in after] != [b["measures"] for b in before]
    recorded = [reporting.report(later, choose(TODAY, month=m), "kind", TODAY) for m in MONTHS]
    strip = lambda r: {k: v for k, v in r.items() if k not in ("as_recorded", "period")}  # noqa: E731
    assert [strip(r) for r in recorded] == [strip(b) for b in before]
    assert [strip(r) for r in (reporting.report(later, choose(TODAY, month=m)) for m in MONTHS)
            ] == [strip(a) for a in after]  # asking did not change the database
    assert trail.verify(later)["ok"]


def test_each_change_is_an_audit_event_and_show_lists_the_measures(ctx):
    ids = build(ctx)
    events = query(ctx.db_path, "SELECT action, entity, entity_ref, payload FROM audit_event "
                                "WHERE action IN (?, ?, ?, ?) ORDER BY id", "measure-add",
                   "measure-approve", "measure-decline", "measure-strike")
    assert [e[0] for e in events].count("measure-add") == len(HISTORY)
    assert {e[0] for e in events} == {"measure-add", "measure-approve", "measure-decline",
                                      "measure-strike"}
    assert all(e[1] == "referral" and e[2] in ids.values() for e in events)
    first = json.loads(events[0][3])
    assert first["after"]["cost"] == "1200.50" and first["after"]["payer"] == "RAV"
    shown = case_reads.show_case(ctx, ids["B"])
    assert [(m["measure"], m["kind"], m["cost"], m["decision"]) for m in shown["measures"]] == [
        (1, "labour-market", "3000.00", "approved"), (2, "other", "99.95", "approved"),
        (3, "coaching", "500.00", "struck"), (4, "childcare", "250.00", "approved")]
    assert shown["measures"][2]["struck_why"] == "doppelt erfasst"
    listed = measures.list_measures(ctx, unit="IV")
    assert [(m["case"], m["measure"]) for m in listed] == [(ids["B"], n) for n in (1, 2, 3, 4)]
    assert len(measures.list_measures(ctx)) == len(HISTORY)
    assert [m["measure"] for m in measures.list_measures(ctx, ids["A"])] == [1, 2, 3]
    assert trail.verify(ctx)["ok"]


@pytest.mark.parametrize("call, refusal", [
    (lambda ctx, ids: measures.add(ctx, ids["C"], MeasureKind.COURSE, "100"),
     (OptimaError, "measure-not-accepted")),
    (lambda ctx, ids: measures.add(ctx, ids["A"], MeasureKind.COURSE, "100", on=d("2026-08-31")),
     (OptimaError, "measure-before-acceptance")),
    (lambda ctx, ids: measures.add(ctx, ids["A"], MeasureKind.COURSE, "100", on=d("2026-09-05"),
                                   approved_on=d("2026-09-04")),
     (OptimaError, "measure-decided-before-request")),
    (lambda ctx, ids: measures.add(ctx, ids["A"], MeasureKind.COURSE, "100", payer="NOWHERE"),
     (NotFound, None)),
    (lambda ctx, ids: measures.add(ctx, ids["A"], MeasureKind.COURSE, "1.005"),
     (UsageProblem, "money-decimals")),
    (lambda ctx, ids: measures.approve(ctx, ids["A"], 1, d("2026-11-01")),
     (OptimaError, "measure-decided")),
    (lambda ctx, ids: measures.decline(ctx, ids["A"], 9), (OptimaError, "no-such-measure")),
    (lambda ctx, ids: measures.strike(ctx, ids["A"], 1, None), (UsageProblem, "value-required")),
])
def test_a_refusal_writes_nothing(ctx, db_path, call, refusal):
    ids = build(ctx)
    ids["C"] = _case(ctx, "Nie Angenommen", "RAV", "IV", "2026-11-01", None)
    before = dump(db_path)
    with pytest.raises(refusal[0]) as error:
        call(ctx, ids)
    assert refusal[1] is None or error.value.code == refusal[1]
    assert dump(db_path) == before


def test_anonymize_erases_the_notes_and_keeps_the_amounts(ctx):
    ids = build(ctx)
    for case in ids.values():
        cases.close(ctx, case, Outcome.ACHIEVED, on=d("2026-11-10"))
    figures = reporting.report(ctx, choose(TODAY))["measures"]
    retention.anonymize(ctx, closed_before=TODAY)
    rows = query(ctx.db_path, "SELECT note, decline_why, struck_why, cost_rappen FROM measure")
    assert all(r[:3] == (None, None, None) for r in rows) and sum(r[3] for r in rows) == sum(
        m.rappen for m in HISTORY)
    assert reporting.report(ctx, choose(TODAY))["measures"] == figures
    assert trail.verify(ctx)["ok"]
