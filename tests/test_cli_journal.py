"""`optima note` from the shell (issue 18): an entry written prints its number and is listed by
`show` in English and German; a struck one is marked; each refusal is one line on stderr with
its exit code (2 malformed, 1 refused), in English and German, and writes nothing."""

from __future__ import annotations

import json

import pytest
from conftest import days_ago


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def case(run) -> str:
    """An accepted case, referred 60 days ago."""
    client = ok(run("register", "--name", "Journal Jana", "--birth-date", "02.02.1985", "--from",
                    "RAV", "--consent-on", days_ago(100)))
    ref = ok(run("refer", client, "--to", "SD", "--topics", "finances", "--months", "3",
                 "--on", days_ago(60)))
    ok(run("accept", ref, "--on", days_ago(58)))
    return ref


def shown(run, case: str) -> dict:
    return json.loads(ok(run("show", case, "--format", "json")))


def test_a_note_prints_its_number_and_show_lists_it(run, case):
    result = run("note", case, "Erstgespräch: Budget besprochen", "--on", days_ago(50))
    assert ok(result) == "1"
    assert result.stderr.strip() == f"{case}: journal entry 1 of {days_ago(50)} written"
    assert ok(run("note", case, "Zweites Gespräch")) == "2"
    table = ok(run("show", case))
    assert "case journal" in table and "Erstgespräch: Budget besprochen" in table
    journal = shown(run, case)["journal"]
    assert [(e["entry"], e["on"], e["by"], e["text"]) for e in journal] == [
        (1, days_ago(50), "tester", "Erstgespräch: Budget besprochen"),
        (2, days_ago(0), "tester", "Zweites Gespräch")]
    assert set(journal[0]) == {"entry", "on", "by", "at", "text", "struck_at", "struck_by",
                               "struck_why"}


def test_a_note_as_json_is_the_entry_with_its_case(run, case):
    entry = json.loads(ok(run("note", case, "Termin", "--format", "json")))
    assert (entry["case"], entry["entry"], entry["text"], entry["struck_at"]) == (case, 1, "Termin", None)


def test_a_struck_note_is_marked_in_english_and_german(run, case):
    ok(run("note", case, "für den falschen Fall", "--on", days_ago(40)))
    result = run("note", case, "--strike", "1", "--why", "falscher Fall")
    assert ok(result) == "1" and result.stderr.strip() == f"{case}: journal entry 1 struck"
    entry = shown(run, case)["journal"][0]
    assert (entry["text"], entry["struck_by"], entry["struck_why"]) == (
        "für den falschen Fall", "tester", "falscher Fall")
    assert "für den falschen Fall (struck by tester on" in ok(run("show", case))
    german = ok(run("--lang", "de", "show", case))
    assert "Falljournal" in german and "(gestrichen von tester am" in german
    assert "Journaleintrag gestrichen" in german  # the history's action


def test_german_sentences_of_note(run, case):
    result = run("--lang", "de", "note", case, "Termin", "--on", days_ago(3))
    day = days_ago(3)
    german_day = f"{day[8:10]}.{day[5:7]}.{day[0:4]}"
    assert result.stderr.strip() == f"{case}: Journaleintrag 1 vom {german_day} geschrieben"
    result = run("--lang", "de", "note", case, "--strike", "1", "--why", "falsch")
    assert result.stderr.strip() == f"{case}: Journaleintrag 1 gestrichen"


def trail(run) -> int:
    return len(json.loads(ok(run("audit", "list", "--format", "json"))))


# (the command after `note`, exit code, English, German)
REFUSALS = {
    "future": (["{case}", "x", "--on", days_ago(-1)], 1,
               "note date {tomorrow} lies in the future",
               "liegt in der Zukunft"),
    "before the referral": (["{case}", "x", "--on", days_ago(61)], 1,
                            "is before the referral of {case} on",
                            "liegt vor der Anmeldung von {case}"),
    "empty": (["{case}", "  "], 2, "TEXT must not be empty", "TEXT darf nicht leer sein"),
    "no text": (["{case}"], 2, "TEXT must not be empty", "TEXT darf nicht leer sein"),
    "unknown case": (["OPT-2026-0999", "x"], 1, "no case 'OPT-2026-0999'",
                     "OPT-2026-0999"),
    "not a date": (["{case}", "x", "--on", "31.02.2026"], 2, "is not a date", "ist kein Datum"),
    "strike with text": (["{case}", "x", "--strike", "1", "--why", "w"], 2,
                         "--strike takes no TEXT and no --on", "--strike nimmt keinen TEXT"),
    "why without strike": (["{case}", "x", "--why", "w"], 2, "--why goes with --strike",
                           "--why gehört zu --strike"),
    "strike without why": (["{case}", "--strike", "1"], 2, "missing --why", "--why"),
    "no such entry": (["{case}", "--strike", "1", "--why", "w"], 1,
                      "{case} has no journal entry 1 (it has 0)",
                      "{case} hat keinen Journaleintrag 1"),
}


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", REFUSALS)
def test_refusals_say_one_line_and_write_nothing(run, case, lang, name):
    args, code, english, german = REFUSALS[name]
    events, before = trail(run), shown(run, case)
    result = run("--lang", lang, "note", *(a.format(case=case) for a in args))
    assert result.exit_code == code, result.stderr
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    said = (english if lang == "en" else german).format(case=case, tomorrow=days_ago(-1))
    assert said in message
    assert result.stdout == ""
    after = shown(run, case)
    assert after["journal"] == before["journal"] == []
    assert trail(run) == events + 2  # only the reads of this test's two shows


def test_after_the_closing_a_note_is_dated_up_to_the_closing_day(run, case):
    ok(run("close", case, "--outcome", "achieved", "--on", days_ago(5)))
    result = run("note", case, "später")
    assert result.exit_code == 1
    assert f"{case} is closed since {days_ago(5)}: a note may be dated up to that day" in result.stderr
    german = run("--lang", "de", "note", case, "später")
    assert f"{case} ist seit dem" in german.stderr and "abgeschlossen" in german.stderr
    assert ok(run("note", case, "Abschlussgespräch", "--on", days_ago(5))) == "1"
    assert run("audit", "verify").exit_code == 0
