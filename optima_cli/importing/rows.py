"""`optima import`: referrals with their known history from a spreadsheet, through the same
decisions as the commands.

The rows are read (`sheet`) and checked cell by cell (`columns`), then applied in the order the
referrals happened, inside one transaction: each row as the commands would run it, through the
decisions of `rules/actions.py`, saved by the import's batch store (`store/batch_store.py`). What
only a row has is here: which client it means (by external reference, AHV number, or name and
birth date), whether its case is already there, the order of its steps, and refusing a row that
gives another number of a client. A bad row changes nothing and is listed with its row, column and
the refusal said with that column, and the other rows are still checked. Every FLUSH_ROWS rows,
what the good rows made is written. The transaction is committed only if every row is good and
this is no dry run; otherwise it is rolled back, and nothing at all is written.

A row for a case stored before the import is compared with it, column by column, for what
`optima amend` can correct (`rules/corrections.py`): equal, it is already there; differing, it is
a difference, listed with the stored value and the file's, and nothing is written, unless the
import corrects (`amend`): then the row is an amendment through `corrections.amend`, with the
file named as the reason. A blank cell, or a step the stored case does not have, is no
difference: the import adds no steps to a case already there.

A second row for a case an earlier row of the same file met (made, or found) is compared the same
way, with the case as the earlier rows left it: a row that differs from a case this import made
is listed like any difference. With `amend`, a row that gives a value another row of the file
gave the case differently is refused (naming its column and that row): a file that contradicts
itself says nothing certain, and taking either row would flip the case on every import; a value
only the later row gives is still an amendment of a case stored before.
"""

from __future__ import annotations

import gc
import io
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from optima_cli.errors import OptimaError, ReferralBlocked
from optima_cli.importing.columns import CLIENT_FIELDS, COLUMNS, check_header, parse_row
from optima_cli.importing.compare import COMPARED, Difference, differences
from optima_cli.language import t
from optima_cli.rules import actions, corrections, joint, lifecycle
from optima_cli.rules import clients as client_rules
from optima_cli.rules.actions import Person
from optima_cli.rules.codes import OPEN_STATUSES
from optima_cli.rules.identity import format_client_id, name_key
from optima_cli.rules.lifecycle import Case, Unit
from optima_cli.rules.records import given_with_referral
from optima_cli.store.batch_store import BatchStore
from optima_cli.workflow.context import Context
from optima_cli.workflow.lookup import unknown_institution

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
    amend: bool = False
    rows: int = 0
    imported: int = 0
    skipped: int = 0
    amended: int = 0
    differences: int = 0
    clients_created: int = 0
    clients_matched: int = 0
    cases: list[str] = field(default_factory=list)
    skipped_rows: list[dict[str, Any]] = field(default_factory=list)
    difference_rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "dry_run": self.dry_run, "amend": self.amend, "rows": self.rows,
            "imported": self.imported, "skipped": self.skipped, "amended": self.amended,
            "differences": self.differences,
            "clients_created": self.clients_created, "clients_matched": self.clients_matched,
            "cases": self.cases, "skipped_rows": self.skipped_rows,
            "difference_rows": self.difference_rows,
            "errors": [e.__dict__ for e in self.errors],
        }


