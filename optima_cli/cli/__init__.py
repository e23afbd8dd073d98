"""The command line: a thin layer that parses options, calls one workflow function, renders.

Heavy imports (SQLModel, openpyxl) happen inside the commands, so `optima --help` stays fast.
"""

from __future__ import annotations

from optima_cli.cli import clients, cases, views, report, importing, demo, institutions, admin  # noqa: F401,I001  (order of --help)
from optima_cli.cli.root import app


def main() -> None:
    app()


__all__ = ["app", "main"]
