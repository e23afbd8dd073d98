"""Joint strategies through the workflow and the command line (issue 18): a strategy of three
units from a referral, its review in `due`, its closing in the report's figures and the workbook,
the audit trail and anonymize; on SQLite and PostgreSQL. Then the refusals as people read them,
in English and German (SQLite)."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
from conftest import TODAY, days_ago, query

from optima_cli.rules.codes import Cause, Kind, Outcome, Topic
from optima_cli.rules.periods import choose
from optima_cli.workflow import cases, clients, joint, report, retention, trail
from optima_cli.workflow.case_reads import due
from optima_cli.workflow.context import Context
from optima_cli.workflow.institutions import add_institution


def _client_and_referral(ctx: Context) -> tuple[str, str]:
    """SD-EMMEN's client, referred to the IV on 2026-10-10 and accepted on 2026-10-15."""
    add_institution(ctx, "SD-EMMEN", Kind.SD, "Sozialdienst Emmen")
    client = clients.register(ctx, clients.ClientInput(
        name="Muster Hans", birth_date=date(1980, 3, 12), institution="SD-EMMEN",
        consent_on=date(2026, 10, 1), work_capacity="yes"))["client"]
    referred = cases.refer(ctx, cases.Refer(client=client, to="IV", topics=(Topic.FINANCES,),
                                            months=3, on=date(2026, 10, 10)))
    case = referred.record["case"]
    cases.accept(ctx, case, "B. Keller", date(2026, 10, 15))
    return client, case


def _opened(ctx: Context) -> tuple[str, str, dict]:
    client, case = _client_and_referral(ctx)
    opened = joint.open_joint(ctx, joint.Open(
        client=client, lead="SD-EMMEN", partners=("IV", "RAV"), goal="Budget und Stelle",
        review_on=date(2026, 11, 30), on=date(2026, 11, 2), from_case=case))
    return client, case, opened


def _warnings(ctx: Context, **given: object) -> list[dict]:
    return [w for w in due(ctx, **given).records if w["case"].startswith("GS-")]  # type: ignore[arg-type]


@pytest.mark.both_backends
def test_a_joint_strategy_of_three_units_from_review_to_report_and_workbook(ctx, db_path, tmp_path):
    client, case, opened = _opened(ctx)
    assert opened["joint"] == "GS-2026-0001"
    assert (opened["lead"], opened["with"], opened["from_case"]) == ("SD-EMMEN", ["IV", "RAV"], case)
    # the referral it replaces is withdrawn with the reason joint-strategy
    listed = cases_of(ctx, client)
    assert (listed["status"], listed["reason"], listed["withdrawn_on"]) == (
        "withdrawn", "joint-strategy", date(2026, 11, 2))

    # its first review is due within the window (TODAY is 2026-11-23)
    (line,) = _warnings(ctx)
    assert (line["warning"], line["date"], line["days"], line["referrer"], line["receiver"]) == (
        "joint-review-due", date(2026, 11, 30), 7, "SD-EMMEN", "IV,RAV")
    assert _warnings(ctx, receiver="IV") and _warnings(ctx, referrer="SD")
    assert not _warnings(ctx, referrer="IV") and not _warnings(ctx, receiver="SD")
    assert not _warnings(ctx, as_of=date(2026, 11, 1))  # not opened yet
    # reviewed on the 20th with the next review on the 22nd: overdue as of the 23rd
    reviewed = joint.review(ctx, "GS-2026-0001", date(2026, 11, 22), date(2026, 11, 20), "Budget steht")
    assert reviewed["review_on"] == date(2026, 11, 22) and reviewed["reviews"] == 1
    (line,) = _warnings(ctx)
    assert (line["warning"], line["days"]) == ("joint-review-overdue", -1)
    assert _warnings(ctx, as_of=date(2026, 11, 19))[0]["date"] == date(2026, 11, 30)  # as it stood

    closed = joint.close(ctx, "GS-2026-0001", Outcome.PARTLY, Cause.NOT_PLACEABLE, "Schulden saniert",
                         date(2026, 11, 21))
    assert (closed["status"], closed["outcome"], closed["cause"]) == ("closed", "partly", "not-placeable")
    assert not _warnings(ctx)
    shown = joint.show_joint(ctx, "gs-2026-1")
    assert shown["close_note"] == "Schulden saniert"
    assert shown["review_history"] == [{"on": date(2026, 11, 20), "next_on": date(2026, 11, 22),
                                        "note": "Budget steht"}]
    assert joint.list_joint(ctx)[:1] == [] and joint.list_joint(ctx, "closed")[0]["close_note"] is None

    november = choose(TODAY, month="2026-11")
    figures = report.report(ctx, november)
    assert figures["joint"] == {"opened": 1, "closed": 1,
                                "by_outcome": {"achieved": 0, "partly": 1, "not-achieved": 0},
                                "lead": {"RAV": 0, "IV": 0, "SD": 1}, "open_at_end": 0}
    assert figures["withdrawn"]["total"] == 1  # the referral it replaced, once
    by_unit = report.report(ctx, november, "institution")["joint"]["lead"]
    assert by_unit["SD-EMMEN"] == 1 and sum(by_unit.values()) == 1
    assert report.report(ctx, choose(TODAY, month="2026-10"))["joint"]["opened"] == 0

    _, path = report.export(ctx, november, str(tmp_path / "optima-{period}.xlsx"))
    wb = openpyxl.load_workbook(path)
    rows = list(wb["Joint strategies"].iter_rows(values_only=True))
    assert rows[0][:4] == ("joint", "client", "status", "lead")
    assert rows[1][:5] == ("GS-2026-0001", client, "closed", "SD-EMMEN", "IV, RAV")
    assert "Schulden saniert" not in {v for row in rows for v in row}  # no notes
    summary = [row for row in wb["Summary"].iter_rows(values_only=True) if row[0] == "partly"]
    assert summary[-1][1] == 1

    # every change is in the trail, which verifies; the events name the strategy and the client
    assert trail.verify(ctx)["ok"]
    actions = query(db_path, "SELECT action FROM audit_event WHERE entity = 'joint' ORDER BY id")
    assert [a for (a,) in actions] == ["joint-open", "joint-review", "joint-close", "read"]

    # anonymize erases the goal and the notes, and the trail still verifies
    result = retention.anonymize(ctx, TODAY)
    assert result["ids"] == [client]
    assert query(db_path, "SELECT goal, close_note FROM joint_strategy") == [(None, None)]
    assert query(db_path, "SELECT note FROM joint_review") == [(None,)]
    assert trail.verify(ctx)["ok"]


