"""The pure parts of `optima shell` (cli/shell.py): a line split into words, the built-ins, the
sticky options and `.` for what was just created. Nothing here imports Click, the database or
readline, so that it is tested without a terminal and costs nothing at import.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import date

from optima_cli.errors import UsageProblem
from optima_cli.language import day, t
from optima_cli.rules.dates import parse_date

# the built-ins, in English and German: the word typed -> what it does
BUILTINS = {
    "set": "set",
    "unset": "unset",
    "help": "help", "hilfe": "help", "?": "help",
    "exit": "exit", "quit": "exit", "ende": "exit",
}
STICKY = ("on",)  # the options that `set` makes sticky: `set on 12.11.2026` is `--on 12.11.2026`
HERE = "."  # the client or case just created in this session
IDS = ("CLIENT", "CASE")  # the kinds of id that `.` stands for, as the commands' metavars name them
# the id a command prints on stdout, by the kind it creates (rules/identity.py formats them)
PRINTED = {"CLIENT": re.compile(r"\bC-\d{4,}\b"), "CASE": re.compile(r"\bOPT-\d{4}-\d{4,}\b")}
CREATES = {"register": "CLIENT", "refer": "CASE"}  # the commands that create one


class LineProblem(UsageProblem):
    """A line the shell cannot run: said in one line, the shell goes on."""


def split(line: str) -> list[str]:
    """The words of a line as a POSIX shell splits them (quotes, backslashes, # comments)."""
    try:
        return shlex.split(line, comments=True)
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise LineProblem(t("cannot read the line: {problem}; close the quote or escape it with \\",
                            problem=str(exc).lower())) from None


@dataclass(frozen=True)
class Shape:
    """What the shell needs to know of a command: its options (the name -> the metavar of its
    value, None for a flag) and the metavars of its arguments in order."""

    options: dict[str, str | None]
    arguments: tuple[str, ...]

    def takes(self, option: str) -> bool:
        return f"--{option}" in self.options


@dataclass
class State:
    """What one shell session remembers: the sticky options and the ids it created."""

    sticky: dict[str, str] = field(default_factory=dict)
    last: dict[str, str] = field(default_factory=dict)  # "CLIENT" or "CASE" -> its id

    def remember(self, command: str, printed: str) -> str | None:
        """The id that `command` created, taken from what it printed; None if it created none."""
        kind = CREATES.get(command)
        found = PRINTED[kind].search(printed) if kind else None
        if kind is None or found is None:
            return None
        self.last[kind] = found.group(0)
        return found.group(0)


def _id_kind(metavar: str | None) -> str | None:
    bare = (metavar or "").strip("[]").rstrip(".")
    return bare if bare in IDS else None


def prepared(words: list[str], shape: Shape, state: State) -> list[str]:
    """The arguments of a command (without its name) as they run: `.` where a client or a case
    is expected replaced by the last one created, and each sticky option the command takes added
    unless it was given."""
    out: list[str] = []
    given: set[str] = set()
    position = 0
    expects: str | None = None  # the metavar of the option whose value comes next
    for word in words:
        kind: str | None
        if expects is not None:
            kind, expects = _id_kind(expects), None
        elif word == "--":
            out.append(word)
            position = len(shape.arguments) + 1  # after --, arguments only, `.` left as it is
            continue
        elif word.startswith("--") and "=" in word:
            given.add(word.split("=", 1)[0])
            out.append(word)
            continue
        elif word.startswith("-") and word != "-":
            given.add(word)
            expects = shape.options.get(word)
            out.append(word)
            continue
        else:
            arguments = shape.arguments
            kind = _id_kind(arguments[position]) if position < len(arguments) else None
            position += 1
        out.append(_here(kind, state) if word == HERE and kind else word)
    at = out.index("--") if "--" in out else len(out)  # options before a --
    for option in STICKY:
        if option in state.sticky and shape.takes(option) and f"--{option}" not in given:
            out[at:at] = [f"--{option}", state.sticky[option]]
    return out


def _here(kind: str, state: State) -> str:
    """The id `.` stands for; one clear line when nothing of its kind was created yet."""
    if kind not in state.last:
        raise LineProblem(
            t("'.' stands for the client just registered in this shell; none was registered yet")
            if kind == "CLIENT" else
            t("'.' stands for the case just referred in this shell; none was referred yet"))
    return state.last[kind]


def setting(action: str, words: list[str], state: State) -> list[str]:
    """`set` (what is set, one line each), `set on DATE` or `unset on` (`unset` alone: all);
    returns the lines to show."""
    if action == "unset":
        for name in words or list(state.sticky):
            _sticky_name(name)
            state.sticky.pop(name, None)
        return []
    if not words:
        return [f"{name} {day(date.fromisoformat(value))}" for name, value in state.sticky.items()]
    name, values = _sticky_name(words[0]), words[1:]
    if len(values) != 1:
        raise LineProblem(t("give one date: set on 12.11.2026"))
    state.sticky[name] = parse_date(values[0]).isoformat()
    return []


def _sticky_name(name: str) -> str:
    cleaned = name.strip().lstrip("-").lower()
    if cleaned not in STICKY:
        raise LineProblem(t("{name!r} cannot be set; what can: {names}", name=name,
                            names=", ".join(STICKY)))
    return cleaned


def prompt(state: State) -> str:
    """The prompt: `optima> `, with the sticky date when one is set (`optima 12.11.2026> `)."""
    on = state.sticky.get("on")
    return f"optima {day(date.fromisoformat(on))}> " if on else "optima> "
