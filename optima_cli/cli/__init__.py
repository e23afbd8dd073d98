"""The command line: a thin layer that parses options, calls one workflow function, renders.

The root (root.py) builds only the command that runs; heavy imports (SQLModel, openpyxl) happen
inside the commands, so `optima --help` stays fast.
"""

from __future__ import annotations

from optima_cli.cli.root import app


def main() -> None:
    app()


__all__ = ["app", "main"]
