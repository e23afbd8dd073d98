"""`optima --help` stays fast: it must not import SQLModel, SQLAlchemy or openpyxl, nor build
the commands it lists; the catalogue it lists them from says what the commands say."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest

from optima_cli.cli.root import SUMMARIES

pytestmark = pytest.mark.slow  # each test starts Python in a subprocess

PROBE = """
import sys
from optima_cli.cli import app
sys.argv = ["optima", {args}]
try:
    app()
except SystemExit:
    pass
heavy = sorted(m for m in ("sqlmodel", "sqlalchemy", "openpyxl", "pydantic") if m in sys.modules)
print("HEAVY:" + ",".join(heavy), file=sys.stderr)
commands = sorted(m for m in sys.modules if m.startswith("optima_cli.cli.") and
                  m not in ("optima_cli.cli.root", "optima_cli.cli.options", "optima_cli.cli.resident"))
print("COMMANDS:" + ",".join(commands), file=sys.stderr)
"""


def _probe(*args: str, env: dict[str, str] | None = None) -> dict[str, str]:
    code = PROBE.format(args=", ".join(repr(a) for a in args))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, **(env or {})})
    found = {}
    for key in ("HEAVY", "COMMANDS"):
        line = [ln for ln in result.stderr.splitlines() if ln.startswith(f"{key}:")][-1]
        found[key] = line.removeprefix(f"{key}:")
    return found


def _heavy_imports(*args: str, env: dict[str, str] | None = None) -> str:
    return _probe(*args, env=env)["HEAVY"]


def test_help_and_version_import_no_database_or_excel_library():
    assert _heavy_imports("--help") == ""
    assert _heavy_imports("--version") == ""
    # a command's own help builds its options, which Typer checks with Pydantic: not the others
    assert _heavy_imports("report", "--help") in ("", "pydantic")


def test_help_version_and_completion_build_no_command():
    assert _probe("--help")["COMMANDS"] == ""
    assert _probe("--version")["COMMANDS"] == ""
    completing = {"_OPTIMA_COMPLETE": "complete_bash", "COMP_WORDS": "optima re", "COMP_CWORD": "1"}
    assert _probe(env=completing) == {"HEAVY": "", "COMMANDS": ""}
    # a command's own help builds that command's module only
    assert _probe("due", "--help")["COMMANDS"] == "optima_cli.cli.reading"


def test_completion_offers_the_commands_of_the_catalogue():
    completing = {**os.environ, "_OPTIMA_COMPLETE": "complete_bash", "COMP_WORDS": "optima re",
                  "COMP_CWORD": "1"}
    code = "import sys; from optima_cli.cli import app; sys.argv = ['optima']; app()"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env=completing)
    assert result.stdout.split() == [name for name in SUMMARIES if name.startswith("re")]
    assert set(result.stdout.split()) == {"register", "refer", "reject", "resume-search", "reopen", "report"}


def test_the_catalogue_lists_every_command_with_its_own_summary():
    """--help lists the commands from a catalogue without building them: each entry must be a
    command of its module, its summary the first line of that command's help, and no command
    may be missing from it."""
    import typer.main

    from optima_cli.cli.root import CATALOGUE, build_command

    listed = [name for _, entries in CATALOGUE for name, _, _ in entries]
    assert len(listed) == len(set(listed))
    for _, entries in CATALOGUE:
        for name, module, summary in entries:
            command = build_command(module, name)
            assert command.name == name
            assert (command.help or "").splitlines()[0] == summary, name
    modules = {module for _, entries in CATALOGUE for _, module, _ in entries}
    for module in modules:
        registry = importlib.import_module(f"optima_cli.cli.{module}").app
        names = [info.name or typer.main.get_command_name(info.callback.__name__)
                 for info in registry.registered_commands] + [g.name for g in registry.registered_groups]
        assert set(names) <= set(listed), (module, set(names) - set(listed))


def test_the_probe_can_see_heavy_imports(tmp_path):
    # a command that opens the database does import them: the probe above is not blind
    assert "sqlmodel" in _heavy_imports("--db", str(tmp_path / "x.db"), "list")
