"""`optima db status`, `db upgrade` and `db copy`: the schema version, migrations, and moving a
database between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from optima_cli.errors import OptimaError
from optima_cli.language import t
from optima_cli.store import access, maintenance, schema
from optima_cli.store.engine import Database, initialize, open_database
from optima_cli.store.location import locate
from optima_cli.workflow.context import Context

PACKED = "0018"  # the migration that packs the audit payloads and findings (records/packing.py)


def _opened(ctx: Context) -> Database:
    """The database as it is, whatever its schema version."""
    return open_database(ctx.db_path, schema_check="any")


def _state(found: schema.Version) -> str:
    if found.empty:
        return "empty"
    if found.current:
        return "current"
    return "newer" if found.newer or not found.known else "behind"


def status(ctx: Context) -> dict[str, Any]:
    db = _opened(ctx)
    found = db.version
    return {"database": db.label, "dialect": db.dialect, "revision": found.revision,
            "head": schema.HEAD, "state": _state(found), "pending": list(found.pending)}


def upgrade(ctx: Context) -> dict[str, Any]:
    """Apply the pending migrations in one transaction (an empty database gets today's tables)."""
    db = _opened(ctx)
    with db.write() as session:
        found = schema.version(session.connection())  # as it is now, under the write lock
        if found.newer or (not found.empty and not found.known):
            raise OptimaError(t("{database} was written by a newer optima (schema {revision}, this "
                                "one knows up to {head}); upgrade optima instead",
                                database=db.label, revision=found.revision, head=schema.HEAD))
        applied = list(found.pending)
        if found.empty:
            initialize(session, db.location.name)
        elif applied:
            schema.upgrade(session.connection())
            from optima_cli.store import audit

            audit.record(session, actor=ctx.user, action="upgrade-schema", entity="database",
                         entity_ref=db.location.name, now=ctx.now(), source=ctx.source,
                         before={"revision": found.revision}, after={"revision": schema.HEAD})
        else:  # current: on a server, the access control is put right again (doctor's advice)
            access.install(session.connection())
    db.version = schema.Version(schema.HEAD)
    if PACKED in applied and not found.empty:  # the pages the packed values freed, given back
        maintenance.compact(db)  # (if a reader is in the way, later writes reuse them instead)
    return {"database": db.label, "from": found.revision, "to": schema.HEAD, "applied": applied}


def copy(ctx: Context, to: str) -> dict[str, Any]:
    """Copy this database into an empty one at `to` (a file path or a URL)."""
    from optima_cli.store import transfer

    source = ctx.db  # refuses a source whose schema is not current: upgrade it first
    target = locate(to, "--to")
    counts = transfer.copy(source, target, actor=ctx.user, now=ctx.now())
    return {"from": source.label, "to": target.label, "rows": counts}
