"""The settings of the steering group in the database (issue 16): stored, shared, audited; the next
check, refer and import judge by them and keep their version; a stored referral and a past figure
never change with them. `optima settings set iv-rejection-months 6` as the issue accepts it."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import days_ago, dump, query
from openpyxl import load_workbook

from optima_cli.errors import OptimaError, ReferralBlocked, UsageProblem
from optima_cli.rules.codes import Topic
from optima_cli.rules.dates import add_months, months_before
from optima_cli.rules.periods import choose
from optima_cli.workflow import cases, clients
from optima_cli.workflow import settings as workflow
from optima_cli.workflow.context import Context
from optima_cli.workflow.report import report

TEMPLATE = Path(__file__).parent.parent / "sample_data" / "import-template.csv"


def _register(ctx: Context, name: str, **facts: object) -> str:
    data = clients.ClientInput(name=name, birth_date=date(1985, 5, 5), institution="SD",
                               consent_on=date(2025, 6, 1), **facts)
    return clients.register(ctx, data)["client"]


def _refer(ctx: Context, client: str, on: date, override: str | None = None) -> dict:
    return cases.refer(ctx, cases.Refer(client=client, to="IV", topics=(Topic.HEALTH,), months=6,
                                        on=on, override=override)).record


# --- the store, on both backends ----------------------------------------------------------------

@pytest.mark.both_backends
def test_settings_round_trip_and_every_change_is_audited(ctx, db_path):
    shown = workflow.show(ctx)
    assert shown["version"] == 0
    assert all(row["value"] == row["default"] and row["changed_on"] is None for row in shown["settings"])
    before = dump(db_path)
    first = workflow.set_value(ctx, "IV-Rejection-Months", " 6 ")
    second = workflow.set_value(ctx, "rule.work-capacity", "warn")
    third = workflow.set_value(ctx, "iv-rejection-months", "9")
    assert (first["version"], second["version"], third["version"]) == (1, 2, 3)
    assert (third["before"], third["value"]) == ("6", "9")
    after = dump(db_path)
    assert {name for name in after if after[name] != before.get(name)} == {"setting_change", "audit_event", "meta"}
    shown = {row["key"]: row for row in workflow.show(ctx)["settings"]}
    assert shown["iv-rejection-months"]["value"] == "9" and shown["iv-rejection-months"]["default"] == "12"
    assert shown["iv-rejection-months"]["changed_by"] == "tester"
    assert shown["rule.work-capacity"]["value"] == "warn"
    assert shown["decision-days"]["changed_on"] is None
    events = query(db_path, "SELECT action, entity, entity_ref, payload FROM audit_event "
                            "WHERE entity = 'settings' ORDER BY id")
    assert [e[:3] for e in events] == [("settings-set", "settings", "iv-rejection-months"),
                                       ("settings-set", "settings", "rule.work-capacity"),
                                       ("settings-set", "settings", "iv-rejection-months")]
    assert json.loads(events[2][3]) == {"before": {"iv-rejection-months": "6"},
                                        "after": {"iv-rejection-months": "9", "version": 3}}


@pytest.mark.both_backends
def test_a_refused_change_writes_nothing(ctx, db_path):
    workflow.show(ctx)  # the database is made
    before = dump(db_path)
    for key, value, error in (("rule.consent", "warn", OptimaError), ("due-days", "0", UsageProblem),
                              ("months", "6", UsageProblem)):
        with pytest.raises(error):
            workflow.set_value(ctx, key, value)
    assert dump(db_path) == before


@pytest.mark.both_backends
def test_refer_keeps_the_version_its_criteria_were_judged_under(ctx, db_path):
    rejected = date(2026, 3, 1)  # 8 months and more before the referrals below
    old = _register(ctx, "Alt Anna", iv_rejected_on=rejected)
    new = _register(ctx, "Neu Nina", iv_rejected_on=rejected)
    judged = _refer(ctx, old, date(2026, 11, 2), override="begründet")
    assert judged["settings_version"] == 0
    stored = {f["rule"]: f for f in json.loads(query(db_path, "SELECT findings FROM referral")[0][0])}
    assert stored["iv-rejection-recent"]["result"] == "block"
    figures = report(ctx, choose(date(2026, 11, 23), month="2026-11"), "kind")

    assert workflow.set_value(ctx, "iv-rejection-months", "6")["version"] == 1
    # the next check and the next referral judge by 6 months: no justification needed
    checked = clients.check(ctx, new, "IV", (Topic.HEALTH,), on=date(2026, 11, 3))
    assert checked["allowed"] and not checked["needs_override"]
    case = _refer(ctx, new, date(2026, 11, 3))
    assert case["settings_version"] == 1 and case["override"] is None
    # the old referral keeps its findings and its version; the past figures stay
    rows = query(db_path, "SELECT case_id, settings_version, findings FROM referral ORDER BY id")
    assert [(r[0], r[1]) for r in rows] == [(judged["case"], 0), (case["case"], 1)]
    assert {f["rule"]: f for f in json.loads(rows[0][2])} == stored
    after = report(ctx, choose(date(2026, 11, 23), month="2026-11"), "kind")
    assert after["overrides_by_rule"] == figures["overrides_by_rule"]
    # the change is dated by the clock (ctx.now), the report counts it in the period of that day
    changed_on = ctx.now().date()
    changes = report(ctx, choose(changed_on, start=changed_on, end=changed_on), "kind")["settings_changes"]
    assert [(c["key"], c["before"], c["after"], c["version"]) for c in changes] == [
        ("iv-rejection-months", "12", "6", 1)]
    the_day_before = changed_on - timedelta(days=1)
    assert report(ctx, choose(changed_on, start=date(2000, 1, 1), end=the_day_before), "kind")[
        "settings_changes"] == []

    workflow.set_value(ctx, "rule.iv-rejection-recent", "never")  # the pilot's practice
    third = _register(ctx, "Dritt Dora", iv_rejected_on=date(2026, 9, 1))
    with pytest.raises(ReferralBlocked) as refused:
        _refer(ctx, third, date(2026, 11, 4), override="begründet")
    assert refused.value.rules == ["iv-rejection-recent"] and not refused.value.justifiable


def _import_file(tmp_path: Path, referred: date, rejected: date) -> Path:
    """The template's first row, referred to IV after an IV rejection."""
    with TEMPLATE.open(encoding="utf-8") as f:
        header, row = list(csv.reader(f))[:2]
    values = dict(zip(header, row, strict=True))
    values.update(receiver="IV", topics="health", iv_rejected_on=rejected.isoformat(),
                  referred_on=referred.isoformat(), decision="", decided_on="",
                  receiving_counsellor="", closed_on="", outcome="", employed="")
    path = tmp_path / "to-iv.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerow([values[h] for h in header])
    return path


