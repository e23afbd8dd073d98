"""institution list, add, set-contact, set-counsellor, counsellors."""

from __future__ import annotations

from typing import Annotated

import typer

from optima_cli.cli.options import FormatOpt, code_parser, context, emit, tables, terminal
from optima_cli.language import t
from optima_cli.render.formats import Format
from optima_cli.rules import codes

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

institution_app = typer.Typer(help="Institution units and their contact person.", no_args_is_help=True)
app.add_typer(institution_app, name="institution")

Contact = Annotated[str | None, typer.Option("--contact", metavar="NAME", help="Contact person (Ansprechperson).")]
Email = Annotated[str | None, typer.Option("--email", metavar="ADDRESS", help="Contact e-mail.")]
Phone = Annotated[str | None, typer.Option("--phone", metavar="NUMBER", help="Contact phone.")]


@institution_app.command("list")
def list_institutions(ctx: typer.Context, fmt: FormatOpt = Format.TABLE) -> None:
    """List the units with their kind and contact person.

    Example: optima institution list
    """
    from optima_cli.workflow.institutions import list_institutions as do_list

    emit(do_list(context(ctx)), fmt, tables.institutions)


@institution_app.command("add")
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="Short code, like SD-EMMEN.")],
    kind: Annotated[codes.Kind, typer.Option(
       "--kind", parser=code_parser(codes.Kind), metavar="RAV|IV|SD",
                                             help="Kind of institution.")],
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="Full name of the unit.")],
    contact: Contact = None, email: Email = None, phone: Phone = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Add a unit (a municipal social service, a RAV office, ...).

    Example: optima institution add SD-EMMEN --kind SD --name "Sozialdienst Emmen" --contact "A. Huber"
    """
    from optima_cli.workflow.institutions import add_institution

    result = add_institution(context(ctx), code, kind, name, contact, email, phone)
    terminal.message(t("added {code} ({kind})", code=result["code"], kind=result["kind"]))
    emit(result, fmt, lambda r: tables.institutions([r]))


@institution_app.command("set-contact")
def set_contact(
    ctx: typer.Context, code: Annotated[str, typer.Argument(metavar="CODE", help="Unit code.")],
    contact: Contact = None, email: Email = None, phone: Phone = None,
    user: Annotated[str | None, typer.Option(
        "--user", metavar="LOGIN",
        help="The contact person's login name: their `optima inbox` shows this unit's.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Set the contact person who receives OPTIMA cases for a unit.

    Example: optima institution set-contact IV --contact "M. Meier" --email m.meier@example.ch --user mmeier
    """
    from optima_cli.workflow.institutions import set_contact as do_set

    result = do_set(context(ctx), code, contact, email, phone, user)
    emit(result, fmt, lambda r: tables.institutions([r]))


@institution_app.command("set-counsellor")
def set_counsellor(
    ctx: typer.Context, code: Annotated[str, typer.Argument(metavar="CODE", help="Unit code.")],
    name: Annotated[str, typer.Argument(metavar="NAME", help="The counsellor's name, as cases give it.")],
    email: Annotated[str, typer.Option("--email", metavar="ADDRESS",
                                       help="Where `optima notify` mails them; \"\" removes them.")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Say where a counsellor of a unit is mailed what awaits them on their cases.

    `optima notify` sends each counsellor named on a case (receiving at the unit that works it,
    referring at the unit that referred it) the items of those cases, beside the contact person.

    Example: optima institution set-counsellor IV "C. Roth" --email c.roth@example.ch
    """
    from optima_cli.workflow.institutions import set_counsellor as do_set

    result = do_set(context(ctx), code, name, email)
    emit(result, fmt, lambda r: tables.counsellors([r]))


@institution_app.command("counsellors")
def list_counsellors(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(metavar="[CODE]", help="A unit, or a kind.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """List the counsellors with an e-mail address, of a unit or of all.

    Example: optima institution counsellors SD
    """
    from optima_cli.workflow.institutions import counsellors

    emit(counsellors(context(ctx), code), fmt, tables.counsellors)
