"""A case as it was recorded on a past day (issue 17: `optima report --as-recorded DATE`).

The audit trail keeps every change of a case with the values it changed: the referral's event holds
the whole case as it was created, and each later event (an action, an amendment, an undo, a
reopen) the values it set. Folding a case's events up to a moment, in the trail's order, gives the
case as the database held it then: the figures of a closed period can be shown as they were
reported, before the corrections and the late entries made since.

Pure: the store reads the events (store/as_recorded.py), this decides what they add up to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from optima_cli.rules.lifecycle import mandate_due
from optima_cli.rules.records import SUSPENSION_VALUES, SUSPENSIONS

# the keys of an event's values that name a job-search suspension, not a value of the case
_FROM, _UNTIL, _RESUMED = SUSPENSION_VALUES
# the keys that are not values of the referral's row (who the case is, or what an undo took back)
_NOT_VALUES = frozenset({"case", "client", "referrer", "undone", "note", SUSPENSIONS,
                         *SUSPENSION_VALUES})


class Then(NamedTuple):
    """A case as recorded at a moment: the values of its record (by the JSON record's keys, dates
    as ISO text as the trail keeps them; `receiver` a unit's code), its job-search suspensions
    (start: until, ended), and its forwardings (day, from unit, to unit)."""

    values: dict[str, Any]
    suspensions: dict[str, tuple[str | None, str | None]]
    forwards: list[tuple[date | None, str, str]]


class Step(NamedTuple):
    """An event of a case as the trail keeps it."""

    action: str
    on_date: date | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _day(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _suspensions(held: dict[str, tuple[str | None, str | None]], before: dict[str, Any],
                 after: dict[str, Any]) -> None:
    """A change of the suspensions as an event records it: all of them after it (events since
    issue 17's review), else one started (its days after only), one ended or running again (its
    days on both sides), one taken back (its days before only)."""
    if SUSPENSIONS in after:
        held.clear()
        held.update({_day(start) or "": (_day(until), _day(ended))
                     for start, until, ended in after[SUSPENSIONS]})
        return
    was, now = _day(before.get(_FROM)), _day(after.get(_FROM))
    if now is not None:
        until, ended = held.get(now, (None, None))
        held[now] = (_day(after.get(_UNTIL, until)), _day(after.get(_RESUMED, ended)))
    elif was is not None and _FROM in before and _FROM not in after:
        held.pop(was, None)  # a suspension taken back (undo)


def replay(events: Iterable[Step]) -> Then | None:
    """The case its events add up to, in the trail's order, up to the moment asked for. None if
    its referral is not among them (recorded later)."""
    then: Then | None = None
    for action, on_date, before, after in events:
        if action == "refer":
            then = Then({}, {}, [])
        if then is None or action.startswith("follow-up"):  # not the case's values (issue 19)
            continue
        before, after = before or {}, after or {}
        then.values.update({k: v for k, v in after.items() if k not in _NOT_VALUES})
        _suspensions(then.suspensions, before, after)
        if action == "forward" and "receiver" in before and "receiver" in after:
            then.forwards.append((on_date, before["receiver"], after["receiver"]))
    if then is not None:
        then.values["first_due_on"] = _first_due(then.values)
    return then


def _first_due(values: dict[str, Any]) -> str | None:
    """The mandate end before an extension, which the trail does not keep: it follows from the
    acceptance (3 months when extended), as the actions compute it."""
    decided, due = values.get("decided_on"), values.get("due_on")
    if not decided or not due:
        return None
    if not values.get("extended_on"):
        return _day(due)
    return mandate_due(date.fromisoformat(decided), 3).isoformat()
