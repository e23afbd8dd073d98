"""`optima import`: referrals with their known history from a spreadsheet, through the same rules
as the commands.

The rows are read and checked cell by cell (`import_format`), then applied in the order the
referrals happened, inside one transaction, to the clients and cases held in memory
(`import_state`): a bad row changes nothing and is listed with its row, column and the command's
message, and the other rows are still checked. Every FLUSH_ROWS rows, what the good rows made is
written. The transaction is committed only if every row is good and this is no dry run; otherwise
it is rolled back, and nothing at all is written.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from optima_cli.language import t
from optima_cli.workflow.context import Context
from optima_cli.importing.columns import COLUMNS, check_header, parse_row
from optima_cli.workflow.import_state import Applied, ImportState, RowFailed

__all__ = ["COLUMNS", "Outcome", "RowError", "check_header", "import_file", "import_rows", "parse_row"]

# rows applied between two writes: what is written stays in the transaction until its end, and is
# rolled back with it if a later row is bad; so the memory an import needs stays bounded
FLUSH_ROWS = 5000


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Outcome:
    file: str
    dry_run: bool
    rows: int = 0
    imported: int = 0
    skipped: int = 0
    clients_created: int = 0
    clients_matched: int = 0
    cases: list[str] = field(default_factory=list)
    skipped_rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "dry_run": self.dry_run, "rows": self.rows,
            "imported": self.imported, "skipped": self.skipped,
            "clients_created": self.clients_created, "clients_matched": self.clients_matched,
            "cases": self.cases, "skipped_rows": self.skipped_rows,
            "errors": [e.__dict__ for e in self.errors],
        }


class _Rollback(Exception):
    """Leaves the import's transaction without committing: a bad row, or a dry run."""


def _count(out: Outcome, number: int, applied: Applied) -> None:
    out.clients_created += applied.created
    out.clients_matched += not applied.created
    if applied.already_there:
        out.skipped += 1
        out.skipped_rows.append({"row": number, "case": applied.case,
                                 "message": t("{case} is already there", case=applied.case)})
    else:
        out.cases.append(applied.case)
        out.imported += 1


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """An import makes some objects for every row that all live until it ends and form no
    cycles: looking for cycles among them every few hundred allocations costs a tenth of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_rows(ctx: Context, name: str, rows: Iterable[tuple[int, dict[str, Any]]],
                dry_run: bool = False, progress: Callable[[int], None] | None = None) -> Outcome:
    """Check and apply the rows; write only if every row is good and this is no dry run."""
    with _without_cycle_collection():
        return _import_rows(ctx, name, rows, dry_run, progress)


def _import_rows(ctx: Context, name: str, rows: Iterable[tuple[int, dict[str, Any]]],
                 dry_run: bool, progress: Callable[[int], None] | None) -> Outcome:
    out = Outcome(file=name, dry_run=dry_run)
    parsed = []
    for number, cells in rows:
        values, problems = parse_row(cells)
        out.errors += [RowError(number, column, message) for column, message in problems]
        parsed.append((number, values, not problems))
    out.rows = len(parsed)
    # apply in the order things happened, so that a client's earlier case is closed before a later
    # one; each row is let go once applied
    pending = deque(sorted(parsed, key=lambda item: (item[1].get("referred_on") or date.max, item[0])))
    del parsed
    try:
        with ctx.write() as session:
            state = ImportState(session, ctx, f"import:{name}", [v for _, v, good in pending if good])
            done = 0
            while pending:
                number, values, good = pending.popleft()
                if good:
                    try:
                        _count(out, number, state.apply(values))
                    except RowFailed as failure:
                        out.errors.append(RowError(number, failure.column, failure.message))
                done += 1
                if progress:
                    progress(done)
                if done % FLUSH_ROWS == 0 or not pending:
                    state.flush(session, write=not (out.errors or dry_run))
            if out.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    out.errors.sort(key=lambda e: (e.row, list(COLUMNS).index(e.column) if e.column in COLUMNS else 99))
    if out.errors:
        out.imported = out.clients_created = out.clients_matched = 0
        out.cases = []
    return out


def import_file(ctx: Context, path: Path, dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None) -> Outcome:
    from optima_cli.importing import sheet as tabular

    sheet = tabular.read(path)
    check_header(sheet, path.name)
    total = len(sheet.rows)
    return import_rows(ctx, path.name, sheet.rows, dry_run,
                       (lambda i: progress(i, total)) if progress else None)
