"""optima shell: one session for a run of entries, each line an optima command run in this process.

The lines run as the commands of `optima` (the root group of cli/root.py, built once), so a command
costs what it costs in a warm process. The pure parts (lines, built-ins, `set on`, `.`) are in
cli/shell_lines.py; readline is imported only when the shell runs on a terminal.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

import typer
from typer import _click
from typer.core import TyperGroup as Group

from optima_cli import language
from optima_cli.cli import shell_lines
from optima_cli.cli.options import PARSED_CODES, yes_no
from optima_cli.cli.shell_lines import BUILTINS, HERE, LineProblem, Shape, State
from optima_cli.errors import OptimaError
from optima_cli.language import t, t_

app = typer.Typer()  # this module's command, built by the root (cli/root.py)

HISTORY_LINES = 2000
ALTERNATIVES = re.compile(r"[a-z0-9-]+(\|[a-z0-9-]+)+")  # a metavar that lists the values
UNITS = ("INST", "UNIT", "UNIT[,UNIT]", "CODE|KIND")  # the metavars of options that name a unit


@app.command()
def shell(ctx: typer.Context) -> None:
    """Enter optima commands one after another, with completion, history and shortcuts.

    Each line is an optima command without the word optima (`refer C-0001 --to RAV ...`), run
    at once in this session with the global options the shell was started with. On a terminal:
    TAB completes commands, options, codes (in German too with --lang de), units and client and
    case ids; the up arrow recalls earlier lines, also of earlier sessions; Ctrl-C cancels the line
    or stops the running command; Ctrl-D or `exit` leaves. The history is kept in optima's data
    folder (shell_history, readable by you alone): it holds what you typed, names and other
    personal data too; delete the file to forget them.

    Built-ins: `set on 12.11.2026` gives every following command that takes --on that day (unless
    it says another), `set` shows what is set, `unset on` ends it; `.` stands for the client just
    registered or the case just referred in this session; `help` lists them.

    Without a terminal the lines are read from stdin, without prompt or history; the exit code is
    that of the last command that failed, else 0.

    Example: optima --db cases.db shell
    """
    root = ctx.find_root()
    given = root.params
    prefix = [*(["--db", given["db"]] if given.get("db") else []),
              *(["--user", given["user"]] if given.get("user") else []),
              "--lang", language.current()]
    from optima_cli.store.engine import kept_open

    session = Session(prefix, root.obj.db, root.obj.user)
    with kept_open():  # the database opened once, for every line
        code = session.interactive() if sys.stdin.isatty() and sys.stdout.isatty() else \
            session.scripted(sys.stdin)
    raise typer.Exit(code)


class Session:
    """One shell: the root group built once, the state of `set` and `.`, the completion."""

    def __init__(self, prefix: list[str], db: str | None, user: str) -> None:
        import typer.main

        from optima_cli.cli import root

        self.group: Any = typer.main.get_command(root.app)
        self.prefix = prefix
        self.state = State()
        self.db, self.user = db, user
        self.matches: list[str] = []
        self.listing = False  # completing one value of a comma-separated list (--topics)
        self._units: list[str] | None = None

    # --- running lines ---------------------------------------------------------------------

    def scripted(self, lines: TextIO) -> int:
        """Each line of a script in turn; the exit code of the last that failed, else 0. Bytes
        that are not UTF-8 reach the commands' own check, which says so in one line."""
        with contextlib.suppress(AttributeError, ValueError):
            lines.reconfigure(errors="surrogateescape")  # type: ignore[attr-defined]
        failed = 0
        for line in lines:
            code = self.run(line)
            if code is None:
                break
            failed = code or failed
        return failed

    def run(self, line: str) -> int | None:
        """Run one line: its exit code, or None to leave the shell."""
        try:
            words = shell_lines.split(line)
            if not words:
                return 0
            builtin = BUILTINS.get(words[0].lower())
            if builtin == "exit":
                return None
            if builtin == "help":
                _say_help()
                return 0
            if builtin in ("set", "unset"):
                for shown in shell_lines.setting(builtin, words[1:], self.state):
                    print(shown, flush=True)
                return 0
            if words[0] == "shell":
                raise LineProblem(t("this is the shell already"))
            path, command = self.command(words)
            args = shell_lines.prepared(words[len(path):], shape(command), self.state) \
                if command is not None else words[len(path):]
        except OptimaError as exc:
            _problem(exc.message)
            return exc.exit_code
        return self.invoke(path, args)

    def invoke(self, path: list[str], args: list[str]) -> int:
        """Run a command as `optima` would, in this process; its exit code."""
        tee = _Tee(sys.stdout) if path[0] in shell_lines.CREATES else None
        before = sys.stdout
        if tee is not None:
            sys.stdout = tee
        try:
            self.group.main(args=[*self.prefix, *path, *args], prog_name="optima")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.stdout = before
            self._units = None  # read anew: the command may have added one
        if tee is not None and code == 0:
            self.state.remember(path[0], "".join(tee.seen))
        return code

    def command(self, words: list[str]) -> tuple[list[str], _click.Command | None]:
        """The command a line names (with its subcommand) and its words; None if unknown."""
        try:
            command = self.group.commands[words[0]]
        except KeyError:  # unknown, or an option of the root: said by Click as always
            return words[:1], None
        path = words[:1]
        while isinstance(command, Group) and len(path) < len(words) \
                and words[len(path)] in command.commands:
            command = command.commands[words[len(path)]]
            path.append(words[len(path)])
        return path, command

    # --- on a terminal -----------------------------------------------------------------------

    def interactive(self) -> int:
        import readline

        history = _history_file()
        readline.set_auto_history(False)  # the answers to a command's questions stay out of it
        readline.set_history_length(HISTORY_LINES)
        if history is not None and history.exists():
            with contextlib.suppress(OSError):
                readline.read_history_file(history)
        readline.set_completer_delims(" \t\n\"'=,")
        readline.parse_and_bind("tab: complete")
        print(t("optima shell: a command per line (help lists the built-ins; Ctrl-D leaves)"),
              file=sys.stderr, flush=True)
        while True:
            readline.set_completer(self.complete)
            try:
                line = input(shell_lines.prompt(self.state))
            except EOFError:
                print(file=sys.stderr)
                break
            except KeyboardInterrupt:  # Ctrl-C cancels the line
                print(file=sys.stderr)
                continue
            except UnicodeDecodeError:
                _problem(t("the line contains bytes that are not UTF-8 text; type it in UTF-8"))
                continue
            readline.set_completer(None)  # a command's own questions complete nothing
            if line.strip():
                readline.add_history(line)
                _save_history(readline, history)
            try:
                if self.run(line) is None:
                    break
            except KeyboardInterrupt:  # between the command's own handling and here
                print(file=sys.stderr)
        return 0

    def complete(self, text: str, index: int) -> str | None:
        """readline's completer: the `index`-th completion of `text`."""
        if index == 0:
            import readline

            self.listing = False
            try:
                self.matches = self.candidates(readline.get_line_buffer()[:readline.get_begidx()],
                                               text)
            except Exception:  # noqa: BLE001 - completion must never break the line being typed
                self.matches = []
            if len(self.matches) == 1 and not self.listing:  # a whole word: the next one follows
                self.matches = [self.matches[0] + " "]
        return self.matches[index] if index < len(self.matches) else None

    def candidates(self, before: str, text: str) -> list[str]:
        """What `text` may become, where `before` is the line up to it."""
        words = _words(before)
        if not words:
            names = [*self.group.commands, *(w for w in BUILTINS if w.isalpha())]
            return _starting(names, text)
        if BUILTINS.get(words[0].lower()) in ("set", "unset"):
            return _starting(list(shell_lines.STICKY), text) if len(words) == 1 else []
        path, command = self.command(words)
        if command is None:
            return []
        if isinstance(command, Group):
            return _starting(list(command.commands), text) if len(path) == len(words) else []
        params = {opt: p for p in command.params for opt in [*p.opts, *p.secondary_opts]
                  if p.param_type_name == "option"}
        continued = before[-1:] in ("=", ",")
        last = words[-1].split("=", 1)[0] if before.endswith("=") else words[-1]
        option = last if not continued or before.endswith("=") else \
            (words[-2] if len(words) > len(path) + 1 else None)
        if option in params and not getattr(params[option], "is_flag", False):
            return self.values(params[option], text)
        if text.startswith("-"):
            return _starting(sorted(params), text)
        position = _position(words[len(path):], params)
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        if position < len(arguments):
            return self.ids((arguments[position].metavar or "").strip("[]"), text)
        return []

    def values(self, param: Any, text: str) -> list[str]:
        """The values an option takes that start with `text`."""
        info = param.type_descriptor.parameter_info
        parser: Callable[[str], Any] | None = getattr(info, "parser", None)
        annotation = param.type_descriptor.annotation
        from optima_cli.rules import codes

        self.listing = "," in (param.metavar or "")
        if parser is not None and parser in PARSED_CODES:
            return _starting(list(codes.typed(PARSED_CODES[parser], language.current())), text)
        if parser is yes_no:
            return _starting(["ja", "nein"] if language.current() == "de" else ["yes", "no"], text)
        if param.metavar == "STATUS":  # list --status: open, all or a status
            return _starting(["open", "all", *codes.typed(codes.Status, language.current())], text)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return _starting([str(m.value) for m in annotation], text)
        if ALTERNATIVES.fullmatch(param.metavar or ""):  # `--by kind|institution`, `--months 3|6`
            return _starting(param.metavar.split("|"), text)
        return self.ids(param.metavar or "", text)

    def ids(self, metavar: str, text: str) -> list[str]:
        """Client and case ids or unit codes from the database, read anew."""
        from optima_cli.workflow import lookup
        from optima_cli.workflow.context import Context

        if metavar in shell_lines.IDS:
            found, more = lookup.ids_starting(Context(db_path=self.db, user=self.user),
                                              metavar, text)
            return [*found, text] if more and text not in found else found  # no false prefix
        if metavar in UNITS:
            if self._units is None:
                self._units, _ = lookup.ids_starting(Context(db_path=self.db, user=self.user),
                                                     "UNIT", "")
            return _starting(self._units, text, fold=True)
        return []


