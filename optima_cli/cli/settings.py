"""settings show, set: the settings of the steering group."""

from __future__ import annotations

from typing import Annotated

import typer

from optima_cli.cli.options import FormatOpt, context, emit, tables, terminal
from optima_cli.language import t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

settings_app = typer.Typer(help="The settings of the steering group: months, days and how strictly each rule binds.",
                           no_args_is_help=True)
app.add_typer(settings_app, name="settings")


@settings_app.command("show")
def show(ctx: typer.Context, fmt: FormatOpt = Format.TABLE) -> None:
    """Show the settings in force: each value, its default, when and by whom it was changed.

    The settings are stored in the database, shared by all who use it. Every referral keeps the
    version of the settings its criteria were judged under (`optima show CASE` says it).

    Example: optima settings show
    """
    from optima_cli.workflow.settings import show as do_show

    result = do_show(context(ctx))
    for row in result["settings"]:
        row["label"] = tables.setting_label(row["key"])
    if fmt == Format.CSV:
        emit([{"version": result["version"], **row} for row in result["settings"]], fmt, tables.settings)
    else:
        emit(result, fmt, tables.settings)


@settings_app.command("set")
def set_setting(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(
        metavar="KEY", help="iv-rejection-months, rav-recent-months, decision-days, due-days, "
                            "publish-threshold, "
                            "rule.RULE for a rule's kind (settings show lists them), or the mail "
                            "server of optima notify: mail-host, mail-port, mail-starttls, "
                            "mail-sender, mail-user, mail-password-file.")],
    value: Annotated[str, typer.Argument(
        metavar="VALUE", help="Months 1-36, days 1-90, a threshold 2-20, or a rule's kind: never, hard or warn, "
                              "as far as the concept allows.")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Change a setting; audited. The next check and referral judge by it; stored referrals keep theirs.

    Example: optima settings set iv-rejection-months 6

    Example: optima settings set rule.work-capacity warn

    Example: optima settings set mail-host smtp.lu.ch
    """
    from optima_cli.workflow.settings import set_value

    result = set_value(context(ctx), key, value)
    result["label"] = tables.setting_label(result["key"])
    if result["changed"] and result.get("mail"):  # the mail server: no version of the settings
        terminal.message(t("{key} is now {value}", key=result["key"], value=result["value"] or "-"))
    elif result["changed"]:
        terminal.message(t("{key} is now {value} (settings version {version})", key=result["key"],
                           value=result["value"], version=result["version"]))
    else:
        terminal.message(t("{key} is {value} already; nothing changed", key=result["key"],
                           value=result["value"]))
    emit(result, fmt, tables.setting_set)
