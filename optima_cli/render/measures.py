"""The table views of measures and their cost (rules/measures.py, issue 19)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from optima_cli.language import day, label, t
from optima_cli.render.terminal import out, table
from optima_cli.rules.money import grouped, rappen_of


def hidden(value: str) -> str | None:
    """How a hidden amount of a published report (`report --publish`) is shown, None for an
    amount shown: an amount is hidden with the count of what it sums, and "<3" would read as
    less than three francs, so it is "x" (or "*" when withheld)."""
    if value[:1].isdigit():
        return None
    return "x" if value.startswith("<") else value


def chf(value: str) -> str:
    """An amount as JSON carries it ("1200.50") as a table shows it ("1'200.50")."""
    marker = hidden(value)
    if marker is not None:
        return marker
    return grouped(rappen_of(value))


def decision(r: dict[str, Any]) -> str:
    when = r["approved_on"] or r["declined_on"]
    said = label("MeasureDecision", r["decision"])
    return f"{said} {day(when)}" if when and r["decision"] != "struck" else said


def rows(items: list[dict[str, Any]]) -> Any:
    """Measures as a table; a struck one is dimmed and says why."""
    found, styles = [], []
    for r in items:
        note = r["note"] or ""
        if r["struck_at"]:
            note = t("{text} (struck by {by}: {why})", text=note, by=r["struck_by"],
                     why=r["struck_why"] or "").strip()
        elif r["decline_why"]:
            note = f"{note} ({r['decline_why']})" if note else r["decline_why"]
        found.append([r["case"], r["measure"], label("MeasureKind", r["kind"]), chf(r["cost"]),
                      r["payer"], day(r["requested_on"]), decision(r), note])
        styles.append("dim strike" if r["struck_at"] else "")
    return table([t("case"), t("measure"), t("kind"), t("CHF"), t("payer"), t("requested on"),
                  t("decision"), t("note")], found, styles)


def measures(items: list[dict[str, Any]]) -> None:
    if not items:
        out().print(Text(t("no measures match")))
        return
    out().print(rows(items))


def report_table(f: dict[str, Any]) -> Any:
    """The report's section `measures` as a table: figure, count, CHF."""
    covered = f["costs_covered"]

    def line(name: str, cell: dict[str, Any], event: str = "requested") -> list[Any]:
        return [name, cell[event], chf(cell[f"{event}_chf"])]

    return table([t("figure"), t("count"), t("CHF")], [
        [t("requested"), f["requested"]["count"], chf(f["requested"]["chf"])],
        [t("approved"), f["approved"]["count"], chf(f["approved"]["chf"])],
        [t("declined"), f["declined"]["count"], chf(f["declined"]["chf"])],
        [t("costs covered: {x} of {y}", x=covered["approved"], y=covered["decided"]),
         covered["approved"], chf(covered["approved_chf"])],
        [t("pending at the end"), f["pending_at_end"]["count"], chf(f["pending_at_end"]["chf"])],
        *(line(t("requested: {group}", group=label("MeasureKind", k)), c)
          for k, c in f["by_kind"].items() if c["requested"] or c["approved"]),
        *(line(t("approved, paid by {group}", group=g), c, "approved")
          for g, c in f["by_payer"].items()),
        *(line(t("approved, case with {group}", group=g), c, "approved")
          for g, c in f["by_receiver"].items()),
    ], title=t("measures and their cost"))