def shape(command: _click.Command) -> Shape:
    """What the shell needs of a command: its options and the metavars of its arguments."""
    options: dict[str, str | None] = {}
    arguments: list[str] = []
    for param in command.params:
        if param.param_type_name == "argument":
            arguments.append(param.metavar or (param.name or "").upper())
            continue
        value = None if getattr(param, "is_flag", False) or getattr(param, "count", False) \
            else (param.metavar or "VALUE")
        options.update(dict.fromkeys([*param.opts, *param.secondary_opts], value))
    return Shape(options=options, arguments=tuple(arguments))


def _words(before: str) -> list[str]:
    """The words of a line being typed (an open quote closed)."""
    try:
        return shell_lines.split(before)
    except LineProblem:
        return before.split()


def _position(words: list[str], params: dict[str, Any]) -> int:
    """Which argument the next word is: the words that are not options or their values."""
    position, skip = 0, False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-") and word != HERE:
            skip = "=" not in word and word in params and not getattr(params[word], "is_flag", False)
        else:
            position += 1
    return position


def _starting(names: list[str], text: str, fold: bool = False) -> list[str]:
    if fold:
        return [n for n in names if n.upper().startswith(text.upper())]
    return [n for n in names if n.startswith(text)]


class _Tee:
    """stdout as it is (a terminal stays a terminal), keeping what was written: the id that
    `register` or `refer` printed."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.seen: list[str] = []

    def write(self, text: str | bytes) -> int:
        self.seen.append(text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
        return self._stream.write(text)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _problem(message: str) -> None:
    from optima_cli.render.inert import visible

    print(f"{t('error')}: {visible(' '.join(message.split()))}", file=sys.stderr, flush=True)


# what `help` lists: the built-in as typed (in English; the German words too) and what it does
BUILT_INS = {
    "set on DATE": t_("every following command that takes --on gets this day"),
    "set": t_("show what is set"),
    "unset on": t_("end it"),
    ".": t_("the client just registered, or the case just referred"),
    "help, hilfe": t_("this list"),
    "exit, ende, Ctrl-D": t_("leave the shell"),
}


def _say_help() -> None:
    width = max(len(typed) for typed in BUILT_INS) + 2
    print(t("Built-ins of the shell:"))
    for typed in BUILT_INS:
        print(f"  {typed.ljust(width)}{t(BUILT_INS[typed])}")
    print(t("Every command of optima is typed without the word optima; --help lists them, "
            "COMMAND --help says what one does. TAB completes."), flush=True)


def _history_file() -> Path | None:
    """The shell's history in optima's data folder, readable by its owner alone."""
    from optima_cli.store.location import default_db_path

    path = default_db_path().parent / "shell_history"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
    except OSError:
        return None  # no history then; the shell works the same
    return path


def _save_history(readline: Any, path: Path | None) -> None:
    if path is None:
        return
    with contextlib.suppress(OSError):
        readline.write_history_file(path)
