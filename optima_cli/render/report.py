"""The report for people (Rich tables and bar charts) and as CSV rows (section,group,key,value): the
report's output, of the figures workflow/report.py read (the workbook: render/workbook.py)."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from optima_cli.language import current, label, plural, t
from optima_cli.render.formats import jsonable
from optima_cli.render.terminal import out, table

BAR_WIDTH = 30


def rows(data: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """Every figure as (section, group, key, value); nested groups joined with dots."""
    result: list[tuple[str, str, str, Any]] = []

    def walk(section: str, path: list[str], value: Any) -> None:
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            value = {str(i): v for i, v in enumerate(value, start=1)}  # published.suppressed
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(section, [*path, str(key)], inner)
        else:
            result.append((section, ".".join(path[:-1]), path[-1] if path else "", value))

    for section, value in jsonable(data).items():
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            value = {str(i): v for i, v in enumerate(value, start=1)}  # settings_changes: by number
        if isinstance(value, dict):
            walk(section, [], value)
        else:
            result.append((section, "", "", value))
    return result


def marked(data: dict[str, Any]) -> dict[str, Any]:
    """The figures of a published report (`report --publish`) with each hidden cell as its marker
    (`markers`), for the table, the CSV and the workbook; the JSON keeps null. Unpublished: as
    they are."""
    published = data.get("published")
    if not published:
        return data
    shown = markers(published["threshold"])
    result = {k: _copied(v) for k, v in data.items()}
    for item in published["suppressed"]:
        node: Any = result
        *path, last = item["cell"].split(".")
        for key in path:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict) and last in node:
            node[last] = shown[item["why"]]
    return result


def _copied(value: Any) -> Any:
    return {k: _copied(v) for k, v in value.items()} if isinstance(value, dict) else value


def markers(threshold: int) -> dict[str, str]:
    """How a hidden cell is shown, by why it is hidden (rules/publish.py)."""
    return {"below-threshold": f"<{threshold}", "derivable": "x", "few-cases": "x",
            "withheld": "*"}


def published_note(published: dict[str, Any]) -> list[str]:
    """The legend of a published report: the table's first lines, rows of the workbook's Summary."""
    n = published["threshold"]
    why = {item["why"] for item in published["suppressed"]}
    return [t("Figures for publication: every count below {n} is shown as <{n}.", n=n),
            *([t("x: hidden so that no <{n} can be worked out from the totals (such a count is {n} "
                 "or more), a median of fewer than {n} cases, or an amount whose count is hidden.", n=n)]
              if why & {"derivable", "few-cases"} else []),
            *([t("*: not published, whatever its value, so that nothing in its table can be "
                 "worked out.")] if "withheld" in why else [])]


def to_csv(data: dict[str, Any]) -> str:
    data = marked(data)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "group", "key", "value"])
    for section, group, key, value in rows(data):
        if isinstance(value, bool):  # as every CSV of optima writes it (render/formats.py)
            value = "true" if value else "false"
        writer.writerow([section, group, key, "" if value is None else value])
    return buffer.getvalue()


def bars(title: str, counts: dict[str, Any], group: str | None = None) -> Table:
    """A horizontal bar chart of counts, drawn with block characters; the keys are codes of the
    code table `group` (shown as their labels), else names shown as they are. A hidden count (a
    marker of `marked`) has no bar."""
    counts = {k: (n if isinstance(n, int) else 0, str(n)) for k, n in counts.items()}
    top = max((n for n, _ in counts.values()), default=0) or 1
    chart = Table.grid(padding=(0, 1))
    chart.min_width = len(title)
    chart.title = title
    chart.title_justify = "left"
    chart.title_style = "bold"
    chart.add_column(justify="left")
    chart.add_column(justify="right")
    chart.add_column()
    for key, (n, shown) in counts.items():
        length = round(BAR_WIDTH * n / top)
        chart.add_row(Text(label(group, key) if group else key), Text(shown),
                      Text("█" * length or ("▏" if n else ""), style="cyan"))
    return chart


def named(name: str) -> bool:
    """Whether a period's name says more than its dates: `2026-10`, `2026-Q3` and `2026` do;
    `until-2026-11-20` and `2026-01-01_2026-03-31` are made for file names and are not shown in
    German, where they would read as dates written the wrong way."""
    return current() == "en" or not (name.startswith("until-") or "_" in name)


def invented_note() -> str:
    """What a report of the demo's data says of its figures (`data["demo"]`): the table's first
    line, and a row of the workbook's Summary."""
    return (t("The figures the evaluation report states are true to it; the outcomes and "
              "durations are invented.")
            + " " + t("The follow-ups after the closing are invented too.")  # issue 19
            + " " + t("The measures and their costs are invented."))


