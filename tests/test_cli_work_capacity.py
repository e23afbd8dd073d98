"""Work capacity as the counsellor assessed it (issue 16), on the command line: `check` warns for a
client whose work capacity was not assessed and says how to record it; one assessed no is blocked
for RAV and IV and accepted for SD with a social topic; one assessed yes passes. In English and in
German. `register` and `client update` take the assessment and its day."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from conftest import dump

pytestmark = pytest.mark.sqlite_only  # the options and the sentences do not depend on the database

TODAY = date.today()  # CLI tests use the real today
ASSESSED = TODAY - timedelta(days=10)


def _register(run, name: str, *assessment: str) -> str:
    made = run("register", "--name", name, "--birth-date", "1980-01-01", "--from", "SD",
               "--consent-on", str(TODAY - timedelta(days=30)), *assessment)
    assert made.exit_code == 0, made.stderr
    return made.stdout.strip()


def _check(run, client: str, to: str, *options: str, topics: str = "placement"):
    """`check` with root options (--lang de) and its own (--format json) after them."""
    referrer = "RAV" if to == "SD" else "SD"
    root = options[:2] if options[:1] == ("--lang",) else ()
    return run(*root, "check", client, "--to", to, "--from", referrer, "--topics", topics,
               *options[len(root):])


def _findings(run, client: str, to: str, topics: str = "placement") -> tuple[int, dict]:
    result = run("check", client, "--to", to, "--from", "RAV" if to == "SD" else "SD",
                 "--topics", topics, "--format", "json")
    found = json.loads(result.stdout)["findings"]
    return result.exit_code, {f["rule"]: f for f in found}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_check_of_the_three_assessments_in_english_and_german(run):
    unassessed = _register(run, "Offen Olga")
    not_intact = _register(run, "Nein Nora", "--work-capacity", "no",
                           "--work-capacity-on", str(ASSESSED))
    intact = _register(run, "Ja Jonas", "--work-capacity", "yes")

    # not assessed: warns, and says how to record it; allowed
    for to in ("RAV", "IV"):
        code, found = _findings(run, unassessed, to)
        assert code == 0 and found["work-capacity"]["result"] == "warn"
        assert (f"`optima client update {unassessed} --work-capacity yes|no`"
                in found["work-capacity"]["message"])
    english = _check(run, unassessed, "RAV")
    assert english.exit_code == 0
    assert "work capacity not assessed" in _one_line(english.stdout)
    german = _check(run, unassessed, "RAV", "--lang", "de")
    assert german.exit_code == 0
    assert "Arbeitsangebot nicht beurteilt" in _one_line(german.stdout)
    in_json = json.loads(_check(run, unassessed, "RAV", "--lang", "de", "--format", "json").stdout)
    (said,) = [f["message"] for f in in_json["findings"] if f["rule"] == "work-capacity"]
    assert said == ("Arbeitsangebot nicht beurteilt; erfassen Sie Ihre Beurteilung mit "
                    f"`optima client update {unassessed} --work-capacity yes|no`")

    # assessed no: blocked for RAV and IV (a justification would lift it), accepted for SD
    for to in ("RAV", "IV"):
        code, found = _findings(run, not_intact, to)
        assert code == 1 and found["work-capacity"]["result"] == "block"
        assert found["work-capacity"]["message"] == (
            "the client's work capacity is not intact (not placeable), as assessed on "
            f"{ASSESSED}")
        german = _check(run, not_intact, to, "--lang", "de")
        assert german.exit_code == 1
        assert (f"kein intaktes Arbeitsangebot (nicht vermittelbar), beurteilt am "
                f"{ASSESSED:%d.%m.%Y}") in _one_line(german.stdout)
    code, found = _findings(run, not_intact, "SD", topics="finances")
    assert code == 0 and found["social-topic"]["result"] == "pass"
    assert "work-capacity" not in found
    german = _check(run, not_intact, "SD", "--lang", "de", topics="finances")
    assert german.exit_code == 0
    assert ("soziales Thema genannt: Finanzen/Schulden; Arbeitsangebot als nicht intakt beurteilt"
            in _one_line(german.stdout))

    # assessed yes: passes, saying the day; SD warns that the RAV is likely better placed
    code, found = _findings(run, intact, "RAV")
    assert code == 0 and found["work-capacity"]["result"] == "pass"
    assert str(TODAY) in found["work-capacity"]["message"]
    code, found = _findings(run, intact, "SD", topics="finances")
    assert code == 0 and found["social-topic"]["result"] == "warn"
    assert "RAV is likely better placed" in found["social-topic"]["message"]
    german = _check(run, intact, "SD", "--lang", "de", topics="finances")
    assert "das RAV ist wohl besser geeignet" in _one_line(german.stdout)


def test_refer_of_a_client_assessed_no_needs_a_justification(run):
    client = _register(run, "Nein Nina", "--work-capacity", "no")
    refused = run("refer", client, "--to", "RAV", "--from", "SD", "--topics", "placement",
                  "--months", "3")
    assert refused.exit_code == 1 and "--override" in refused.stderr
    assert "work capacity is not intact" in refused.stderr
    done = run("refer", client, "--to", "RAV", "--from", "SD", "--topics", "placement",
               "--months", "3", "--override", "placeable after all, says the employer")
    assert done.exit_code == 0, done.stderr


def _client(run, client: str) -> dict:
    return json.loads(run("client", "show", client, "--format", "json").stdout)


def test_update_records_the_assessment_with_the_day_of_the_update_by_default(run):
    client = _register(run, "Offen Otto")
    assert _client(run, client)["work_capacity"] is None
    updated = run("client", "update", client, "--work-capacity", "yes", "--format", "json")
    assert updated.exit_code == 0, updated.stderr
    record = json.loads(updated.stdout)
    assert (record["work_capacity"], record["work_capacity_assessed_on"]) == ("yes", str(TODAY))
    assert "no_work_capacity" not in record
    assert run("client", "update", client, "--work-capacity", "no", "--work-capacity-on",
               str(ASSESSED)).exit_code == 0
    shown = _client(run, client)
    assert (shown["work_capacity"], shown["work_capacity_assessed_on"]) == ("no", str(ASSESSED))
    table = run("--lang", "de", "client", "show", client)
    assert "nicht intakt (beurteilt)" in table.stdout
    # not assessed: no day
    assert run("client", "update", client, "--work-capacity", "not-assessed").exit_code == 0
    shown = _client(run, client)
    assert (shown["work_capacity"], shown["work_capacity_assessed_on"]) == (None, None)
    assert "not assessed" in run("client", "show", client).stdout


@pytest.mark.parametrize(("args", "fragments"), [
    (["--work-capacity", "maybe"], ["maybe", "yes, no, not-assessed"]),
    (["--work-capacity-on", "2026-01-05"], ["--work-capacity-on", "give --work-capacity yes or no"]),
    (["--work-capacity", "yes", "--work-capacity-on", "1979-12-31"],
     ["--work-capacity-on 1979-12-31 is before the birth date 1980-01-01"]),
    (["--work-capacity", "yes", "--work-capacity-on", str(TODAY + timedelta(days=1))],
     ["in the future"]),
    (["--work-capacity", "not-assessed", "--work-capacity-on", str(ASSESSED)],
     ["give --work-capacity yes or no"]),
], ids=["not-a-code", "day-alone", "before-birth", "future", "day-without-assessment"])
def test_a_wrong_assessment_is_refused_and_nothing_written(run, db_path, args, fragments):
    client = _register(run, "Falsch Fritz")
    before = dump(db_path)
    refused = run("client", "update", client, *args)
    assert refused.exit_code in (1, 2), refused.stdout
    said = _one_line(refused.stderr)
    for fragment in fragments:
        assert fragment in said, said
    assert dump(db_path) == before


def test_an_assessment_no_entered_today_blocks_a_referral_dated_back(run, db_path):
    """Cases are entered days after the fact: a "no" recorded today still blocks a referral
    dated five days back, as the import (which dates the assessment on the row's referral) does."""
    client = _register(run, "Spät Sven", "--work-capacity", "no")
    before = dump(db_path)
    refused = run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                  "--workable", "yes", "--on", str(TODAY - timedelta(days=5)))
    assert refused.exit_code == 1, refused.stdout
    assert "work-capacity" in refused.stderr and "--override" in refused.stderr
    assert dump(db_path)["referral"] == before.get("referral", [])
