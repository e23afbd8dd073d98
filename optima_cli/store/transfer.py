"""Copying a whole optima database into an empty one: SQLite to PostgreSQL and back.

Every row of every table is copied with its id, in one read snapshot of the source and one write
transaction on the target (all of it or none of it), so the audit trail, whose hashes cover ids
and values, verifies on the target as it did on the source. A server's id sequences are moved
past the copied ids afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import Integer, Table, func, insert, select, text
from sqlmodel import SQLModel

from optima_cli.errors import OptimaError
from optima_cli.language import t
from optima_cli.rules import access as access_rules
from optima_cli.store import access, audit, schema
from optima_cli.store.engine import Database, connect
from optima_cli.store.location import Location, of_path

BATCH = 5_000


def tables() -> list[Table]:
    """optima's tables, each after the tables it points to."""
    return list(SQLModel.metadata.sorted_tables)


def copy(source: Database, target_location: Location, *, actor: str, now: datetime,
         as_backup: bool = False, target_name: str | None = None) -> dict[str, int]:
    """Copy `source` into the empty database at `target_location`; returns rows per table. The
    source records the copy (every personal record leaves it), naming `target_name` (default:
    the target's name); a copy that is to be used records its arrival too, a backup stays the
    source's exact image."""
    if target_location.url == source.location.url:
        raise OptimaError(t("the copy must go to another database than the one it comes from"))
    target = connect(target_location)
    try:
        return _copy_into(source, target, actor=actor, now=now, as_backup=as_backup,
                          target_name=target_name or target_location.name)
    finally:
        target.engine.dispose()


def _copy_into(source: Database, target: Database, *, actor: str, now: datetime,
               as_backup: bool, target_name: str) -> dict[str, int]:
    # the source's write lock: one consistent state, and nobody changes it while it moves
    with source.write() as reading, target.write() as writing:
        access_rules.require("all", **access.standing(reading))  # a copy of every row, or none
        try:
            empty = schema.version(writing.connection()).empty
        except schema.ForeignDatabase:
            empty = False
        if not empty:
            raise OptimaError(t("{database} is not empty; copy only into a new, empty database "
                                "(create it first, see README: the shared database)",
                                database=target.label))
        audit.record(reading, actor=actor, action="backup" if as_backup else "copy-out",
                     entity="database", entity_ref=source.location.name, now=now,
                     after={"to": target_name})
        audit.write_head(reading)  # the copy holds the event and the head that names it
        counts = copy_rows(reading, writing, target.dialect)
        if as_backup:
            return counts
        audit.record(writing, actor=actor, action="copy-in", entity="database",
                     entity_ref=target.location.name, now=now,
                     after={"from": source.location.name, "rows": counts})
    return counts


def copy_rows(reading, writing, dialect: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Today's tables in the empty target, and every row of the source's, ids and all."""
    schema.create(writing.connection())
    counts = {table.name: _copy_table(reading, writing, table) for table in tables()}
    _advance_sequences(writing, dialect)
    return counts


def _rows(session, table) -> Iterator[list[dict]]:  # type: ignore[no-untyped-def]
    key = list(table.primary_key.columns)
    result = session.execute(select(table).order_by(*key)).mappings()
    while chunk := result.fetchmany(BATCH):
        yield [dict(row) for row in chunk]


def _copy_table(reading, writing, table) -> int:  # type: ignore[no-untyped-def]
    n = 0
    for chunk in _rows(reading, table):
        writing.execute(insert(table), chunk)
        n += len(chunk)
    return n


def _advance_sequences(session, dialect: str) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL, the next id of each table follows the copied ones (SQLite needs nothing)."""
    if dialect != "postgresql":
        return
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer) or not key[0].autoincrement:
            continue
        highest = session.execute(select(func.max(key[0]))).scalar()
        if highest is not None:
            session.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), :n)"),
                            {"t": table.name, "c": key[0].name, "n": highest})


def backup(source: Database, target: Path, *, actor: str, now: datetime) -> Path:
    """A server database copied into a new SQLite file, moved into place only when whole."""
    from optima_cli.store.maintenance import into_place

    with into_place(target) as temp:
        # resolved, as the export records its workbook: doctor looks for leftovers in that folder
        copy(source, of_path(temp), actor=actor, now=now, as_backup=True,
             target_name=str(target.resolve()))
    return target
