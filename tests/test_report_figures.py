"""`optima report` (issue 3): every JSON figure against an independent model of one known history.

The history is declared below as case specs (who referred whom, when, what was decided, how it
ended). It is written once per module through the workflow functions, with back-dated `on=`
dates, in an order that is not the order of the dates. The expected figures are computed here,
in plain Python, from the same specs; optima's figure code is never called for them.
"""

from __future__ import annotations

import calendar
import csv
import io
import itertools
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from conftest import copy_db

from optima_cli.rules.codes import Cause, Kind, Outcome, RejectReason, Topic, WithdrawReason
from optima_cli.workflow import cases as wf
from optima_cli.workflow.clients import ClientInput, register
from optima_cli.workflow.context import Context
from optima_cli.workflow.institutions import add_institution

pytestmark = pytest.mark.both_backends  # the figures are counted in SQL

TODAY = date(2026, 11, 23)
AS_OF = "2026-11-23"
CONSENT = date(2025, 1, 6)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- the history -----------------------------------------------------------------------------

# every unit and its kind; the extra units make --by institution differ from --by kind, and
# SD-HOCHDORF never refers nor receives anything (its groups must still be there, as zeros)
UNITS = {"RAV": "RAV", "IV": "IV", "SD": "SD", "SD-EMMEN": "SD", "RAV-SURSEE": "RAV",
         "SD-HOCHDORF": "SD"}
EXTRA_UNITS = (("SD-EMMEN", "SD", "Sozialdienst Emmen"), ("RAV-SURSEE", "RAV", "RAV Sursee"),
               ("SD-HOCHDORF", "SD", "Sozialdienst Hochdorf"))
KINDS = ("RAV", "IV", "SD")
REASONS = tuple(r.value for r in RejectReason)
OUTCOMES = tuple(o.value for o in Outcome)
CAUSES = tuple(c.value for c in Cause)
TOPICS = tuple(t.value for t in Topic)


def _ahv(body: str) -> str:
    """A valid AHV number (EAN-13 check digit) from 9 digits after 756."""
    digits = "756" + body
    total = sum(int(ch) * (3 if i % 2 else 1) for i, ch in enumerate(digits))
    check = (10 - total % 10) % 10
    full = digits + str(check)
    return f"{full[:3]}.{full[3:7]}.{full[7:11]}.{full[11:]}"


@dataclass(frozen=True)
class Person:
    name: str
    birth: date
    home: str  # the unit where the client is registered
    ahv: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


INJECTION_NAME = '=HYPERLINK("http://x","y")'

PEOPLE: dict[str, Person] = {
    "P01": Person("Zwyssig Aurelia", d("1971-02-03"), "SD", _ahv("100000001")),
    "P02": Person("Quadranti Beno", d("1972-03-04"), "RAV", _ahv("100000002")),
    "P03": Person("Xanthopoulos Carla", d("1973-04-05"), "SD-EMMEN", _ahv("100000003")),
    "P04": Person("Wyrsch Dominik", d("1974-05-06"), "RAV"),
    "P05": Person("Vokinger Elif", d("1975-06-07"), "IV", _ahv("100000005")),
    "P06": Person("Ueltschi Fabrizio", d("1976-07-08"), "SD", facts={"iv_rejected_on": d("2026-03-01")}),
    "P07": Person("Tschopp Gwendolin", d("1977-08-09"), "SD-EMMEN",
                  facts={"work_capacity": "no", "work_capacity_assessed_on": d("2026-07-01")}),
    "P08": Person("Sigrist Hanspeter", d("1978-09-10"), "SD", _ahv("100000008"),
                  facts={"rav_registered_until": d("2026-05-01")}),
    "P09": Person("Rohrbach Ines", d("1979-10-11"), "RAV"),
    "P10": Person("Portmann Jovana", d("1980-11-12"), "RAV-SURSEE", _ahv("100000010")),
    "P11": Person("Odermatt Kilian", d("1981-12-13"), "IV"),
    "P12": Person("Niederberger Leonie", d("1982-01-14"), "SD", _ahv("100000012")),
    "P13": Person("Marfurt Matteo", d("1983-02-15"), "RAV"),
    "P14": Person("Lustenberger Noemi", d("1984-03-16"), "SD-EMMEN"),
    "P15": Person("Kaeslin Oskar", d("1985-04-17"), "RAV", _ahv("100000015")),
    "P16": Person("Jurt Priska", d("1986-05-18"), "IV"),
    "P17": Person("Imfeld Quirin", d("1987-06-19"), "SD"),
    "P18": Person("Hodel Rahel", d("1988-07-20"), "IV", _ahv("100000018")),
    "P19": Person("Gisler Severin", d("1989-08-21"), "RAV-SURSEE"),
    "P20": Person("Fluehler Tamara", d("1990-09-22"), "SD"),
    "P21": Person("Estermann Urs", d("1991-10-23"), "RAV", _ahv("100000021"),
                  facts={"iv_rejected_on": d("2026-03-01")}),
    "P22": Person("Duss Valeska", d("1992-11-24"), "SD-EMMEN"),
    "P23": Person("Camenzind Wendelin", d("1993-12-25"), "RAV"),
    "P24": Person("Bucher Xenia", d("1994-01-26"), "SD", _ahv("100000024")),
    "P25": Person("Aebi Yannick", d("1996-03-28"), "IV"),
    "PX": Person(INJECTION_NAME, d("1995-02-27"), "SD", _ahv("100000027")),
}


