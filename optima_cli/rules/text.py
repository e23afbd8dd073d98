"""Text values: what a name, a free text, a unit code and an e-mail address may hold.

The commands and the import use the same checks. A name must show something once blanks and
invisible characters (zero-width spaces and joiners, byte-order marks, blank filler letters) are
set aside; names hold at most NAME_MAX characters, free texts (goals, notes, justifications) at
most TEXT_MAX. No text may hold a NUL character (`storable`): PostgreSQL cannot store one and
SQLite would; the command line refuses it in every argument before anything runs, the import
refuses it with every control character (`control_character`: in a file they are a sign of a
broken file). Other control characters typed in a command are kept as typed (and shown as codes).
`field` is the key of the value at fault (withdraw_note, contact_phone): a refusal names it as
{field} of its template, which the command line says with the option, the import with the column
(errors.OptimaError.refused).
"""

from __future__ import annotations

import re
import unicodedata

from optima_cli.errors import UsageProblem

NAME_MAX = 200
TEXT_MAX = 2000
CODE_MAX = 20

# categories that show nothing by themselves: controls, format characters, separators, marks
_UNSEEN = frozenset(("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cn"))
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # letters drawn as nothing
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_SHOWN = 40  # characters of a refused value that a message repeats


def visible(text: str) -> bool:
    """Whether the text shows anything: a character that is neither blank nor invisible."""
    return any(unicodedata.category(ch) not in _UNSEEN and ch not in _BLANK_LETTERS for ch in text)


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def storable(text: str) -> bool:
    """Whether a text can be stored: it holds no NUL character."""
    return "\x00" not in text


def _check(text: str, limit: int, field: str) -> None:
    if len(text) > limit:
        raise UsageProblem.refused("too-long", field, length=len(text), limit=limit)


def _seen(text: str, field: str) -> None:
    if not visible(text):
        raise UsageProblem.refused("shows-nothing", field, value=_shown(text))


def name(text: str, field: str) -> str:
    """A name of a client, a unit, a counsellor or a contact person, stripped of blanks at both
    ends; refused when it shows nothing or is too long."""
    cleaned = text.strip()
    if not cleaned:
        raise UsageProblem.refused("empty", field)
    _check(cleaned, NAME_MAX, field)
    _seen(cleaned, field)
    return cleaned


def optional_name(text: str | None, field: str) -> str | None:
    """A name that may be left out: None when blank."""
    return name(text, field) if text is not None and text.strip() else None


def free_text(text: str | None, field: str) -> str | None:
    """A goal, note or justification: None when blank; refused when it shows nothing (an invisible
    justification is none) or is too long."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip()
    _check(cleaned, TEXT_MAX, field)
    _seen(cleaned, field)
    return cleaned


def email(text: str | None, field: str = "contact_email") -> str | None:
    """An e-mail address (None when blank): one @, something before it, a domain with a dot after
    it, no blanks or control characters inside. Only spaces around it are dropped."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip(" ")
    if (len(cleaned) > NAME_MAX or not _EMAIL.fullmatch(cleaned)
            or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in cleaned)):
        raise UsageProblem.refused("not-an-email", field, value=_shown(cleaned))
    return cleaned


def unit_code(text: str, field: str = "code") -> str:
    """A unit's code in upper case: letters, digits and dashes, at most CODE_MAX characters."""
    cleaned = (text or "").strip().upper()
    if (not cleaned or len(cleaned) > CODE_MAX
            or not all(ch.isalnum() or ch in "-_" for ch in cleaned)):
        raise UsageProblem.refused("not-a-unit-code", field, code=_shown(text or ""), limit=CODE_MAX)
    return cleaned


def control_character(text: str, lines: bool = False) -> str | None:
    """The first control character of the text, as its code (`\\x00`), or None; tab and line
    breaks are allowed where `lines` (free texts)."""
    for ch in text:
        if unicodedata.category(ch) == "Cc" and not (lines and ch in "\t\n\r"):
            return ch.encode("unicode_escape").decode("ascii")
    return None
