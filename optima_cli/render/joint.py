"""The table views of joint strategies (gemeinsame Strategien, rules/joint.py)."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text

from optima_cli.language import current, day, label, t, t_
from optima_cli.render.terminal import key_values, out, table


def _status(value: str) -> str:
    return label("JointStatus", value)


# the readable names of a joint strategy's keys (the workbook's header in German; in English
# the keys themselves, what scripts and formulas use)
NAMES = {"joint": t_("joint strategy"), "client": t_("client"), "status": t_("status"),
         "lead": t_("lead"), "with": t_("with"), "goal": t_("goal"), "opened_on": t_("opened on"),
         "review_on": t_("next review"), "reviews": t_("reviews"), "closed_on": t_("closed on"),
         "outcome": t_("outcome"), "cause": t_("cause"), "from_case": t_("from case")}


def heading(key: str) -> str:
    return key if current() == "en" else t(NAMES[key])


def report_table(figures: dict[str, Any]) -> Any:
    """The report's section `joint` as a table: figure, value."""
    return table([t("figure"), t("value")], [
        [t("opened"), figures["opened"]], [t("closed"), figures["closed"]],
        *([label("Outcome", k), n] for k, n in figures["by_outcome"].items()),
        *([t("lead: {group}", group=g), n] for g, n in figures["lead"].items()),
        [t("open at the end"), figures["open_at_end"]]], title=t("joint strategies"))


def _outcome(r: dict[str, Any]) -> str:
    if not r["outcome"]:
        return ""
    cause = f" ({label('Cause', r['cause'])})" if r["cause"] else ""
    return label("Outcome", r["outcome"]) + cause


def strategies(items: list[dict[str, Any]]) -> None:
    if not items:
        out().print(Text(t("no joint strategies match")))
        return
    out().print(table(
        [t("joint strategy"), t("client"), t("status"), t("lead"), t("with"), t("opened on"),
         t("next review"), t("closed on"), t("outcome"), t("goal")],
        [[r["joint"], r["client"], _status(r["status"]), r["lead"], ", ".join(r["with"]),
          day(r["opened_on"]), day(r["review_on"]) if r["status"] == "open" else "",
          day(r["closed_on"]) if r["closed_on"] else "", _outcome(r), r["goal"]]
         for r in items]))


def strategy(r: dict[str, Any]) -> None:
    pairs: list[tuple[str, Any]] = [
        (t("joint strategy"), r["joint"]), (t("client"), r["client"]),
        (t("status"), _status(r["status"])), (t("lead"), r["lead"]),
        (t("with"), ", ".join(r["with"])), (t("goal"), r["goal"]),
        (t("opened on"), day(r["opened_on"])),
        (t("next review"), day(r["review_on"]) if r["status"] == "open" else None),
        (t("closed on"), day(r["closed_on"]) if r["closed_on"] else None),
        (t("outcome"), _outcome(r)), (t("closing note"), r["close_note"]),
        (t("from case"), r["from_case"])]
    parts: list[Any] = [key_values([(k, v) for k, v in pairs if v not in (None, "")])]
    if r.get("review_history"):
        parts += [Text("\n" + t("reviews"), style="bold"),
                  table([t("on"), t("next review"), t("note")],
                        [[day(v["on"]), day(v["next_on"]), v["note"]]
                         for v in r["review_history"]])]
    out().print(Group(*parts))
