"""Keeping the database whole: `backup` and `doctor`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optima_cli.errors import OptimaError
from optima_cli.store import audit, maintenance, queries
from optima_cli.store.engine import open_database, read_meta
from optima_cli.store.models import SCHEMA_VERSION
from optima_cli.store.schema import HEAD
from optima_cli.workflow.context import Context


def backup(ctx: Context, target: str) -> dict[str, Any]:
    """A SQLite file: the online backup of a SQLite database, or a copy of a server's."""
    path = Path(target).expanduser()
    if path.is_dir():
        raise OptimaError(f"{path} is a folder; give the backup a file name, like optima-backup.db")
    db = open_database(ctx.db_path, schema_check="any")  # a backup comes before an upgrade
    try:
        if db.path is not None:
            maintenance.backup(db, path)
        else:
            if not db.version.current:  # the copy writes today's tables
                raise OptimaError(f"{db.label} has schema {db.version.revision}, not this optima's "
                                  f"{HEAD}; back the server database up with pg_dump instead")
            from optima_cli.store import transfer

            transfer.backup(db, path, actor=ctx.user, now=ctx.now())
    except OSError as exc:
        raise OptimaError(f"cannot write {path}: {exc.strerror or exc}") from None
    return {"backup": str(path), "size": path.stat().st_size}


def doctor(ctx: Context) -> dict[str, Any]:
    """Every check in one report; `ok` is false when anything is wrong."""
    db = ctx.db
    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append({"check": name, "ok": ok, "detail": detail})

    if db.path is not None:
        result = maintenance.integrity(db)
        check("integrity", result == "ok", result)
    with ctx.read() as session:
        version = read_meta(session, "schema_version")
        verdict = audit.verify(session)
        future = queries.cases_dated_after(session, ctx.today)
    check("schema", version == str(SCHEMA_VERSION) and db.version.current,
          f"version {version}, revision {db.version.revision} (this optima: {SCHEMA_VERSION}, {HEAD})")
    if db.path is not None:
        rights = maintenance.permissions(db)
        check("permissions", rights.private,
              f"file {rights.file_mode:o}, folder {rights.folder_mode:o}"
              + ("" if rights.private else f"; run: chmod 600 {db.path}; chmod go-w {db.path.parent}"))
        mode = maintenance.journal_mode(db)
        check("journal", mode == "wal", f"journal mode {mode}")
    check("dates", future == 0,
          "no event dated after today" if not future else
          f"{future} case{'s have' if future != 1 else ' has'} events dated after today (was a "
          "clock ahead?); correct them, as lists and warnings as of today take them as past")
    check("audit trail", verdict.ok,
          f"{verdict.events} events, head {verdict.head[:16]}" if verdict.ok
          else f"event {verdict.event_id}: {verdict.problem}")
    return {"database": db.label, "ok": all(c["ok"] for c in checks), "checks": checks}
