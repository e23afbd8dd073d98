"""db status, db upgrade, db copy: the schema version, migrations, and moving between servers."""

from __future__ import annotations

from typing import Annotated

import typer

from optima_cli.cli.options import FormatOpt, context, emit, tables, terminal
from optima_cli.language import t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

db_app = typer.Typer(help="The database itself: schema version, upgrade, copy to another server.",
                     no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("status")
def status(ctx: typer.Context, fmt: FormatOpt = Format.TABLE) -> None:
    """Show the database's schema version and the migrations this optima would apply.

    state is current, behind (run `optima db upgrade`), newer (upgrade optima) or empty.

    Example: optima --db postgresql+psycopg://optima@db.example.ch/optima db status
    """
    from optima_cli.workflow.database import status as do_status

    emit(do_status(context(ctx)), fmt, tables.db_status)


@db_app.command("upgrade")
def upgrade(ctx: typer.Context, fmt: FormatOpt = Format.TABLE) -> None:
    """Bring the database to this optima's schema, in one transaction; make a backup first.

    An empty PostgreSQL database gets optima's tables; a current one is left as it is.

    Example: optima backup before-upgrade.db && optima db upgrade
    """
    from optima_cli.workflow.database import upgrade as do_upgrade

    result = do_upgrade(context(ctx))
    emit(result, fmt, tables.db_upgrade)
    if not result["applied"]:
        terminal.message(t("{database} is already at schema {schema}; nothing to do",
                           database=result["database"], schema=result["to"]))


@db_app.command("copy")
def copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="URL|FILE",
                                    help="An empty database: a postgresql+psycopg:// URL or a new file.")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Copy the whole database, audit trail included, into an empty one (SQLite <-> PostgreSQL).

    Ids, dates and hashes are kept, so `optima audit verify` holds on the copy. The source is
    locked against changes while it is copied; the copy is one transaction.

    Example: optima --db ~/optima.db db copy --to postgresql+psycopg://optima@db.example.ch/optima
    """
    from optima_cli.workflow.database import copy as do_copy

    result = do_copy(context(ctx), to)
    emit(result, fmt, tables.db_copy)
    terminal.message(t("copied {rows} rows into {target}; check the copy with `optima audit "
                       "verify` (--db the copy)", rows=sum(result["rows"].values()),
                       target=result["to"]))