def cases_of(ctx: Context, client: str) -> dict:
    from optima_cli.workflow.case_reads import list_cases

    (found,) = list_cases(ctx, status="all", client=client).records
    return found


@pytest.mark.both_backends
def test_an_open_joint_strategy_keeps_its_client_from_anonymize(ctx):
    client, _, _ = _opened(ctx)
    assert retention.anonymize(ctx, TODAY, dry_run=True)["clients"] == 0
    joint.close(ctx, "GS-2026-0001", Outcome.ACHIEVED, on=date(2026, 11, 22))
    assert retention.anonymize(ctx, TODAY, dry_run=True)["ids"] == [client]


# --- the command line: wording in English and German ---------------------------------------------

def _registered(run) -> str:
    assert run("institution", "add", "SD-EMMEN", "--kind", "SD", "--name", "SD Emmen").exit_code == 0
    made = run("register", "--name", "Muster Hans", "--birth-date", "1980-03-12", "--from",
               "SD-EMMEN", "--consent-on", days_ago(30))
    assert made.exit_code == 0, made.stderr
    return made.stdout.strip()


def _open_cli(run, client: str, *extra: str, lang: str = "en"):
    return run("--lang", lang, "joint", "open", client, "--lead", "SD-EMMEN", "--goal", "Budget",
               "--review-on", days_ago(-20), *extra)


