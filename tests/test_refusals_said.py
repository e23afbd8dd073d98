"""Issue 15, one refusal said by each reader: the rules refuse with a code, its values and the
field at fault (a key of the record); the import says it at the column of the file and never
names an option, the command line names the options; both in the language of the command."""

from __future__ import annotations

import json

import pytest
from test_hardening_identity import HEADER, HOSTILE, errors_of, ok, row
from test_hardening_refusals import _client_and_case, refused
from test_import import write_csv

pytestmark = pytest.mark.sqlite_only  # wording: the database does not change it

ACCEPTED = {"decision": "accepted", "decided_on": "2025-06-03"}
REJECTED = {"decision": "rejected", "decided_on": "2025-06-03"}

# rows that the import refuses, one refusal each: (what is wrong, the column blamed, the row's values)
REFUSED_ROWS = [
    ("reason other without a note", "reason_note", {**REJECTED, "reason": "other"}),
    ("withdrawal other without a note", "withdraw_note",
     {**ACCEPTED, "withdrawn_on": "2025-06-10", "withdraw_reason": "other"}),
    ("not achieved without a cause", "cause",
     {**ACCEPTED, "closed_on": "2025-06-10", "outcome": "not-achieved"}),
    ("a cause when achieved", "cause",
     {**ACCEPTED, "closed_on": "2025-06-10", "outcome": "achieved", "cause": "no-cooperation"}),
    ("no mandate period", "months", {"months": "7"}),
    ("decided before the referral", "decided_on", {**ACCEPTED, "decided_on": "2025-06-01"}),
    ("decided in the future", "decided_on", {**ACCEPTED, "decided_on": "2099-06-01"}),
    ("a 6-month mandate extended", "extended_on",
     {**ACCEPTED, "months": "6", "extended_on": "2025-07-01"}),
    ("extended after the mandate ended", "extended_on", {**ACCEPTED, "extended_on": "2025-12-01"}),
    ("a suspension ending before it starts", "suspended_until",
     {**ACCEPTED, "referrer": "RAV", "registered_at": "RAV", "receiver": "SD",
      "topics": "finances", "suspended_from": "2025-07-01", "suspended_until": "2025-06-20"}),
    ("a suspension referred by SD", "suspended_from",
     {**ACCEPTED, "suspended_from": "2025-07-01", "suspended_until": "2025-07-20"}),
    ("a suspension beyond the mandate", "suspended_from",
     {**ACCEPTED, "referrer": "RAV", "registered_at": "RAV", "receiver": "SD",
      "topics": "finances", "suspended_from": "2025-07-01", "suspended_until": "2026-07-20"}),
    ("closed when rejected", "closed_on",
     {**REJECTED, "reason": "too-severe", "closed_on": "2025-06-10", "outcome": "achieved"}),
    ("born after the referral", "referred_on", {"birth_date": "2025-07-01", "consent_on": ""}),
    ("consent before birth", "consent_on", {"birth_date": "1980-04-05", "consent_on": "1970-01-01"}),
    ("no consent", "consent_on", {"consent_on": ""}),
    ("to its own kind", "receiver", {"receiver": "SD"}),
    ("a recent IV rejection", "override",
     {"receiver": "IV", "iv_rejected_on": "2025-03-01", "topics": "health"}),
    ("an invalid AHV number", "ahv", {"ahv": "756.1234.5678.90"}),
    ("an unknown topic", "topics", {"topics": "nothing"}),
    ("a date that is none", "referred_on", {"referred_on": "32.13.2025"}),
    ("a note too long", "reason_note", {**REJECTED, "reason": "other", "reason_note": "N" * 2001}),
    ("an invisible goal", "goal", {"goal": "\u200b"}),
    ("an unknown reason", "reason", {**REJECTED, "reason": "bored"}),
]


