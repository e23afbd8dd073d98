"""register, check, client show, client update."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from optima_cli.cli.options import (
    CLEAR,
    FormatOpt,
    Topics,
    context,
    date_option,
    date_value,
    emit,
    fact_date_option,
    require,
)
from optima_cli.cli.options import terminal, views
from optima_cli.language import t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

client_app = typer.Typer(help="See and correct a client.", no_args_is_help=True)
app.add_typer(client_app, name="client")

Ahv = Annotated[str | None, typer.Option("--ahv", metavar="NUMBER", help="AHV number, 756.1234.5678.97.")]
Municipality = Annotated[str | None, typer.Option("--municipality", metavar="NAME", help="Municipality of residence.")]
Counsellor = Annotated[str | None, typer.Option("--counsellor", metavar="NAME", help="Counsellor in charge at the referring unit.")]
ExternalRef = Annotated[str | None, typer.Option("--external-ref", metavar="REF", help="The case number in your own system.")]
ConsentOn = Annotated[Any, fact_date_option("--consent-on", help="Date the client consented to OPTIMA.")]
IvRejectedOn = Annotated[Any, fact_date_option("--iv-rejected-on", help="Date of the last IV rejection.")]
RavUntil = Annotated[Any, fact_date_option(
    "--rav-registered-until", help="Last day of the client's RAV registration (future if registered now).")]
IvOpen = Annotated[bool | None, typer.Option(
    "--iv-procedure-open/--no-iv-procedure-open", help="An IV procedure, assessment or proceeding is open.")]
IvMeasures = Annotated[bool | None, typer.Option(
    "--iv-measures-running/--no-iv-measures-running", help="IV measures are running.")]
NoCapacity = Annotated[bool | None, typer.Option(
    "--no-work-capacity/--work-capacity", help="Work capacity is not intact (not placeable).")]
Health = Annotated[bool | None, typer.Option(
    "--health-suspected/--no-health-suspected", help="An IV-relevant health damage is suspected.")]


def _facts(**values: Any) -> Any:
    from optima_cli.workflow.clients import UNSET, ClientInput

    given = {k: (None if v == CLEAR else v) for k, v in values.items() if v is not None}
    return ClientInput(**{k: given.get(k, UNSET) for k in values})


@app.command()
def register(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Full name of the client.")] = None,
    birth_date: Annotated[date | None, date_option("--birth-date", help="Date of birth.")] = None,
    referrer: Annotated[str | None, typer.Option(
        "--from", metavar="INST", help="Unit where the client is registered (RAV, IV, SD, ...).")] = None,
    ahv: Ahv = None,
    municipality: Municipality = None,
    counsellor: Counsellor = None,
    consent_on: ConsentOn = None,
    external_ref: ExternalRef = None,
    iv_rejected_on: IvRejectedOn = None,
    iv_procedure_open: IvOpen = None,
    iv_measures_running: IvMeasures = None,
    no_work_capacity: NoCapacity = None,
    rav_registered_until: RavUntil = None,
    health_suspected: Health = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Register a client; prints the client id.

    Asks for missing values on a terminal. A client with the same AHV number, or the same name and
    birth date, is refused as a duplicate.

    Example: optima register --name "Muster Hans" --birth-date 12.03.1980 --from SD --ahv 756.1234.5678.97 --consent-on 2026-11-02
    """
    from optima_cli.rules.clients import clean
    from optima_cli.workflow import lookup
    from optima_cli.workflow.clients import register as do_register

    c = context(ctx)
    name = require(name, "--name", t("Name"), lambda a: clean({"name": a}, c.today)["name"])
    birth_date = require(birth_date, "--birth-date", t("Birth date (20.11.1980)"),
                         lambda a: clean({"birth_date": date_value(a)}, c.today)["birth_date"])
    referrer = require(referrer, "--from", t("Registered at (RAV, IV, SD, ...)"),
                       lambda a: lookup.known(c, lookup.institution, a))
    data = _facts(name=name, birth_date=birth_date, institution=referrer, ahv=ahv,
                  municipality=municipality, counsellor=counsellor, external_ref=external_ref,
                  consent_on=consent_on, iv_rejected_on=iv_rejected_on,
                  iv_procedure_open=iv_procedure_open, iv_measures_running=iv_measures_running,
                  no_work_capacity=no_work_capacity, rav_registered_until=rav_registered_until,
                  health_suspected=health_suspected)
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
def client_show(ctx: typer.Context, client: Annotated[str, typer.Argument(metavar="CLIENT", help="Client id or AHV number.")],
                fmt: FormatOpt = Format.TABLE) -> None:
    """Show a client's data, criteria facts and referrals.

    The read is recorded in the audit trail.

    Example: optima client show C-0001
    """
    from optima_cli.workflow.clients import show

    emit(show(context(ctx), client), fmt, views.client)


