"""The report's section `follow_up` for people (issue 19): one row per figure, a column per
follow-up (6 and 12 months after the closing), in the table view and the workbook's Summary."""

from __future__ import annotations

from typing import Any

from optima_cli.language import label, t
from optima_cli.render.terminal import table


def header(figures: dict[str, Any]) -> list[str]:
    return [t("follow-ups after the closing"),
            *(t("after {months} months", months=figures[p]["months"]) for p in ("first", "second"))]


def rows(figures: dict[str, Any]) -> list[list[Any]]:
    """(figure, first, second): due in the period, recorded by situation, not recorded yet,
    overdue (not recorded a month after the due day: never counted as not reached), and by
    receiver."""
    first, second = figures["first"], figures["second"]
    found: list[list[Any]] = [
        [t("due in the period"), first["due"], second["due"]],
        [t("follow-ups recorded"), first["recorded"], second["recorded"]],
        *([label("Situation", code), first["by_situation"][code], second["by_situation"][code]]
          for code in first["by_situation"]),
        [t("not recorded yet"), first["not_recorded_yet"], second["not_recorded_yet"]],
        [t("overdue (not recorded a month after the due day)"), first["overdue"],
         second["overdue"]]]
    for group in first["receiver"]:
        a, b = first["receiver"][group], second["receiver"][group]
        found.append([t("receiver {group}: due, recorded, employed", group=group),
                      f"{a['due']}, {a['recorded']}, {a['employed']}",
                      f"{b['due']}, {b['recorded']}, {b['employed']}"])
    return found


def report_table(figures: dict[str, Any]) -> Any:
    """The section as a table for the terminal."""
    return table(header(figures), rows(figures))
