"""The root command: global options, and the one place where errors become one line on stderr."""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from optima_cli import __version__
from optima_cli.errors import OptimaError

try:  # typer >= 0.2x ships its own copy of click
    from typer import _click
except ImportError:  # pragma: no cover - older typer on top of click
    import click as _click  # type: ignore[no-redef]


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

    from optima_cli.render.terminal import visible

    message = visible(" ".join(message.split()))  # always one line, never acting on the terminal

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        Text.assemble(("error: ", "red bold"), message))
    sys.exit(code)


class OptimaGroup(TyperGroup):
    """Turns every refusal and usage error into one line on stderr with its exit code."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, **extra)
        except OptimaError as exc:
            _fail(exc.message, exc.exit_code)
        except _click.exceptions.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # the help was shown already
                sys.exit(0)
            where = exc.ctx.command_path if exc.ctx else "optima"
            message = exc.format_message().rstrip(".")
            _fail(f"{message} (see '{where} --help')", exc.exit_code)
        except _click.exceptions.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except typer.Abort:
            _fail("aborted; nothing was written", 1)
        except KeyboardInterrupt:
            _fail("interrupted; nothing was written", 130)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=OptimaGroup,
    name="optima",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    help=(
        "Case management for OPTIMA: referrals of job seekers between the employment centres "
        "(RAV), the disability insurance (IV) and the social services (SD) of the canton of "
        "Lucerne.\n\n"
        "Start with `optima register`, look before you leap with `optima check`, hand over with "
        "`optima refer`; `optima due` shows what needs attention. Every command's --help has an "
        "example.\n\n"
        "Example: optima --db cases.db list --to IV"
    ),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"optima {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="OPTIMA_DB", metavar="PATH",
        help="Database file. Default: optima.db in your data folder (created on first use).",
    )] = None,
    user: Annotated[str | None, typer.Option(
        "--user", envvar="OPTIMA_USER", metavar="NAME",
        help="Who acts; recorded with every change. Default: your login name.",
    )] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.",
    )] = False,
) -> None:
    """Global options come before the command: optima --db cases.db list"""
    ctx.obj = Settings(db=db or None, user=(user or "").strip() or _login_name())