@pytest.mark.both_backends
def test_the_import_judges_by_the_settings_and_keeps_their_version(run, db_path, tmp_path):
    referred = date.fromisoformat(days_ago(30))
    path = _import_file(tmp_path, referred, months_before(referred, 8))
    refused = run("import", str(path), "--format", "json")
    assert refused.exit_code == 1 and "iv" in refused.stdout.lower()  # 12 months: blocked
    assert run("settings", "set", "iv-rejection-months", "6").exit_code == 0
    imported = run("import", str(path), "--format", "json")
    assert imported.exit_code == 0, imported.stdout + imported.stderr
    assert query(db_path, "SELECT settings_version, override FROM referral") == [(1, None)]


# --- the command line (SQLite) ------------------------------------------------------------------

def _ok(result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def _register_cli(run, rejected: str) -> str:
    return _ok(run("register", "--name", "Muster Hans", "--birth-date", "1980-01-01", "--from", "SD",
                   "--consent-on", days_ago(400), "--iv-rejected-on", rejected)).strip()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_settings_set_iv_rejection_months_6_as_the_issue_accepts_it(run, lang, tmp_path):
    """It changes the next check, not the old referral's findings, and shows in `audit list` and
    in the report."""
    today = date.today()
    rejected = add_months(today, -8)
    client = _register_cli(run, rejected.isoformat())
    case = _ok(run("refer", client, "--to", "IV", "--topics", "health", "--months", "3",
                   "--override", "begründet")).strip()
    old = json.loads(_ok(run("show", case, "--format", "json")))
    assert old["settings_version"] == 0 and old["settings_version_now"] == 0

    said = run("--lang", lang, "settings", "set", "iv-rejection-months", "6")
    assert said.exit_code == 0, said.stderr
    assert ("ist jetzt 6" if lang == "de" else "is now 6") in said.stderr

    # the next check: withdraw the open case first (no open referral to the same receiver)
    _ok(run("withdraw", case, "--reason", "other", "--note", "neu beurteilen"))
    check = json.loads(_ok(run("check", client, "--to", "IV", "--topics", "health", "--format", "json")))
    rule = next(f for f in check["findings"] if f["rule"] == "iv-rejection-recent")
    assert check["allowed"] and rule["result"] == "pass" and "6 months" in rule["message"]
    # the old referral: its findings and version as they were
    shown = json.loads(_ok(run("show", case, "--format", "json")))
    assert shown["findings"] == old["findings"] and shown["settings_version"] == 0
    assert shown["settings_version_now"] == 1
    table = _ok(run("--lang", lang, "show", case))
    assert ("die geltenden Einstellungen haben die Version 1" if lang == "de"
            else "the settings in force are version 1") in " ".join(table.split())
    # audit list and the report
    audit = _ok(run("--lang", lang, "audit", "list", "--format", "json"))
    assert any(e["action"] == "settings-set" and e["ref"] == "iv-rejection-months"
               for e in json.loads(audit))
    assert ("Einstellung geändert" if lang == "de" else "settings-set") in _ok(run("--lang", lang, "audit", "list"))
    data = json.loads(_ok(run("report", "--from", days_ago(1), "--to", today.isoformat(),
                              "--format", "json")))
    assert [(c["key"], c["before"], c["after"]) for c in data["settings_changes"]] == [
        ("iv-rejection-months", "12", "6")]
    text = " ".join(_ok(run("--lang", lang, "report", "--from", days_ago(1), "--to", today.isoformat())).split())
    assert ("iv-rejection-months von 12 auf 6" if lang == "de"
            else "iv-rejection-months from 12 to 6") in text
    book = tmp_path / "report.xlsx"
    _ok(run("--lang", lang, "report", "--from", days_ago(1), "--to", today.isoformat(), "--xlsx", str(book)))
    summary = [row for row in load_workbook(book).worksheets[0].iter_rows(values_only=True) if any(row)]
    title = "im Zeitraum geänderte Einstellungen" if lang == "de" else "settings changed in the period"
    at = next(i for i, row in enumerate(summary) if row[0] == title)
    assert summary[at + 1][1:4] == ("iv-rejection-months", "12", "6")
    settings = json.loads(_ok(run("settings", "show", "--format", "json")))
    assert settings["version"] == 1
    row = next(r for r in settings["settings"] if r["key"] == "iv-rejection-months")
    assert (row["value"], row["default"], row["changed_by"]) == ("6", "12", "tester")
    german = _ok(run("--lang", "de", "settings", "show"))
    assert "Monate, während denen eine IV-Ablehnung" in " ".join(german.split())
    assert "Abweichung mit Begründung" in german  # a rule's kind by its German label
    assert _ok(run("settings", "show", "--format", "csv")).startswith("version,key,value,default,")


@pytest.mark.parametrize(("args", "code", "said"), [
    (("iv-months", "6"), 2, "is not a setting"),
    (("iv-rejection-months", "six"), 2, "takes a whole number"),
    (("iv-rejection-months", "0"), 2, "takes 1 to 36"),
    (("due-days", "365"), 2, "takes 1 to 90"),
    (("rule.work-capacity", "soft"), 2, "is not a rule kind"),
    (("rule.consent", "warn"), 1, "does not allow the rule consent to be warn"),
    (("rule.iv-procedure-open", "hard"), 1, "it may be: never"),
])
def test_a_bad_key_or_value_is_refused_in_one_line_and_writes_nothing(run, db_path, args, code, said):
    _ok(run("settings", "show"))
    before = dump(db_path)
    refused = run("settings", "set", *args)
    assert refused.exit_code == code, refused.stderr
    assert said in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr
    assert dump(db_path) == before


def test_a_bad_value_is_refused_in_german(run):
    refused = run("--lang", "de", "settings", "set", "rule.consent", "warn")
    assert refused.exit_code == 1 and "das Konzept erlaubt nicht" in refused.stderr
    refused = run("--lang", "de", "settings", "set", "decision-days", "x")
    assert refused.exit_code == 2 and "nimmt eine ganze Zahl" in refused.stderr


def test_decision_days_and_due_days_set_what_due_and_list_say(run):
    client = _register_cli(run, days_ago(800))
    case = _ok(run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                   "--on", days_ago(5))).strip()
    assert json.loads(_ok(run("due", "--format", "json"))) == []
    _ok(run("settings", "set", "decision-days", "3"))
    late = json.loads(_ok(run("due", "--format", "json")))
    assert [(w["case"], w["warning"]) for w in late] == [(case, "decision-late")]
    listed = json.loads(_ok(run("list", "--format", "json")))
    assert listed[0]["flag"] == "overdue"
    _ok(run("settings", "set", "decision-days", "30"))
    _ok(run("settings", "set", "due-days", "20"))
    assert [w["warning"] for w in json.loads(_ok(run("due", "--format", "json")))] == []
    soon = json.loads(_ok(run("due", "--within", "30", "--format", "json")))
    assert soon == []  # a decision is not a mandate end: due warns of it only once late
    assert json.loads(_ok(run("list", "--format", "json")))[0]["flag"] is None  # 25 days ahead
    _ok(run("settings", "set", "due-days", "25"))
    assert json.loads(_ok(run("list", "--format", "json")))[0]["flag"] == "due-soon"


