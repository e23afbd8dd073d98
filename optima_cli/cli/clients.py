"""register, check, client show, client update."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from optima_cli.cli.options import (
    CLEAR,
    FormatOpt,
    Topics,
    asked_on_terminal,
    context,
    date_option,
    date_value,
    emit,
    require,
    tables,
    terminal,
    with_field_options,
    yes_no,
)
from optima_cli.language import t
from optima_cli.records.models import CASE_FIELDS, CLIENT_FIELDS
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

client_app = typer.Typer(help="See and correct a client.", no_args_is_help=True)
app.add_typer(client_app, name="client")

# the options of a client's fields (their help and type in store.models.Client); name, birth
# date and unit are each command's own (asked for, and said differently)
_FIELD_OPTIONS = [f for f in CLIENT_FIELDS if f.option]
UPDATE_OPTIONS = _FIELD_OPTIONS
# a client being registered has not withdrawn consent; consent comes before the external
# reference in register's help, as it always has
REGISTER_OPTIONS = [f for f in _FIELD_OPTIONS if f.name not in ("consent_withdrawn_on", "consent_on")]
REGISTER_OPTIONS.insert([f.name for f in REGISTER_OPTIONS].index("external_ref"),
                        next(f for f in _FIELD_OPTIONS if f.name == "consent_on"))

# the answer whether the problem is workable in the mandate, as `refer` takes it (a case's field)
_WORKABLE = next(f for f in CASE_FIELDS if f.name == "workable")
Workable = Annotated[Any, typer.Option(_WORKABLE.option, parser=yes_no, metavar=_WORKABLE.metavar,
                                       help=_WORKABLE.help)]


def _facts(**values: Any) -> Any:
    from optima_cli.workflow.clients import UNSET, ClientInput

    given = {k: (None if v == CLEAR else v) for k, v in values.items() if v is not None}
    return ClientInput(**{k: given.get(k, UNSET) for k in values})


@app.command()
@with_field_options(REGISTER_OPTIONS)
def register(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Full name of the client.")] = None,
    birth_date: Annotated[date | None, date_option("--birth-date", help="Date of birth.")] = None,
    referrer: Annotated[str | None, typer.Option(
        "--from", metavar="INST", help="Unit where the client is registered (RAV, IV, SD, ...).")] = None,
    fmt: FormatOpt = Format.TABLE,
    **facts: Any,
) -> None:
    """Register a client; prints the client id.

    Asks for missing values on a terminal, and for the date of the client's consent. A client with the same AHV number, or the same name and
    birth date, is refused as a duplicate.

    Example: optima register --name "Muster Hans" --birth-date 12.03.1980 --from SD --ahv 756.1234.5678.97 --consent-on 2026-11-02
    """  # noqa: E501 - the example is one command line
    from optima_cli.rules.clients import clean
    from optima_cli.workflow import lookup
    from optima_cli.workflow.clients import register as do_register

    c = context(ctx)
    name = require(name, "--name", t("Name"), lambda a: clean({"name": a}, c.today)["name"])
    birth_date = require(birth_date, "--birth-date", t("Birth date (20.11.1980)"),
                         lambda a: clean({"birth_date": date_value(a)}, c.today)["birth_date"])
    referrer = require(referrer, "--from", t("Registered at (RAV, IV, SD, ...)"),
                       lambda a: lookup.known(c, lookup.institution, a))
    facts["consent_on"] = asked_on_terminal(
        facts.get("consent_on"), "--consent-on",
        t("Consent of the client given on (20.11.2026; empty: not yet)"), date_value, optional=True)
    data = _facts(name=name, birth_date=birth_date, institution=referrer, **facts)
    result = do_register(c, data)
    if fmt == Format.TABLE:
        typer.echo(result["client"])
        terminal.message(t("registered {client}", client=result["client"]))
        if result["consent_on"] is None:
            terminal.warning(t("no consent recorded: no referral is possible until "
                               "`optima client update {client} --consent-on DATE`",
                               client=result["client"]))
    else:
        emit({"client": result["client"]}, fmt, lambda d: None)


@client_app.command("show")
def client_show(ctx: typer.Context,
                client: Annotated[str, typer.Argument(metavar="CLIENT", help="Client id or AHV number.")],
                fmt: FormatOpt = Format.TABLE) -> None:
    """Show a client's data, criteria facts and referrals.

    The read is recorded in the audit trail.

    Example: optima client show C-0001
    """
    from optima_cli.workflow.clients import show

    emit(show(context(ctx), client), fmt, tables.client)


@client_app.command("update")
@with_field_options(UPDATE_OPTIONS)
def client_update(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="Client id or AHV number.")],
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Corrected name.")] = None,
    birth_date: Annotated[date | None, date_option("--birth-date", help="Corrected birth date.")] = None,
    referrer: Annotated[str | None, typer.Option(
        "--from", metavar="INST", help="Unit where the client is registered.")] = None,
    fmt: FormatOpt = Format.TABLE,
    **facts: Any,
) -> None:
    """Correct a client's data or criteria facts.

    Give a date as 'none' to clear it.

    Example: optima client update C-0001 --consent-on 2026-11-02 --no-iv-procedure-open
    """
    from optima_cli.workflow.clients import update

    data = _facts(name=name, birth_date=birth_date, institution=referrer, **facts)
    updated = update(context(ctx), client, data)
    result = updated.record
    if updated.changed:
        terminal.message(t("{client}: changed {fields}", client=result["client"],
                           fields=", ".join(tables.client_field(k) for k in updated.changed)))
    else:
        terminal.message(t("{client}: nothing changed", client=result["client"]))
    emit(result, fmt, tables.client)


@app.command()
def check(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="Client id or AHV number.")],
    to: Annotated[str, typer.Option("--to", metavar="INST", help="Receiving unit.")],
    topics: Topics = None,
    referrer: Annotated[str | None, typer.Option(
        "--from", metavar="INST", help="Referring unit (default: where the client is registered).")] = None,
    on: Annotated[date | None, date_option("--on", help="Judge as of this day, may be later (default today).")] = None,
    workable: Workable = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Check the access criteria for a referral: pass, warn or block, and why.

    Writes nothing (and asks nothing). Exit 0 if the referral is allowed, 1 if a rule blocks it.

    Example: optima check C-0001 --to IV --topics health --workable yes
    """
    from optima_cli.workflow.clients import check as do_check

    result = do_check(context(ctx), client, to, topics or (), referrer, on, workable)
    emit(result if fmt != Format.CSV else result["findings"], fmt, tables.check)
    if not result["allowed"]:
        raise typer.Exit(1)