@dataclass(frozen=True)
class Case:
    client: str
    frm: str
    to: str
    topics: tuple[str, ...]
    months: int
    referred: date
    accepted: date | None = None
    rejected: tuple[date, str] | None = None  # (day, reason)
    extended: date | None = None
    suspension: tuple[date, date, date | None] | None = None  # (from, until, resumed on)
    withdrawn: tuple[date, str] | None = None  # (day, reason)
    closed: tuple[date, str, str | None, bool | None] | None = None  # (day, outcome, cause, employed)
    override: str | None = None
    goal: str | None = None


GOAL_AT = "@SUM(A1)"
GOAL_MINUS = "-2000 CHF of debts: a payment plan"
GOAL_PLUS = "+1 stable flat before winter"

# Listed out of date order on purpose: later entries are back-dated before earlier ones.
CASES: list[Case] = [
    Case("P01", "SD", "RAV", ("placement",), 3, d("2025-11-20"), accepted=d("2025-11-27"),
         closed=(d("2026-02-20"), "achieved", None, True)),
    Case("P02", "RAV", "IV", ("health",), 6, d("2025-12-15"),
         rejected=(d("2026-01-08"), "iv-rejection-recent")),
    Case("P03", "SD-EMMEN", "IV", ("health", "finances"), 3, d("2026-03-02"),
         accepted=d("2026-03-10"), goal=GOAL_MINUS),  # due 2026-06-10: overdue from then on
    Case("P04", "RAV", "SD", ("finances", "conflict"), 3, d("2026-05-04"), accepted=d("2026-05-11"),
         extended=d("2026-07-20"), goal=GOAL_PLUS),  # due 2026-08-11, extended to 2026-11-11
    Case("P05", "IV", "RAV-SURSEE", ("placement",), 3, d("2026-06-29"), accepted=d("2026-07-01"),
         closed=(d("2026-09-30"), "partly", None, False)),
    Case("P06", "SD", "IV", ("health", "addiction"), 6, d("2026-07-01"),
         rejected=(d("2026-07-14"), "iv-procedure-open"),
         override="acute situation, IV is the only option"),
    Case("P07", "SD-EMMEN", "RAV", ("placement",), 3, d("2026-07-15"),
         rejected=(d("2026-07-20"), "no-work-capacity"),
         override="doctor expects full capacity within weeks"),
    Case("P08", "SD", "RAV-SURSEE", ("placement", "other"), 3, d("2026-08-03"),
         rejected=(d("2026-08-05"), "rav-registered-recently")),
    Case("P09", "RAV", "SD", ("addiction",), 6, d("2026-08-10"), accepted=d("2026-08-17"),
         suspension=(d("2026-08-20"), d("2026-10-31"), d("2026-09-30"))),  # resumed at Q3's end
    Case("P10", "RAV-SURSEE", "SD-EMMEN", ("childcare", "finances"), 3, d("2026-09-01"),
         accepted=d("2026-09-07"), suspension=(d("2026-09-10"), d("2026-12-07"), None)),
    Case("P11", "IV", "SD", ("life-event", "conflict"), 3, d("2026-09-28"), accepted=d("2026-10-02"),
         withdrawn=(d("2026-10-20"), "consent-withdrawn")),
    Case("P12", "SD", "IV", ("health",), 3, d("2026-09-30"), rejected=(d("2026-10-01"), "too-severe")),
    Case("P13", "RAV", "IV", ("health",), 6, d("2026-09-15")),  # still waiting for a decision
    Case("P14", "SD-EMMEN", "RAV", ("placement",), 3, d("2026-10-05"),
         withdrawn=(d("2026-10-31"), "other")),
    Case("P15", "RAV", "SD", ("finances",), 3, d("2026-10-12"), rejected=(d("2026-10-19"), "no-consent")),
    Case("P16", "IV", "SD", ("other", "conflict"), 3, d("2026-10-14"),
         rejected=(d("2026-11-02"), "other")),
    # back-dated: entered after the autumn cases, though they happened in spring and summer
    Case("P17", "SD", "RAV", ("placement",), 3, d("2026-04-01"), accepted=d("2026-04-08"),
         closed=(d("2026-07-08"), "not-achieved", "no-cooperation", False)),
    Case("P18", "IV", "SD", ("finances",), 3, d("2026-06-01"), accepted=d("2026-06-10"),
         closed=(d("2026-10-01"), "not-achieved", "not-placeable", None)),
    Case("P19", "RAV-SURSEE", "IV", ("health",), 3, d("2026-07-20"), accepted=d("2026-08-01"),
         closed=(d("2026-10-31"), "not-achieved", "other", None)),
    Case("P20", "SD", "RAV-SURSEE", ("placement",), 3, d("2026-10-20"), accepted=d("2026-10-27"),
         closed=(d("2026-11-20"), "achieved", None, True)),
    Case("P21", "RAV", "IV", ("health",), 3, d("2026-11-02"),
         override="the rejection was about another health issue"),
    Case("P22", "SD-EMMEN", "IV", ("health", "placement"), 6, d("2026-10-30"), accepted=d("2026-11-05")),
    Case("P23", "RAV", "SD", ("life-event",), 3, d("2026-02-10"), accepted=d("2026-02-20"),
         withdrawn=(d("2026-04-15"), "other")),
    Case("P24", "SD", "RAV", ("placement",), 3, d("2026-08-25"), accepted=d("2026-09-01"),
         closed=(d("2026-09-29"), "achieved", None, True)),
    # rejected by RAV-SURSEE on 2026-08-05, the same client is referred again, to IV
    Case("P08", "SD", "IV", ("health",), 3, d("2026-08-20"), accepted=d("2026-09-02")),
    # due on 2026-10-31, the last day of October: due then, overdue only afterwards
    Case("P25", "IV", "RAV", ("placement", "health"), 3, d("2026-07-27"), accepted=d("2026-07-31")),
    # rejected by the IV: a health damage is suspected, a regular IV registration is due
    Case("P14", "SD-EMMEN", "IV", ("health",), 3, d("2026-11-03"),
         rejected=(d("2026-11-06"), "iv-registration-due")),
    Case("PX", "SD", "RAV", ("placement",), 3, d("2026-10-07"), goal=GOAL_AT),
]


