"""Which language optima speaks, and the translation of its messages, labels and dates.

English is written in the code itself: a message is its English template (`t("{case} is
{status}", case=..., status=...)`), as with gettext. Every other language has one catalogue in
`optima_cli/catalogue/<lang>.py`: MESSAGES (English template -> translated template) and LABELS
(code group -> code -> label). Codes, command and option names and JSON/CSV keys never change with
the language: they are the contract for scripts.

The language is chosen once per command: `--lang`, else OPTIMA_LANG, else the locale (LC_ALL,
LC_MESSAGES, LANG starting with `de`), else English.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
        value = environ.get(name)
        if value:
            return "de" if value.lower().startswith("de") else DEFAULT
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


def english(template: str, /, **args: Any) -> str:
    """The message in English whatever the language: for text that is stored (with a referral,
    in the audit trail) and shown later through retranslate()."""
    global _current
    spoken, _current = _current, DEFAULT
    try:
        return t(template, **args)
    finally:
        _current = spoken


@dataclass(frozen=True)
class Sentence:
    """A message kept as its template and values, said in English where it is stored and in the
    reader's language where it is shown."""

    template: str
    values: tuple[tuple[str, Any], ...] = ()

    def english(self) -> str:
        return english(self.template, **dict(self.values))

    def text(self) -> str:
        values = {key: labels(_CODE_LISTS[key], value.split(", ")) if key in _CODE_LISTS else value
                  for key, value in self.values}
        return t(self.template, **values)


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


@cache
def _patterns(among: tuple[str, ...]) -> list[tuple[re.Pattern[str], str]]:
    """Each English template as a pattern that reads its values back out of a finished sentence,
    longest first (the most specific wins)."""
    found = []
    for template in sorted(among, key=len, reverse=True):
        regex, seen = "", set()
        for literal, name, _spec, _conv in string.Formatter().parse(template):
            regex += re.escape(literal)
            if name is not None:
                key = name or f"_{len(seen)}"
                regex += f"(?P={key})" if key in seen else f"(?P<{key}>.+?)"
                seen.add(key)
        found.append((re.compile(regex + r"\Z", re.DOTALL), template))
    return found


# placeholders of stored sentences that hold codes, shown as their labels when read back
_CODE_LISTS = {"topics": "Topic"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def retranslate(text: str, among: Iterable[str], depth: int = 2) -> str:
    """A finished English sentence made from one of the templates `among` (a finding stored with
    a referral, a message of Click) in the current language; else the text as it is. Only the
    templates named are tried, so that no other sentence is taken for one of them. The values read
    back are translated in turn, among the same templates ("Invalid value for '--on': <...>")."""
    if _current == DEFAULT or not text:
        return text
    templates = tuple(among)
    for pattern, template in _patterns(templates):
        match = pattern.match(text)
        if match:
            values: dict[str, Any] = {}
            for key, value in match.groupdict().items():
                if _ISO_DAY.match(value):
                    values[key] = date.fromisoformat(value)
                elif key in _CODE_LISTS:
                    values[key] = labels(_CODE_LISTS[key], value.split(", "))
                else:
                    values[key] = retranslate(value, templates, depth - 1) if depth > 0 else value
            return t(template, **values)
    return text
