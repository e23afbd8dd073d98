"""`optima report --as-recorded DAY` (issue 17): the figures as the database held them at the end
of a past day, before the corrections and late entries made since; without it, as corrected.

The history of tests/test_report_figures.py is recorded on one day, corrected and completed the
next; the report as recorded on the first day equals the report taken that day, on both backends,
and the database is not touched by asking."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import test_report_figures as model
from conftest import days_ago
from sqlmodel import select
from test_report_figures import TODAY, ok

from optima_cli.records.models import Institution, Referral
from optima_cli.rules.codes import Topic, WithdrawReason
from optima_cli.rules.periods import choose
from optima_cli.store import as_recorded
from optima_cli.workflow import cases as wf
from optima_cli.workflow import report as reporting
from optima_cli.workflow.context import Context
from optima_cli.workflow.trail import verify

NEXT_DAY = TODAY + timedelta(days=1)
WHY = "entered on the wrong case"


@dataclass
class Clocked(Context):
    """A context whose audit events are recorded at `at` (the history's own days)."""

    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.at


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC).astimezone(UTC)


def case_of(ids: list[str], client: str, referred: str) -> str:
    return ids[next(i for i, c in enumerate(model.CASES)
                    if c.client == client and c.referred == model.d(referred))]


PERIODS = [("2026-10", None, None), (None, "2026-Q3", None), (None, None, "2026"), (None, None, None)]


def all_figures(ctx: Context, on: date | None = None) -> list[dict[str, Any]]:
    found = []
    for month, quarter, year in PERIODS:
        data = reporting.report(ctx, choose(TODAY, month, quarter, year, None, None), "kind", on)
        found.append({k: v for k, v in data.items() if k != "as_recorded"})
    return found


def correct_the_next_day(db: str, ids: list[str]) -> Clocked:
    """A day later: corrections (amend, undo, reopen) and a late entry (a withdrawal, back-dated)."""
    ctx = Clocked(db_path=db, user="corrector", today=NEXT_DAY, at=at_noon(NEXT_DAY))
    wf.amend(ctx, case_of(ids, "P17", "2026-04-01"), {"closed_on": model.d("2026-07-10")}, WHY)
    wf.amend(ctx, case_of(ids, "P03", "2026-03-02"), {"topics": (Topic.HEALTH, Topic.PLACEMENT),
                                                      "months": "6"}, WHY)
    wf.undo(ctx, case_of(ids, "P18", "2026-06-01"), WHY, reopening=True)  # the closing taken back
    wf.undo(ctx, case_of(ids, "P12", "2026-09-30"), WHY)  # the rejection taken back
    wf.withdraw(ctx, case_of(ids, "P13", "2026-09-15"), WithdrawReason("other"), note="moved away",
                on=model.d("2026-10-20"))
    return ctx


@pytest.mark.both_backends
def test_as_recorded_gives_the_figures_before_the_corrections(db_path):
    first = Clocked(db_path=str(db_path), user="builder", today=TODAY, at=at_noon(TODAY))
    ids = model.build_history(first)
    reported = all_figures(first)

    later = correct_the_next_day(str(db_path), ids)
    corrected = all_figures(later)
    assert corrected != reported
    assert corrected[0]["withdrawn"]["total"] == reported[0]["withdrawn"]["total"] + 1
    assert corrected[0]["closed"]["total"] == reported[0]["closed"]["total"] - 1  # P18's closing

    assert all_figures(later, TODAY) == reported  # as recorded then
    assert all_figures(later, NEXT_DAY) == corrected  # as recorded now: as corrected
    assert all_figures(later) == corrected  # and asking did not change the database
    then = reporting.report(later, choose(TODAY, None, None, None, None, None), "kind", TODAY)
    assert then["as_recorded"] == {"on": TODAY, "cases_changed_since": 5, "cases_erased_since": 0}
    assert verify(later)["ok"]


