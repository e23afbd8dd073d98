"""Report periods: a month, a quarter, a year, a custom range, or everything so far.

Periods are inclusive. Each has a name used in file names (`optima-{period}.xlsx`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from optima_cli.errors import UsageProblem
from optima_cli.language import t
from optima_cli.rules.dates import check_year

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Period:
    name: str
    start: date | None  # None: from the first referral on
    end: date
    as_of: date

    @property
    def state_day(self) -> date:
        """The day whose end-of-day state `open_at_end` describes: the period end, not after as-of."""
        return min(self.end, self.as_of)


def _month(text: str, as_of: date) -> Period:
    if text.strip().lower() == "last":
        first = as_of.replace(day=1) - relativedelta(months=1)
    else:
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise UsageProblem(t("--month {text!r} is not a month; write 2026-10, or last",
                                 text=text))
        check_year(int(match.group(1)), text)
        first = date(int(match.group(1)), int(match.group(2)), 1)
    last = first + relativedelta(months=1) - timedelta(days=1)
    return Period(f"{first:%Y-%m}", first, last, as_of)


def _quarter(text: str, as_of: date) -> Period:
    match = _QUARTER.match(text.strip())
    if not match:
        raise UsageProblem(t("--quarter {text!r} is not a quarter; write 2026-Q3", text=text))
    year, q = int(match.group(1)), int(match.group(2))
    check_year(year, text)
    first = date(year, 3 * q - 2, 1)
    last = first + relativedelta(months=3) - timedelta(days=1)
    return Period(f"{year}-Q{q}", first, last, as_of)


def _year(text: str, as_of: date) -> Period:
    if not _YEAR.match(text.strip()):
        raise UsageProblem(t("--year {text!r} is not a year; write 2026", text=text))
    year = int(text)
    check_year(year, text)
    return Period(str(year), date(year, 1, 1), date(year, 12, 31), as_of)


def choose(as_of: date, month: str | None = None, quarter: str | None = None,
           year: str | None = None, start: date | None = None, end: date | None = None) -> Period:
    """The one period the options name; none gives everything up to the as-of day."""
    given = [name for name, value in (("--month", month), ("--quarter", quarter), ("--year", year))
             if value]
    if start or end:
        given.append("--from/--to")
    if len(given) > 1:
        raise UsageProblem(t("give one period only, not {options}",
                             options=t(" and ").join(given)))
    if month:
        return _month(month, as_of)
    if quarter:
        return _quarter(quarter, as_of)
    if year:
        return _year(year, as_of)
    if start or end:
        if not (start and end):
            raise UsageProblem(t("--from and --to go together; give both dates"))
        if end < start:
            raise UsageProblem(t("--to {end} is before --from {start}", end=end, start=start))
        return Period(f"{start}_{end}", start, end, as_of)
    return Period(f"until-{as_of}", None, as_of, as_of)
