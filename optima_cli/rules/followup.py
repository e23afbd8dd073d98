"""Follow-ups after the closing (issue 19): what became of the client 6 and 12 months later.

The evaluation asks for a benefit "nicht ausschliesslich aus einer raschen, sondern vor allem auch
aus einer nachhaltigen Wiedereingliederung". A closed case (closed: not withdrawn, not rejected)
is due two follow-ups, `first` and `second`, at closed_on + the months of the steering group's
settings in force at the end of the closing day (`follow-up-first-months`, `-second-months`,
defaults 6 and 12). The schedule is derived from the closing and those settings, never stored:
an amend, undo or reopen of the closing moves or removes it without more.

The referrer records each one (`optima follow-up CASE --at 6 --situation CODE`): from
EARLY_DAYS before its due day on, once; a correction (`--correct --why`) replaces it, with an
audit event naming before and after. One not recorded RECORD_MONTHS after its due day is
`overdue` in the figures; it is `not-reached` only when so marked, never silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import text
from optima_cli.rules.actions import Person, refuse_anonymized
from optima_cli.rules.codes import Situation, Status
from optima_cli.rules.corrections import justification
from optima_cli.rules.settings import Settings

POINTS = ("first", "second")  # the two follow-ups, whatever their months
EARLY_DAYS = 14  # a follow-up may be recorded from this many days before its due day
RECORD_MONTHS = 1  # not recorded this long after its due day: overdue in the figures


@dataclass(frozen=True, slots=True)
class Scheduled:
    """One follow-up of a closed case: which, its months after the closing, its due day."""

    point: str  # first, second
    months: int
    due_on: date


@dataclass(frozen=True, slots=True)
class Recorded:
    """A follow-up as recorded: the contact day, what became of the client (since when)."""

    point: str
    months: int
    due_on: date
    situation: str
    contact_on: date
    since: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Decided:
    recorded: Recorded
    action: str  # follow-up, follow-up-correct
    before: dict[str, Any] | None
    after: dict[str, Any]
    why: str | None = None  # a correction's justification, cleaned


def months_of(settings: Settings, point: str) -> int:
    return settings.follow_up_first_months if point == "first" else settings.follow_up_second_months


def due_day(closed_on: date, months: int) -> date:
    """The due day of a follow-up `months` after the closing (end of month clipped)."""
    return closed_on + relativedelta(months=months)


def overdue_after(due_on: date) -> date:
    """The last day a follow-up may be recorded before it counts as overdue."""
    return due_on + relativedelta(months=RECORD_MONTHS)


def schedule(status: str, closed_on: date | None, settings: Settings) -> tuple[Scheduled, ...]:
    """The follow-ups of a case under the settings of its closing day; none if not closed."""
    if status != Status.CLOSED.value or closed_on is None:
        return ()
    return tuple(Scheduled(p, months_of(settings, p), due_day(closed_on, months_of(settings, p)))
                 for p in POINTS)


def record(found: Recorded | None, item: Scheduled) -> dict[str, Any]:
    """A follow-up as JSON keys it (the contract: CHANGELOG), scheduled or recorded."""
    return {"point": item.point, "months": item.months, "due_on": item.due_on,
            "recorded": found is not None,
            "situation": found.situation if found else None,
            "since": found.since if found else None,
            "contact_on": found.contact_on if found else None,
            "note": found.note if found else None}


def _values(r: Recorded) -> dict[str, Any]:
    # not the case's keys (months, note, ...): the trail's replay of a case must not take them
    return {"follow_up": r.point, "follow_up_months": r.months, "follow_up_due_on": r.due_on,
            "situation": r.situation, "situation_since": r.since, "contact_on": r.contact_on,
            "follow_up_note": r.note}


def decide(*, case: str, status: str, referred_on: date, closed_on: date | None,
           planned: tuple[Scheduled, ...], at: int, situation: Situation, since: date | None,
           on: date, today: date, note: str | None, existing: Recorded | None,
           correct: bool = False, why: str | None = None,
           client: Person | None = None) -> Decided:
    """Record (or, with `correct`, correct) the follow-up `at` months after the closing of `case`
    on the contact day `on`; not for a `client` anonymized (nothing personal is written again)."""
    if client is not None:
        refuse_anonymized(client, correcting=True)
    cleaned = text.free_text(note, "note")
    if situation == Situation.EMPLOYED and since is None:
        raise UsageProblem.refused("follow-up-since-required", "since")
    if situation != Situation.EMPLOYED and since is not None:
        raise UsageProblem.refused("follow-up-since-not-employed", "since", situation=situation.value)
    if situation == Situation.OTHER and cleaned is None:
        raise UsageProblem.refused("follow-up-note-required", "note")
    if correct:
        why = justification(why)
    elif why is not None:
        raise UsageProblem.refused("follow-up-why-alone", "why")
    if status != Status.CLOSED.value or closed_on is None or not planned:
        raise OptimaError.refused("follow-up-not-closed", case=case, status=status)
    item = next((p for p in planned if p.months == at), None)
    if item is None:
        raise UsageProblem.refused("follow-up-not-scheduled", "at", case=case, at=at,
                                   points=", ".join(str(p.months) for p in planned))
    if on > today:
        raise OptimaError.refused("in-the-future", what="follow-up", day=on, today=today)
    earliest = item.due_on - timedelta(days=EARLY_DAYS)
    if on < earliest:
        raise OptimaError.refused("follow-up-too-early", "on", case=case, at=at, due_on=item.due_on,
                                  earliest=earliest)
    if since is not None:
        if since > on:
            raise OptimaError.refused("follow-up-since-after", "since", since=since, on=on)
        if since < referred_on:
            raise OptimaError.refused("follow-up-since-before", "since", since=since, case=case,
                                      referred_on=referred_on)
    if existing is not None and not correct:
        raise OptimaError.refused("follow-up-recorded", case=case, at=at,
                                  contact_on=existing.contact_on, situation=existing.situation)
    if existing is None and correct:
        raise OptimaError.refused("follow-up-nothing-to-correct", case=case, at=at)
    done = Recorded(item.point, item.months, item.due_on, situation.value, on, since, cleaned)
    return Decided(done, "follow-up-correct" if correct else "follow-up",
                   _values(existing) if existing else None, _values(done), why)


# --- the figures: which closings have their follow-up due in a period (for SQL) -----------------

Span = tuple[date | None, date | None]  # closing days from .. to, inclusive; None: open


def regimes(changes: Sequence[tuple[date, Settings]]) -> list[tuple[Span, Settings]]:
    """The spans of closing days each settings held for: `changes` are (the first day a
    settings held at the end of, those settings), in order of the day; before the first, the
    defaults."""
    found: list[tuple[Span, Settings]] = []
    start: date | None = None
    current = Settings()
    for day, settings in changes:
        if start is None or day > start:
            found.append(((start, day - timedelta(days=1)), current))
            start = day
        current = settings
    found.append(((start, None), current))
    return [(span, s) for span, s in found if span[0] is None or span[1] is None
            or span[0] <= span[1]]


def settings_on(spans: list[tuple[Span, Settings]], closed_on: date) -> Settings:
    """The settings of `regimes` in force for a closing on `closed_on`."""
    for (lo, hi), settings in spans:
        if (lo is None or lo <= closed_on) and (hi is None or closed_on <= hi):
            return settings
    return Settings()


def _first_at_least(f: Callable[[date], date], x: date, guess: date) -> date:
    """The first day c with f(c) >= x, for f non-decreasing and `guess` near it."""
    c = guess
    while f(c) < x:
        c += timedelta(days=1)
    while f(c - timedelta(days=1)) >= x:
        c -= timedelta(days=1)
    return c


def _last_at_most(f: Callable[[date], date], y: date, guess: date) -> date:
    """The last day c with f(c) <= y, for f non-decreasing and `guess` near it."""
    c = guess
    while f(c) > y:
        c -= timedelta(days=1)
    while f(c + timedelta(days=1)) <= y:
        c += timedelta(days=1)
    return c


def _meet(a: Span, b: Span) -> Span | None:
    lo = a[0] if b[0] is None else b[0] if a[0] is None else max(a[0], b[0])
    hi = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    return None if lo is not None and hi is not None and lo > hi else (lo, hi)


def closings_due(spans: list[tuple[Span, Settings]], point: str, start: date | None,
                 end: date) -> list[Span]:
    """The closing days whose follow-up `point` falls due from `start` to `end`."""
    found = []
    for span, settings in spans:
        m = months_of(settings, point)

        def f(c: date, m: int = m) -> date:
            return due_day(c, m)

        guess_end = end - relativedelta(months=m)
        wanted: Span = (_first_at_least(f, start, start - relativedelta(months=m))
                        if start is not None else None, _last_at_most(f, end, guess_end))
        met = _meet(span, wanted)
        if met is not None:
            found.append(met)
    return found


def closings_overdue(spans: list[tuple[Span, Settings]], point: str, day: date) -> list[Span]:
    """The closing days whose follow-up `point` is overdue on `day` if not recorded (its
    recording time ended before `day`)."""
    found = []
    for span, settings in spans:
        m = months_of(settings, point)

        def f(c: date, m: int = m) -> date:
            return overdue_after(due_day(c, m))

        last = _last_at_most(f, day - timedelta(days=1),
                             day - relativedelta(months=m + RECORD_MONTHS))
        met = _meet(span, (None, last))
        if met is not None:
            found.append(met)
    return found
