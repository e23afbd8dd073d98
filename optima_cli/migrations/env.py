"""Alembic's entry point: runs the migrations on the connection optima hands over
(store/schema.upgrade), inside its transaction, or on OPTIMA_DB for a developer's `alembic` command."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from optima_cli.records import models  # noqa: F401 - the tables, for autogenerate

connection = context.config.attributes.get("connection")


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      render_as_batch=True)  # SQLite can alter a table only by copying it
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # a developer's `alembic -c optima_cli/migrations/alembic.ini ...` on OPTIMA_DB
    from optima_cli.store.engine import open_database

    database = open_database(None, schema_check="any")
    with database.writer.begin() as conn:
        run(conn)
