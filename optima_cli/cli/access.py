"""access grant, revoke, list: who may use the shared PostgreSQL server, and what they see."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from optima_cli.cli.options import FormatOpt, context, emit, terminal
from optima_cli.errors import UsageProblem
from optima_cli.language import t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

access_app = typer.Typer(
    help="Who may use the shared server: grant, revoke and list the roles of login roles.",
    no_args_is_help=True)
app.add_typer(access_app, name="access")

Login = Annotated[str, typer.Argument(
    metavar="LOGIN", help="A login role of the server (CREATE ROLE name LOGIN), as typed.")]
Unit = Annotated[str | None, typer.Option(
    "--unit", metavar="CODE", help="A member of this unit: sees its cases and their clients.")]
Coordinator = Annotated[bool, typer.Option(
    "--coordinator", help="The coordinator: reads every case, runs the figures.")]
Admin = Annotated[bool, typer.Option(
    "--admin", help="An administrator: settings, units, migrations, access; sees everything.")]


def _kind(unit: str | None, coordinator: bool, admin: bool) -> str:
    """The kind of role the options name: exactly one of them."""
    given = [name for name, on in (("unit", unit is not None), ("coordinator", coordinator),
                                   ("admin", admin)) if on]
    if len(given) != 1:
        raise UsageProblem.refused("access-one-role", names={
            "unit": "unit", "coordinator": "coordinator", "admin": "admin"})
    return given[0]


def _group(result: dict[str, Any]) -> str:
    """The group a result names: the unit's code, the coordinators, the administrators."""
    if result["role"] == "unit":
        return str(result["unit"])
    return t("the coordinators") if result["role"] == "coordinator" else t("the administrators")


def _said(result: dict[str, Any], fmt: Format, changed: str, unchanged: str) -> None:
    """What a grant or revoke did, on stderr; the result as JSON or CSV on stdout if asked."""
    terminal.message(changed if result["changed"] else unchanged)
    if fmt != Format.TABLE:
        emit(result, fmt, lambda r: None)


@access_app.command("grant")
def grant(ctx: typer.Context, login: Login, unit: Unit = None, coordinator: Coordinator = False,
          admin: Admin = False, fmt: FormatOpt = Format.TABLE) -> None:
    """Give a login role a unit's access, the coordinator's or an administrator's.

    The login role is made on the server by its administrator (README: the shared database);
    this makes it a member of optima's group role. On SQLite there are no roles.

    Example: optima access grant anna --unit SD-EMMEN
    """
    from optima_cli.workflow.access import grant as do_grant

    result = do_grant(context(ctx), login, _kind(unit, coordinator, admin), unit)
    named = {"login": result["login"], "group": _group(result)}
    _said(result, fmt, t("{login} is now a member of {group}", **named),
          t("{login} is a member of {group} already; nothing changed", **named))


@access_app.command("revoke")
def revoke(ctx: typer.Context, login: Login, unit: Unit = None, coordinator: Coordinator = False,
           admin: Admin = False, fmt: FormatOpt = Format.TABLE) -> None:
    """Take back a unit's access, the coordinator's or an administrator's from a login role.

    Revoking what was not granted says so and succeeds: afterwards the login does not have the role.

    Example: optima access revoke anna --unit SD-EMMEN
    """
    from optima_cli.workflow.access import revoke as do_revoke

    result = do_revoke(context(ctx), login, _kind(unit, coordinator, admin), unit)
    named = {"login": result["login"], "group": _group(result)}
    _said(result, fmt, t("{login} is no longer a member of {group}", **named),
          t("{login} was not a member of {group}; nothing changed", **named))


@access_app.command("list")
def list_access(ctx: typer.Context, fmt: FormatOpt = Format.TABLE) -> None:
    """List the login roles with optima's roles: login, role, unit.

    Example: optima access list --format csv
    """
    from optima_cli.render import access as render
    from optima_cli.workflow.access import listing

    emit(listing(context(ctx)), fmt, render.roles)
