"""Follow-ups 6 and 12 months after the closing (issue 19): a small history built by the
commands, every follow-up figure of the report checked against a hand-computed model (on SQLite
and PostgreSQL), `due`, `inbox`, `show`, a correction and `report --as-recorded`; then the
refusals as people read them, in English and German."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import openpyxl
import pytest
from conftest import TODAY, days_ago, query

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules.codes import Kind, Outcome, Situation, Topic, WithdrawReason
from optima_cli.rules.periods import choose
from optima_cli.workflow import cases, clients, followup, inbox, report, retention, trail
from optima_cli.workflow.case_reads import due, show_case
from optima_cli.workflow.context import Context
from optima_cli.workflow.institutions import add_institution

SITUATIONS = [s.value for s in Situation]


def _case(ctx: Context, name: str, to: str, referred: date, closed: date | None) -> str:
    """A client of SD-EMMEN referred to `to`, accepted five days later, closed (achieved)."""
    client = clients.register(ctx, clients.ClientInput(
        name=name, birth_date=date(1980, 3, 12), institution="SD-EMMEN",
        consent_on=date(2024, 12, 1), work_capacity="yes"))["client"]
    case = cases.refer(ctx, cases.Refer(client=client, to=to, topics=(Topic.FINANCES,), months=3,
                                        on=referred)).record["case"]
    cases.accept(ctx, case, "B. Keller", date.fromordinal(referred.toordinal() + 5))
    if closed is not None:
        cases.close(ctx, case, Outcome.ACHIEVED, on=closed)
    return case


def _history(ctx: Context) -> dict[str, str]:
    """TODAY is 2026-11-23. A closed 2025-03-31 (to IV): due 2025-09-30 and 2026-03-31;
    B closed 2025-05-20 (to RAV): due 2025-11-20 and 2026-05-20; C closed 2026-05-10 (to IV):
    due 2026-11-10 and 2027-05-10; D withdrawn (none)."""
    add_institution(ctx, "SD-EMMEN", Kind.SD, "Sozialdienst Emmen")
    a = _case(ctx, "Muster Anna", "IV", date(2025, 1, 10), date(2025, 3, 31))
    b = _case(ctx, "Muster Beat", "RAV", date(2025, 2, 1), date(2025, 5, 20))
    c = _case(ctx, "Muster Carla", "IV", date(2026, 2, 1), date(2026, 5, 10))
    d = _case(ctx, "Muster Dora", "IV", date(2026, 2, 1), None)
    cases.withdraw(ctx, d, WithdrawReason.CONSENT_WITHDRAWN, on=date(2026, 3, 1))
    followup.record_follow_up(ctx, a, 6, Situation.EMPLOYED, since=date(2025, 6, 1),
                              on=date(2025, 10, 5))
    followup.record_follow_up(ctx, a, 12, Situation.NOT_REACHED, on=date(2026, 4, 10))
    followup.record_follow_up(ctx, b, 6, Situation.SOCIAL_ASSISTANCE, on=date(2025, 11, 25))
    return {"A": a, "B": b, "C": c, "D": d}


def _model(due: int, by_situation: dict[str, int], not_yet: int, overdue: int,
           receiver: dict[str, dict[str, int]], months: int) -> dict:
    situations = {s: by_situation.get(s, 0) for s in SITUATIONS}
    recorded = sum(situations.values())
    assert due == recorded + not_yet + overdue
    return {"months": months, "due": due, "recorded": recorded, "by_situation": situations,
            "employed": situations["employed"], "not_reached": situations["not-reached"],
            "not_recorded_yet": not_yet, "overdue": overdue,
            "receiver": {k: {"due": 0, "recorded": 0, "employed": 0, **receiver.get(k, {})}
                         for k in ("RAV", "IV", "SD")}}


@pytest.mark.both_backends
def test_every_follow_up_figure_against_a_hand_computed_model(ctx, db_path, tmp_path):
    names = _history(ctx)
    whole = report.report(ctx, choose(TODAY))["follow_up"]
    year_2025 = report.report(ctx, choose(TODAY, year="2025"))["follow_up"]
    year_2026 = report.report(ctx, choose(TODAY, year="2026"))["follow_up"]
    # 2025: A's and B's first fell due, both recorded (employed, social assistance)
    assert year_2025 == {
        "first": _model(2, {"employed": 1, "social-assistance": 1}, 0, 0,
                        {"IV": {"due": 1, "recorded": 1, "employed": 1},
                         "RAV": {"due": 1, "recorded": 1}}, 6),
        "second": _model(0, {}, 0, 0, {}, 12)}
    # 2026 up to TODAY: C's first (due 2026-11-10, its month not over: not recorded yet); A's
    # second marked not reached; B's second overdue (due 2026-05-20, never recorded): not
    # counted as not reached
    assert year_2026 == {
        "first": _model(1, {}, 1, 0, {"IV": {"due": 1}}, 6),
        "second": _model(2, {"not-reached": 1}, 0, 1,
                         {"IV": {"due": 1, "recorded": 1}, "RAV": {"due": 1}}, 12)}
    # the periods add up to the whole
    for point in ("first", "second"):
        for key in ("due", "recorded", "employed", "not_reached", "not_recorded_yet", "overdue"):
            assert whole[point][key] == year_2025[point][key] + year_2026[point][key]
        for code in SITUATIONS:
            assert whole[point]["by_situation"][code] == (
                year_2025[point]["by_situation"][code] + year_2026[point]["by_situation"][code])
    # as of a past day: recorded what was recorded (by contact day) by then
    earlier = report.report(ctx, choose(date(2025, 11, 1), year="2025"))["follow_up"]
    assert (earlier["first"]["due"], earlier["first"]["recorded"]) == (1, 1)  # B not due yet

    # by unit: the receiving unit's code
    by_unit = report.report(ctx, choose(TODAY), by="institution")["follow_up"]
    assert by_unit["second"]["receiver"]["RAV"] == {"due": 1, "recorded": 0, "employed": 0}

    # show: the schedule and what was recorded
    shown = show_case(ctx, names["A"])["follow_ups"]
    assert [(f["months"], f["due_on"], f["situation"], f["since"]) for f in shown] == [
        (6, date(2025, 9, 30), "employed", date(2025, 6, 1)),
        (12, date(2026, 3, 31), "not-reached", None)]
    assert show_case(ctx, names["D"])["follow_ups"] == []

    # due: C's first for the referrer (B's second is past its recording time: overdue, counted)
    lines = [w for w in due(ctx).records if w["warning"] == "follow-up-due"]
    assert [(w["case"], w["date"], w["referrer"]) for w in lines] == [
        (names["C"], date(2026, 11, 10), "SD-EMMEN")]
    assert not [w for w in due(ctx, referrer="IV").records if w["warning"] == "follow-up-due"]
    assert [f["case"] for f in inbox.inbox(ctx, "SD-EMMEN")["follow_ups"]] == [names["C"]]
    assert inbox.inbox(ctx, "IV")["follow_ups"] == []

    # recorded, it leaves `due`; the closing it follows up then stands: neither undone nor
    # reopened nor moved by a correction (the follow-up would count for a closing that is not)
    followup.record_follow_up(ctx, names["C"], 6, Situation.IV_BENEFIT, on=TODAY)
    assert not [w for w in due(ctx).records if w["warning"] == "follow-up-due"]
    assert report.report(ctx, choose(TODAY, year="2026"))["follow_up"]["first"]["by_situation"][
        "iv-benefit"] == 1
    for attempt in (lambda: cases.undo(ctx, names["C"], "closed by mistake"),
                    lambda: cases.undo(ctx, names["C"], "closed by mistake", reopening=True)):
        with pytest.raises(OptimaError) as refused:
            attempt()
        assert refused.value.code == "undo-after-follow-up"
    with pytest.raises(OptimaError) as refused:
        cases.amend(ctx, names["C"], {"closed_on": date(2026, 5, 11)}, "wrong day")
    assert refused.value.code == "amend-closed-followed-up"
    assert [f["recorded"] for f in show_case(ctx, names["C"])["follow_ups"]] == [True, False]

    # the workbook's Summary shows the section
    _, path = report.export(ctx, choose(TODAY, year="2025"), str(tmp_path / "fu.xlsx"))
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [[v for v in row if v is not None] for row in book[book.sheetnames[0]].iter_rows(
        values_only=True)]
    book.close()
    assert ["follow-ups after the closing", "after 6 months", "after 12 months"] in rows
    assert ["due in the period", 2, 0] in rows and ["employed", 1, 0] in rows

    # anonymize erases the notes of the follow-ups, and the trail still verifies
    followup.record_follow_up(ctx, names["B"], 12, Situation.OTHER, on=TODAY,
                              note="zieht zu Verwandten", correct=False)
    retention.anonymize(ctx, TODAY)
    assert query(db_path, "SELECT note FROM follow_up WHERE note IS NOT NULL") == []
    assert trail.verify(ctx)["ok"]
    # and nothing personal is written again for an anonymized client (review of issue 19)
    with pytest.raises(OptimaError) as refused:
        followup.record_follow_up(ctx, names["A"], 12, Situation.OTHER, on=TODAY,
                                  note="Frau Meier wohnt in Bern", correct=True, why="neu")
    assert refused.value.code == "anonymized-update"


@dataclass
class Clocked(Context):
    """A context whose entries are recorded at `at` (a day of the history's own)."""

    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.at


@pytest.mark.both_backends
def test_a_correction_replaces_the_follow_up_and_as_recorded_sees_before(db_path):
    first_day = Clocked(db_path=str(db_path), user="tester", today=TODAY,
                        at=datetime(2026, 11, 20, 12, tzinfo=UTC))
    names = _history(first_day)
    before = {k: v for k, v in report.report(first_day, choose(TODAY)).items() if k != "as_recorded"}
    later = Clocked(db_path=str(db_path), user="corrector", today=TODAY,
                    at=datetime(2026, 11, 22, 12, tzinfo=UTC))
    with pytest.raises(OptimaError) as refused:
        followup.record_follow_up(later, names["B"], 6, Situation.EMPLOYED, since=date(2025, 9, 1),
                                  on=date(2025, 11, 25))
    assert refused.value.code == "follow-up-recorded"
    corrected = followup.record_follow_up(later, names["B"], 6, Situation.EMPLOYED,
                                          since=date(2025, 9, 1), on=date(2025, 11, 25),
                                          correct=True, why="falsch erfasst")
    assert (corrected["situation"], corrected["corrected"]) == ("employed", True)
    followup.record_follow_up(later, names["B"], 12, Situation.IV_BENEFIT, on=date(2026, 11, 22))
    now = report.report(later, choose(TODAY))["follow_up"]
    assert (now["first"]["employed"], now["first"]["by_situation"]["social-assistance"]) == (2, 0)
    assert (now["second"]["recorded"], now["second"]["overdue"]) == (2, 0)
    # as recorded at the end of 2026-11-21: before the correction and the late entry
    then = report.report(later, choose(TODAY), as_recorded=date(2026, 11, 21))
    assert {k: v for k, v in then.items() if k != "as_recorded"} == before
    assert then["follow_up"]["first"]["by_situation"]["social-assistance"] == 1
    assert then["follow_up"]["second"]["overdue"] == 1
    events = [e for e in show_case(later, names["B"])["history"]
              if e["action"] == "follow-up-correct"]
    assert events[0]["why"] == "falsch erfasst"
    assert events[0]["changes"]["situation"] == "employed"


def test_the_command_and_its_refusals_in_english_and_german(run):
    client = run("register", "--name", "Muster Hans", "--birth-date", "12.03.1980", "--from", "SD",
                 "--consent-on", days_ago(500)).stdout.strip()
    case = run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
               "--on", days_ago(400))
    assert case.exit_code == 0, case.output
    case = case.stdout.strip()
    assert run("accept", case, "--on", days_ago(395)).exit_code == 0
    not_closed = run("follow-up", case, "--at", "6", "--situation", "iv-benefit")
    assert not_closed.exit_code == 1 and "follow-ups are due only after a closing" in not_closed.stderr
    assert run("close", case, "--outcome", "achieved", "--on", days_ago(300)).exit_code == 0
    wrong = run("follow-up", case, "--at", "7", "--situation", "iv-benefit")
    assert wrong.exit_code == 2 and "--at takes 6, 12" in wrong.stderr
    no_since = run("follow-up", case, "--at", "6", "--situation", "employed")
    assert no_since.exit_code == 2 and "--since" in no_since.stderr
    early = run("follow-up", case, "--at", "12", "--situation", "iv-benefit")
    assert early.exit_code == 1 and "can be recorded from" in early.stderr
    bad = run("follow-up", case, "--at", "6", "--situation", "retired")
    assert bad.exit_code == 2 and "not-reached" in bad.stderr
    future = run("follow-up", case, "--at", "6", "--situation", "employed", "--since",
                 days_ago(-3))
    assert future.exit_code == 1 and "is after the contact day" in future.stderr
    ok = run("follow-up", case, "--at", "6", "--situation", "employed", "--since", days_ago(100),
             "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["situation"] == "employed"
    again = run("--lang", "de", "follow-up", case, "--at", "6", "--situation", "iv-benefit")
    assert again.exit_code == 1 and "wurde am" in again.stderr and "--correct" in again.stderr
    german = run("--lang", "de", "follow-up", case, "--at", "6", "--situation", "other")
    assert german.exit_code == 2 and "Notiz" in german.stderr
    shown = run("--lang", "de", "show", case)
    assert "erwerbstätig (1. Arbeitsmarkt)" in shown.stdout and "nicht erfasst" in shown.stdout
    table = run("--lang", "de", "report")
    assert table.exit_code == 0 and "Nachbefragung" in table.stdout
    order = run("settings", "set", "follow-up-second-months", "5")
    assert order.exit_code == 1 and "must come after the first" in order.stderr


def test_refusals_without_a_database():
    from optima_cli.rules import followup as rules
    from optima_cli.rules.settings import DEFAULTS

    planned = rules.schedule("closed", date(2025, 8, 31), DEFAULTS)
    assert [(p.point, p.months, p.due_on) for p in planned] == [
        ("first", 6, date(2026, 2, 28)), ("second", 12, date(2026, 8, 31))]
    assert rules.schedule("withdrawn", date(2025, 8, 31), DEFAULTS) == ()
    given = dict(case="OPT-2025-0001", status="closed", referred_on=date(2025, 1, 1),
                 closed_on=date(2025, 8, 31), planned=planned, at=6, since=None,
                 on=date(2026, 2, 14), today=date(2026, 3, 1), note=None, existing=None)
    done = rules.decide(**{**given, "situation": Situation.IV_BENEFIT})  # 14 days early: allowed
    assert (done.action, done.before, done.after["situation"]) == ("follow-up", None, "iv-benefit")
    for changed, code, kind in (
            ({"on": date(2026, 2, 13)}, "follow-up-too-early", OptimaError),
            ({"on": date(2026, 3, 2)}, "in-the-future", OptimaError),
            ({"at": 9}, "follow-up-not-scheduled", UsageProblem),
            ({"status": "accepted", "planned": ()}, "follow-up-not-closed", OptimaError),
            ({"situation": Situation.OTHER}, "follow-up-note-required", UsageProblem),
            ({"situation": Situation.EMPLOYED}, "follow-up-since-required", UsageProblem),
            ({"since": date(2026, 1, 1)}, "follow-up-since-not-employed", UsageProblem),
            ({"situation": Situation.EMPLOYED, "since": date(2024, 12, 1)},
             "follow-up-since-before", OptimaError),
            ({"correct": True, "why": "x"}, "follow-up-nothing-to-correct", OptimaError),
            ({"correct": True}, "value-required", UsageProblem),
            ({"why": "x"}, "follow-up-why-alone", UsageProblem),
            ({"existing": done.recorded}, "follow-up-recorded", OptimaError)):
        with pytest.raises(kind) as refused:
            rules.decide(**{"situation": Situation.IV_BENEFIT, **given, **changed})
        assert refused.value.code == code


def test_the_closing_days_whose_follow_up_falls_due_in_a_period():
    from optima_cli.rules import followup as rules
    from optima_cli.rules.settings import DEFAULTS, with_value

    spans = rules.regimes([])
    assert rules.closings_due(spans, "first", date(2026, 2, 1), date(2026, 2, 28)) == [
        (date(2025, 8, 1), date(2025, 8, 31))]  # Aug 29-31 fall due on Feb 28
    assert rules.closings_due(spans, "second", None, date(2026, 3, 31)) == [(None, date(2025, 3, 31))]
    # overdue on 2026-04-01: due by 2026-02-28 (recording time ends 2026-03-28..31)
    assert rules.closings_overdue(spans, "first", date(2026, 4, 1)) == [(None, date(2025, 8, 31))]
    # the settings changed on 2025-08-15 to 3 months: closings from that day on
    three = with_value(DEFAULTS, "follow-up-first-months", 3)
    spans = rules.regimes([(date(2025, 8, 15), three)])
    assert spans == [((None, date(2025, 8, 14)), DEFAULTS), ((date(2025, 8, 15), None), three)]
    assert rules.settings_on(spans, date(2025, 8, 14)) == DEFAULTS
    assert rules.settings_on(spans, date(2025, 8, 15)) == three
    assert rules.closings_due(spans, "first", date(2026, 2, 1), date(2026, 2, 28)) == [
        (date(2025, 8, 1), date(2025, 8, 14)), (date(2025, 11, 1), date(2025, 11, 30))]
    # brute force: every closing day in 2024-2026 against its due day
    for start, end in ((date(2025, 2, 28), date(2025, 3, 30)), (date(2024, 12, 31), date(2025, 1, 1))):
        found = rules.closings_due(spans, "first", start, end)
        for n in range(date(2024, 1, 1).toordinal(), date(2026, 12, 31).toordinal()):
            c = date.fromordinal(n)
            months = 3 if c >= date(2025, 8, 15) else 6
            inside = any((lo is None or lo <= c) and (hi is None or c <= hi) for lo, hi in found)
            assert inside == (start <= rules.due_day(c, months) <= end), c
