"""Issue 14's acceptance: every option and argument of every command, fed hostile values.

The commands are found by walking the Click command tree that the root builds from its
catalogue (cli/root.CATALOGUE), so a new command or option is covered without touching this
file. Each value goes into one parameter of a command whose other required values are valid,
on a small SQLite world of clients and cases. Whatever the value:

- the exit code is 0, 1 or 2, never a traceback;
- a refusal (1 or 2) is one line on stderr and writes nothing (the database is dumped before
  and after);
- an accepted value (0) that was stored is stored exactly as given;
- stderr never carries a character that acts on a terminal.

In-process (CliRunner), one world built once and restored only after a command that changed it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_db, days_ago, dump
from typer import _click
from typer.main import get_command
from typer.testing import CliRunner

from optima_cli.cli import app
from optima_cli.cli.root import CATALOGUE, build_command

ROOT = Path(__file__).resolve().parent.parent

HOSTILE: dict[str, str] = {
    "year-1": "0001-01-01",
    "year-9999": "9999-12-31",
    "feb-31": "31.02.2026",
    "month-13": "2026-13-01",
    "huge": str(10**23),
    "minus-one": "-1",
    "not-utf8": "caf\udce9",  # bytes that are not UTF-8, as Python hands them over
    "escapes": "\x1b[31mred\x1b[0m \x1b]8;;http://evil.example\x07link\x1b]8;;\x07",
    "nul": "a\x00b",
    "bell-c1-del": "ring\x07 \x9b2J \x85 \x7f",
    "empty": "",
    "long": "x" * 5000,
}

# commands that answer 1 with a verdict on stdout, not an error (blocked, unwell, broken)
VERDICTS = {("check",), ("doctor",), ("audit", "verify")}
# commands of the shared server alone: on the SQLite file of these tests they refuse (exit 1)
SERVER_ONLY = {("access", "grant"), ("access", "revoke"), ("access", "list")}


def days_ahead(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


# --- the world ------------------------------------------------------------------------------

def _build(path: Path) -> dict[str, str]:
    runner = CliRunner()

    def cli(*args: str) -> str:
        result = runner.invoke(app, ["--db", str(path), "--user", "tester", *args])
        assert result.exit_code == 0, (args, result.stderr)
        return result.stdout.strip()

    w = {"C1": cli("register", "--name", "Muster Hans", "--birth-date", "12.03.1980", "--from", "SD",
                   "--consent-on", days_ago(200)),
         "C2": cli("register", "--name", "Rav Rita", "--birth-date", "02.02.1985", "--from", "RAV",
                   "--consent-on", days_ago(200)),
         "C3": cli("register", "--name", "Iv Abgelehnt", "--birth-date", "05.05.1970", "--from", "SD",
                   "--consent-on", days_ago(200), "--iv-rejected-on", days_ago(90))}
    w["REFERRED"] = cli("refer", w["C1"], "--to", "RAV", "--topics", "placement", "--months", "3",
                        "--on", days_ago(20))
    w["ACCEPTED"] = cli("refer", w["C2"], "--to", "SD", "--topics", "finances", "--months", "3",
                        "--on", days_ago(40))
    cli("accept", w["ACCEPTED"], "--on", days_ago(35))
    w["SUSPENDED"] = cli("refer", w["C2"], "--to", "IV", "--topics", "health", "--months", "3",
                         "--on", days_ago(40))
    cli("accept", w["SUSPENDED"], "--on", days_ago(35))
    cli("suspend-search", w["SUSPENDED"], "--from", days_ago(4), "--until", days_ahead(20))
    closed = cli("refer", w["C1"], "--to", "IV", "--topics", "health", "--months", "3",
                 "--on", days_ago(60))
    cli("accept", closed, "--on", days_ago(55))
    cli("close", closed, "--outcome", "achieved", "--on", days_ago(10))
    w["CLOSED"] = closed
    w["JOINT"] = cli("joint", "open", w["C3"], "--lead", "SD", "--with", "IV", "--goal", "Budget",
                     "--review-on", days_ahead(30), "--on", days_ago(5))
    # a measure awaiting its decision, that approve, decline and strike name (issue 19)
    cli("measure", "add", w["SUSPENDED"], "--kind", "course", "--cost", "500", "--on", days_ago(30))
    # a second RAV unit, that `forward` can send the referral to RAV on to (issue 18)
    cli("institution", "add", "RAV-SURSEE", "--kind", "RAV", "--name", "RAV Sursee")
    # a case closed 300 days ago: its follow-up 6 months after the closing is due (issue 19)
    w["C4"] = cli("register", "--name", "Spaet Sina", "--birth-date", "04.04.1975", "--from", "SD",
                  "--consent-on", days_ago(500))
    w["FOLLOWUP"] = cli("refer", w["C4"], "--to", "RAV", "--topics", "placement", "--months", "3",
                        "--on", days_ago(400))
    cli("accept", w["FOLLOWUP"], "--on", days_ago(395))
    cli("close", w["FOLLOWUP"], "--outcome", "achieved", "--on", days_ago(300))
    return w


# The valid values each command needs (placeholders {X} from the world). The hostile value
# replaces the one of its parameter; the others stay valid. Keys are command paths.
BASE: dict[tuple[str, ...], list[str]] = {
    ("register",): ["--name", "Neu Nina", "--birth-date", "1.1.1990", "--from", "SD"],
    ("client", "show"): ["{C1}"],
    ("client", "update"): ["{C1}", "--municipality", "Emmen"],
    ("check",): ["{C1}", "--to", "IV"],
    # a recent IV rejection: the referral needs --override, so that its text is stored
    ("refer",): ["{C3}", "--to", "IV", "--topics", "health", "--months", "3",
                 "--override", "new medical report"],
    ("accept",): ["{REFERRED}"],
    ("reject",): ["{REFERRED}", "--reason", "too-severe"],
    ("withdraw",): ["{REFERRED}", "--reason", "other", "--note", "moved away"],
    ("extend",): ["{ACCEPTED}"],
    ("suspend-search",): ["{ACCEPTED}", "--until", days_ahead(10)],
    ("resume-search",): ["{SUSPENDED}"],
    ("close",): ["{ACCEPTED}", "--outcome", "achieved"],
    ("assign",): ["{ACCEPTED}", "--counsellor", "D. Frei"],
    ("forward",): ["{REFERRED}", "--to", "RAV-SURSEE", "--note", "moved to Sursee"],
    ("inbox",): ["--unit", "SD"],
    ("undo",): ["{ACCEPTED}", "--why", "accepted the wrong case"],
    ("reopen",): ["{CLOSED}", "--why", "closed by mistake"],
    ("amend",): ["{ACCEPTED}", "--goal", "a stable flat", "--why", "entered wrongly"],
    ("note",): ["{ACCEPTED}", "Gespräch geführt"],
    ("show",): ["{REFERRED}"],
    ("joint", "open"): ["{C1}", "--lead", "SD", "--with", "IV,RAV", "--goal", "Budget und Stelle",
                        "--review-on", days_ahead(30)],
    ("joint", "review"): ["{JOINT}", "--next", days_ahead(40), "--note", "Budget steht"],
    ("joint", "close"): ["{JOINT}", "--outcome", "partly", "--note", "Stelle gefunden"],
    ("joint", "show"): ["{JOINT}"],
    ("measure", "add"): ["{SUSPENDED}", "--kind", "coaching", "--cost", "1'200.50", "--note",
                         "Bewerbungscoaching"],
    ("measure", "approve"): ["{SUSPENDED}", "1"],
    ("measure", "decline"): ["{SUSPENDED}", "1", "--why", "zu teuer"],
    ("measure", "strike"): ["{SUSPENDED}", "1", "--why", "doppelt erfasst"],
    ("follow-up",): ["{FOLLOWUP}", "--at", "6", "--situation", "other", "--note", "moved away"],
    ("import",): [str(ROOT / "sample_data" / "import-template.csv"), "--dry-run"],
    ("institution", "add"): ["SD-NEU", "--kind", "SD", "--name", "Sozialdienst Neu"],
    ("institution", "set-contact"): ["SD", "--contact", "A. Huber"],
    ("institution", "set-counsellor"): ["SD", "C. Roth", "--email", "c.roth@example.ch"],
    ("settings", "set"): ["due-days", "20"],
    ("backup",): ["backup.db"],
    ("anonymize",): ["--closed-before", days_ago(400), "--dry-run"],
    ("db", "copy"): ["--to", "copy.db"],
    ("access", "grant"): ["anna", "--unit", "SD"],
    ("access", "revoke"): ["anna", "--unit", "SD"],
}
ROOT_BASE = ["institution", "add", "SD-NEU", "--kind", "SD", "--name", "Sozialdienst Neu"]


def _commands() -> Iterator[tuple[tuple[str, ...], _click.Command]]:
    def walk(command: _click.Command, path: tuple[str, ...]) -> Iterator[Any]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name in subcommands:
                yield from walk(subcommands[name], (*path, name))
        else:
            yield path, command

    for _, entries in CATALOGUE:
        for name, module, _ in entries:
            yield from walk(build_command(module, name), (name,))


_COMMANDS = dict(_commands())


def _takes_a_value(param: _click.Parameter) -> bool:
    return param.param_type_name == "argument" or (
        not getattr(param, "is_flag", False) and "--help" not in param.opts)


def _name(param: _click.Parameter) -> str:
    """An option by its first name, an argument by its metavar (CASE, CLIENT, FILE, CODE)."""
    return param.opts[0] if param.param_type_name == "option" else (param.metavar or param.name)


def _invocation(path: tuple[str, ...], command: _click.Command, param: _click.Parameter,
                value: str) -> list[str]:
    """The command line: the base values of the command with `value` as `param`'s."""
    base = list(BASE.get(path, []))
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    # the arguments the base gives: those before its first option (an optional one too, as the
    # TEXT of `note`), at most as many as the command takes
    given = next((i for i, a in enumerate(base) if a.startswith("-")), len(base))
    positional = base[:min(given, len(arguments))]
    options = base[len(positional):]
    if param.param_type_name == "argument":
        index = arguments.index(param)
        positional = (positional + [""] * len(arguments))[:max(len(positional), index + 1)]
        positional[index] = value
        return [*path, *positional, *options]
    if param.opts[0] in options:  # replace the base value of this option
        at = options.index(param.opts[0])
        options = options[:at] + options[at + 2:]
    return [*path, *positional, *options, param.opts[0], value]


