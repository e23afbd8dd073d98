"""The command line: a thin layer that parses options, calls one workflow function, renders.

Heavy imports (SQLModel, openpyxl) happen inside the commands, so `optima --help` stays fast.
"""

from __future__ import annotations

from optima_cli.cli import cases, clients, institutions, views  # noqa: F401  (register commands)
from optima_cli.cli.root import app


def main() -> None:
    app()


__all__ = ["app", "main"]