def recorded_note(then: dict[str, Any]) -> str:
    """What a report `--as-recorded` says of its figures (`data["as_recorded"]`): the table's first
    lines, and a row of the workbook's Summary."""
    said = plural(then["cases_changed_since"],
                  "As recorded on {day}: 1 case changed or entered since counts as it was then.",
                  "As recorded on {day}: {n} cases changed or entered since count as they were then.",
                  n=then["cases_changed_since"], day=then["on"])
    if then["cases_erased_since"]:
        said += " " + plural(then["cases_erased_since"],
                             "1 of them was anonymized since and counts as it is now.",
                             "{n} of them were anonymized since and count as they are now.",
                             n=then["cases_erased_since"])
    return said


def render(data: dict[str, Any]) -> None:
    data = marked(data)
    p = data["period"]
    keys = list(data["referrals"]["by_referrer"])
    values = {"start": p["from"] or "-", "end": p["to"], "as_of": p["as_of"]}
    by_kind = data["by"] == "kind"  # else by institution (the only two groupings)
    if not named(p["name"]):  # the name repeats the dates (as in `until-2026-11-20`)
        title = (t("OPTIMA figures: {start} to {end} (as of {as_of}), by kind", **values) if by_kind
                 else t("OPTIMA figures: {start} to {end} (as of {as_of}), by institution", **values))
    elif by_kind:
        title = t("OPTIMA figures {name}: {start} to {end} (as of {as_of}), by kind",
                  name=p["name"], **values)
    else:
        title = t("OPTIMA figures {name}: {start} to {end} (as of {as_of}), by institution",
                  name=p["name"], **values)
    head = Text(title, style="bold")
    ref = data["referrals"]
    total = t("total")
    matrix = table([t("referrer \\ receiver"), *keys, total],
                   [[g, *(ref["matrix"][g][h] for h in keys), ref["by_referrer"][g]] for g in keys]
                   + [[total, *(ref["by_receiver"][h] for h in keys), ref["total"]]],
                   title=t("referrals"))
    decisions = table(
        [t("receiver"), t("referred"), t("accepted"), t("rejected"), t("withdrawn"), t("closed")],
        [[g, ref["by_receiver"][g], data["accepted"]["by_receiver"][g],
          data["rejected"]["by_receiver"][g], data["withdrawn"]["by_receiver"][g],
          data["closed"]["by_receiver"][g]] for g in keys]
        + [[total, ref["total"], data["accepted"]["total"], data["rejected"]["total"],
            data["withdrawn"]["total"], data["closed"]["total"]]],
        title=t("decisions and closings by receiver"))
    closed = data["closed"]
    openings = data["open_at_end"]
    durations = data["durations"]
    facts = table([t("figure"), t("value")], [
        [t("open at the end: referred"), openings["referred"]],
        [t("open at the end: accepted"), openings["accepted"]],
        ["  " + t("of which overdue"), openings["overdue"]],
        ["  " + t("of which job search suspended"), openings["search_suspended"]],
        [t("closed with the client employed"), closed["employed"]],
        [t("median days to decision"), durations["median_days_to_decision"]],
        [t("median days from acceptance to closing"), durations["median_days_accepted_to_closed"]],
        [t("referrals against a hard rule (justified)"), data["overrides"]],
        [t("referrals forwarded to another unit"), data["forwarded"]],
    ], title=t("open cases and durations"))
    note = [Text(invented_note(), style="yellow")] if data.get("demo") else []
    if data.get("as_recorded"):
        note.append(Text(recorded_note(data["as_recorded"]), style="yellow"))
    if data.get("published"):
        note += [Text(line, style="yellow") for line in published_note(data["published"])]
    out().print(Group(
        *note, head, Text(""), matrix, Text(""),
        bars(t("referrals by referrer"), ref["by_referrer"]), Text(""),
        bars(t("referrals by receiver"), ref["by_receiver"]), Text(""),
        decisions, Text(""),
        bars(t("rejection reasons"), data["rejected"]["by_reason"], "RejectReason"), Text(""),
        bars(t("outcomes"), closed["by_outcome"], "Outcome"), Text(""),
        bars(t("causes (not achieved)"), closed["by_cause"], "Cause"), Text(""),
        bars(t("topics of the referrals"), data["topics"], "Topic"), Text(""),
        bars(t("referrals refused by rule"), data["refused_by_rule"], "Rule"), Text(""),
        bars(t("justified exceptions by rule"), data["overrides_by_rule"], "Rule"), Text(""),
        facts, *settings_changes(data["settings_changes"]), *joint_section(data.get("joint")),
        *follow_up_section(data.get("follow_up")),
        *measures_section(data.get("measures")),
    ))