def _cases() -> Iterator[Any]:
    root = get_command(app)
    for param in root.params:
        if param.opts[0] in ("--db", "--user", "--lang"):
            for key in HOSTILE:
                yield pytest.param(("optima",), param.opts[0], key,
                                   id=f"optima {param.opts[0]} {key}")
    for path, command in _COMMANDS.items():
        for param in command.params:
            if not _takes_a_value(param):
                continue
            name = _name(param)
            for key in HOSTILE:
                yield pytest.param(path, name, key, id=f"{' '.join(path)} {name} {key}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Any]:
    path = tmp_path_factory.mktemp("hostile") / "world.db"
    values = _build(path)
    return path, values, dump(path)


@pytest.fixture(scope="module")
def working(world, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world the commands run on: a copy, restored after a command that changed it."""
    path = tmp_path_factory.mktemp("working") / "optima.db"
    copy_db(world[0], path)
    return path


@pytest.fixture(scope="module")
def optima() -> Iterator[CliRunner]:
    """A runner of the root command built once, whose commands are built on first use and
    kept (Typer's runner builds the whole tree again for every invocation)."""
    import typer.testing

    built, original = get_command(app), typer.testing._get_command
    typer.testing._get_command = lambda _app: built
    try:
        yield CliRunner()
    finally:
        typer.testing._get_command = original


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the commands run: the files they write (backups, workbooks, copies) go here."""
    return tmp_path_factory.mktemp("cwd")


@pytest.fixture
def in_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(folder)
    yield folder
    for leftover in folder.iterdir():
        leftover.unlink()


def _raw_controls(text: str) -> list[str]:
    return [ch for ch in text if (ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) <= 0x9f]


def _stored(value: str, rows: dict[str, list[tuple]]) -> bool:
    """The value in a column as given, or in an event's JSON payload as JSON writes it."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    return any(isinstance(cell, str) and any(form in cell for form in forms)
               for table in rows.values() for row in table for cell in row)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("path", "param", "key"), list(_cases()))
def test_a_hostile_value_is_refused_in_one_line_or_kept_exactly(
        world, working, optima, in_folder, path, param, key, backend):
    template, values, before = world
    value = HOSTILE[key]
    if path == ("optima",):
        if param == "--db":
            args = ["--db", value, "--user", "tester", "list"]
        else:
            args = ["--db", str(working), *(["--user", "tester"] if param != "--user" else []),
                    param, value, *ROOT_BASE]
    else:
        command = _COMMANDS[path]
        target = next(p for p in command.params if _name(p) == param)
        line = [a.format_map(values) for a in _invocation(path, command, target, "\0VALUE\0")]
        args = ["--db", str(working), "--user", "tester",
                *(value if a == "\0VALUE\0" else a for a in line)]
    result = optima.invoke(app, args)
    after = dump(working)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code in (0, 1, 2), (result.exit_code, output)
    assert _raw_controls(result.stderr) == [], result.stderr
    try:
        if result.exit_code != 0:
            verdict = result.exit_code == 1 and path in VERDICTS and result.stderr == ""
            if not verdict:
                assert result.stderr.startswith("error: "), result.stderr
                assert result.stderr.count("\n") == 1, f"not one line: {result.stderr!r}"
            assert after == before, "a refused command changed the database"
        elif after != before and value.strip():
            assert _stored(value, after), f"{value[:40]!r} not stored as given"
    finally:
        if after != before:
            copy_db(template, working)


def test_every_command_runs_with_its_base_values(world, working, tmp_path, monkeypatch):
    """The matrix means something only if each command succeeds with the values it starts from."""
    template, values, before = world
    monkeypatch.chdir(tmp_path)
    for path in _COMMANDS:
        if path == ("demo",):
            continue  # builds a demo database: its --db is fed the hostile values alone
        args = [a.format_map(values) for a in [*path, *BASE.get(path, [])]]
        result = CliRunner().invoke(app, ["--db", str(working), "--user", "tester", *args])
        if path in SERVER_ONLY:
            assert result.exit_code == 1 and "shared PostgreSQL server" in result.stderr, \
                (args, result.stderr)
            continue
        assert result.exit_code == 0 or path in VERDICTS, (args, result.stderr)
        if dump(working) != before:
            copy_db(template, working)
    for name in ("backup.db", "copy.db"):
        os.remove(tmp_path / name)
