"""Report arithmetic: zero-filled groups, totals, medians, and the shape of the figures.

The counting itself happens in SQL (store/report.py); this module turns the grouped counts into
the report's contract, with every group key present.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from optima_cli.rules.codes import Cause, Outcome, RejectReason, Topic

Counts = dict[str, int]


def zero_filled(keys: Sequence[str], pairs: Iterable[tuple[str | None, int]]) -> Counts:
    """Counts for every key, in the given order, 0 where nothing was counted (or under None)."""
    counts = dict.fromkeys(keys, 0)
    for key, n in pairs:
        if key is not None:
            counts[key] = counts.get(key, 0) + int(n)
    return counts


def matrix(groups: Sequence[str], cells: Iterable[tuple[str, str, int]]) -> dict[str, Counts]:
    table = {g: dict.fromkeys(groups, 0) for g in groups}
    for row, column, n in cells:
        table.setdefault(row, dict.fromkeys(groups, 0))[column] = (
            table.get(row, {}).get(column, 0) + int(n))
    return table


def median_days(histogram: Iterable[tuple[int, int]]) -> int | float | None:
    """The median of whole days given as (days, how many) pairs, as SQL counts them; None when
    there is nothing to measure."""
    pairs = sorted((int(days), int(n)) for days, n in histogram if n > 0)
    total = sum(n for _, n in pairs)
    if not total:
        return None

    def nth(k: int) -> int:  # the k-th smallest duration, counting from 0
        for days, n in pairs:
            if k < n:
                return days
            k -= n
        raise AssertionError("k is below the total")

    value = (nth((total - 1) // 2) + nth(total // 2)) / 2
    return int(value) if value.is_integer() else value


def referrals(groups: Sequence[str], cells: list[tuple[str, str, int]]) -> dict[str, Any]:
    table = matrix(groups, cells)
    by_referrer = {g: sum(row.values()) for g, row in table.items()}
    by_receiver = {g: sum(table[r].get(g, 0) for r in table) for g in groups}
    return {"total": sum(by_referrer.values()), "by_referrer": by_referrer,
            "by_receiver": by_receiver, "matrix": table}


def by_receiver(groups: Sequence[str], pairs: Iterable[tuple[str, int]]) -> dict[str, Any]:
    counts = zero_filled(groups, pairs)
    return {"total": sum(counts.values()), "by_receiver": counts}


def rejected(groups: Sequence[str], rows: list[tuple[str, str | None, int]]) -> dict[str, Any]:
    """rows: (receiver group, reason, n)."""
    result = by_receiver(groups, ((g, n) for g, _, n in rows))
    result["by_reason"] = zero_filled([r.value for r in RejectReason], ((r, n) for _, r, n in rows))
    return result


def closed(groups: Sequence[str],
           rows: list[tuple[str, str | None, str | None, bool | None, int]]) -> dict[str, Any]:
    """rows: (receiver group, outcome, cause, employed, n)."""
    result = by_receiver(groups, ((g, n) for g, *_, n in rows))
    result["by_outcome"] = zero_filled([o.value for o in Outcome], ((o, n) for _, o, _, _, n in rows))
    result["by_cause"] = zero_filled([c.value for c in Cause],
                                     ((c, n) for _, _, c, _, n in rows if c))
    result["employed"] = sum(n for *_, employed, n in rows if employed)
    return result


def topics(pairs: Iterable[tuple[str, int]]) -> Counts:
    return zero_filled([t.value for t in Topic], pairs)


def by_rule(pairs: Iterable[tuple[str, int]]) -> Counts:
    """Counts by access criterion (its rule id), in the order of the rule ids; only the rules
    that counted anything (the rules and their kinds are the steering group's to set)."""
    return dict(sorted(zero_filled([], pairs).items()))


def overrides_by_rule(groups_of_findings: Iterable[tuple[str, int]]) -> Counts:
    """Justified exceptions by the rule(s) that needed them: each (stored findings, referrals)
    counts for every rule that blocked in those findings (the override lifted it). Findings that
    are not optima's (unreadable JSON) count nothing."""
    counted: list[tuple[str, int]] = []
    for text, n in groups_of_findings:
        try:
            findings = json.loads(text or "[]")
        except ValueError:
            continue
        if not isinstance(findings, list):
            continue
        blocked = {f.get("rule") for f in findings
                   if isinstance(f, dict) and f.get("result") == "block" and f.get("rule")}
        counted += [(str(rule), n) for rule in blocked]
    return by_rule(counted)


# --- what a published report hides (rules/publish.py, `report --publish`) -----------------------
# The sums a reader can use to work a hidden cell out: (total, parts), as patterns over the
# report's keys: `*` every key there, `{g}` the same key on both sides. A section added to the
# report declares its sums here (or appends to SUMS); every whole number of the report outside
# NOT_COUNTED is a count and hidden below the threshold.
SUMS: list[tuple[str, str]] = [
    ("referrals.total", "referrals.by_referrer.*"),
    ("referrals.total", "referrals.by_receiver.*"),
    ("referrals.by_referrer.{g}", "referrals.matrix.{g}.*"),
    ("referrals.by_receiver.{g}", "referrals.matrix.*.{g}"),
    ("accepted.total", "accepted.by_receiver.*"),
    ("rejected.total", "rejected.by_receiver.*"),
    ("rejected.total", "rejected.by_reason.*"),
    ("withdrawn.total", "withdrawn.by_receiver.*"),
    ("closed.total", "closed.by_receiver.*"),
    ("closed.total", "closed.by_outcome.*"),
    ("joint.opened", "joint.lead.*"),
    ("joint.closed", "joint.by_outcome.*"),
    # measures (issue 19): requested, approved and declined, by kind, payer and receiver
    ("measures.{d}.count", "measures.by_kind.*.{d}"),
    ("measures.{d}.count", "measures.by_payer.*.{d}"),
    ("measures.{d}.count", "measures.by_receiver.*.{d}"),
    ("measures.costs_covered.approved", "measures.approved.count"),
    ("measures.costs_covered.decided", "measures.approved|declined.count"),
    # follow-ups (issue 19): the due ones recorded, not recorded yet or overdue; the recorded
    # ones by situation; by receiver
    ("follow_up.{p}.due", "follow_up.{p}.recorded|not_recorded_yet|overdue"),
    ("follow_up.{p}.recorded", "follow_up.{p}.by_situation.*"),
    ("follow_up.{p}.employed", "follow_up.{p}.by_situation.employed"),
    ("follow_up.{p}.not_reached", "follow_up.{p}.by_situation.not-reached"),
    *((f"follow_up.{{p}}.{n}", f"follow_up.{{p}}.receiver.*.{n}") for n in ("due", "recorded", "employed")),
]
# Totals at least the sum of their parts (the rest open, withdrawn or struck): over all time a
# receiver's referrals were accepted or rejected or are neither yet, its acceptances closed or
# not yet, and the measures requested decided or pending. Where the numbers do not hold (a
# period with a start) a pair is left out (rules/publish.py at_least).
AT_LEAST: list[tuple[str, str]] = [
    ("referrals.by_receiver.{g}", "accepted.by_receiver.{g} + rejected.by_receiver.{g}"),
    ("referrals.total", "accepted.total + rejected.total"),
    ("accepted.by_receiver.{g}", "closed.by_receiver.{g}"),
    ("accepted.total", "closed.total + open_at_end.accepted"),
    ("closed.total", "closed.employed"),
    ("closed.total", "closed.by_cause.*"),
    ("measures.requested.count", "measures.costs_covered.decided + measures.pending_at_end.count"),
]
# Amounts in francs -> the count of what each sums (same bound names): an amount is hidden
# whenever its count is (rules/publish.py).
AMOUNTS: list[tuple[str, str]] = [
    ("measures.{d}.chf", "measures.{d}.count"),
    *((f"measures.{by}.{{g}}.{d}_chf", f"measures.{by}.{{g}}.{d}")
      for by in ("by_kind", "by_payer", "by_receiver") for d in ("requested", "approved", "declined")),
    *((f"measures.costs_covered.{d}_chf", f"measures.costs_covered.{d}") for d in ("approved", "decided")),
]
# Figures that are not counts (a median, an amount) -> the counts of the cases behind them (summed):
# hidden when those cases are fewer than the threshold.
MEASURED: dict[str, tuple[str, ...]] = {
    "durations.median_days_to_decision": ("accepted.total", "rejected.total"),
    "durations.median_days_accepted_to_closed": ("closed.total",),
}
# Sections (or dotted paths) whose whole numbers are not counts of cases.
NOT_COUNTED: list[str] = ["period", "by", "durations", "settings_changes", "demo", "as_recorded",
                          "published", "follow_up.first.months", "follow_up.second.months"]
