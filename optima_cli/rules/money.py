"""Money: Swiss francs with centimes, kept as whole Rappen (integers), never as floats (issue 19).

`parse_chf` reads an amount as counsellors type it: "1200", "1200.50", "1'200.50" (the Swiss
thousands mark, straight or typographic), "1200.-" (whole francs), "CHF 1200", "Fr. 1200", and
"1200,50" (a comma before one or two digits is the decimal mark; "1,200" is refused as it could
mean either). Negative amounts, more than two decimals and anything else are refused (a usage
problem: exit 2) with a sentence that shows the form. `plain` is the amount as JSON and CSV carry
it (a string, "1200.50"), `grouped` as a table shows it ("1'200.50").
"""

from __future__ import annotations

import re

from optima_cli.errors import UsageProblem

RAPPEN = 100  # Rappen in a franc
MAX_RAPPEN = 100_000_000_00  # 100 million francs: more than any one measure costs
_CURRENCY = re.compile(r"^(?:chf|sfr\.?|fr\.?)\s*|\s*(?:chf|sfr\.?|fr\.?)$", re.IGNORECASE)
_MARKS = "'’‘ \u00a0\u202f"  # thousands marks: apostrophes and (narrow, no-break) spaces
_GROUPED = re.compile(r"^\d{1,3}(?:[" + _MARKS + r"]\d{3})+$")


def parse_chf(text: str, field: str = "cost") -> int:
    """The amount `text` in Rappen (see the module's text); refused as `field`."""
    raw = (text or "").strip()
    cleaned = _CURRENCY.sub("", raw).strip()
    if cleaned.startswith(("-", "−")):
        raise UsageProblem.refused("money-negative", field, raw=raw)
    cleaned = cleaned.removeprefix("+")
    for whole in (".-", ".–", ".—", ",-", ",–"):
        if cleaned.endswith(whole):
            cleaned = cleaned[:-len(whole)] + ".00"
            break
    francs, mark, cents = cleaned, "", ""
    for sep in (".", ","):
        if sep in cleaned:
            francs, mark, cents = cleaned.rpartition(sep)
            break
    if mark == "," and len(cents) == 3 and cents.isdigit():
        raise UsageProblem.refused("money-ambiguous", field, raw=raw)
    if any(c in francs for c in ".,"):
        raise UsageProblem.refused("not-money", field, raw=raw)
    if any(c in francs for c in _MARKS):
        if not _GROUPED.match(francs):
            raise UsageProblem.refused("not-money", field, raw=raw)
        francs = "".join(c for c in francs if c.isdigit())
    if mark and not (cents.isascii() and cents.isdigit()):
        raise UsageProblem.refused("not-money", field, raw=raw)
    if len(cents) > 2:
        raise UsageProblem.refused("money-decimals", field, raw=raw)
    if not francs.isascii() or not francs.isdigit():
        raise UsageProblem.refused("not-money", field, raw=raw)
    rappen = int(francs) * RAPPEN + int((cents or "0").ljust(2, "0"))
    if rappen > MAX_RAPPEN:
        raise UsageProblem.refused("money-too-large", field, raw=raw, most=grouped(MAX_RAPPEN))
    return rappen


def plain(rappen: int) -> str:
    """The amount as JSON and CSV carry it: "1200.50", a string, never a number."""
    sign = "-" if rappen < 0 else ""
    francs, cents = divmod(abs(rappen), RAPPEN)
    return f"{sign}{francs}.{cents:02d}"


def rappen_of(amount: str) -> int:
    """An amount as `plain` writes it ("1200.50", "-3.05") back in Rappen."""
    sign = -1 if amount.startswith("-") else 1
    francs, _, cents = amount.lstrip("-").partition(".")
    return sign * (int(francs) * RAPPEN + int(cents.ljust(2, "0") or 0))


def grouped(rappen: int) -> str:
    """The amount as a table shows it: "1'200.50"."""
    sign = "-" if rappen < 0 else ""
    francs, cents = divmod(abs(rappen), RAPPEN)
    return f"{sign}{francs:,}".replace(",", "'") + f".{cents:02d}"
