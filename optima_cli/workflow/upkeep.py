"""Keeping the database whole: `backup` and `doctor`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session

from optima_cli.errors import OptimaError
from optima_cli.language import plural, t
from optima_cli.records.models import SCHEMA_VERSION
from optima_cli.rules.identity import format_client_id
from optima_cli.store import access, anomalies, audit_verify, maintenance, schema
from optima_cli.store.engine import Damaged, Database, connect, locate, open_database, read_meta
from optima_cli.store.location import named
from optima_cli.store.schema import HEAD
from optima_cli.workflow.context import Context

T = TypeVar("T")


def backup(ctx: Context, target: str, force: bool = False) -> dict[str, Any]:
    """A SQLite file: the online backup of a SQLite database, or a copy of a server's. An
    existing file is replaced only with `force`, and never anything but a regular file."""
    path = Path(named(target, "FILE", "optima-backup.db")).expanduser()
    if path.is_dir():
        raise OptimaError(t("{path} is a folder; give the backup a file name, like optima-backup.db",
                            path=path))
    maintenance.refuse_special(path)
    if path.exists() and not force:
        raise OptimaError(t("{path} exists already; give a new file name, or add --force to "
                            "replace it", path=path), field="--force")
    db = open_database(ctx.db_path, schema_check="any")  # a backup comes before an upgrade
    try:
        if db.path is not None:
            maintenance.backup(db, path)
        else:
            if not db.version.current:  # the copy writes today's tables
                raise OptimaError(t("{database} has schema {revision}, not this optima's {head}; "
                                    "back the server database up with pg_dump instead",
                                    database=db.label, revision=db.version.revision, head=HEAD))
            from optima_cli.store import transfer

            transfer.backup(db, path, actor=ctx.user, now=ctx.now())
    except OSError as exc:
        raise OptimaError(t("cannot write {path}: {problem}", path=path,
                            problem=exc.strerror or exc)) from None
    return {"backup": str(path), "size": path.stat().st_size}


NAMED = 5  # the cases doctor names of those it finds


def doctor(ctx: Context) -> dict[str, Any]:
    """Every check in one report; `ok` is false when anything is wrong."""
    try:
        db = ctx.db
    except Damaged as exc:  # too damaged to open: what SQLite finds is still the report
        db = connect(locate(ctx.db_path))
        found = maintenance.integrity(db)
        return {"database": db.label, "ok": False, "checks": [
            {"check": "integrity", "ok": False, "detail": exc.finding if found == "ok" else found}]}
    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append({"check": name, "ok": ok, "detail": detail})

    if db.path is not None:
        result = maintenance.integrity(db)
        check("integrity", result == "ok", result)
    # each read on its own, so that a damaged part of the file fails its check, not the report
    version, unreadable_version = _read(ctx, lambda session: read_meta(session, "schema_version"))
    standing, _ = _read(ctx, access.standing)
    whole = standing is None or standing["sees_all"]  # a unit's login sees only part of the trail
    verdict, unreadable_trail = _read(ctx, audit_verify.verify) if whole else (None, None)
    future, unreadable_dates = _read(ctx, lambda session: anomalies.cases_dated_after(session,
                                                                                   ctx.today))
    out_of_order, unreadable_order = _read(ctx, anomalies.cases_out_of_order)
    missing, unreadable_tables = _read(ctx, lambda session: schema.missing(session.connection()))
    check("schema", version == str(SCHEMA_VERSION) and db.version.current, unreadable_version or
          t("version {version}, revision {revision} (this optima: {schema_version}, {head})",
            version=version, revision=db.version.revision, schema_version=SCHEMA_VERSION, head=HEAD))
    check("tables", missing == [], unreadable_tables or (
        t("every table, column and index of revision {head}", head=HEAD) if not missing else
        t("missing: {items}; restore a backup", items="; ".join(missing))))
    if db.path is None:  # a SQLite file is one person's: no rows to keep from others
        _row_level_security(ctx, check)
    if db.path is not None:
        rights = maintenance.permissions(db)
        if rights.private:
            detail = t("file {file_mode:o}, folder {folder_mode:o}",
                       file_mode=rights.file_mode, folder_mode=rights.folder_mode)
        else:
            detail = t("file {file_mode:o}, folder {folder_mode:o}; run: chmod 600 {path}; "
                       "chmod go-w {folder}", file_mode=rights.file_mode,
                       folder_mode=rights.folder_mode, path=db.path, folder=db.path.parent)
        check("permissions", rights.private, detail)
        mode = maintenance.journal_mode(db)
        check("journal", mode == "wal", t("journal mode {mode}", mode=mode))
    check("dates", future == 0, unreadable_dates or (
        t("no event dated after today") if not future else plural(
            future,
            "{n} case has events dated after today (was a clock ahead?); correct them, as lists "
            "and warnings as of today take them as past",
            "{n} cases have events dated after today (was a clock ahead?); correct them, as lists "
            "and warnings as of today take them as past", n=future)))
    out_of_order = out_of_order or []
    shown = ", ".join(out_of_order[:NAMED]) + (", ..." if len(out_of_order) > NAMED else "")
    check("date order", not unreadable_order and not out_of_order, unreadable_order or (
        t("every case's dates are in order") if not out_of_order else plural(
            len(out_of_order),
            "{n} case has dates out of order: {cases}; look at it with `optima show CASE`",
            "{n} cases have dates out of order: {cases}; look at them with `optima show CASE`",
            n=len(out_of_order), cases=shown)))
    if not whole:
        check("audit trail", True, t("not checked: this login sees only the events of its units' "
                                     "cases; the coordinator runs optima audit verify"))
    elif verdict is None:  # unreadable
        check("audit trail", False, unreadable_trail or "")
    else:
        check("audit trail", verdict.ok,
              t("{events} events, head {head}", events=verdict.events, head=verdict.head[:16])
              if verdict.ok else
              t("event {event}: {problem}", event=verdict.event_id, problem=verdict.problem)
              if verdict.event_id is not None else verdict.problem or "")
    twins, unreadable_twins = _read(ctx, anomalies.duplicate_clients)
    twins = twins or []
    shown_twins = "; ".join(" = ".join(format_client_id(i) for i in group)
                            for group in twins[:NAMED]) + (" ..." if len(twins) > NAMED else "")
    check("duplicate clients", not unreadable_twins and not twins, unreadable_twins or (
        t("no client registered twice") if not twins else plural(
            len(twins),
            "{n} person is registered more than once (same name and birth date): {clients}; "
            "look at them with `optima client show CLIENT`",
            "{n} persons are registered more than once (same name and birth date): {clients}; "
            "look at them with `optima client show CLIENT`", n=len(twins), clients=shown_twins)))
    pending, unreadable_pending = _read(
        ctx, lambda session: read_meta(session, maintenance.COMPACTION_PENDING))
    check("compaction", not unreadable_pending and pending is None, unreadable_pending or (
        t("no erased values left in the file") if pending is None else t(
            "an anonymize could not compact the database: erased values may still be in it; "
            "when no other optima uses it, run: optima anonymize --closed-before {day} --yes",
            day=pending)))
    written = _read(ctx, anomalies.files_written)[0]  # unreadable: the database's folder alone
    stale = _temporary_files(db, written or set())
    check("temporary files", not stale, t("none left by a killed backup or workbook") if not stale
          else plural(len(stale), "{n} temporary file of a killed backup or workbook (personal "
                      "data): {files}; delete it, or run the backup or export again",
                      "{n} temporary files of a killed backup or workbook (personal data): "
                      "{files}; delete them, or run the backup or export again", n=len(stale),
                      files=", ".join(stale[:NAMED]) + (" ..." if len(stale) > NAMED else "")))
    return {"database": db.label, "ok": all(c["ok"] for c in checks), "checks": checks}


def _row_level_security(ctx: Context, check: Callable[[str, bool, str], None]) -> None:
    """On the server: every table with personal data has row-level security on and forced (the
    owner role is not exempt), as `db upgrade` leaves it (issue 20)."""
    found, unreadable = _read(ctx, access.protection)
    present = _read(ctx, anomalies.tables)[0] or set()  # a table dropped: the tables check's
    tables = [row for row in found or [] if row[0] in present]
    without = [table for table, enabled, forced in tables if not (enabled and forced)]
    check("row-level security", not unreadable and not without, unreadable or (
        t("on and forced for every table with personal data ({n})", n=len(tables))
        if not without else
        t("not on and forced for: {tables}; run optima db upgrade", tables=", ".join(without))))


def _read(ctx: Context, read: Callable[[Session], T]) -> tuple[T | None, str | None]:
    """What `read` finds in a read transaction of its own, or else why it could not read (a
    damaged file, a missing table): one line, for the check that needed it."""
    try:
        with ctx.read() as session:
            return read(session), None
    except Damaged as exc:  # doctor is already running: the finding without the advice
        return None, exc.finding
    except OptimaError as exc:
        return None, exc.message


def _temporary_files(db: Database, written: set[str]) -> list[str]:
    """Temporary files of a killed backup or workbook, beside the database or the files that
    exports and server backups were recorded as writing."""
    folders = {Path(name).parent for name in written}
    if db.path is not None:
        folders.add(db.path.parent)
    return sorted(str(p) for folder in sorted(folders)
                  for p in maintenance.stale_temporary_files(folder))
