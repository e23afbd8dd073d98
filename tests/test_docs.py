"""The help texts: every command has an example, and docs/cli.md is what --help says today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from typer.testing import CliRunner

from optima_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _cli_docs():
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for command in _cli_docs().COMMANDS:
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, command
        assert "Example: optima" in result.stdout, f"optima {' '.join(command)} --help has no example"


def test_every_command_is_in_the_reference():
    import typer.main

    group = typer.main.get_command(app)
    listed = {tuple(c) for c in _cli_docs().COMMANDS}
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            assert all((name, sub) in listed for sub in subcommands), name
        else:
            assert (name,) in listed, name


def test_docs_cli_md_is_current():
    module = _cli_docs()
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == module.render(), (
        "docs/cli.md is out of date: run python scripts/cli_docs.py"
    )
