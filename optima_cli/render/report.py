"""The report for people (Rich tables and bar charts) and as CSV rows (section,group,key,value)."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from optima_cli.render.formats import jsonable
from optima_cli.render.terminal import out, table

BAR_WIDTH = 30


def rows(data: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """Every figure as (section, group, key, value); nested groups joined with dots."""
    result: list[tuple[str, str, str, Any]] = []

    def walk(section: str, path: list[str], value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(section, [*path, str(key)], inner)
        else:
            result.append((section, ".".join(path[:-1]), path[-1] if path else "", value))

    for section, value in jsonable(data).items():
        if isinstance(value, dict):
            walk(section, [], value)
        else:
            result.append((section, "", "", value))
    return result


def to_csv(data: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "group", "key", "value"])
    for section, group, key, value in rows(data):
        writer.writerow([section, group, key, "" if value is None else value])
    return buffer.getvalue()


def bars(title: str, counts: dict[str, int]) -> Table:
    """A horizontal bar chart of counts, drawn with block characters."""
    top = max(counts.values(), default=0) or 1
    chart = Table.grid(padding=(0, 1))
    chart.min_width = len(title)
    chart.title = title
    chart.title_justify = "left"
    chart.title_style = "bold"
    chart.add_column(justify="left")
    chart.add_column(justify="right")
    chart.add_column()
    for label, n in counts.items():
        length = round(BAR_WIDTH * n / top)
        chart.add_row(Text(label), Text(str(n)), Text("█" * length or ("▏" if n else ""), style="cyan"))
    return chart


def render(data: dict[str, Any]) -> None:
    p = data["period"]
    keys = list(data["referrals"]["by_referrer"])
    head = Text(f"OPTIMA figures {p['name']}: {p['from'] or '-'} to {p['to']} "
                f"(as of {p['as_of']}), by {data['by']}", style="bold")
    ref = data["referrals"]
    matrix = table(["referrer \\ receiver", *keys, "total"],
                   [[g, *(ref["matrix"][g][h] for h in keys), ref["by_referrer"][g]] for g in keys]
                   + [["total", *(ref["by_receiver"][h] for h in keys), ref["total"]]],
                   title="referrals")
    decisions = table(
        ["receiver", "referred", "accepted", "rejected", "withdrawn", "closed"],
        [[g, ref["by_receiver"][g], data["accepted"]["by_receiver"][g],
          data["rejected"]["by_receiver"][g], data["withdrawn"]["by_receiver"][g],
          data["closed"]["by_receiver"][g]] for g in keys]
        + [["total", ref["total"], data["accepted"]["total"], data["rejected"]["total"],
            data["withdrawn"]["total"], data["closed"]["total"]]],
        title="decisions and closings by receiver")
    closed = data["closed"]
    openings = data["open_at_end"]
    durations = data["durations"]
    facts = table(["figure", "value"], [
        ["open at the end: referred", openings["referred"]],
        ["open at the end: accepted", openings["accepted"]],
        ["  of which overdue", openings["overdue"]],
        ["  of which job search suspended", openings["search_suspended"]],
        ["closed with the client employed", closed["employed"]],
        ["median days to decision", durations["median_days_to_decision"]],
        ["median days from acceptance to closing", durations["median_days_accepted_to_closed"]],
        ["referrals against a hard rule (justified)", data["overrides"]],
    ], title="open cases and durations")
    out().print(Group(
        head, Text(""), matrix, Text(""),
        bars("referrals by referrer", ref["by_referrer"]), Text(""),
        bars("referrals by receiver", ref["by_receiver"]), Text(""),
        decisions, Text(""),
        bars("rejection reasons", data["rejected"]["by_reason"]), Text(""),
        bars("outcomes", closed["by_outcome"]), Text(""),
        bars("causes (not achieved)", closed["by_cause"]), Text(""),
        bars("topics of the referrals", data["topics"]), Text(""),
        facts,
    ))