def build_history(ctx: Context) -> list[str]:
    """Write the history through the workflow; returns the case ids in the order of CASES."""
    for code, kind, name in EXTRA_UNITS:
        add_institution(ctx, code, Kind(kind), name)
    clients = {}
    for key, p in PEOPLE.items():
        clients[key] = register(ctx, ClientInput(
            name=p.name, birth_date=p.birth, institution=p.home, ahv=p.ahv, consent_on=CONSENT,
            **p.facts))["client"]
    ids = []
    for c in CASES:
        ref = wf.refer(ctx, wf.Refer(client=clients[c.client], to=c.to, referrer=c.frm,
                                     topics=tuple(Topic(t) for t in c.topics), months=c.months,
                                     goal=c.goal, on=c.referred, override=c.override)).record
        assert bool(ref["override"]) == bool(c.override), "the spec's override must be needed"
        case = ref["case"]
        ids.append(case)
        if c.accepted:
            wf.accept(ctx, case, counsellor="R. Receiver", on=c.accepted)
        if c.rejected:
            day, reason = c.rejected
            wf.reject(ctx, case, RejectReason(reason), note="see the file" if reason == "other" else None,
                      on=day)
        if c.extended:
            wf.extend(ctx, case, on=c.extended)
        if c.suspension:
            start, until, resumed = c.suspension
            wf.suspend_search(ctx, case, until=until, start=start)
            if resumed:
                wf.resume_search(ctx, case, on=resumed)
        if c.withdrawn:
            day, reason = c.withdrawn
            wf.withdraw(ctx, case, WithdrawReason(reason),
                        note="moved away" if reason == "other" else None, on=day)
        if c.closed:
            day, outcome, cause, employed = c.closed
            wf.close(ctx, case, Outcome(outcome), Cause(cause) if cause else None, employed,
                     note="see the file" if cause == "other" else None, on=day)
    return ids