def test_joint_open_prints_the_id_and_json(run):
    client = _registered(run)
    made = _open_cli(run, client, "--with", "IV,RAV")
    assert made.exit_code == 0, made.stderr
    assert made.stdout.strip() == "GS-" + days_ago(0)[:4] + "-0001"
    assert "led by SD-EMMEN with IV, RAV" in made.stderr
    listed = json.loads(run("joint", "list", "--format", "json").stdout)
    assert [(r["joint"], r["lead_kind"], r["with"]) for r in listed] == [
        (made.stdout.strip(), "SD", ["IV", "RAV"])]


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "error: SD-EMMEN and SD-2 are both SD: a joint strategy joins two or three "
           "institutions, one unit of each kind; name units of other kinds with --with"),
    ("de", "Fehler: SD-2 und SD-EMMEN sind beide SD: eine gemeinsame Strategie verbindet zwei oder "
           "drei Institutionen, eine Stelle je Art; nennen Sie mit --with Stellen anderer Art"),
])
def test_units_of_one_kind_are_refused_in_words(run, snapshot, lang, said):
    client = _registered(run)
    assert run("institution", "add", "SD-2", "--kind", "SD", "--name", "SD 2").exit_code == 0
    before = snapshot()
    refused = _open_cli(run, client, "--with", "IV,SD-2", lang=lang)
    assert refused.exit_code == 1
    assert refused.stderr.strip() == said.replace("SD-EMMEN and SD-2", "SD-2 and SD-EMMEN")
    assert snapshot() == before


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "already has the open joint strategy"),
    ("de", "hat bereits die offene gemeinsame Strategie"),
])
def test_a_second_open_joint_strategy_is_refused_in_words(run, lang, said):
    client = _registered(run)
    assert _open_cli(run, client, "--with", "IV").exit_code == 0
    refused = _open_cli(run, client, "--with", "RAV", lang=lang)
    assert refused.exit_code == 1 and said in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "cannot open a joint strategy for C-0001: the client withdrew consent on"),
    ("de", "für C-0001 kann keine gemeinsame Strategie eröffnet werden: "),
])
def test_no_joint_strategy_without_consent(run, lang, said):
    client = _registered(run)
    assert run("client", "update", client, "--consent-withdrawn-on", days_ago(1)).exit_code == 0
    refused = _open_cli(run, client, "--with", "IV", lang=lang)
    assert refused.exit_code == 1 and said in refused.stderr


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "error: --reason joint-strategy is recorded when a joint strategy starts from the "
           "referral: use `optima joint open CLIENT --from-case OPT-"),
    ("de", "Fehler: --reason joint-strategy wird erfasst, wenn eine gemeinsame Strategie aus der "
           "Anmeldung hervorgeht: verwenden Sie `optima joint open CLIENT --from-case OPT-"),
])
def test_withdraw_by_hand_cannot_claim_a_joint_strategy(run, lang, said):
    client = _registered(run)
    case = run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3")
    assert case.exit_code == 0, case.stderr
    refused = run("--lang", lang, "withdraw", case.stdout.strip(), "--reason", "joint-strategy")
    assert refused.exit_code == 1 and refused.stderr.startswith(said)


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "error: --next {day} is not after {day}: the next review lies after the day it is set"),
    ("de", "Fehler: --next {de} liegt nicht nach dem {de}: die nächste Überprüfung liegt nach dem "
           "Tag, an dem sie festgelegt wird"),
])
def test_a_review_sets_a_later_review_day(run, lang, said):
    client = _registered(run)
    assert _open_cli(run, client, "--with", "IV").exit_code == 0
    today = days_ago(0)
    german = ".".join(reversed(today.split("-")))
    refused = run("--lang", lang, "joint", "review", "GS-" + today[:4] + "-0001", "--next", today)
    assert refused.exit_code == 2
    assert refused.stderr.strip() == said.format(day=today, de=german)


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "error: --outcome not-achieved needs a cause"),
    ("de", "Fehler: --outcome not-achieved"),
])
def test_closing_without_a_cause_is_refused_in_words(run, lang, said):
    client = _registered(run)
    made = _open_cli(run, client, "--with", "IV")
    refused = run("--lang", lang, "joint", "close", made.stdout.strip(), "--outcome", "not-achieved")
    assert refused.exit_code == 2 and refused.stderr.startswith(said)


def test_an_unknown_joint_strategy_is_named(run):
    refused = run("--lang", "de", "joint", "show", "GS-2026-0042")
    assert refused.exit_code == 1
    assert "keine gemeinsame Strategie 'GS-2026-0042'" in refused.stderr


def test_the_german_due_line_and_list(run):
    client = _registered(run)
    made = _open_cli(run, client, "--with", "IV,RAV")
    due_line = run("--lang", "de", "due", "--within", "30")
    assert "gemeinsame Strategie unter der Federführung von SD-EMMEN" in due_line.stdout
    listed = run("--lang", "de", "joint", "list")
    assert made.stdout.strip() in listed.stdout and "offen" in listed.stdout


@pytest.mark.parametrize("command", ["undo", "reopen"])
def test_a_referral_that_became_a_joint_strategy_stays_withdrawn(run, snapshot, command):
    client = _registered(run)
    case = run("refer", client, "--to", "IV", "--topics", "finances", "--months", "3",
               "--on", days_ago(10)).stdout.strip()
    assert _open_cli(run, client, "--with", "IV", "--from-case", case).exit_code == 0
    before = snapshot()
    refused = run(command, case, "--why", "opened by mistake")
    assert refused.exit_code == 1
    assert "was withdrawn because a joint strategy started from it" in refused.stderr
    assert snapshot() == before
