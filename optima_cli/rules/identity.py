"""Identity of a client: the Swiss AHV number (AHVN13), the key names are compared by, and ids as
people type them."""

from __future__ import annotations

import re
import unicodedata

from optima_cli.errors import UsageProblem

# numbers of up to 9 digits: a longer one names no client or case (and overflows the database's integers)
_CLIENT_ID = re.compile(r"^(?:c-?)?0*(\d{1,9})$", re.IGNORECASE)
_CASE_ID = re.compile(r"^(?:opt-)?(\d{4})-0*(\d{1,9})$", re.IGNORECASE)
_JOINT_ID = re.compile(r"^(?:gs-)?(\d{4})-0*(\d{1,9})$", re.IGNORECASE)
_AHV_FORMATTED = re.compile(r"756\.[0-9]{4}\.[0-9]{4}\.[0-9]{2}")


def normalize_ahv(text: str) -> str:
    """Validate an AHV number and return it as 756.XXXX.XXXX.XC; refuse it with the reason."""
    # python-stdnum is imported on first use: its import costs 5 ms on every start
    raw = (text or "").strip()
    if _AHV_FORMATTED.fullmatch(raw):  # already as stored (imports): only the check digit
        from stdnum import ean

        digits = raw.replace(".", "")
        if ean.calc_check_digit(digits[:-1]) == digits[-1]:
            return raw
    from stdnum.ch import ssn
    from stdnum.exceptions import InvalidChecksum, ValidationError

    try:
        number = ssn.validate(raw)
    except InvalidChecksum:
        raise UsageProblem.refused("ahv-check-digit", raw=raw) from None
    except ValidationError:
        raise UsageProblem.refused("ahv-format", raw=raw) from None
    return ssn.format(number)


def name_key(name: str) -> str:
    """The name as clients are compared by, the same on every database: Unicode NFKC (full-width
    letters, a decomposed accent and its precomposed letter are one), case folded (`MÜLLER` is
    `müller`, `STRASSE` is `straße`), format characters such as a zero-width space dropped, and
    blanks collapsed to one space. A dotted capital I folds to a plain i (`ALİ` is `Ali`)."""
    text = "".join(ch for ch in (name or "") if unicodedata.category(ch) != "Cf")
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.replace("i\u0307", "i").split())


def format_client_id(number: int) -> str:
    return f"C-{number:04d}"


def parse_client_id(text: str) -> int | None:
    """`C-0007`, `c7` or `7` give 7; anything else gives None."""
    match = _CLIENT_ID.match((text or "").strip())
    return int(match.group(1)) if match else None


def client_numbers_starting(prefix: str, most_digits: int = 10) -> list[tuple[int, int]]:
    """The numbers whose client id (format_client_id) starts with `prefix` (`C-00`, `c-12`, `C`),
    as ranges from..to (both included), for completing an id without reading every client."""
    text = (prefix or "").strip().upper()
    if not text.startswith("C-"):
        return [(0, 10**most_digits - 1)] if "C-".startswith(text) else []
    digits = text[2:]
    if digits and not (digits.isascii() and digits.isdigit()):
        return []
    found = []
    for length in range(max(len(digits), 4), most_digits + 1):  # ids of this many digits
        low, high = (0 if length == 4 else 10 ** (length - 1)), 10**length - 1
        if digits:
            scale = 10 ** (length - len(digits))
            low, high = max(low, int(digits) * scale), min(high, (int(digits) + 1) * scale - 1)
        if low <= high:
            found.append((low, high))
    return found


def format_case_id(year: int, seq: int) -> str:
    return f"OPT-{year}-{seq:04d}"


def parse_case_id(text: str) -> tuple[int, int] | None:
    """`OPT-2026-0001`, `opt-2026-1` or `2026-1` give (2026, 1); anything else gives None."""
    match = _CASE_ID.match((text or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def format_joint_id(year: int, seq: int) -> str:
    """The id of a joint strategy (gemeinsame Strategie): GS-2026-0001."""
    return f"GS-{year}-{seq:04d}"


def parse_joint_id(text: str) -> tuple[int, int] | None:
    """`GS-2026-0001`, `gs-2026-1` or `2026-1` give (2026, 1); anything else gives None."""
    match = _JOINT_ID.match((text or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None
