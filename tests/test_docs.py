"""The help texts: every command has an example, and docs/cli.md is what --help says today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
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


@pytest.mark.in_process  # the generator's own CliRunner, in this process (scripts/cli_docs.py)
def test_docs_cli_md_is_current():
    module = _cli_docs()
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == module.render(), (
        "docs/cli.md is out of date: run python scripts/cli_docs.py"
    )


def _worked_example() -> list[tuple[str, list[str]]]:
    """The README's worked example: each `$ optima ...` line with the lines it shows as output."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## A worked example: one case"):text.index("## Commands")]
    steps: list[tuple[str, list[str]]] = []
    for block in section.split("```sh\n")[1:]:
        for line in block.split("```")[0].splitlines():
            if line.startswith("$ optima "):
                steps.append((line[len("$ optima "):].split("  #")[0].strip(), []))
            elif line.strip():
                steps[-1][1].append(line.strip())
    return steps


def test_the_worked_example_of_the_readme_runs_as_written(tmp_path: Path) -> None:
    """Every command of the README's worked example succeeds on a new database and prints what
    the README shows (its dates lie in the past, so that it keeps working as time goes on)."""
    import shlex

    runner = CliRunner()
    steps = _worked_example()
    assert len(steps) >= 9
    for command, shown in steps:
        result = runner.invoke(app, ["--db", str(tmp_path / "example.db"), *shlex.split(command)])
        assert result.exit_code == 0, (command, result.stderr)
        if shown:
            assert result.stdout.split() == " ".join(shown).split(), command
