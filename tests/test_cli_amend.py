"""`optima amend` (issue 17) on the history of tests/test_report_figures.py: each field corrected
on both backends, checked in the case, in the report's figures (against the same independent
model, fed the corrected history) and in the audit trail; each refusal in English and German,
one line, nothing written."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
import test_report_figures as model
from conftest import copy_db, dump
from test_report_figures import PERIODS, compare, d, figures, ok

WHY = "entered for the wrong case"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return model.prepare(tmp_path_factory.mktemp("amend-history"))


def at(client: str, referred: str) -> int:
    """The index of a case of the history, by its client and referral day."""
    return next(i for i, c in enumerate(model.CASES)
                if c.client == client and c.referred == d(referred))


# field: (the case (client, referral day), the options, what the case shows after, the spec after)
FIELDS: dict[str, tuple[tuple[str, str], list[str], dict[str, Any], dict[str, Any]]] = {
    "goal": (("P03", "2026-03-02"), ["--goal", "a payment plan"], {"goal": "a payment plan"}, {}),
    "topics": (("P03", "2026-03-02"), ["--topics", "health,placement"],
               {"topics": ["health", "placement"]}, {"topics": ("health", "placement")}),
    "months": (("P03", "2026-03-02"), ["--months", "6"],
               {"months": 6, "due_on": "2026-09-10"}, {"months": 6}),
    "referring_counsellor": (("P13", "2026-09-15"), ["--referring-counsellor", "B. Other"],
                             {"referring_counsellor": "B. Other"}, {}),
    "receiving_counsellor": (("P03", "2026-03-02"), ["--receiving-counsellor", "C. Other"],
                             {"receiving_counsellor": "C. Other"}, {}),
    "referred_on": (("P13", "2026-09-15"), ["--referred-on", "2026-08-14"],
                    {"referred_on": "2026-08-14"}, {"referred": d("2026-08-14")}),
    "decided_on": (("P09", "2026-08-10"), ["--decided-on", "2026-08-12"],
                   {"decided_on": "2026-08-12", "due_on": "2027-02-12"},
                   {"accepted": d("2026-08-12")}),
    "closed_on": (("P17", "2026-04-01"), ["--closed-on", "2026-07-10"], {"closed_on": "2026-07-10"},
                  {"closed": (d("2026-07-10"), "not-achieved", "no-cooperation", False)}),
    "outcome": (("P18", "2026-06-01"), ["--outcome", "partly"],
                {"outcome": "partly", "cause": "not-placeable"},
                {"closed": (d("2026-10-01"), "partly", "not-placeable", None)}),
    "cause": (("P17", "2026-04-01"), ["--cause", "other", "--note", "see the file"],
              {"cause": "other"},
              {"closed": (d("2026-07-08"), "not-achieved", "other", False)}),
    "reason": (("P12", "2026-09-30"), ["--reason", "no-consent"], {"reason": "no-consent"},
               {"rejected": (d("2026-10-01"), "no-consent")}),
    "note": (("P11", "2026-09-28"), ["--note", "moved to Bern"], {"status": "withdrawn"}, {}),
}


def case_of(run, db, case: str) -> dict[str, Any]:
    return json.loads(ok(run("show", case, "--format", "json", db=db)))


@pytest.mark.both_backends
@pytest.mark.parametrize("field", list(FIELDS))
def test_a_field_amended_moves_only_the_figures_it_should(run, db_path, history, field,
                                                           monkeypatch):
    path, ids = history
    copy_db(path, db_path)
    (client, referred), options, shown, spec = FIELDS[field]
    i = at(client, referred)
    case = ids[i]
    withdrawn = figures(run, db_path)["withdrawn"]
    ok(run("amend", case, *options, "--why", WHY))

    got = case_of(run, db_path, case)
    for key, value in shown.items():
        assert got[key] == value, key
    assert field in got["amended"] or field == "note"
    [event] = [e for e in got["history"] if e["action"] == "amend"]
    assert event["why"] == WHY

    # the figures: as the model counts the corrected history; the withdrawals never move
    corrected = list(model.CASES)
    corrected[i] = replace(corrected[i], **spec)
    monkeypatch.setattr(model, "CASES", corrected)
    for period in ("cumulative", "year-2026", "month-2026-10", "quarter-2026-Q3"):
        options_, start, end, as_of, _ = PERIODS[period]
        compare(figures(run, db_path, *options_, as_of=as_of.isoformat()),
                model.expected(start, end, as_of, "kind"))
    assert figures(run, db_path)["withdrawn"] == withdrawn

    assert json.loads(ok(run("audit", "verify", "--format", "json")))["ok"]
    listed = json.loads(ok(run("audit", "list", "--case", case, "--format", "json")))
    [amended] = [e for e in listed if e["action"] == "amend"]
    assert (amended["user"], amended["why"]) == ("tester", WHY)
    assert field in amended["fields"] or field in ("note", "cause")


@pytest.mark.both_backends
def test_new_topics_judge_the_criteria_again_and_replace_the_stored_findings(run, db_path,
                                                                           history):
    path, ids = history
    copy_db(path, db_path)
    case = ids[at("P04", "2026-05-04")]  # RAV -> SD on finances and conflict

    def social(findings: list[dict[str, Any]]) -> str:
        return next(f["result"] for f in findings if f["rule"] == "social-topic")

    assert social(case_of(run, db_path, case)["findings"]) == "pass"
    ok(run("amend", case, "--topics", "placement", "--why", WHY))
    assert social(case_of(run, db_path, case)["findings"]) == "warn"


@pytest.mark.both_backends
def test_a_never_rule_that_now_refuses_refuses_the_correction(run, db_path, history):
    path, ids = history
    copy_db(path, db_path)
    before = dump(db_path)
    result = run("amend", ids[at("P13", "2026-09-15")], "--referred-on", "2025-01-02",
                 "--why", WHY)  # before the client's consent (2025-01-06)
    assert result.exit_code == 1 and "referral refused" in result.stderr
    assert dump(db_path) == before


# (case, options, exit code, English part, German part)
REFUSALS = {
    "closing-before-acceptance": (("P17", "2026-04-01"), ["--closed-on", "2026-04-02"], 1,
                                  "--closed-on 2026-04-02 is before the acceptance on 2026-04-08",
                                  "liegt vor der Annahme"),
    "months-4": (("P03", "2026-03-02"), ["--months", "4"], 2, "--months 4 is not a mandate period",
                 "--months 4"),
    "unknown-reason": (("P12", "2026-09-30"), ["--reason", "bored"], 2,
                       "'bored' is not a rejection reason", "'bored'"),
    "missing-why": (("P03", "2026-03-02"), ["--goal", "x"], 2, "--why", "--why"),
    "empty-why": (("P03", "2026-03-02"), ["--goal", "x", "--why", " "], 2, "missing --why",
                  "--why"),
    "closed-on-of-an-open-case": (("P03", "2026-03-02"), ["--closed-on", "2026-10-01"], 1,
                                  "record the closing with close", "mit close"),
    "reason-of-an-accepted-case": (("P03", "2026-03-02"), ["--reason", "too-severe"], 1,
                                   "a reason is recorded with reject or withdraw",
                                   "mit reject oder withdraw"),
    "decision-of-an-undecided-case": (("P13", "2026-09-15"), ["--decided-on", "2026-09-20"], 1,
                                      "record the decision with accept or reject",
                                      "mit accept oder reject"),
    "nothing": (("P03", "2026-03-02"), [], 2, "nothing to correct", "nichts zu korrigieren"),
}


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_bad_correction_is_refused_in_one_line_and_writes_nothing(run, db_path, history, name,
                                                                     lang):
    path, ids = history
    copy_db(path, db_path)
    (client, referred), options, code, english, german = REFUSALS[name]
    why = [] if name.endswith("why") else ["--why", WHY]
    before = dump(db_path)
    result = run("--lang", lang, "amend", ids[at(client, referred)], *options, *why)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert (english if lang == "en" else german) in line
    if lang == "de" and english != german:
        assert english not in line
    assert dump(db_path) == before


def test_show_marks_amended_fields_in_german_too(run, db_path, history):
    path, ids = history
    copy_db(path, db_path)
    case = ids[at("P03", "2026-03-02")]
    ok(run("amend", case, "--months", "6", "--why", WHY))
    english = ok(run("show", case))
    assert "6 (amended)" in english and f"justification: {WHY}" in english
    german = ok(run("--lang", "de", "show", case))
    assert "6 (korrigiert)" in german and "Korrektur" in german
    listed = ok(run("--lang", "de", "audit", "list", "--case", case))
    assert "Korrektur" in listed and WHY in listed
