"""The root command: global options, the catalogue of commands, and the one place where errors
become one line on stderr.

The commands live in one module per group (cases.py, reading.py, ...), each with a Typer app of its
own. The root knows them from the catalogue below and builds only the command that runs, so that
`optima --help`, `optima --version` and shell completion import and build none of them.
"""

from __future__ import annotations

import getpass
import importlib
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer import _click  # Typer 0.29 ships its own copy of Click (see pyproject.toml)
from typer.core import TyperGroup

from optima_cli import __version__, language
from optima_cli.cli.resident import ROOT_VALUED
from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t, t_

# Typer's own messages that go through gettext (typer.core binds `gettext.gettext` as `_` when it
# is imported), said from our catalogue: the message id (Typer's English) -> our template. The
# messages of Typer's copy of Click are f-strings: cli/library.py says them from their exceptions.
TYPER_MESSAGES = {"No such command {name!r}.": t_("No such command {name!r}.")}


def _typer_gettext(message: str) -> str:
    return t(TYPER_MESSAGES[message]) if message in TYPER_MESSAGES else message


typer.core._ = _typer_gettext

# The commands in the order and sections of `optima --help`: (name, module in optima_cli.cli,
# the one-line summary). The summary is the first line of the command's docstring (a test
# compares them), kept here so that the list is shown without importing any command.
CATALOGUE: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("Clients and referrals", (
        ("register", "clients", "Register a client; prints the client id."),
        ("client", "clients", "See and correct a client."),
        ("check", "clients", "Check the access criteria for a referral: pass, warn or block, and why."),
        ("refer", "cases", "Refer a client to another institution; prints the case id."),
        ("accept", "cases", "Accept a referral: the mandate starts; prints the date it ends."),
        ("reject", "cases", "Reject a referral with a coded reason."),
        ("withdraw", "cases", "Withdraw a referral, before or after acceptance."),
        ("extend", "cases", "Extend a 3-month mandate to 6 months (once); prints the new end date."),
        ("suspend-search", "cases",
         "Suspend the client's job-search obligations while another unit works the case."),
        ("resume-search", "cases", "End a job-search suspension early."),
        ("close", "cases", "Close an accepted case with its outcome; the case goes back to the referrer."),
        ("assign", "cases", "Name who works a case at the receiver, also after acceptance."),
        ("forward", "cases", "Forward an undecided referral to another unit of the same kind."),
        ("undo", "cases", "Take back the case's last action, as if it had not happened."),
        ("reopen", "cases", "Open again a case closed or withdrawn by mistake, with its mandate."),
        ("amend", "cases", "Correct what was recorded of a case, with the reason why."),
        ("note", "journal", "Write a dated entry in a case's journal; prints its number."),
        ("follow-up", "followup", "Record a follow-up after the closing: what became of the client."),
        ("joint", "joint",
         "Joint strategies: two or three institutions work one client together, one in the lead."),
        ("measure", "measures",
         "Measures with financial consequences and their cost, paid by the referrer."),
        ("shell", "shell",
         "Enter optima commands one after another, with completion, history and shortcuts."),
    )),
    ("Overview", (
        ("list", "reading", "List cases, open ones by default, soonest deadline first."),
        ("show", "reading", "Show one case with its access criteria and history."),
        ("due", "reading", "Show what needs attention, soonest first."),
        ("inbox", "inbox", "Show what waits for a unit: referrals to decide, cases to assign, handbacks."),
        ("examples", "reading", "Show closed cases that worked, as anonymous examples for counsellors."),
        ("notify", "notify", "Send each contact person one e-mail with what awaits their units."),
    )),
    ("Figures and data", (
        ("report", "report",
         "Show the figures of a period: referrals, decisions, reasons, outcomes, open cases."),
        ("import", "importing", "Import referrals with their known history from a spreadsheet."),
        ("demo", "demo", "Build a fresh demo database from the invented pilot data set and show it."),
    )),
    ("Units and records", (
        ("institution", "institutions", "Institution units and their contact person."),
        ("settings", "settings",
         "The settings of the steering group: months, days and how strictly each rule binds."),
        ("backup", "admin", "Copy the database consistently, even while others write; prints the file."),
        ("doctor", "admin", "Check the database: integrity, schema version and tables, file permissions, audit trail."),
        ("audit", "admin", "The audit trail: verify it, list it."),
        ("anonymize", "admin", "Remove the personal data of clients whose every referral has ended."),
        ("db", "database", "The database itself: schema version, upgrade, copy to another server."),
        ("access", "access",
         "Who may use the shared server: grant, revoke and list the roles of login roles."),
        ("server", "server", "The resident optima: a warm process that runs your commands faster."),
    )),
)
SUMMARIES = {name: summary for _, entries in CATALOGUE for name, _, summary in entries}


