"""The schema's version, and how a database gets to the current one.

The versions are Alembic revisions (`optima_cli/migrations/versions/`), numbered 0001, 0002, ...
Every start reads the version with one small query, without importing Alembic; Alembic runs only
for `optima db upgrade`, and for `optima doctor` to find what the tables lack. A new database gets
today's tables at once (`create_all`) and is stamped with the newest revision, as Alembic's
cookbook advises; a test holds the migrations to the same schema. Databases made before the
migrations (a `meta` table, no version table) are at 0001.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, MetaData, String, Table, inspect, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from optima_cli.language import t
from optima_cli.records import models

REVISIONS = tuple(f"{n:04d}" for n in range(1, models.SCHEMA_VERSION + 1))  # oldest first
HEAD = REVISIONS[-1]
VERSION_TABLE = Table("alembic_version", MetaData(),  # Alembic's own table, as Alembic makes it
                      Column("version_num", String(32), primary_key=True))


class ForeignDatabase(Exception):
    """The database holds tables, but not optima's."""


@dataclass(frozen=True)
class Version:
    revision: str | None  # None: the database is empty

    @property
    def empty(self) -> bool:
        return self.revision is None

    @property
    def current(self) -> bool:
        return self.revision == HEAD

    @property
    def known(self) -> bool:
        return self.revision in REVISIONS

    @property
    def newer(self) -> bool:
        """Written by a newer optima: a revision this one does not know, numbered after its own."""
        rev = self.revision
        return rev is not None and not self.known and (not rev.isdigit() or int(rev) > int(HEAD))

    @property
    def pending(self) -> tuple[str, ...]:
        """The migrations `db upgrade` would apply."""
        if self.revision is None:
            return REVISIONS
        if not self.known:
            return ()
        return REVISIONS[REVISIONS.index(self.revision) + 1:]


def version(connection: Connection) -> Version:
    """The database's schema revision; raises ForeignDatabase for someone else's tables."""
    inspector = inspect(connection)
    if inspector.has_table(VERSION_TABLE.name):
        found = connection.execute(select(VERSION_TABLE.c.version_num)).scalars().all()
        return Version(found[0] if len(found) == 1 else ",".join(sorted(found)) or REVISIONS[0])
    if inspector.has_table("meta"):  # made before the migrations: today's first revision
        legacy = connection.execute(select(models.Meta.value).where(  # type: ignore[call-overload]
            models.Meta.key == "schema_version")).scalar()
        return Version(f"{int(legacy):04d}" if legacy and legacy.isdigit() else REVISIONS[0])
    if inspector.get_table_names():
        raise ForeignDatabase()
    return Version(None)


def missing(connection: Connection) -> list[str]:
    """What today's tables (the models) have and the database lacks: tables, columns, indexes,
    unique and foreign keys, as short phrases (for `doctor`; a table dropped by hand). What the
    database has beyond them is not counted. Alembic compares, as the migration tests do."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    diffs = [d for d in compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
             if isinstance(d, tuple) and d[0].startswith("add_")]  # a changed column: a list
    tables = {d[1].name for d in diffs if d[0] == "add_table"}
    found = [t("table {table}", table=name) for name in sorted(tables)]
    for kind, *_, thing in diffs:
        table = thing.table.name if kind != "add_table" else thing.name
        if table in tables:
            continue  # named with its table
        if kind == "add_column":
            found.append(t("column {column} of {table}", column=thing.name, table=table))
        elif kind == "add_index":
            found.append(t("index {index} of {table}", index=thing.name, table=table))
        elif kind in ("add_constraint", "add_fk"):
            columns = ", ".join(c.name for c in thing.columns)
            found.append(t("unique key on {columns} of {table}", columns=columns, table=table)
                         if kind == "add_constraint" else
                         t("foreign key on {columns} of {table}", columns=columns, table=table))
    return found


def _stamp(connection: Connection, revision: str) -> None:
    VERSION_TABLE.create(connection, checkfirst=True)
    connection.execute(VERSION_TABLE.delete())
    connection.execute(VERSION_TABLE.insert().values(version_num=revision))


def create(connection: Connection) -> None:
    """Today's tables in an empty database, stamped as the newest revision."""
    from optima_cli.store import access

    SQLModel.metadata.create_all(connection)
    _stamp(connection, HEAD)
    access.install(connection)


def alembic_config(connection: Connection | None = None):  # type: ignore[no-untyped-def]
    """Alembic's configuration for our migrations, bound to an open connection (its transaction
    is the migration's: all of it or none of it)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "optima_cli:migrations")
    config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection) -> None:
    """Apply every pending migration inside the caller's transaction; on a server, then install
    the access control again as this optima has it (store/access.py)."""
    from alembic import command

    from optima_cli.store import access

    found = version(connection)
    if found.empty:
        create(connection)
        return
    if not inspect(connection).has_table(VERSION_TABLE.name):
        _stamp(connection, found.revision or REVISIONS[0])  # a database from before the migrations
    command.upgrade(alembic_config(connection), "head")
    access.install(connection)