def joint_section(figures: dict[str, Any] | None) -> list[Any]:
    """The table of the joint strategies' figures (issue 18)."""
    if figures is None:
        return []
    from optima_cli.render.joint import report_table

    return [Text(""), report_table(figures)]


def follow_up_section(figures: dict[str, Any] | None) -> list[Any]:
    """The table of the follow-ups after the closing (issue 19)."""
    if figures is None:
        return []
    from optima_cli.render.followup import report_table

    return [Text(""), report_table(figures)]


def measures_section(figures: dict[str, Any] | None) -> list[Any]:
    """The table of measures and their cost (issue 19)."""
    if figures is None:
        return []
    from optima_cli.render.measures import report_table

    return [Text(""), report_table(figures)]


def settings_changes(changes: list[dict[str, Any]]) -> list[Any]:
    """A line per change of the steering group's settings in the period (none: nothing)."""
    if not changes:
        return []
    return [Text(""), Text(t("settings changed in the period"), style="bold"),
            *(Text(t("{day}: {key} from {before} to {after} (version {version})", **c))
              for c in changes)]


def series_header(series: dict[str, Any]) -> list[str]:
    """The series' column names in the language of the output (rules/series.py FIGURES)."""
    from optima_cli.rules.series import FIGURES, columns

    labels = {f.label: f.label for f in FIGURES}  # marked with t_() in rules/series.py
    return [t(labels[text], **values) for _, text, values in columns(series["groups"])]


def render_series(series: dict[str, Any]) -> None:
    """`report --series`: a row per period and a total row (the sum of the rows)."""
    columns = series["columns"]
    title = t("OPTIMA figures per {unit}: {start} to {end} (as of {as_of})",
              unit=label("SeriesUnit", series["series"]), start=series["from"], end=series["to"],
              as_of=series["as_of"])
    note = [Text(recorded_note(series["as_recorded"]), style="yellow")] if series.get("as_recorded") else []
    from optima_cli.render.measures import chf
    from optima_cli.rules.series import MONEY

    def shown(row: dict[str, Any], key: str) -> Any:
        return chf(row[key]) if key in MONEY else row[key]

    body = table([t("period"), *series_header(series)],
                 [[p["period"], *(shown(p, k) for k in columns)] for p in series["periods"]]
                 + [[t("total"), *(shown(series["total"], k) for k in columns)]])
    body.columns[0].no_wrap = True  # the period's name whole, however many figures squeeze in
    out().print(Group(*note, Text(title, style="bold"), body))


def series_csv(series: dict[str, Any]) -> str:
    """`report --series --format csv`: a row per period (period, from, to and the figures by
    their JSON keys); no total row (a script sums)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["period", "from", "to", *series["columns"]])
    for p in series["periods"]:
        writer.writerow([p["period"], p["from"], p["to"], *(p[k] for k in series["columns"])])
    return buffer.getvalue()
