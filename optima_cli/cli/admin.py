"""backup, doctor, audit verify/list, anonymize: keeping the records whole and lawful."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer

from optima_cli.cli.options import MAX_ROWS, FormatOpt, context, date_option, emit, print_data, tables, terminal
from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

audit_app = typer.Typer(help="The audit trail: verify it, list it.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="Where the copy goes.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace FILE if it exists (a backup is never overwritten otherwise).")] = False,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Copy the database consistently, even while others write; prints the file.

    Uses SQLite's online backup API, checks the copy, and moves it into place only when whole.
    An existing FILE is kept unless --force is given; a device, pipe or folder never replaced.

    Example: optima backup /srv/backup/optima-$(date +%F).db
    Example: optima backup /srv/backup/optima-latest.db --force
    """
    from optima_cli.workflow.upkeep import backup as do_backup

    result = do_backup(context(ctx), file, force)
    if fmt == Format.TABLE:
        print_data(result["backup"])
        terminal.message(t("backup written: {backup} ({size} bytes)", backup=result["backup"],
                           size=result["size"]))
    else:
        emit(result, fmt, lambda d: None)


@app.command()
def doctor(ctx: typer.Context, fmt: FormatOpt = Format.TABLE) -> None:
    """Check the database: integrity, schema version and tables, file permissions, audit trail.

    On the shared PostgreSQL server also whether row-level security is on, and forced, for every
    table with personal data (a SQLite file needs none: it is one person's). Exit 0 when all is
    well, 1 when anything is wrong.

    Example: optima doctor
    """
    from optima_cli.workflow.upkeep import doctor as do_doctor

    result = do_doctor(context(ctx))
    emit(result if fmt != Format.CSV else result["checks"], fmt, tables.doctor)
    if not result["ok"]:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    expect: Annotated[str | None, typer.Option(
        "--expect", metavar="HASH",
        help="A hash printed by an earlier verify and noted elsewhere: fail unless that event is "
             "still in the trail.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Check that no audit event was changed, removed, inserted or reordered outside optima.

    Exit 0 if the trail is whole; otherwise 1, naming the first event that is not. Prints the
    number of events and the hash of the last one: note them elsewhere (a mail, a log) to anchor
    the trail, and check later with --expect that no event was removed since.

    Example: optima audit verify --format json
    """
    from optima_cli.workflow.trail import verify

    result = verify(context(ctx), expect)
    if fmt == Format.TABLE:
        if result["ok"]:
            print_data(t("ok: {events} events, last hash {head}", events=result["events"],
                         head=result["head"]))
        elif result["event"] is None:
            print_data(t("broken: {problem}", problem=result["problem"]))
        else:
            print_data(t("broken at event {event}: {problem}", event=result["event"],
                         problem=result["problem"]))
    else:
        emit(result, fmt, lambda d: None)
    if not result["ok"]:
        raise typer.Exit(1)


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    case: Annotated[str | None, typer.Option("--case", metavar="CASE", help="Only events of this case.")] = None,
    client: Annotated[str | None, typer.Option(
        "--client", metavar="CLIENT", help="Only events of this client.")] = None,
    user: Annotated[str | None, typer.Option("--user", metavar="NAME", help="Only events by this user.")] = None,
    since: Annotated[date | None, date_option("--since", help="Only events recorded on or after this day.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=MAX_ROWS, help="Only the latest N events.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Show who did what when: changes, reads of personal data, exports.

    Example: optima audit list --case OPT-2026-0001
    """
    from optima_cli.workflow.trail import listing

    emit(listing(context(ctx), case, client, user, since, limit), fmt, tables.audit_events)


@app.command()
def anonymize(
    ctx: typer.Context,
    closed_before: Annotated[date, date_option(
        "--closed-before", help="Clients whose every referral ended before this day.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count; change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation (for scripts).")] = False,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Remove the personal data of clients whose every referral has ended.

    Name, AHV number, birth date, municipality, external reference, free-text notes and goals go;
    codes and dates stay, so every report figure stays the same, and the audit trail still
    verifies. The file is then compacted; if another connection keeps it from that, it says so
    (exit 1) and running it again finishes the job. This cannot be undone: make a backup first.

    Example: optima anonymize --closed-before 2024-01-01 --dry-run
    """
    from optima_cli.workflow.retention import anonymize as do_anonymize

    c = context(ctx)
    if not dry_run and not yes:
        preview = do_anonymize(c, closed_before, dry_run=True)
        if preview["clients"] == 0 and preview["compacted"]:
            emit(preview, fmt, tables.anonymized)
            return
        if preview["clients"] and not sys.stdin.isatty():
            raise UsageProblem(t("anonymize would remove the personal data of {clients} clients "
                                 "for good; add --yes to confirm, or --dry-run to look first",
                                 clients=preview["clients"]))
        if preview["clients"]:
            typer.confirm(t("Remove the personal data of {clients} clients for good?",
                            clients=preview["clients"]), abort=True)
    result = do_anonymize(c, closed_before, dry_run)
    emit(result, fmt, tables.anonymized)
    if result["compacted"] and result.get("server_note"):
        terminal.message(result["server_note"])
    if not result["compacted"] and not dry_run:
        raise OptimaError(t(
            "the erased values may still be on disk, as the database could not be compacted "
            "({problem}); when no other optima uses it, run: optima anonymize --closed-before "
            "{day} --yes (it finishes the job; `optima doctor` reports it until then)",
            problem=result["compaction_problem"], day=result["compaction_day"]))