class RowFailed(Exception):
    """A row the rules refuse: the column at fault and the message of the refusal."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _row_failed(exc: OptimaError, column: str) -> RowFailed:
    """A refusal of the rules as a row's, said with the columns of the values it names: at the
    column of the value at fault, else at `column` (the day of an action, `on`, is the column of
    the step that failed)."""
    def name(key: str) -> str:
        return key if key in COLUMNS else {"from": "suspended_from",
                                           "until": "suspended_until"}.get(key, column)

    at = name(exc.field) if exc.field else column
    return RowFailed(at, exc.said(name))


def _failing(column: str, action: Callable[..., Any], *args: Any) -> Any:
    """Run a step of a row; a refusal names the column at fault, or `column`."""
    try:
        return action(*args)
    except OptimaError as exc:
        raise _row_failed(exc, column) from None


# the column to blame when a never-rule refuses a referral
RULE_COLUMNS = {"consent": "consent_on", "other-kind": "receiver", "no-open-referral": "receiver"}


@dataclass(frozen=True, slots=True)
class Applied:
    """What a row did: registered its client (or matched one), and made its case (or found it,
    with the columns that differ from it, corrected if `amended`)."""

    created: bool
    case: str
    already_there: bool
    differences: tuple[Difference, ...] = ()
    amended: bool = False
    made: Case | None = None  # the case as this row made it


@dataclass(slots=True)
class Met:
    """A case an earlier row of the file met: the first such row; the case as this import made
    it (None for a case stored before); and the first row giving each compared column a value."""

    row: int
    made: Case | None
    given: dict[str, int] = field(default_factory=dict)

    def contradicts(self, column: str) -> int | None:
        """The earlier row that gives `column` another value, if one does (a case this import
        made holds what its row gave, blank cells too)."""
        return self.row if self.made is not None else self.given.get(column)


def _unit(store: BatchStore, code: str) -> tuple[int, Unit]:
    found = store.unit(code)
    if found is None:
        raise unknown_institution(code, store.codes)
    return found


def _match(store: BatchStore, v: dict[str, Any]) -> Person | None:
    """The client a row means: by external reference, then AHV number, then name and birth
    date; of several, the one registered first."""
    if v["external_ref"] and (found := store.by_external_ref(v["external_ref"])):
        return found
    if v["ahv"] and (found := store.by_ahv_number(v["ahv"])):
        return found
    return store.by_name(name_key(v["name"]), v["birth_date"])


def _facts_of_the_day(values: dict[str, Any], v: dict[str, Any], today: date) -> dict[str, Any]:
    """A row's client values: an assessment of work capacity without its day is dated on the
    row's referral (the day the row's facts are as of; a referral in the future is refused as
    such), as `client update` dates it on the day it is entered."""
    return client_rules.assessed_on(values, min(v["referred_on"], today))


def _register(store: BatchStore, v: dict[str, Any], today: date) -> Person:
    values = client_rules.clean(_facts_of_the_day(
        {"institution": v["registered_at"] or v["referrer"],
         **{k: v[k] for k in CLIENT_FIELDS if v[k] is not None}}, v, today), today)
    client_rules.require(values)
    institution_id, registered_at = _unit(store, values.pop("institution"))
    outcome = actions.register(values, registered_at, institution_id, store.new_key(),
                               store.duplicate_of)
    store.save(outcome)
    return outcome.client


def _complete(store: BatchStore, match: Person, missing: dict[str, Any], today: date) -> Person:
    """The facts a matched client lacked, given by the row (as `client update` would)."""
    outcome = actions.update_client(match, client_rules.clean(missing, today), None,
                                    store.duplicate_of, lambda: None)  # a row never changes a birth date
    store.save(outcome)
    return outcome.client


def _client(store: BatchStore, v: dict[str, Any], today: date) -> tuple[Person, bool]:
    """The row's client, matched (and given the facts it lacked) or registered; and whether it
    is new."""
    match = _match(store, v)
    if match is None:
        return _failing("name", _register, store, v, today), True
    if match.birth_date != v["birth_date"]:
        by = "external_ref" if v["external_ref"] and match.external_ref == v["external_ref"] else "ahv"
        raise RowFailed(by, t("{column} {value} belongs to {client}, born {born}, but this row "
                              "says born {birth_date}", column=by, value=v[by],
                              client=format_client_id(store.written_id(match)), born=match.birth_date,
                              birth_date=v["birth_date"]))
    _refuse_other_numbers(store, match, v)
    missing = _facts_of_the_day({k: v[k] for k in CLIENT_FIELDS
                                 if v[k] is not None and getattr(match, k) is None}, v, today)
    return (_failing("name", _complete, store, match, missing, today) if missing else match), False


def _refuse_other_numbers(store: BatchStore, match: Person, v: dict[str, Any]) -> None:
    """A row that means a client but gives another AHV number, or (matched by name and birth
    date) another external reference, is refused: two numbers cannot both be the person's, and
    merging would drop one."""
    by_ahv = bool(v["ahv"]) and match.ahv == v["ahv"]
    for column in ("ahv", "external_ref"):
        theirs = getattr(match, column)
        if column == "external_ref" and by_ahv:
            continue  # the AHV number says who it is; another unit's reference may differ
        if v[column] and theirs and theirs != v[column]:
            client = format_client_id(store.written_id(match))
            raise RowFailed(column, t(
                "this row means {client} but gives {column} {value}, while {client} has "
                "{theirs}; correct the row, or the client with `optima client update`",
                client=client, column=column, value=v[column], theirs=theirs))


def _refer(store: BatchStore, client: Person, v: dict[str, Any], today: date) -> actions.Outcome:
    """The row's referral, as `refer` decides it."""
    day = v["referred_on"]
    checked = _failing("referred_on", lifecycle.check_referral, v["months"], v["topics"],
                       v["override"], day, today)
    receiver_id, receiver = _failing("receiver", _unit, store, v["receiver"])
    _, referrer = _failing("referrer", _unit, store, v["referrer"])
    try:
        outcome = actions.refer(
            client, store.next_case_seq(day.year), referrer, receiver,
            store.open_referral_to(client, receiver_id), v["topics"], checked.months, day, today,
            goal=v["goal"], counsellor=v["referring_counsellor"], override=checked.override,
            given=given_with_referral(v), settings=store.settings())
    except ReferralBlocked as exc:
        column = "override" if exc.justifiable else RULE_COLUMNS.get(exc.rules[0], "receiver")
        raise _row_failed(exc, column) from None
    except OptimaError as exc:
        raise _row_failed(exc, "referred_on") from None
    store.save(outcome)
    return outcome