def prepare(directory: Path) -> tuple[Path, list[str]]:
    """Build the history into directory/history.db, checkpointed so that it can be copied."""
    path = directory / "history.db"
    ctx = Context(db_path=str(path), user="builder", today=TODAY)
    ids = build_history(ctx)
    ctx.db.engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path, ids




# --- the model -------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_at(c: Case, day: date) -> str | None:
    if c.referred > day:
        return None
    if c.closed and c.closed[0] <= day:
        return "closed"
    if c.withdrawn and c.withdrawn[0] <= day:
        return "withdrawn"
    if c.rejected and c.rejected[0] <= day:
        return "rejected"
    if c.accepted and c.accepted <= day:
        return "accepted"
    return "referred"


def due_at(c: Case, day: date) -> date:
    assert c.accepted
    months = 6 if c.extended and c.extended <= day else c.months
    return add_months(c.accepted, months)


def suspended_at(c: Case, day: date) -> bool:
    if not c.suspension:
        return False
    start, until, resumed = c.suspension
    return start <= day <= until and (resumed is None or resumed > day)


def decided_on(c: Case) -> date | None:
    return c.accepted or (c.rejected[0] if c.rejected else None)


def first_referral() -> date:
    return min(c.referred for c in CASES)


def open_cases(day: date) -> list[int]:
    """Indexes of the cases referred or accepted at the end of `day`."""
    return [i for i, c in enumerate(CASES) if status_at(c, day) in ("referred", "accepted")]


def active_cases(start: date | None, end: date) -> list[int]:
    """Indexes of the cases active in the period: referred by its end, not ended before its start."""
    result = []
    for i, c in enumerate(CASES):
        ended = [x for x in (c.closed and c.closed[0], c.withdrawn and c.withdrawn[0],
                             c.rejected and c.rejected[0]) if x]
        if c.referred <= end and (start is None or not any(e < start for e in ended)):
            result.append(i)
    return result