def build_command(module_name: str, name: str) -> _click.Command:
    """Import one command module and build only the named command (or command group) of it."""
    from typer.main import get_command_from_info, get_command_name, get_group_from_info

    module = importlib.import_module(f"optima_cli.cli.{module_name}")
    commands: typer.Typer = module.app
    for info in commands.registered_commands:
        assert info.callback is not None
        if (info.name or get_command_name(info.callback.__name__)) == name:
            return keep_examples(get_command_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None))
    for group in commands.registered_groups:
        if group.name == name:
            return keep_examples(get_group_from_info(
                group, pretty_exceptions_short=True, rich_markup_mode=None, suggest_commands=True))
    raise LookupError(f"optima_cli.cli.{module_name} has no command {name!r}")


def keep_examples(command: _click.Command) -> _click.Command:
    """Mark the example paragraph of a help text (and of a group's commands) so that Click does
    not rewrap it: an example broken across lines cannot be copied."""
    if command.help and "\n\nExample: " in command.help:
        command.help = command.help.replace("\n\nExample: ", "\n\n\b\nExample: ")
    for sub in getattr(command, "commands", {}).values():
        keep_examples(sub)
    return command


class LazyCommands(MutableMapping[str, _click.Command]):
    """The root's commands by name: every name is known at once, a command is built when used."""

    def __init__(self) -> None:
        self._modules = {name: module for _, entries in CATALOGUE for name, module, _ in entries}
        self._built: dict[str, _click.Command] = {}

    def __getitem__(self, name: str) -> _click.Command:
        if name not in self._built:
            self._built[name] = build_command(self._modules[name], name)  # KeyError: unknown
        return self._built[name]

    def __setitem__(self, name: str, command: _click.Command) -> None:
        self._built[name] = command
        self._modules.setdefault(name, "")

    def __delitem__(self, name: str) -> None:
        del self._modules[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


@dataclass
class Settings:
    db: str | None
    user: str


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _fail(message: str, code: int) -> None:
    from rich.console import Console
    from rich.text import Text

    from optima_cli.render.inert import visible

    message = visible(" ".join(message.split()))  # always one line, never acting on the terminal

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        Text.assemble((t("error") + ": ", "red bold"), message))
    sys.exit(code)


class Interrupted(Exception):
    """Ctrl-C: the command stopped; its transaction, if any, was rolled back."""


# the environment variables optima reads, checked like the arguments
ENVIRONMENT = ("OPTIMA_DB", "OPTIMA_USER", "OPTIMA_LANG")


def _shown(text: str) -> str:
    """A value as the user typed it, bytes that are not UTF-8 as \\xNN."""
    return "'" + text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") + "'"


def text_problem(where: str, value: str) -> UsageProblem | None:
    """The refusal of a value that is not text (`where` names it), else None; also for the
    answers typed at a prompt."""
    from optima_cli.rules.text import storable

    if not storable(value):
        return UsageProblem(t("{where} contains a NUL byte; remove it", where=where))
    if any("\ud800" <= ch <= "\udfff" for ch in value):  # how Python hands over bytes not UTF-8
        return UsageProblem(t("{where} contains bytes that are not UTF-8 text; give it in UTF-8 "
                              "(convert it with iconv)", where=where))
    return None


def check_text(args: list[str]) -> None:
    """The one gate for every argument and optima's environment variables, before anything is
    parsed or opened: text only, no NUL byte, no bytes that are not UTF-8."""
    import os

    for index, arg in enumerate(args):
        if arg.startswith("--") and "=" in arg:
            option, value = arg.split("=", 1)
            where = f"{option} {_shown(value)}"
        elif index and args[index - 1].startswith("-") and not arg.startswith("-"):
            where = f"{args[index - 1]} {_shown(arg)}"
        else:
            where = t("argument {value}", value=_shown(arg))
        problem = text_problem(where, arg)
        if problem:
            raise problem
    for name in ENVIRONMENT:
        setting = os.environ.get(name)
        problem = text_problem(f"{name} {_shown(setting)}", setting) if setting else None
        if problem:
            raise problem


class _AsGiven:
    """Takes the value of a global option as Click parsed it. Typer (0.2x) checks every option's
    value with a Pydantic adapter, built on first use: for the root's options, which are plain
    text and flags, that would make shell completion, which parses them, import Pydantic (about
    60 ms). Older Typer versions have no such adapters and ignore this."""

    def coerce(self, value: Any, **_: Any) -> Any:
        return value


_AS_GIVEN = _AsGiven()


