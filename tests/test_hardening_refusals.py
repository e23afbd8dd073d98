"""Issue 14 review, one wording of a refusal per reader: the rules refuse a value by its key and
the template that names it; the command line says the refusal with the option the user typed,
the import with the column of the file. NUL is refused in one place, a client born after a
referral by one rule."""

from __future__ import annotations

import pytest
from test_hardening_identity import HEADER, errors_of, ok, one_line_error, row
from test_import import write_csv

from optima_cli.catalogue import de
from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import text

pytestmark = pytest.mark.sqlite_only  # wording: the database does not change it

INVISIBLE = "\u200b"
LONG = "C" * 300


def refused(result, code: int) -> str:
    """The one line of a refusal, in either language."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    err = result.stderr.strip()
    assert err.startswith(("error: ", "Fehler: ")) and "\n" not in err, err
    return err


def _client_and_case(run) -> tuple[str, str]:
    client = ok(run("register", "--name", "Muster Mia", "--birth-date", "1980-01-01", "--from", "SD",
                    "--consent-on", "2025-01-01"))
    case = ok(run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                  "--on", "2025-02-01"))
    return client, case


# --- 1. the command line says the option ---------------------------------------------------------

@pytest.mark.parametrize("lang, shows, has", [("en", "shows nothing", "characters"),
                                              ("de", "zeigt nichts an", "Zeichen")])
def test_commands_name_their_own_options(run, snapshot, lang, shows, has):
    client, case = _client_and_case(run)
    before = snapshot()
    said = {
        "--note": refused(run("--lang", lang, "withdraw", case, "--reason", "other",
                                     "--note", INVISIBLE), 2),
        "--counsellor": refused(run("--lang", lang, "refer", client, "--to", "IV",
                                           "--topics", "placement", "--months", "3",
                                           "--counsellor", LONG), 2),
        "--phone": refused(run("--lang", lang, "institution", "set-contact", "SD",
                                      "--phone", INVISIBLE), 2),
        "--contact": refused(run("--lang", lang, "institution", "set-contact", "SD",
                                        "--contact", INVISIBLE), 2),
    }
    assert snapshot() == before
    for option, err in said.items():
        assert f" {option} " in err, err
        assert not any(key in err for key in ("withdraw_note", "referring_counsellor",
                                              "contact_phone", "contact_name")), err
    assert shows in said["--note"] and shows in said["--phone"] and shows in said["--contact"]
    assert "300" in said["--counsellor"] and has in said["--counsellor"]


def test_every_option_the_table_names_is_one_of_a_command():
    from optima_cli.cli.options import OPTIONS
    from optima_cli.cli.root import CATALOGUE, build_command

    given: set[str] = set()

    def walk(command) -> None:
        for param in command.params:
            given.update((*param.opts, *param.secondary_opts, param.metavar or ""))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    for _, entries in CATALOGUE:
        for name, module, _ in entries:
            walk(build_command(module, name))
    assert set(OPTIONS.values()) - given == set()


def test_a_prompt_answer_is_refused_with_the_option():
    from optima_cli.cli.options import said

    error = UsageProblem.refused("shows-nothing", "contact_email", value=INVISIBLE)
    assert said(error).startswith("--email '")
    assert said(OptimaError("plain")) == "plain"


def test_a_refusal_is_said_again_with_another_name():
    with pytest.raises(UsageProblem) as info:
        text.free_text(INVISIBLE, "withdraw_note")
    error = info.value
    assert error.field == "withdraw_note" and error.message.startswith("withdraw_note '")
    assert error.naming("--note").startswith("--note '")
    assert OptimaError("as it is", "x").naming("--y") == "as it is"


# --- 1. the import says the column -------------------------------------------------------------

@pytest.mark.parametrize("column, value, words", [
    ("withdraw_note", INVISIBLE, "shows nothing"),
    ("referring_counsellor", LONG, "300 characters"),
    ("receiving_counsellor", INVISIBLE, "shows nothing"),
    ("close_note", "N" * 2001, "2,001 characters"),
])
def test_an_import_row_names_the_column(run, tmp_path, snapshot, column, value, words):
    ok(run("list"))
    before = snapshot()
    values = {"decision": "accepted", "decided_on": "2025-06-03", column: value}
    if column == "withdraw_note":
        values.update(withdrawn_on="2025-06-10", withdraw_reason="other")
    if column == "close_note":
        values.update(closed_on="2025-06-10", outcome="achieved")
    ((number, found, message),) = errors_of(run, write_csv(tmp_path / "r.csv", HEADER,
                                                           [row(**values)]))
    assert (number, found) == (2, column)
    assert message.startswith(column + " ") and words in message, message
    assert snapshot() == before


# --- 2. NUL: one definition ----------------------------------------------------------------------

def test_nul_is_defined_once_in_the_text_rules():
    from optima_cli.cli.root import text_problem

    assert text.storable("Muster Mia") and not text.storable("Muster\x00Mia")
    assert text_problem("--note 'a'", "a\x00b") is not None
    assert text_problem("--note 'a'", "ab") is None
    unreachable = "{field} holds a NUL character (\\x00), which cannot be stored; remove it"
    assert unreachable not in de.MESSAGES


# --- 3. born before being referred: one rule --------------------------------------------------------

def test_refer_before_the_birth_date_says_what_client_update_says(run, snapshot):
    client = ok(run("register", "--name", "Spät Sam", "--birth-date", "2025-03-01", "--from", "SD",
                    "--consent-on", "2025-03-01"))
    before = snapshot()
    err = one_line_error(run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                             "--on", "2025-02-01"), 1)
    assert "birth date 2025-03-01 is after the referral" in err, err
    assert "a client is born before being referred: check the year" in err, err
    assert snapshot() == before


# --- 4. an empty name: one refusal ------------------------------------------------------------------

def test_an_empty_name_is_refused_by_the_text_rule(run, snapshot):
    client, _ = _client_and_case(run)
    before = snapshot()
    for args in (("register", "--name", "  ", "--birth-date", "1990-01-01", "--from", "SD"),
                 ("client", "update", client, "--name", ""),
                 ("institution", "add", "SD-LEER", "--kind", "SD", "--name", " ")):
        err = one_line_error(run(*args), 2)
        assert err == "error: --name must not be empty; write it out", err
    assert snapshot() == before
