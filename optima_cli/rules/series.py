"""The report's series (`report --series month|quarter|year`): a period cut into sub-periods and
the key figures of each, taken from the report's own figures (rules/figures.py's shape), so that a
figure is counted once, by the report's rules, and the sub-periods add up to the whole period.

Only counts of events in a period are in a series (they add up); medians and the cases open at a
period's end (a stock) are not. The figures are one declared list, FIGURES: a figure of another
section of the report joins the series with one line there (and the section in the counts the
series asks for, workflow/report.py `_counted`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from optima_cli.rules.money import plain, rappen_of

UNITS = ("month", "quarter", "year")


def t_(template: str, /) -> str:
    """Marks a label as English text translated where it is shown (render/; the catalogue test
    finds it by this name); the rules themselves speak no language."""
    return template


@dataclass(frozen=True)
class Figure:
    """One figure of the series: its JSON key, its English label (German in catalogue/de.py) and
    where it is in the report's figures (a path of keys; `{group}` for each group of the
    report, which makes one figure per group); `money`: an amount in francs, a string like
    "1200.50" in the JSON as everywhere (summed in Rappen, never as floats)."""

    key: str
    label: str
    path: tuple[str, ...]
    money: bool = False


# the key figures of a period, in the order of the table's columns
FIGURES: tuple[Figure, ...] = (
    Figure("referrals", t_("referrals"), ("referrals", "total")),
    Figure("referrals_{group}", t_("from {group}"), ("referrals", "by_referrer", "{group}")),
    Figure("accepted", t_("accepted"), ("accepted", "total")),
    Figure("rejected", t_("rejected"), ("rejected", "total")),
    Figure("withdrawn", t_("withdrawn"), ("withdrawn", "total")),
    Figure("closed", t_("closed"), ("closed", "total")),
    Figure("achieved", t_("achieved"), ("closed", "by_outcome", "achieved")),
    Figure("partly", t_("partly"), ("closed", "by_outcome", "partly")),
    Figure("not_achieved", t_("not achieved"), ("closed", "by_outcome", "not-achieved")),
    Figure("employed", t_("employed at closing"), ("closed", "employed")),
    Figure("forwarded", t_("forwarded"), ("forwarded",)),
    Figure("overrides", t_("overrides"), ("overrides",)),
    Figure("follow_ups_first", t_("first follow-ups recorded"), ("follow_up", "first", "recorded")),
    Figure("employed_first", t_("employed at the first follow-up"),
           ("follow_up", "first", "employed")),
    Figure("follow_ups_second", t_("second follow-ups recorded"), ("follow_up", "second", "recorded")),
    Figure("employed_second", t_("employed at the second follow-up"),
           ("follow_up", "second", "employed")),
    Figure("measures_requested", t_("measures requested"), ("measures", "requested", "count")),
    Figure("measures_approved", t_("measures approved"), ("measures", "approved", "count")),
    Figure("costs_approved", t_("costs approved (CHF)"), ("measures", "approved", "chf"), money=True),
)
MONEY = frozenset(f.key for f in FIGURES if f.money)

# the figures the Trend sheet's line chart draws (referrals and outcomes per period)
CHARTED = ("referrals", "achieved", "partly", "not_achieved")


def columns(groups: Sequence[str]) -> list[tuple[str, str, dict[str, str]]]:
    """The series' columns: (JSON key, English label, values for the label) of every figure,
    a figure with `{group}` once per group."""
    result: list[tuple[str, str, dict[str, str]]] = []
    for f in FIGURES:
        if "{group}" in f.key:
            result += [(f.key.format(group=g), f.label, {"group": g}) for g in groups]
        else:
            result.append((f.key, f.label, {}))
    return result


def _at(figures: dict[str, Any], path: tuple[str, ...], group: str | None) -> int | str:
    value: Any = figures
    for step in path:
        value = value[step.format(group=group) if group is not None else step]
    return value if isinstance(value, str) else int(value)


def values(figures: dict[str, Any], groups: Sequence[str]) -> dict[str, int | str]:
    """The series' figures of one (sub-)period, from the report's figures of that period."""
    result: dict[str, int | str] = {}
    for f in FIGURES:
        if "{group}" in f.key:
            for g in groups:
                result[f.key.format(group=g)] = _at(figures, f.path, g)
        else:
            result[f.key] = _at(figures, f.path, None)
    return result


def total(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> dict[str, int | str]:
    """The total row: each figure summed over the periods (all of them are counts of events or
    amounts of them; an amount summed in Rappen)."""
    return {k: plain(sum(rappen_of(r[k]) for r in rows)) if k in MONEY else sum(r[k] for r in rows)
            for k in keys}


def _start_of(day: date, unit: str) -> date:
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def _name(start: date, unit: str) -> str:
    if unit == "month":
        return f"{start:%Y-%m}"
    if unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


STEP = {"month": relativedelta(months=1), "quarter": relativedelta(months=3),
        "year": relativedelta(years=1)}


def cut(start: date, end: date, unit: str) -> list[tuple[str, date, date]]:
    """The period from `start` to `end` (inclusive) cut into calendar months, quarters or years:
    (name, first day, last day) of each; the first and the last may be partial."""
    if unit not in UNITS:
        raise ValueError(unit)
    result = []
    begin = _start_of(start, unit)
    while begin <= end:
        following = begin + STEP[unit]
        result.append((_name(begin, unit), max(begin, start), min(following - timedelta(days=1), end)))
        begin = following
    return result