Decide = Callable[[Case, Person], actions.Outcome]


def _steps(v: dict[str, Any], today: date) -> list[tuple[str, Decide]]:
    """The steps after the referral as the commands would run them: the decision first, the
    ending last, extension and suspension in between in the order of their dates; each with
    the column of its day."""
    decision, middle, ending = 0, 1, 2
    steps: list[tuple[int, date, str, Decide]] = []
    if v["decision"] == "accepted":
        steps.append((decision, v["decided_on"], "decided_on", lambda c, p: actions.accept(
            c, p, v["decided_on"], today, v["receiving_counsellor"])))
    elif v["decision"] == "rejected":
        steps.append((decision, v["decided_on"], "decided_on", lambda c, p: actions.reject(
            c, p, v["decided_on"], today, v["reason"], v["reason_note"])))
    if v["extended_on"]:
        steps.append((middle, v["extended_on"], "extended_on",
                      lambda c, p: actions.extend(c, p, v["extended_on"], today)))
    if v["suspended_from"]:
        steps.append((middle, v["suspended_from"], "suspended_from", lambda c, p: actions.suspend_search(
            c, p, v["suspended_from"], today, v["suspended_until"])))
    if v["search_resumed_on"]:
        steps.append((middle, v["search_resumed_on"], "search_resumed_on",
                      lambda c, p: actions.resume_search(c, p, v["search_resumed_on"], today)))
    if v["withdrawn_on"]:
        def withdraw(c: Case, p: Person) -> actions.Outcome:
            joint.check_withdraw_reason(v["withdraw_reason"], c.case_id)  # only by joint open
            return actions.withdraw(c, p, v["withdrawn_on"], today, v["withdraw_reason"],
                                    v["withdraw_note"])
        steps.append((ending, v["withdrawn_on"], "withdrawn_on", withdraw))
    if v["closed_on"]:
        steps.append((ending, v["closed_on"], "closed_on", lambda c, p: actions.close(
            c, p, v["closed_on"], today, v["outcome"], v["cause"], v["employed"], v["close_note"])))
    return [(column, decide) for _, _, column, decide in sorted(steps, key=lambda s: (s[0], s[1]))]