class OptimaGroup(TyperGroup):
    """The root group: commands built when used (help and completion read the catalogue), and
    every refusal and usage error turned into one line on stderr with its exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands()

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        for param in self.get_params(ctx):  # --db, --user, --version, --help, completion flags
            param._runtime_param = _AS_GIVEN  # type: ignore[attr-defined]
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        width = max(len(name) for name in SUMMARIES)  # one column for every section
        for section, entries in CATALOGUE:
            with formatter.section(section):
                formatter.write_dl([(name.ljust(width), summary) for name, _, summary in entries])

    def shell_complete(self, ctx: _click.Context, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem  # Typer's own Click

        found = [CompletionItem(name, help=summary) for name, summary in SUMMARIES.items()
                 if name.startswith(incomplete)]
        return found + _click.Command.shell_complete(self, ctx, incomplete)

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before Click turns it into an Abort with a blank line
            raise Interrupted() from None

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        try:
            given = sys.argv[1:] if args is None else list(args)
            _choose_language(given)
            check_text(given)
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, windows_expand_args=windows_expand_args,
                              **extra)
        except OptimaError as exc:
            from optima_cli.cli.options import said  # the option names: only when refused

            _fail(said(exc), exc.exit_code)
        except _click.exceptions.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # the help was shown already
                sys.exit(0)
            where = exc.ctx.command_path if exc.ctx else "optima"
            from optima_cli.cli import library  # Click's words: only when refused

            message = library.said(exc).rstrip(".")
            _fail(t("{message} (see '{command} --help')", message=message, command=where),
                  exc.exit_code)
        except _click.exceptions.ClickException as exc:
            from optima_cli.cli import library

            _fail(library.said(exc), exc.exit_code)
        except typer.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # Ctrl-C while Click parsed
                _fail(t("interrupted; nothing was written"), 130)
            _fail(t("aborted; nothing was written"), 1)
        except (Interrupted, KeyboardInterrupt):
            _fail(t("interrupted; nothing was written"), 130)
        except OSError as exc:  # a file the commands did not foresee (a name too long, ...)
            problem = exc.strerror or str(exc)
            _fail(t("cannot use {file}: {problem}", file=exc.filename, problem=problem)
                  if exc.filename else problem, 1)
        except Exception as exc:  # a fault optima did not foresee: still one line, no traceback
            import os

            if os.environ.get("OPTIMA_DEBUG"):  # the developers' way to see the traceback
                raise
            _fail(t("unexpected {kind}: {problem}; run optima doctor to check the database, and "
                    "report this (OPTIMA_DEBUG=1 shows the details)", kind=type(exc).__name__,
                    problem=str(exc)[:300]), 1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=OptimaGroup,
    name="optima",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain Click help: Rich's help panels cost 100-200 ms on every --help
    help=(
        "Case management for OPTIMA: referrals of job seekers between the employment centres "
        "(RAV), the disability insurance (IV) and the social services (SD) of the canton of "
        "Lucerne.\n\n"
        "Start with 'optima register', look before you leap with 'optima check', hand over with "
        "'optima refer'; 'optima due' shows what needs attention. Every command's --help has an "
        "example.\n\n"
        "\b\nExample: optima --db cases.db list --to IV"
    ),
)


def _choose_language(args: list[str]) -> None:
    """Set the language before anything is parsed, so that even a usage error of the global
    options speaks it: the last `--lang X` before the command, else OPTIMA_LANG or the locale."""
    import os

    given = None
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            given = args[index + 1]
        elif arg.startswith("--lang="):
            given = arg.split("=", 1)[1]
        elif not arg.startswith("-") and (index == 0 or args[index - 1] not in _VALUED):
            break  # the command: its own arguments are not the root's
    try:
        language.use(language.choose(given, os.environ))
    except ValueError as exc:
        language.use(language.choose(None, {k: v for k, v in os.environ.items()
                                           if k != "OPTIMA_LANG"}))
        where, given = exc.args
        raise UsageProblem(t("{option} {value} is not a language of optima; use de or en",
                             option=where, value=repr(given))) from None


_VALUED = ROOT_VALUED  # the root options that take a value (the launcher needs them too)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"optima {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="OPTIMA_DB", metavar="PATH|URL",
        help="Database file, or a shared PostgreSQL database as postgresql+psycopg://USER@HOST/DB. "
             "Default: optima.db in your data folder (created on first use).",
    )] = None,
    user: Annotated[str | None, typer.Option(
        "--user", envvar="OPTIMA_USER", metavar="NAME",
        help="Who acts; recorded with every change. Default: your login name. On the shared "
             "server the login role, whatever this says (only an administrator may name another).",
    )] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", metavar="de|en",
        help="Language of tables, messages and the workbook: de (Deutsch) or en. "
             "Default: OPTIMA_LANG, else de when the locale (LC_ALL, LC_MESSAGES or LANG) starts with "
             "de, else en.",
    )] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.",
    )] = False,
) -> None:
    """Global options come before the command: optima --db cases.db list"""
    # --lang was read before parsing began (_choose_language), so that every message speaks it
    ctx.obj = Settings(db=db, user=(user or "").strip() or _login_name())