def mismatches(ctx: Context) -> list[str]:
    """The cases whose trail does not add up to what is stored: their row, topics, suspensions."""
    from optima_cli.store import queries

    found = []
    with ctx.read() as session:
        rows = {r.id: r.model_dump() for r in session.exec(select(Referral))}
        units = {i.code: i.id for i in session.exec(select(Institution))}
        replayed = as_recorded.cases_then(session, set(rows), datetime(2999, 1, 1, tzinfo=UTC))
        for referral_id, row in rows.items():
            then = replayed[referral_id]
            stored = {s.start_on.isoformat(): (s.until.isoformat(),
                                               s.ended_on.isoformat() if s.ended_on else None)
                      for s in queries.suspensions_of(session, referral_id)}
            if (then is None or as_recorded.row_then(row, then, units) != row
                    or sorted(then.values["topics"]) != sorted(queries.topics_of(session, referral_id))
                    or then.suspensions != stored):
                found.append(row["case_id"])
    return found


@pytest.mark.both_backends
def test_every_case_replayed_from_its_trail_is_its_row(db_path):
    """The trail adds up to the cases as stored: each action's, amendment's, undo's and reopen's
    values (the ground `--as-recorded` stands on)."""
    first = Clocked(db_path=str(db_path), user="builder", today=TODAY, at=at_noon(TODAY))
    ids = model.build_history(first)
    later = correct_the_next_day(str(db_path), ids)
    assert mismatches(later) == []


@pytest.mark.both_backends
def test_the_trail_adds_up_where_a_closing_ends_two_suspensions_and_is_moved(db_path):
    """A closing that ends a running and a planned job-search suspension, and a closing day
    amended later, which moves the suspensions' ends: the trail keeps all of them (review)."""
    from optima_cli.errors import OptimaError
    from optima_cli.rules.codes import Outcome

    first = Clocked(db_path=str(db_path), user="builder", today=TODAY, at=at_noon(TODAY))
    ids = model.build_history(first)
    closed_on = TODAY - timedelta(days=6)
    done = []
    for case in ids:
        try:
            wf.suspend_search(first, case, until=TODAY + timedelta(days=20),
                              start=closed_on - timedelta(days=3))
            wf.suspend_search(first, case, until=TODAY + timedelta(days=40),
                              start=TODAY + timedelta(days=25))
            wf.close(first, case, Outcome("achieved"), on=closed_on)
        except OptimaError:
            continue
        done.append(case)
        break
    assert done
    assert mismatches(first) == []  # the closing ended both
    wf.amend(first, done[0], {"closed_on": closed_on + timedelta(days=4)}, WHY)
    reported = all_figures(first)
    later = Clocked(db_path=str(db_path), user="corrector", today=NEXT_DAY, at=at_noon(NEXT_DAY))
    for case in done:
        wf.amend(later, case, {"goal": "another goal"}, WHY)
    assert mismatches(later) == []
    assert all_figures(later, TODAY) == reported


# --- the command line (SQLite) -----------------------------------------------------------------

def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def history_db(tmp_path_factory) -> tuple[Path, list[str]]:
    return model.prepare(tmp_path_factory.mktemp("as-recorded"))


def test_as_recorded_yesterday_counts_nothing_entered_today_and_writes_nothing(run, history_db):
    path, ids = history_db
    before = digest(path)
    result = run("report", "--as-recorded", days_ago(1), "--format", "json", db=path)
    data = json.loads(ok(result))
    assert data["referrals"]["total"] == 0  # all of it was recorded today
    assert data["as_recorded"] == {"on": days_ago(1), "cases_changed_since": len(ids),
                                   "cases_erased_since": 0}
    assert digest(path) == before
    assert data["period"]["to"] == data["period"]["as_of"] == days_ago(1)  # a report taken then
    now = json.loads(ok(run("report", "--format", "json", db=path)))
    assert now["as_recorded"] is None and now["referrals"]["total"] == len(ids)