def _already_there(store: BatchStore, client: Person, created: bool, case_id: str,
                   v: dict[str, Any], today: date, amend: bool, why: str,
                   earlier: Met | None) -> Applied:
    """A row for a case already there (stored, or made by an earlier row of the file): compared
    with it; with `amend`, its differences are an amendment, unless they contradict an earlier
    row of the file."""
    made = earlier.made if earlier is not None else None
    known = made if made is not None else store.known_case(client, case_id)
    assert known is not None  # a case this import made was made on this row's day
    if not differences(known, v, today):
        return Applied(created, case_id, already_there=True)
    if made is None:
        stored = store.stored_case(case_id)  # all of it, its suspensions too
        assert stored is not None
        case, settings = stored
    else:
        case = made
    found = differences(case, v, today)
    if not found or not amend:
        return Applied(created, case_id, already_there=True, differences=tuple(found.values()))
    for d in found.values():
        if earlier is not None and (row := earlier.contradicts(d.column)) is not None:
            raise RowFailed(d.column, t(
                "row {row} of this file gives {case} another {column}; the rows of one case "
                "must agree", row=row, case=case_id, column=d.column))
    receiver_id = store.unit_ids[case.receiver.code]
    open_case = (store.open_referral_to(client, receiver_id, case_id)
                 if case.status in OPEN_STATUSES else None)
    changes = {name: v[d.column] for name, d in found.items()}
    first = next(iter(found.values())).column
    try:
        outcome = corrections.amend(case, client, changes, why, today, open_case, settings,
                                    followed_up=made is None and store.followed_up(case_id))
    except OptimaError as exc:  # said with the columns: amend's note is the note's column
        raise _row_failed(exc, found["note"].column if exc.field == "note" else first) from None
    store.save(outcome)
    return Applied(created, case_id, already_there=True, differences=tuple(found.values()),
                   amended=True)


def _apply_row(store: BatchStore, v: dict[str, Any], today: date, amend: bool = False,
               why: str = "", met: dict[str, Met] | None = None) -> Applied:
    """One row, as the commands would run it; a bad row raises RowFailed and leaves the store as
    it was."""
    for column in ("registered_at", "referrer", "receiver"):  # known, even for a row already there
        if v[column]:
            _failing(column, _unit, store, v[column])
    client, created = _client(store, v, today)
    receiver = store.unit(v["receiver"])
    existing = store.referral_on(client, receiver[0] if receiver else None, v["referred_on"])
    if existing is not None:
        return _already_there(store, client, created, existing, v, today, amend, why,
                              (met or {}).get(existing))
    outcome = _refer(store, client, v, today)
    case, client = outcome.case, outcome.client
    for column, decide in _steps(v, today):
        outcome = _failing(column, decide, case, client)
        store.save(outcome)
        case, client = outcome.case, outcome.client
    assert case is not None
    return Applied(created, case.case_id, already_there=False, made=case)


def apply_row(store: BatchStore, v: dict[str, Any], today: date, amend: bool = False,
              why: str = "", met: dict[str, Met] | None = None, number: int = 0) -> Applied:
    """One row; `met` holds the cases earlier rows of the file met (on the row's day: a case is
    met by its day of referral), and is told of this row's (as row `number`)."""
    try:
        applied = _apply_row(store, v, today, amend, why, met)
    except RowFailed:
        store.drop_row()
        raise
    store.end_row()
    if met is not None:
        seen = met.setdefault(applied.case, Met(number, applied.made))
        for column in COMPARED:
            if v[column] is not None:
                seen.given.setdefault(column, number)
    return applied


class _Rollback(Exception):
    """Leaves the import's transaction without committing: a bad row, or a dry run."""


def _count(out: Outcome, number: int, applied: Applied) -> None:
    out.clients_created += applied.created
    out.clients_matched += not applied.created
    if applied.differences:
        out.differences += 1
        out.amended += applied.amended
        out.difference_rows += [{"row": number, "case": applied.case, "column": d.column,
                                 "stored": d.stored, "file": d.file} for d in applied.differences]
    elif applied.already_there:
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
                dry_run: bool = False, progress: Callable[[int], None] | None = None,
                amend: bool = False, rows_read: Callable[[int], None] | None = None) -> Outcome:
    """Check and apply the rows; write only if every row is good, no row differs from its case
    already there (unless `amend`: then each such row corrects it) and this is no dry run. The
    rows are read once, one at a time, and every one is checked before any is applied;
    `rows_read` hears how many there are then, and `progress` of each row applied."""
    with _without_cycle_collection():
        return _import_rows(ctx, name, rows, dry_run, progress, amend, rows_read)


def why_of(name: str) -> str:
    """The justification of the corrections an import makes: the file, in one neutral form
    (the audit trail keeps one text, whoever reads it)."""
    return corrections.justification(f"import: {name}")