@client_app.command("update")
def client_update(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="Client id or AHV number.")],
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Corrected name.")] = None,
    birth_date: Annotated[date | None, date_option("--birth-date", help="Corrected birth date.")] = None,
    referrer: Annotated[str | None, typer.Option(
        "--from", metavar="INST", help="Unit where the client is registered.")] = None,
    ahv: Ahv = None,
    municipality: Municipality = None,
    counsellor: Counsellor = None,
    external_ref: ExternalRef = None,
    consent_on: ConsentOn = None,
    consent_withdrawn_on: Annotated[Any, fact_date_option(
        "--consent-withdrawn-on", help="Date the client withdrew consent.")] = None,
    iv_rejected_on: IvRejectedOn = None,
    iv_procedure_open: IvOpen = None,
    iv_measures_running: IvMeasures = None,
    no_work_capacity: NoCapacity = None,
    rav_registered_until: RavUntil = None,
    health_suspected: Health = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Correct a client's data or criteria facts.

    Give a date as 'none' to clear it.

    Example: optima client update C-0001 --consent-on 2026-11-02 --no-iv-procedure-open
    """
    from optima_cli.workflow.clients import update

    data = _facts(name=name, birth_date=birth_date, institution=referrer, ahv=ahv,
                  municipality=municipality, counsellor=counsellor, external_ref=external_ref,
                  consent_on=consent_on, consent_withdrawn_on=consent_withdrawn_on,
                  iv_rejected_on=iv_rejected_on, iv_procedure_open=iv_procedure_open,
                  iv_measures_running=iv_measures_running, no_work_capacity=no_work_capacity,
                  rav_registered_until=rav_registered_until, health_suspected=health_suspected)
    updated = update(context(ctx), client, data)
    result = updated.record
    if updated.changed:
        terminal.message(t("{client}: changed {fields}", client=result["client"],
                           fields=", ".join(views.client_field(k) for k in updated.changed)))
    else:
        terminal.message(t("{client}: nothing changed", client=result["client"]))
    emit(result, fmt, views.client)


@app.command()
def check(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="Client id or AHV number.")],
    to: Annotated[str, typer.Option("--to", metavar="INST", help="Receiving unit.")],
    topics: Topics = None,
    referrer: Annotated[str | None, typer.Option(
        "--from", metavar="INST", help="Referring unit (default: where the client is registered).")] = None,
    on: Annotated[date | None, date_option("--on", help="Judge as of this day (default today).")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Check the access criteria for a referral: pass, warn or block, and why.

    Writes nothing. Exit 0 if the referral is allowed, 1 if a rule blocks it.

    Example: optima check C-0001 --to IV --topics health
    """
    from optima_cli.workflow.clients import check as do_check

    result = do_check(context(ctx), client, to, topics or (), referrer, on)
    emit(result if fmt != Format.CSV else result["findings"], fmt, views.check)
    if not result["allowed"]:
        raise typer.Exit(1)