def _import_refusals(run, tmp_path) -> list[tuple[int, str, str]]:
    rows = [row(name=f"Refused Row{i:02d}", **values) for i, (_, _, values) in enumerate(REFUSED_ROWS)]
    return errors_of(run, write_csv(tmp_path / "refused.csv", HEADER, rows))


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_import_refusal_names_its_column_and_no_option(run, tmp_path, lang):
    if lang == "de":
        run = _in_german(run)
    errors = _import_refusals(run, tmp_path)
    assert [(number, column) for number, column, _ in errors] == [
        (i + 2, column) for i, (_, column, _) in enumerate(REFUSED_ROWS)], "\n".join(map(str, errors))
    for number, column, message in errors:
        assert "--" not in message, (number, column, message)
        assert message.strip(), (number, column)


def _in_german(run):
    def german(*args, **kwargs):
        return run("--lang", "de", *args, **kwargs)
    return german



@pytest.mark.parametrize("lang, says", [
    ("en", 'reason other needs a note; add reason_note "what happened"'),
    ("de", 'reason other braucht eine Notiz; ergänzen Sie reason_note "was geschehen ist"'),
])
def test_an_import_row_rejected_as_other_without_a_note_is_blamed_on_reason_note(
        run, tmp_path, snapshot, lang, says):
    """Issue 15: not `decided_on │ --reason other needs a note; add --note ...`."""
    ok(run("list"))
    before = snapshot()
    path = write_csv(tmp_path / "other.csv", HEADER, [row(**REJECTED, reason="other")])
    errors = errors_of(run if lang == "en" else _in_german(run), path)
    assert errors == [(2, "reason_note", says)]
    assert snapshot() == before


@pytest.mark.parametrize("lang, says", [
    ("en", 'error: --reason other needs a note; add --note "what happened"'),
    ("de", 'Fehler: --reason other braucht eine Notiz; ergänzen Sie --note "was geschehen ist"'),
])
def test_the_same_refusal_on_the_command_line_names_the_options(run, snapshot, lang, says):
    _, case = _client_and_case(run)
    before = snapshot()
    say = run if lang == "en" else _in_german(run)
    for args in (("reject", case, "--reason", "other"), ("withdraw", case, "--reason", "other")):
        assert refused(say(*args), 2) == says
    assert snapshot() == before


def _rav_case(run) -> str:
    client = ok(run("register", "--name", "Muster Max", "--birth-date", "1980-01-01", "--from",
                    "RAV", "--consent-on", "2025-01-01"))
    case = ok(run("refer", client, "--to", "SD", "--topics", "finances", "--months", "3",
                  "--on", "2025-02-01"))
    ok(run("accept", case, "--on", "2025-02-03"))
    return case


@pytest.mark.parametrize("lang", ["en", "de"])
def test_refusals_on_the_command_line_name_the_options_typed(run, snapshot, lang):
    case = _rav_case(run)
    client = ok(run("register", "--name", "Muster Moe", "--birth-date", "1980-01-01", "--from",
                    "SD", "--consent-on", "2025-01-01"))
    before = snapshot()
    say = run if lang == "en" else _in_german(run)
    for args, code, options in [
        (("close", case, "--outcome", "not-achieved"), 2, ("--outcome", "--cause")),
        (("close", case, "--outcome", "achieved", "--cause", "other"), 2, ("--cause", "--outcome")),
        (("refer", client, "--to", "RAV", "--topics", "placement", "--months", "7"), 2,
         ("--months",)),
        (("extend", case, "--on", "2025-01-01"), 1, ("--on",)),
        (("suspend-search", case, "--from", "2025-03-01", "--until", "2025-02-20"), 1,
         ("--until", "--from")),
        (("report", "--month", "2026-01", "--year", "2026"), 2, ("--month", "--year")),
    ]:
        said = refused(say(*args), code)
        assert all(option in said for option in options), (args, said)
        assert not any(word in said.split() for word in ("months", "until", "cause", "from")), said
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.iterdir()))
def test_a_hostile_file_is_refused_without_naming_options_in_its_rows(run, name):
    """The refusals of a file's rows and columns name no option (a refusal of the whole file may
    name the command's own, which the user typed)."""
    result = run("import", str(HOSTILE / name), "--format", "json")
    assert result.exit_code != 0 and "Traceback" not in result.stdout + result.stderr
    if result.stdout.strip():
        for error in json.loads(result.stdout)["errors"]:
            assert "--" not in error["message"] or error["row"] is None, error