def _import_rows(ctx: Context, name: str, rows: Iterable[tuple[int, dict[str, Any]]],
                 dry_run: bool, progress: Callable[[int], None] | None, amend: bool,
                 rows_read: Callable[[int], None] | None) -> Outcome:
    out = Outcome(file=name, dry_run=dry_run, amend=amend)
    why = why_of(name) if amend else ""
    with _Spool() as spool:
        # every row is read and checked first, one at a time; what the rows need from each other
        # is kept (their order, and whom they name), each good row is put aside in the spool
        order: list[tuple[date, int, int]] = []  # (day of referral, row, place in the spool)
        external_refs: set[str] = set()
        ahvs: set[str] = set()
        people: set[tuple[str, date]] = set()
        for number, cells in rows:
            values, problems = parse_row(cells)
            out.errors += [RowError(number, column, message) for column, message in problems]
            place = -1
            if not problems:
                place = spool.put(values)
                if values["external_ref"]:
                    external_refs.add(values["external_ref"])
                if values["ahv"]:
                    ahvs.add(values["ahv"])
                people.add((name_key(values["name"]), values["birth_date"]))
            order.append((values.get("referred_on") or date.max, number, place))
        out.rows = len(order)
        if rows_read is not None:
            rows_read(out.rows)
        # applied in the order things happened, so that a client's earlier case is closed before a
        # later one; each row is read back from the spool when its turn comes
        order.sort()
        try:
            with ctx.write() as session:
                store = BatchStore(session, ctx.user, f"import:{name}", ctx.now,
                                   external_refs=sorted(external_refs), ahvs=sorted(ahvs),
                                   people=sorted(people))
                del external_refs, ahvs, people
                out = _apply_rows(store, out, order, spool, ctx.today, amend, why, progress)
        except _Rollback:
            pass
    out.errors.sort(key=lambda e: (e.row, list(COLUMNS).index(e.column) if e.column in COLUMNS else 99))
    if out.errors or _differing(out):
        out.imported = out.clients_created = out.clients_matched = out.amended = 0
        out.cases = []
    return out


def _apply_rows(store: BatchStore, out: Outcome, order: list[tuple[date, int, int]], spool: _Spool,
                today: date, amend: bool, why: str,
                progress: Callable[[int], None] | None) -> Outcome:
    """Apply the good rows in `order`, writing every FLUSH_ROWS rows; raises _Rollback unless
    every row is good, none differs (or they are corrected) and this is no dry run."""
    met: dict[str, Met] = {}  # the cases met on the day being applied, by case id
    day = None
    for done, (_, number, place) in enumerate(order, start=1):
        if place >= 0:
            values = spool.get(place)
            if values["referred_on"] != day:  # the rows of one case are of one day
                met, day = {}, values["referred_on"]
            try:
                _count(out, number, apply_row(store, values, today, amend, why, met, number))
            except RowFailed as failure:
                out.errors.append(RowError(number, failure.column, failure.message))
        if progress:
            progress(done)
        if done % FLUSH_ROWS == 0 or done == len(order):
            store.flush(write=not (out.errors or out.dry_run or _differing(out)))
    if out.errors or out.dry_run or _differing(out):
        raise _Rollback
    return out


class _Spool:
    """The checked rows of an import put aside in an unnamed temporary file (removed when it is
    closed, or when the process ends; readable only by its user) while the rows are sorted by
    day, so that the file's rows are never all held in memory at once."""

    def __enter__(self) -> _Spool:
        self.file = tempfile.TemporaryFile()
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def put(self, values: dict[str, Any]) -> int:
        """Put a row aside; its place, to get it back."""
        self.file.seek(0, io.SEEK_END)
        place = self.file.tell()
        pickle.dump(values, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        return place

    def get(self, place: int) -> dict[str, Any]:
        self.file.seek(place)
        values: dict[str, Any] = pickle.load(self.file)  # our own file, just written
        return values


def _differing(out: Outcome) -> bool:
    """Rows differ from their cases already there, and the import does not correct them."""
    return bool(out.differences) and not out.amend


def import_file(ctx: Context, path: Path, dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None, amend: bool = False) -> Outcome:
    from optima_cli.importing.sheet import read

    sheet = read(path)
    check_header(sheet, path.name)
    total = [0]  # known once every row is read, before any is applied

    def counted(rows: int) -> None:
        total[0] = rows

    return import_rows(ctx, path.name, sheet.rows, dry_run,
                       (lambda i: progress(i, total[0])) if progress else None, amend, counted)
