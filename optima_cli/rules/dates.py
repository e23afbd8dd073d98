"""Dates as people type them, and the rules that keep a case's dates in order."""

from __future__ import annotations

import calendar
import re
from datetime import date

from optima_cli.errors import OptimaError, UsageProblem

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SWISS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")



# the years optima takes: every date it computes from one (a mandate's end, a deadline, a look
# ahead of --within days) stays far from the ends of Python's calendar (years 1 and 9999)
FIRST_YEAR, LAST_YEAR = 1900, 2199


def check_year(year: int, raw: str) -> None:
    """Refuse a year outside FIRST_YEAR..LAST_YEAR: `raw` is the value as typed."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageProblem.refused("year-out-of-range", raw=raw, first=FIRST_YEAR, last=LAST_YEAR)


def parse_date(text: str) -> date:
    """Read `2026-11-20` or `20.11.2026`; refuse anything else, and impossible days, with a hint."""
    raw = (text or "").strip()
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-" and raw.replace("-", "").isascii():
        try:  # the common case, quickly; anything odd gets the checks and messages below
            parsed = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            check_year(parsed.year, raw)
            return parsed
    match = _ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _SWISS.match(raw)
        if not match:
            raise UsageProblem.refused("not-a-date", raw=raw)
        day, month, year = (int(g) for g in match.groups())
    check_year(year, raw)
    if not 1 <= month <= 12:
        raise UsageProblem.refused("no-such-month", raw=raw, month=month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise UsageProblem.refused("no-such-day", raw=raw, month=month, year=year, last=last)
    return date(year, month, day)


def format_date(value: date | None) -> str:
    """Dates shown to people: ISO, as they can type them back."""
    return value.isoformat() if value else ""


def add_months(start: date, months: int) -> date:
    """Calendar months, clamped at month end (31 Aug + 6 months = 28/29 Feb), as dateutil's
    relativedelta counts them (done by hand: it runs for every mandate and criterion)."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_before(day: date, months: int) -> date:
    return add_months(day, -months)


def ensure_not_future(day: date, today: date, what: str) -> None:
    """`what` is the code of the date (catalogue/en.py PHRASES["what"]: referral, birth, accept)."""
    if day > today:
        raise OptimaError.refused("in-the-future", what=what, day=day, today=today)


def ensure_birth_date(day: date, today: date) -> None:
    ensure_not_future(day, today, "birth")
    if day.year < 1900:
        raise OptimaError.refused("birth-implausible", day=day)
