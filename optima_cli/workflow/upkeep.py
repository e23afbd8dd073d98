"""Keeping the database whole: `backup` and `doctor`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optima_cli.errors import OptimaError
from optima_cli.language import plural, t
from optima_cli.store import audit, maintenance, queries
from optima_cli.store.engine import open_database, read_meta
from optima_cli.store.models import SCHEMA_VERSION
from optima_cli.store.schema import HEAD
from optima_cli.workflow.context import Context


def backup(ctx: Context, target: str, force: bool = False) -> dict[str, Any]:
    """A SQLite file: the online backup of a SQLite database, or a copy of a server's. An
    existing file is replaced only with `force`, and never anything but a regular file."""
    path = Path(target).expanduser()
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
          t("version {version}, revision {revision} (this optima: {schema_version}, {head})",
            version=version, revision=db.version.revision, schema_version=SCHEMA_VERSION, head=HEAD))
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
    check("dates", future == 0, t("no event dated after today") if not future else plural(
        future,
        "{n} case has events dated after today (was a clock ahead?); correct them, as lists and "
        "warnings as of today take them as past",
        "{n} cases have events dated after today (was a clock ahead?); correct them, as lists and "
        "warnings as of today take them as past", n=future))
    check("audit trail", verdict.ok,
          t("{events} events, head {head}", events=verdict.events, head=verdict.head[:16])
          if verdict.ok else
          t("event {event}: {problem}", event=verdict.event_id, problem=verdict.problem))
    checks.append(_compaction(ctx))
    checks.append(_temporary_files(ctx))
    return {"database": db.label, "ok": all(c["ok"] for c in checks), "checks": checks}


def _compaction(ctx: Context) -> dict[str, Any]:
    """Whether an anonymize left erased values in the file: it could not compact it."""
    with ctx.read() as session:
        pending = read_meta(session, maintenance.COMPACTION_PENDING)
    return {"check": "compaction", "ok": pending is None,
            "detail": t("no erased values left in the file") if pending is None else t(
                "an anonymize could not compact the database: erased values may still be in it; "
                "when no other optima uses it, run: optima anonymize --closed-before {day} --yes",
                day=pending)}


def _temporary_files(ctx: Context) -> dict[str, Any]:
    """Temporary files of a killed backup or workbook, beside the database or the files that
    exports and server backups were recorded as writing."""
    with ctx.read() as session:
        folders = {Path(name).parent for name in queries.files_written(session)}
    if ctx.db.path is not None:
        folders.add(ctx.db.path.parent)
    stale = sorted(str(p) for folder in sorted(folders)
                   for p in maintenance.stale_temporary_files(folder))
    return {"check": "temporary files", "ok": not stale,
            "detail": t("none left by a killed backup or workbook") if not stale else plural(
                len(stale), "{n} temporary file of a killed backup or workbook (personal data): "
                "{files}; delete it, or run the backup or export again",
                "{n} temporary files of a killed backup or workbook (personal data): {files}; "
                "delete them, or run the backup or export again", n=len(stale),
                files=", ".join(stale[:5]) + (" ..." if len(stale) > 5 else ""))}