def expected(start: date | None, end: date, as_of: date, by: str) -> dict[str, Any]:
    lo = start or first_referral()
    keys = list(KINDS) if by == "kind" else list(UNITS)

    def group(unit: str) -> str:
        return UNITS[unit] if by == "kind" else unit

    def inside(day: date | None) -> bool:  # counted up to the period end, never past as-of
        return day is not None and lo <= day <= min(end, as_of)

    def zeros(names: Any = None) -> dict[str, int]:
        return dict.fromkeys(names or keys, 0)

    referrals = {"total": 0, "by_referrer": zeros(), "by_receiver": zeros(),
                 "matrix": {k: zeros() for k in keys}}
    accepted = {"total": 0, "by_receiver": zeros()}
    rejected = {"total": 0, "by_receiver": zeros(), "by_reason": zeros(REASONS)}
    withdrawn = {"total": 0, "by_receiver": zeros()}
    closed = {"total": 0, "by_receiver": zeros(), "by_outcome": zeros(OUTCOMES),
              "by_cause": zeros(CAUSES), "employed": 0}
    topics = zeros(TOPICS)
    overrides = 0
    to_decision, to_closing = [], []
    for c in CASES:
        src, dst = group(c.frm), group(c.to)
        if inside(c.referred):
            referrals["total"] += 1
            referrals["by_referrer"][src] += 1
            referrals["by_receiver"][dst] += 1
            referrals["matrix"][src][dst] += 1
            for t in c.topics:
                topics[t] += 1
            overrides += bool(c.override)
        if inside(c.accepted):
            accepted["total"] += 1
            accepted["by_receiver"][dst] += 1
        if c.rejected and inside(c.rejected[0]):
            rejected["total"] += 1
            rejected["by_receiver"][dst] += 1
            rejected["by_reason"][c.rejected[1]] += 1
        if inside(decided_on(c)):
            to_decision.append((decided_on(c) - c.referred).days)
        if c.withdrawn and inside(c.withdrawn[0]):
            withdrawn["total"] += 1
            withdrawn["by_receiver"][dst] += 1
        if c.closed and inside(c.closed[0]):
            day, outcome, cause, employed = c.closed
            closed["total"] += 1
            closed["by_receiver"][dst] += 1
            closed["by_outcome"][outcome] += 1
            if cause:
                closed["by_cause"][cause] += 1
            closed["employed"] += employed is True
            to_closing.append((day - c.accepted).days)
    state_day = min(end, as_of)
    states = [status_at(c, state_day) for c in CASES]
    open_accepted = [c for c, s in zip(CASES, states) if s == "accepted"]
    return {
        "period": {"from": lo.isoformat(), "to": end.isoformat(), "as_of": as_of.isoformat()},
        "referrals": referrals,
        "accepted": accepted,
        "rejected": rejected,
        "withdrawn": withdrawn,
        "closed": closed,
        "open_at_end": {
            "referred": states.count("referred"),
            "accepted": len(open_accepted),
            "overdue": sum(due_at(c, state_day) < state_day for c in open_accepted),
            "search_suspended": sum(suspended_at(c, state_day) for c in open_accepted),
        },
        "durations": {
            "median_days_to_decision": median(to_decision) if to_decision else None,
            "median_days_accepted_to_closed": median(to_closing) if to_closing else None,
        },
        "topics": topics,
        "overrides": overrides,
    }


# --- running the report ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, list[str]]:
    return prepare(tmp_path_factory.mktemp("report-history"))


@pytest.fixture
def hist_db(history) -> Path:
    return history[0]


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.stdout)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def figures(run, db: Path, *args: str, as_of: str = AS_OF) -> dict[str, Any]:
    return json.loads(ok(run("report", "--as-of", as_of, *args, "--format", "json", db=db)))