@pytest.mark.parametrize("lang,said", [
    ("en", "As recorded on"), ("de", "Wie am"),
])
def test_the_table_says_what_as_recorded_means(run, history_db, lang, said):
    path, _ = history_db
    result = run("--lang", lang, "report", "--as-recorded", days_ago(1), db=path)
    assert said in ok(result)


@pytest.mark.parametrize("lang,said", [
    ("en", "is in the future; give a day up to today"),
    ("de", "liegt in der Zukunft"),
])
def test_a_day_in_the_future_is_refused_in_one_line(run, history_db, lang, said):
    path, _ = history_db
    before = digest(path)
    ahead = (date.today() + timedelta(days=3)).isoformat()
    result = run("--lang", lang, "report", "--as-recorded", ahead, db=path)
    assert result.exit_code == 2 and said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert digest(path) == before


def test_the_workbook_names_the_day_it_was_recorded(run, history_db, tmp_path):
    from openpyxl import load_workbook

    path, _ = history_db
    target = tmp_path / "then.xlsx"
    ok(run("report", "--as-recorded", days_ago(1), "--xlsx", str(target), db=path))
    rows = [[c.value for c in row] for row in load_workbook(target).worksheets[0].iter_rows()]
    assert any(row[0] == "as recorded on" for row in rows)


@pytest.mark.both_backends
def test_forwardings_and_joint_strategies_recorded_since_are_taken_back(db_path):
    """Review of issue 18: a referral forwarded since counts for the unit it was with then, and
    its forwarding not at all; a joint strategy opened since is not counted, one closed since is
    open."""
    from optima_cli.rules.codes import Kind, Outcome
    from optima_cli.workflow import joint
    from optima_cli.workflow.clients import ClientInput, register
    from optima_cli.workflow.institutions import add_institution

    first = Clocked(db_path=str(db_path), user="builder", today=TODAY, at=at_noon(TODAY))
    for code in ("SD-EMMEN", "SD-KRIENS"):
        add_institution(first, code, Kind.SD, code)
    people = [register(first, ClientInput(name=name, birth_date=date(1980, 1, 1),
                                          institution="RAV", consent_on=date(2026, 1, 5),
                                          work_capacity="yes"))["client"]
              for name in ("Eins Anna", "Zwei Beat")]
    case = wf.refer(first, wf.Refer(client=people[0], to="SD-EMMEN", topics=(Topic.FINANCES,),
                                    months=3, on=TODAY - timedelta(days=5))).record["case"]
    closing = joint.open_joint(first, joint.Open(client=people[1], lead="RAV", partners=("IV",),
                                                 goal="Budget", review_on=TODAY + timedelta(days=20),
                                                 on=TODAY - timedelta(days=30)))["joint"]

    def figures(ctx: Context, on: date | None = None) -> dict[str, Any]:
        return reporting.report(ctx, choose(TODAY, None, None, None, None, None), "institution",
                                on)

    reported = figures(first)
    later = Clocked(db_path=str(db_path), user="corrector", today=NEXT_DAY, at=at_noon(NEXT_DAY))
    wf.forward(later, case, "SD-KRIENS", on=TODAY - timedelta(days=1))
    joint.open_joint(later, joint.Open(client=people[0], lead="RAV", partners=("IV",),
                                       goal="Stelle", review_on=TODAY + timedelta(days=20),
                                       on=TODAY - timedelta(days=2)))
    joint.close(later, closing, Outcome("achieved"), on=TODAY - timedelta(days=1))
    now = figures(later)
    assert now["forwarded"] == 1 and now["joint"] != reported["joint"]
    then = figures(later, TODAY)
    for section in ("referrals", "forwarded", "joint"):
        assert then[section] == reported[section], section
    assert then["referrals"]["by_receiver"]["SD-EMMEN"] == 1
    assert mismatches(later) == []