def test_the_workbook_flags_deadlines_by_the_settings_of_its_last_day(run, tmp_path):
    """The workbook's deadlines judge a decision late after the decision days in force on the
    period's last day, as `due` and `list` do today; a change after that day changes nothing."""
    client = _register_cli(run, days_ago(800))
    case = _ok(run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                   "--on", days_ago(5))).strip()

    def flag(name: str, *period: str) -> object:
        path = tmp_path / name
        _ok(run("report", *period, "--xlsx", str(path)))
        sheet = next(ws for ws in load_workbook(path).worksheets
                     if any(c.value == "flag" for c in ws[1]))
        header = [c.value for c in sheet[1]]
        rows = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
        return next(r["flag"] for r in rows if r["case"] == case)

    assert flag("before.xlsx") == "due-soon"  # a decision due in 5 of the 10 days
    _ok(run("settings", "set", "decision-days", "3"))
    assert flag("after.xlsx") == "overdue"  # late after 3 days, as `due` says
    # a period that ended before the change keeps the deadlines it had
    assert flag("past.xlsx", "--from", days_ago(10), "--to", days_ago(1)) == "due-soon"


def test_setting_a_value_it_has_already_writes_nothing(run, db_path):
    _ok(run("settings", "set", "due-days", "20"))
    before = dump(db_path)
    same = run("settings", "set", "due-days", "20", "--format", "json")
    assert same.exit_code == 0 and "already" in same.stderr
    assert json.loads(same.stdout) | {"label": None} == {
        "key": "due-days", "before": "20", "value": "20", "version": 1, "changed": False,
        "label": None}
    assert dump(db_path) == before  # no new version, no audit event, no line in the report
    german = run("--lang", "de", "settings", "set", "due-days", "20")
    assert "due-days ist bereits 20; nichts geändert" in german.stderr
