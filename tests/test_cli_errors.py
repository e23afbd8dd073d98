"""Bad input from the shell: every refusal is one line on stderr, the right exit code, nothing written.

Exit 2 for malformed input (bad or impossible date, unknown code, --months 4, a missing note,
cause or option), exit 1 for anything refused (unknown client/case/institution, a date in the
future or before the referral, a transition the life cycle does not allow, a duplicate client,
an access criterion). The database must be byte-for-byte the same afterwards (`snapshot`).

The world the commands run against is built once per module through the CLI and copied (with
SQLite's backup API, since the database runs in WAL mode) into each test's own database file.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import copy_db, days_ago, without_hurdles
from typer.testing import CliRunner

from optima_cli.cli import app


def days_ahead(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


class Values(dict):
    """Placeholders for the parametrized arguments: ids of the world, and `ago20`, `ahead1` dates."""

    def __missing__(self, key: str) -> str:
        match = re.fullmatch(r"(ago|ahead)(\d+)", key)
        if not match:
            raise KeyError(key)
        n = int(match.group(2))
        return days_ago(n) if match.group(1) == "ago" else days_ahead(n)


def _build(path: Path) -> Values:
    runner = CliRunner()

    def cli(*args: str) -> str:
        result = runner.invoke(app, ["--db", str(path), "--user", "tester", *args])
        assert result.exit_code == 0, (args, result.stderr)
        return result.stdout.strip()

    w = Values()
    w["C1"] = cli("register", "--name", "Muster Hans", "--birth-date", "12.03.1980", "--from", "SD",
                  "--ahv", "756.1234.5678.97", "--consent-on", days_ago(200))
    w["C2"] = cli("register", "--name", "Rav Rita", "--birth-date", "02.02.1985", "--from", "RAV",
                  "--consent-on", days_ago(200))
    w["C3"] = cli("register", "--name", "Iv Ivo", "--birth-date", "03.03.1975", "--from", "IV",
                  "--consent-on", days_ago(200))
    w["C4"] = cli("register", "--name", "Ohne Zustimmung", "--birth-date", "04.04.1990", "--from", "SD")
    w["C5"] = cli("register", "--name", "Iv Abgelehnt", "--birth-date", "05.05.1970", "--from", "SD",
                  "--consent-on", days_ago(200), "--iv-rejected-on", days_ago(90))
    cli("institution", "add", "SD-EMMEN", "--kind", "SD", "--name", "Sozialdienst Emmen")

    # referred, waiting for a decision (C1 SD -> RAV)
    w["REFERRED"] = cli("refer", w["C1"], "--to", "RAV", "--topics", "placement", "--months", "3",
                        "--on", days_ago(20))
    # closed (C1 SD -> IV)
    w["CLOSED"] = cli("refer", w["C1"], "--to", "IV", "--topics", "health", "--months", "3",
                      "--on", days_ago(60))
    cli("accept", w["CLOSED"], "--on", days_ago(55))
    cli("close", w["CLOSED"], "--outcome", "achieved", "--on", days_ago(10))
    # accepted, 3 months, referred by a RAV unit (C2 RAV -> SD)
    w["ACCEPTED"] = cli("refer", w["C2"], "--to", "SD", "--topics", "finances", "--months", "3",
                        "--on", days_ago(40))
    due = date.fromisoformat(cli("accept", w["ACCEPTED"], "--on", days_ago(35)))
    w["due_plus_1"] = (due + timedelta(days=1)).isoformat()
    # accepted, extended once, with a job-search suspension running (C2 RAV -> IV)
    w["EXTENDED"] = cli("refer", w["C2"], "--to", "IV", "--topics", "health", "--months", "3",
                        "--on", days_ago(40))
    cli("accept", w["EXTENDED"], "--on", days_ago(35))
    cli("extend", w["EXTENDED"], "--on", days_ago(5))
    cli("suspend-search", w["EXTENDED"], "--from", days_ago(4), "--until", days_ahead(20))
    # accepted, 6 months, referred by IV (C3 IV -> SD)
    w["IV_ACCEPTED"] = cli("refer", w["C3"], "--to", "SD", "--topics", "finances", "--months", "6",
                           "--on", days_ago(40))
    cli("accept", w["IV_ACCEPTED"], "--on", days_ago(35))
    # rejected (C3 IV -> RAV)
    w["REJECTED"] = cli("refer", w["C3"], "--to", "RAV", "--topics", "placement", "--months", "3",
                        "--on", days_ago(30))
    cli("reject", w["REJECTED"], "--reason", "too-severe", "--on", days_ago(25))
    # withdrawn before acceptance (C5 SD -> RAV)
    w["WITHDRAWN"] = cli("refer", w["C5"], "--to", "RAV", "--topics", "placement", "--months", "3",
                         "--on", days_ago(30))
    cli("withdraw", w["WITHDRAWN"], "--reason", "other", "--note", "moved away", "--on", days_ago(28))
    return w


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Values]:
    path = tmp_path_factory.mktemp("template") / "world.db"
    return path, _build(path)


@pytest.fixture
def world(template: tuple[Path, Values], db_path: Path) -> Values:
    """A private copy of the world in db_path."""
    source_path, values = template
    copy_db(source_path, db_path)
    return values


def assert_refused(result, exit_code: int, fragment: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), (
        f"error output is not one line: {result.stderr!r}")
    assert fragment.lower() in result.stderr.lower(), result.stderr
    assert result.exit_code == exit_code, (result.exit_code, result.stderr)


# (id, arguments, exit code, fragment of the message); {X} are filled from the world
CASES: list[tuple[str, list[str], int, str]] = [
    # --- unknown client, case, institution: refused (1)
    ("unknown-client-refer", ["refer", "C-0099", "--to", "RAV", "--topics", "placement",
                              "--months", "3"], 1, "C-0099"),
    ("unknown-client-show", ["client", "show", "C-0099"], 1, "C-0099"),
    ("unknown-client-update", ["client", "update", "C-0099", "--municipality", "Emmen"], 1, "C-0099"),
    ("unknown-client-check", ["check", "C-0099", "--to", "RAV"], 1, "C-0099"),
    ("unknown-client-ahv", ["client", "show", "756.9217.0769.85"], 1, "756.9217.0769.85"),
    ("unknown-client-list", ["list", "--client", "C-0099"], 1, "C-0099"),
    ("unknown-case-accept", ["accept", "OPT-2020-0042"], 1, "OPT-2020-0042"),
    ("unknown-case-show", ["show", "OPT-2020-0042"], 1, "OPT-2020-0042"),
    ("unknown-case-reject", ["reject", "OPT-2020-0042", "--reason", "too-severe"], 1, "OPT-2020-0042"),
    ("unknown-case-close", ["close", "OPT-2020-0042", "--outcome", "achieved"], 1, "OPT-2020-0042"),
    ("unknown-case-garbage", ["withdraw", "nonsense", "--reason", "consent-withdrawn"], 1, "nonsense"),
    ("unknown-institution-refer", ["refer", "{C1}", "--to", "XYZ", "--topics", "placement",
                                   "--months", "3"], 1, "XYZ"),
    ("unknown-institution-refer-from", ["refer", "{C1}", "--to", "IV", "--from", "XYZ",
                                        "--topics", "health", "--months", "3"], 1, "XYZ"),
    ("unknown-institution-register", ["register", "--name", "Neu Nina", "--birth-date", "1.1.1990",
                                      "--from", "XYZ"], 1, "XYZ"),
    ("unknown-institution-set-contact", ["institution", "set-contact", "XYZ", "--contact", "A. B"],
     1, "XYZ"),
    ("unknown-institution-list", ["list", "--to", "XYZ"], 1, "XYZ"),
    ("unknown-institution-check", ["check", "{C1}", "--to", "XYZ"], 1, "XYZ"),
    # --- impossible dates and bad formats: malformed (2)
    ("impossible-iso", ["accept", "{REFERRED}", "--on", "2025-02-30"], 2, "2025-02-30"),
    ("impossible-swiss", ["accept", "{REFERRED}", "--on", "31.04.2026"], 2, "31.04.2026"),
    ("impossible-month", ["accept", "{REFERRED}", "--on", "2025-13-01"], 2, "2025-13-01"),
    ("bad-format", ["accept", "{REFERRED}", "--on", "2025/01/02"], 2, "2025/01/02"),
    ("bad-word", ["reject", "{REFERRED}", "--reason", "too-severe", "--on", "yesterday"], 2, "yesterday"),
    ("impossible-birth", ["register", "--name", "Neu Nina", "--birth-date", "31.04.2026", "--from", "SD"],
     2, "31.04.2026"),
    ("impossible-refer", ["refer", "{C1}", "--to", "IV", "--topics", "health", "--months", "3",
                          "--on", "2025-02-30"], 2, "2025-02-30"),
    ("impossible-consent", ["client", "update", "{C4}", "--consent-on", "2025-02-30"], 2, "2025-02-30"),
    ("impossible-until", ["suspend-search", "{ACCEPTED}", "--until", "31.04.2026"], 2, "31.04.2026"),
    ("impossible-as-of", ["list", "--as-of", "2025-02-30"], 2, "2025-02-30"),
    ("impossible-due-as-of", ["due", "--as-of", "31.04.2026"], 2, "31.04.2026"),
    # --- dates in the future: refused (1)
    ("future-accept", ["accept", "{REFERRED}", "--on", "{ahead1}"], 1, "{ahead1}"),
    ("future-refer", ["refer", "{C1}", "--to", "IV", "--topics", "health", "--months", "3",
                      "--on", "{ahead1}"], 1, "{ahead1}"),
    ("future-close", ["close", "{ACCEPTED}", "--outcome", "achieved", "--on", "{ahead3}"], 1, "{ahead3}"),
    ("future-withdraw", ["withdraw", "{REFERRED}", "--reason", "consent-withdrawn", "--on", "{ahead1}"],
     1, "{ahead1}"),
    ("future-consent-register", ["register", "--name", "Neu Nina", "--birth-date", "1.1.1990",
                                 "--from", "SD", "--consent-on", "{ahead1}"], 1, "{ahead1}"),
    ("future-birth", ["register", "--name", "Neu Nina", "--birth-date", "{ahead1}", "--from", "SD"],
     1, "{ahead1}"),
    ("future-consent-update", ["client", "update", "{C4}", "--consent-on", "{ahead2}"], 1, "{ahead2}"),
    # a suspension may start later (issue 16), but not after the mandate's end
    ("suspension-start-after-mandate", ["suspend-search", "{ACCEPTED}", "--from", "{due_plus_1}",
                                        "--until", "{due_plus_1}"], 1, "{due_plus_1}"),
    # --- dates before the referral (or the acceptance): refused (1)
    ("accept-before-referral", ["accept", "{REFERRED}", "--on", "{ago21}"], 1, "{ago21}"),
    ("reject-before-referral", ["reject", "{REFERRED}", "--reason", "too-severe", "--on", "{ago30}"],
     1, "before the referral on"),
    ("withdraw-before-referral", ["withdraw", "{REFERRED}", "--reason", "other", "--note", "x",
                                  "--on", "{ago25}"], 1, "{ago25}"),
    ("close-before-referral", ["close", "{ACCEPTED}", "--outcome", "achieved", "--on", "{ago45}"],
     1, "{ago45}"),
    ("close-before-acceptance", ["close", "{ACCEPTED}", "--outcome", "achieved", "--on", "{ago38}"],
     1, "before the acceptance on"),
    ("withdraw-before-acceptance", ["withdraw", "{ACCEPTED}", "--reason", "consent-withdrawn",
                                    "--on", "{ago37}"], 1, "{ago37}"),
    ("suspend-before-acceptance", ["suspend-search", "{ACCEPTED}", "--from", "{ago36}",
                                   "--until", "{ago2}"], 1, "{ago36}"),
    ("refer-before-birth", ["refer", "{C1}", "--to", "IV", "--topics", "health", "--months", "3",
                            "--on", "1970-01-01"], 1, "1970-01-01"),
    # --- invalid AHV numbers: malformed (2)
    ("ahv-check-digit", ["register", "--name", "Neu Nina", "--birth-date", "1.1.1990", "--from", "SD",
                         "--ahv", "756.1234.5678.98"], 2, "756.1234.5678.98"),
    ("ahv-too-short", ["register", "--name", "Neu Nina", "--birth-date", "1.1.1990", "--from", "SD",
                       "--ahv", "756.1234"], 2, "756.1234"),
    ("ahv-update", ["client", "update", "{C2}", "--ahv", "756.1234.5678.98"], 2, "756.1234.5678.98"),
    # --- unknown codes: malformed (2)
    ("unknown-topic", ["refer", "{C1}", "--to", "IV", "--topics", "health,fun", "--months", "3"],
     2, "fun"),
    ("unknown-topic-check", ["check", "{C1}", "--to", "IV", "--topics", "boredom"], 2, "boredom"),
    ("unknown-reason", ["reject", "{REFERRED}", "--reason", "bored"], 2, "bored"),
    ("unknown-withdraw-reason", ["withdraw", "{REFERRED}", "--reason", "bored"], 2, "bored"),
    ("unknown-outcome", ["close", "{ACCEPTED}", "--outcome", "great"], 2, "great"),
    ("unknown-cause", ["close", "{ACCEPTED}", "--outcome", "not-achieved", "--cause", "lazy"], 2, "lazy"),
    ("unknown-kind", ["institution", "add", "SD-KRIENS", "--kind", "ABC", "--name", "Kriens"], 2, "ABC"),
    ("unknown-status", ["list", "--status", "pending"], 2, "pending"),
    ("unknown-format", ["list", "--format", "xml"], 2, "xml"),
    # --- months, notes, causes: malformed (2)
    ("months-4", ["refer", "{C1}", "--to", "IV", "--topics", "health", "--months", "4"], 2, "--months 4"),
    ("months-0", ["refer", "{C1}", "--to", "IV", "--topics", "health", "--months", "0"], 2, "--months"),
    ("months-word", ["refer", "{C1}", "--to", "IV", "--topics", "health", "--months", "three"],
     2, "--months"),
    ("reject-other-no-note", ["reject", "{REFERRED}", "--reason", "other"], 2, "--note"),
    ("reject-other-blank-note", ["reject", "{REFERRED}", "--reason", "other", "--note", "  "], 2, "--note"),
    ("withdraw-other-no-note", ["withdraw", "{ACCEPTED}", "--reason", "other"], 2, "--note"),
    ("not-achieved-no-cause", ["close", "{ACCEPTED}", "--outcome", "not-achieved"], 2, "--cause"),
    ("cause-without-not-achieved", ["close", "{ACCEPTED}", "--outcome", "achieved", "--cause", "other"],
     2, "--cause"),
    ("blank-override", ["refer", "{C5}", "--to", "IV", "--topics", "health", "--months", "3",
                        "--override", "  "], 2, "--override"),
    ("within-negative", ["due", "--within", "-1"], 2, "--within"),
    # --- transitions the life cycle does not allow: refused (1)
    ("accept-closed", ["accept", "{CLOSED}"], 1, "closed"),
    ("accept-accepted", ["accept", "{ACCEPTED}"], 1, "accepted"),
    ("accept-rejected", ["accept", "{REJECTED}"], 1, "rejected"),
    ("accept-withdrawn", ["accept", "{WITHDRAWN}"], 1, "withdrawn"),
    ("close-referred", ["close", "{REFERRED}", "--outcome", "achieved"], 1, "referred"),
    ("close-closed", ["close", "{CLOSED}", "--outcome", "partly"], 1, "closed"),
    ("close-rejected", ["close", "{REJECTED}", "--outcome", "achieved"], 1, "rejected"),
    ("reject-accepted", ["reject", "{ACCEPTED}", "--reason", "too-severe"], 1, "accepted"),
    ("reject-rejected", ["reject", "{REJECTED}", "--reason", "too-severe"], 1, "rejected"),
    ("withdraw-closed", ["withdraw", "{CLOSED}", "--reason", "consent-withdrawn"], 1, "closed"),
    ("withdraw-rejected", ["withdraw", "{REJECTED}", "--reason", "other", "--note", "x"], 1, "rejected"),
    ("withdraw-withdrawn", ["withdraw", "{WITHDRAWN}", "--reason", "other", "--note", "x"], 1, "withdrawn"),
    ("extend-twice", ["extend", "{EXTENDED}"], 1, "already extended"),
    ("extend-six-months", ["extend", "{IV_ACCEPTED}"], 1, "6 months"),
    ("extend-referred", ["extend", "{REFERRED}"], 1, "referred"),
    ("extend-closed", ["extend", "{CLOSED}"], 1, "closed"),
    ("suspend-iv-referrer", ["suspend-search", "{IV_ACCEPTED}", "--from", "{ago30}", "--until", "{ago2}"],
     1, "IV"),
    ("suspend-past-mandate", ["suspend-search", "{ACCEPTED}", "--from", "{ago30}",
                              "--until", "{due_plus_1}"], 1, "{due_plus_1}"),
    ("suspend-twice", ["suspend-search", "{EXTENDED}", "--until", "{ahead10}"], 1, "already"),
    ("suspend-until-before-from", ["suspend-search", "{ACCEPTED}", "--from", "{ago10}",
                                   "--until", "{ago20}"], 1, "{ago20}"),
    ("suspend-referred", ["suspend-search", "{REFERRED}", "--until", "{ahead10}"], 1, "referred"),
    ("suspend-closed", ["suspend-search", "{CLOSED}", "--until", "{ahead10}"], 1, "closed"),
    ("resume-without-suspension", ["resume-search", "{ACCEPTED}"], 1, "{ACCEPTED}"),
    ("resume-referred", ["resume-search", "{REFERRED}"], 1, "referred"),
    # --- duplicates: refused (1)
    ("duplicate-ahv", ["register", "--name", "Anders Anna", "--birth-date", "1.1.1990", "--from", "RAV",
                       "--ahv", "7561234567897"], 1, "{C1}"),
    ("duplicate-name-birth", ["register", "--name", "muster hans", "--birth-date", "1980-03-12",
                              "--from", "RAV"], 1, "{C1}"),
    ("duplicate-by-update", ["client", "update", "{C2}", "--ahv", "756.1234.5678.97"], 1, "{C1}"),
    ("duplicate-institution", ["institution", "add", "sd-emmen", "--kind", "SD", "--name", "Emmen"],
     1, "SD-EMMEN"),
    # --- access criteria: refused (1)
    ("refer-own-kind", ["refer", "{C1}", "--to", "SD", "--topics", "finances", "--months", "3"],
     1, "own kind"),
    ("refer-own-kind-unit", ["refer", "{C1}", "--to", "SD-EMMEN", "--topics", "finances",
                             "--months", "3"], 1, "own kind"),
    ("refer-own-kind-from", ["refer", "{C1}", "--from", "IV", "--to", "iv", "--topics", "health",
                             "--months", "3"], 1, "own kind"),
    ("refer-no-consent", ["refer", "{C4}", "--to", "RAV", "--topics", "placement", "--months", "3"],
     1, "consent"),
    ("refer-consent-after-referral", ["refer", "{C1}", "--to", "IV", "--topics", "health",
                                      "--months", "3", "--on", "{ago201}"], 1, "consent"),
    ("refer-open-to-same-receiver", ["refer", "{C1}", "--to", "RAV", "--topics", "placement",
                                     "--months", "6"], 1, "{REFERRED}"),
    ("refer-iv-rejection-recent", ["refer", "{C5}", "--to", "IV", "--topics", "health", "--months", "3"],
     1, "--override"),
    # --- missing required values off a terminal: malformed (2), naming the option
    ("refer-missing-to", ["refer", "{C1}", "--topics", "health", "--months", "3"], 2, "--to"),
    ("refer-missing-topics", ["refer", "{C1}", "--to", "IV", "--months", "3"], 2, "--topics"),
    ("refer-missing-months", ["refer", "{C1}", "--to", "IV", "--topics", "health"], 2, "--months"),
    ("refer-missing-client", ["refer"], 2, "CLIENT"),
    ("register-missing-name", ["register", "--birth-date", "1.1.1990", "--from", "SD"], 2, "--name"),
    ("register-missing-birth", ["register", "--name", "Neu Nina", "--from", "SD"], 2, "--birth-date"),
    ("register-missing-from", ["register", "--name", "Neu Nina", "--birth-date", "1.1.1990"], 2, "--from"),
    ("reject-missing-reason", ["reject", "{REFERRED}"], 2, "--reason"),
    ("withdraw-missing-reason", ["withdraw", "{REFERRED}"], 2, "--reason"),
    ("close-missing-outcome", ["close", "{ACCEPTED}"], 2, "--outcome"),
    ("suspend-missing-until", ["suspend-search", "{ACCEPTED}"], 2, "--until"),
    ("institution-missing-kind", ["institution", "add", "SD-KRIENS", "--name", "Kriens"], 2, "--kind"),
    ("check-missing-to", ["check", "{C1}"], 2, "--to"),
    ("accept-missing-case", ["accept"], 2, "CASE"),
    # --- other malformed requests (2)
    ("update-nothing", ["client", "update", "{C1}"], 2, "nothing to change"),
    ("update-empty-name", ["client", "update", "{C1}", "--name", "  "], 2, "--name"),
    ("set-contact-nothing", ["institution", "set-contact", "SD"], 2, "--contact"),
    ("set-contact-bad-email", ["institution", "set-contact", "SD", "--email", "nobody"], 2, "nobody"),
    ("institution-bad-code", ["institution", "add", "SD EMMEN!", "--kind", "SD", "--name", "X"],
     2, "SD EMMEN!"),
    ("unknown-command", ["frobnicate"], 2, "frobnicate"),
    ("unknown-option", ["list", "--colour", "red"], 2, "--colour"),
]


@pytest.mark.parametrize(("args", "exit_code", "fragment"),
                         [pytest.param(a, c, f, id=i) for i, a, c, f in CASES])
def test_refused_with_one_line_and_nothing_written(run, snapshot, world, args, exit_code, fragment):
    before = snapshot()
    assert before, "the world was not copied"
    result = run(*(a.format_map(world) for a in args))
    assert_refused(result, exit_code, fragment.format_map(world))
    # nothing written but, for a refer a rule refused, the refusal counted (issue 16)
    assert without_hurdles(snapshot()) == without_hurdles(before)


def test_case_ids_in_the_matrix_exist(world, run):
    """The matrix is only meaningful if the world has the states it claims."""
    import json

    shown = {key: json.loads(run("show", world[key], "--format", "json").stdout)
             for key in ("REFERRED", "ACCEPTED", "EXTENDED", "IV_ACCEPTED", "CLOSED", "REJECTED",
                         "WITHDRAWN")}
    assert {k: v["status"] for k, v in shown.items()} == {
        "REFERRED": "referred", "ACCEPTED": "accepted", "EXTENDED": "accepted",
        "IV_ACCEPTED": "accepted", "CLOSED": "closed", "REJECTED": "rejected", "WITHDRAWN": "withdrawn",
    }
    assert shown["EXTENDED"]["months"] == 6 and shown["EXTENDED"]["extended_on"] == days_ago(5)
    assert shown["EXTENDED"]["search_suspended_until"] == days_ahead(20)
    assert shown["IV_ACCEPTED"]["referrer"] == "IV" and shown["IV_ACCEPTED"]["months"] == 6
    assert shown["ACCEPTED"]["referrer"] == "RAV" and shown["ACCEPTED"]["months"] == 3
    assert (date.fromisoformat(shown["ACCEPTED"]["due_on"]) + timedelta(days=1)).isoformat() == \
        world["due_plus_1"]


def test_refused_override_referral_can_then_be_made_with_justification(run, snapshot, world):
    """The hard-rule refusal says how to deviate; doing so writes exactly one new case."""
    before = snapshot()
    refused = run("refer", world["C5"], "--to", "IV", "--topics", "health", "--months", "3")
    assert_refused(refused, 1, "iv-rejection-recent")
    assert without_hurdles(snapshot()) == without_hurdles(before)  # the refusal counted only
    done = run("refer", world["C5"], "--to", "IV", "--topics", "health", "--months", "3",
               "--override", "medical report confirms a new situation")
    assert done.exit_code == 0, done.stderr
    assert len(snapshot()["referral"]) == len(before["referral"]) + 1


def test_error_on_a_fresh_database_writes_no_case(run, snapshot):
    """Refusals on an empty database: the schema may be created, but no client or case."""
    result = run("accept", "OPT-2026-0001")
    assert_refused(result, 1, "OPT-2026-0001")
    after = snapshot()
    assert after.get("referral", []) == [] and after.get("client", []) == []