def compare(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Section by section, so that a failure names the figure."""
    for section, value in want.items():
        if section == "period":
            for key, inner in value.items():
                assert got["period"][key] == inner, ("period", key)
        else:
            assert got[section] == value, section


PERIODS = {
    # id: (options, start, end, as_of, name)
    "month-2026-10": (["--month", "2026-10"], d("2026-10-01"), d("2026-10-31"), TODAY, "2026-10"),
    "quarter-2026-Q3": (["--quarter", "2026-Q3"], d("2026-07-01"), d("2026-09-30"), TODAY, "2026-Q3"),
    "range": (["--from", "2026-09-15", "--to", "2026-10-15"], d("2026-09-15"), d("2026-10-15"),
              TODAY, None),
    "month-2026-08": (["--month", "2026-08"], d("2026-08-01"), d("2026-08-31"), TODAY, "2026-08"),
    "month-2026-11-after-as-of": (["--month", "2026-11"], d("2026-11-01"), d("2026-11-30"), TODAY,
                                  "2026-11"),
    "year-2026": (["--year", "2026"], d("2026-01-01"), d("2026-12-31"), TODAY, "2026"),
    "cumulative": ([], None, TODAY, TODAY, None),
    "month-2026-10-as-of-inside": (["--month", "2026-10"], d("2026-10-01"), d("2026-10-31"),
                                   d("2026-10-15"), "2026-10"),
    "cumulative-as-of-2026-09-30": ([], None, d("2026-09-30"), d("2026-09-30"), None),
}


@pytest.mark.parametrize("by", ["kind", "institution"])
@pytest.mark.parametrize("period", list(PERIODS))
def test_every_figure_matches_the_model(run, hist_db, period, by):
    options, start, end, as_of, name = PERIODS[period]
    got = figures(run, hist_db, *options, "--by", by, as_of=as_of.isoformat())
    want = expected(start, end, as_of, by)
    compare(got, want)
    if name is not None:
        assert got["period"]["name"] == name
    else:
        assert isinstance(got["period"]["name"], str) and got["period"]["name"].strip()


def test_the_history_covers_what_the_report_must_handle():
    """The specs themselves: every reason, outcome and cause, both boundaries, several units."""
    assert {c.rejected[1] for c in CASES if c.rejected} == set(REASONS)
    assert {c.closed[1] for c in CASES if c.closed} == set(OUTCOMES)
    assert {c.closed[2] for c in CASES if c.closed and c.closed[2]} == set(CAUSES)
    assert any(c.referred.month == 9 and decided_on(c) and decided_on(c).month == 10 for c in CASES)
    assert any(c.referred < d("2026-07-01") <= (decided_on(c) or c.referred) for c in CASES)
    oct_end = d("2026-10-31")
    open_oct = [CASES[i] for i in open_cases(oct_end)]
    assert any(c.accepted and due_at(c, oct_end) < oct_end for c in open_oct)
    assert any(suspended_at(c, oct_end) for c in open_oct if status_at(c, oct_end) == "accepted")
    assert any(status_at(c, oct_end) == "referred" for c in open_oct)
    assert any(b.referred < a.referred for a, b in itertools.pairwise(CASES)), "back-dated entries"


def test_by_institution_differs_from_by_kind(run, hist_db):
    kind = figures(run, hist_db, "--month", "2026-10")
    unit = figures(run, hist_db, "--month", "2026-10", "--by", "institution")
    assert set(kind["referrals"]["by_referrer"]) == set(KINDS)
    assert set(unit["referrals"]["by_referrer"]) == set(UNITS)
    assert set(unit["referrals"]["matrix"]) == set(UNITS)
    assert all(set(row) == set(UNITS) for row in unit["referrals"]["matrix"].values())
    # the default is --by kind
    assert kind == figures(run, hist_db, "--month", "2026-10", "--by", "kind")


def test_without_as_of_the_as_of_date_is_today(run, hist_db):
    from datetime import date as real_date

    got = json.loads(ok(run("report", "--month", "2026-10", "--format", "json", db=hist_db)))
    assert got["period"]["as_of"] == real_date.today().isoformat()
    assert got["period"]["from"] == "2026-10-01" and got["period"]["to"] == "2026-10-31"


def test_an_empty_period_is_all_zeros_and_no_medians(run, hist_db):
    got = figures(run, hist_db, "--month", "2024-01", "--by", "institution")
    want = expected(d("2024-01-01"), d("2024-01-31"), TODAY, "institution")
    compare(got, want)
    assert got["referrals"]["total"] == 0
    assert got["durations"] == {"median_days_to_decision": None,
                                "median_days_accepted_to_closed": None}
    assert got["open_at_end"] == {"referred": 0, "accepted": 0, "overdue": 0, "search_suspended": 0}


@pytest.mark.parametrize("as_of, name, start, end", [
    ("2026-11-23", "2026-10", "2026-10-01", "2026-10-31"),
    ("2026-01-15", "2025-12", "2025-12-01", "2025-12-31"),
    ("2026-03-31", "2026-02", "2026-02-01", "2026-02-28"),
])
def test_month_last_is_the_month_before_the_as_of_date(run, hist_db, as_of, name, start, end):
    got = figures(run, hist_db, "--month", "last", as_of=as_of)
    assert got["period"] == {"name": name, "from": start, "to": end, "as_of": as_of}
    compare(got, expected(d(start), d(end), d(as_of), "kind"))


def test_open_at_end_is_the_state_at_the_as_of_date_inside_the_period(run, hist_db):
    got = figures(run, hist_db, "--month", "2026-10", as_of="2026-10-15")
    want = expected(d("2026-10-01"), d("2026-10-31"), d("2026-10-15"), "kind")
    assert got["open_at_end"] == want["open_at_end"]
    # and it differs from the state at the end of the month, so the check means something
    assert want["open_at_end"] != expected(d("2026-10-01"), d("2026-10-31"), TODAY, "kind")["open_at_end"]


# --- CSV and table ---------------------------------------------------------------------------

def leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        value = {str(i): v for i, v in enumerate(value, start=1)}  # settings_changes, by number
    if isinstance(value, dict):
        return [leaf for key, inner in value.items() for leaf in leaves(inner, (*path, str(key)))]
    return [(path, value)]


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("options", [["--month", "2026-10", "--by", "institution"], []],
                         ids=["month-by-institution", "cumulative-by-kind"])
def test_csv_rows_agree_with_the_json(run, hist_db, options):
    data = figures(run, hist_db, *options)
    text = ok(run("report", "--as-of", AS_OF, *options, "--format", "csv", db=hist_db))
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == ["section", "group", "key", "value"]
    rows = list(reader)
    assert all(len(row) == 4 for row in rows)
    got: dict[tuple[str, tuple[str, ...], str], str] = {}
    for section, group, key, value in rows:
        parts = tuple(p for p in group.replace("/", ".").replace(":", ".").split(".") if p)
        where = (section, parts, key)
        assert where not in got, f"figure given twice: {where}"
        got[where] = value
    want = {}
    for section, value in data.items():
        for path, leaf in leaves(value):
            if not path:  # a figure that is a section of its own, like overrides
                where = next(((section, (), k) for k in ("", section) if (section, (), k) in got),
                             (section, (), ""))
            else:
                where = (section, path[:-1], path[-1])
            want[where] = csv_text(leaf)
    assert got == want
    # spot checks against the model, not only against the JSON
    if options:
        model = expected(d("2026-10-01"), d("2026-10-31"), TODAY, "institution")
    else:
        model = expected(None, TODAY, TODAY, "kind")
    assert got[("referrals", (), "total")] == str(model["referrals"]["total"])
    severe = model["rejected"]["by_reason"]["too-severe"]
    assert got[("rejected", ("by_reason",), "too-severe")] == str(severe)


def test_table_runs_and_shows_the_totals(run, hist_db):
    text = ok(run("report", "--as-of", AS_OF, "--month", "2026-10", db=hist_db))
    want = expected(d("2026-10-01"), d("2026-10-31"), TODAY, "kind")
    assert "2026-10" in text
    for kind in KINDS:
        assert kind in text
    lines = text.splitlines()
    # the referral matrix ends with a total row: receivers' totals, then the grand total
    ref = want["referrals"]
    cells = [[t for t in ln.split() if t.strip("│┃|")] for ln in lines]
    totals = [row for row in cells if row[:1] == ["total"]]
    assert ["total", *(str(ref["by_receiver"][k]) for k in KINDS), str(ref["total"])] in totals
    decided = ["total", str(ref["total"]), str(want["accepted"]["total"]),
               str(want["rejected"]["total"]), str(want["withdrawn"]["total"]),
               str(want["closed"]["total"])]
    assert decided in totals


# --- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [
    ["--month", "2026-13"],
    ["--month", "October"],
    ["--quarter", "2026-Q5"],
    ["--year", "26"],
    ["--month", "2026-10", "--year", "2026"],
    ["--month", "2026-10", "--from", "2026-10-01", "--to", "2026-10-31"],
    ["--from", "2026-10-01"],
    ["--to", "2026-10-31"],
    ["--from", "2026-10-31", "--to", "2026-10-01"],
    ["--by", "colour"],
    ["--from", "2026-02-30", "--to", "2026-03-31"],
], ids=lambda o: " ".join(o))
def test_bad_input_is_one_error_line_and_exit_2(run, hist_db, options):
    result = run("report", "--as-of", AS_OF, *options, "--format", "json", db=hist_db)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.stderr


def test_report_writes_nothing_to_the_database(run, db_path, snapshot, history, tmp_path):
    copy_db(history[0], db_path)
    before = snapshot()
    assert before["referral"], "the copy holds the history"
    for options in (["--month", "2026-10"], ["--quarter", "2026-Q3", "--by", "institution"], [],
                    ["--format", "csv"], ["--month", "last", "--format", "table"]):
        fmt = [] if "--format" in options else ["--format", "json"]
        ok(run("report", "--as-of", AS_OF, *options, *fmt))
    ok(run("report", "--as-of", AS_OF, "--month", "2026-10", "--xlsx", str(tmp_path / "r.xlsx")))
    assert snapshot() == before
