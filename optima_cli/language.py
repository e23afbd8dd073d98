"""Which language optima speaks, and the translation of its messages, labels and dates.

English is written in the code itself: a message is its English template (`t("{case} is
{status}", case=..., status=...)`), as with gettext; a refusal of the rules and a finding of
the access criteria are codes and values, whose English sentences are in
`optima_cli/catalogue/en.py` (REFUSALS, FINDINGS), said where they are read. Every other language has one catalogue in
`optima_cli/catalogue/<lang>.py`: MESSAGES (English template -> translated template) and LABELS
(code group -> code -> label). Codes, command and option names and JSON/CSV keys never change with
the language: they are the contract for scripts.

The language is chosen once per command: `--lang`, else OPTIMA_LANG, else the locale (LC_ALL,
LC_MESSAGES, LANG starting with `de`), else English.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any

LANGUAGES = ("en", "de")
DEFAULT = "en"
_current = DEFAULT


def choose(option: str | None, environ: Mapping[str, str]) -> str:
    """The language from `--lang`, OPTIMA_LANG or the locale; a bad choice raises
    ValueError(where, given)."""
    for given, where in ((option, "--lang"), (environ.get("OPTIMA_LANG"), "OPTIMA_LANG")):
        if given and given.strip():
            value = given.strip().lower()
            if value not in LANGUAGES:
                raise ValueError(where, given)
            return value
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):  # POSIX order: the first one set wins
        locale = environ.get(name)
        if locale:
            return "de" if locale.lower().startswith("de") else DEFAULT
    return DEFAULT


def use(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def current() -> str:
    return _current


@cache
def catalogue(lang: str) -> Any:
    """The catalogue module of a language other than English."""
    return importlib.import_module(f"optima_cli.catalogue.{lang}")


def day(value: date | None) -> str:
    """A date as people of the language read it: 2026-11-20, or 20.11.2026 in German."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if _current == "de":
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return value.isoformat()


def moment(value: datetime, seconds: bool = False) -> str:
    """A local time of day with its date, for histories and audit lists."""
    local = value.astimezone()
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{day(local.date())} {clock}"


def _shown(value: Any) -> Any:
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, date):
        return day(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def t(template: str, /, **args: Any) -> str:
    """The message `template` in the current language, filled with `args` (dates as the
    language writes them)."""
    if _current != DEFAULT:
        template = catalogue(_current).MESSAGES.get(template, template)
    if not args:
        return template
    return template.format(**{k: _shown(v) for k, v in args.items()})


def plural(n: int, one: str, many: str, /, **args: Any) -> str:
    """The message for one thing or for `n` things (both templates get `n`):
    plural(n, "1 day overdue", "{n} days overdue", n=n)."""
    return t(one if n == 1 else many, **args)


def number(n: int) -> str:
    """A count with thousands marked: 12,345 in English, 12'345 in Swiss German."""
    text = f"{n:,}"
    return text.replace(",", "'") if _current == "de" else text


def t_(template: str, /) -> str:
    """Marks a template that is translated later, where it is used (`t(TABLE[key], ...)`): the
    catalogue test finds it here."""
    return template


def label(group: str, code: Any) -> str:
    """The label of a code in the current language; in English, the code itself, which reads as
    English and is what people type. `group` is the name of the code table (Status, Topic, ...)."""
    value = code.value if isinstance(code, StrEnum) else str(code)
    if _current == DEFAULT:
        return value
    return catalogue(_current).LABELS.get(group, {}).get(value, value)


def labels(group: str, codes: Any) -> str:
    """A list of codes as labels, comma-separated."""
    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c]
    return ", ".join(label(group, c) for c in codes or ())
