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

from optima_cli.language import day, t
from optima_cli.render.inert import visible

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
    """A value as plain text: markup in names and notes stays literal, control codes visible."""
    if value is None:
        return Text("")
    if isinstance(value, bool):
        return Text(t("yes") if value else t("no"), style=style)
    if isinstance(value, date):
        return Text(day(value), style=style)
    if isinstance(value, (list, tuple)):
        return Text(visible(", ".join(str(v) for v in value)), style=style)
    return Text(visible(str(value)), style=style)


def _title(title: str | None) -> Text | None:
    """A title as plain text: it may quote a path the user typed (markup literal, codes visible)."""
    return Text(visible(title), style="table.title") if title else None


def table(columns: list[str], rows: list[list[Any]], styles: list[str] | None = None,
          title: str | None = None) -> Table:
    t = Table(title=_title(title), header_style="bold", title_justify="left", show_edge=False)
    for column in columns:
        t.add_column(column, overflow="fold")
    for index, row in enumerate(rows):
        style = styles[index] if styles else ""
        t.add_row(*(cell(v) for v in row), style=style or None)
    return t


def message(text: str, style: str = "") -> None:
    err().print(Text(visible(text), style=style))


def warning(text: str) -> None:
    err().print(Text.assemble((t("warning: "), "yellow bold"), visible(text)))


def key_values(pairs: list[tuple[str, Any]], title: str | None = None) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.title = _title(title)
    for key, value in pairs:
        t.add_row(Text(key), cell(value))
    return t


PROGRESS_FROM = 1000  # rows: smaller jobs finish before a bar would be worth drawing


class Progress:
    """A progress bar on stderr for a long job (more than PROGRESS_FROM rows), drawn only on a
    terminal and gone when the job ends; silent in scripts and pipes.

        with Progress("importing cases.csv") as bar:
            do_the_job(progress=bar.update)   # bar.update(done, total)
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._task: Any = None
        self._console = err()
        self._silent = not self._console.is_terminal

    def update(self, done: int, total: int) -> None:
        if self._silent or total <= PROGRESS_FROM:
            return
        if self._bar is None:
            from rich.markup import escape
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(console=self._console, transient=True)
            self._task = self._bar.add_task(escape(visible(self.label)), total=total)
            self._bar.start()
        self._bar.update(self._task, completed=done, total=total)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
