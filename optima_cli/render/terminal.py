"""The terminal: consoles for data (stdout) and messages (stderr), and safe cells.

Colour only on a terminal and never with NO_COLOR (Rich honours it); every value from the
database is shown as plain text, never interpreted as Rich markup.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

WIDE = 200  # width of plain output when not on a terminal, so rows do not wrap in pipes


def _console(stderr: bool) -> Console:
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else int(os.environ.get("COLUMNS") or WIDE)
    return Console(stderr=stderr, highlight=False, width=width, soft_wrap=False)


def out() -> Console:
    return _console(stderr=False)


def err() -> Console:
    return _console(stderr=True)


def cell(value: Any, style: str = "") -> Text:
    """A value as plain text (markup in names and notes stays literal)."""
    if value is None:
        return Text("")
    if isinstance(value, bool):
        return Text("yes" if value else "no", style=style)
    if isinstance(value, date):
        return Text(value.isoformat(), style=style)
    if isinstance(value, (list, tuple)):
        return Text(", ".join(str(v) for v in value), style=style)
    return Text(str(value), style=style)


def table(columns: list[str], rows: list[list[Any]], styles: list[str] | None = None,
          title: str | None = None) -> Table:
    t = Table(title=title, header_style="bold", title_justify="left", show_edge=False)
    for column in columns:
        t.add_column(column, overflow="fold")
    for index, row in enumerate(rows):
        style = styles[index] if styles else ""
        t.add_row(*(cell(v) for v in row), style=style or None)
    return t


def message(text: str, style: str = "") -> None:
    err().print(Text(text, style=style))


def warning(text: str) -> None:
    err().print(Text.assemble(("warning: ", "yellow bold"), text))


def key_values(pairs: list[tuple[str, Any]], title: str | None = None) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    if title:
        t.title = title
    for key, value in pairs:
        t.add_row(Text(key), cell(value))
    return t
