"""`optima import`: referrals with their known history from a spreadsheet, through the same rules
as the commands.

Every row is read and checked before anything stays written: the rows are replayed through the
workflow functions (register, refer, accept, ...) inside one shared transaction, each row in a
savepoint of its own, so that one bad row is undone alone while the others are still checked. Any
bad row, or `--dry-run`, and the whole transaction is rolled back; otherwise it is committed once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from optima_cli.errors import NotFound, OptimaError, ReferralBlocked, UsageProblem
from optima_cli.rules import codes
from optima_cli.rules.dates import parse_date
from optima_cli.rules.identity import format_client_id, normalize_ahv
from optima_cli.rules.lifecycle import parse_months
from optima_cli.store import queries
from optima_cli.tabular import Sheet, as_text
from optima_cli.workflow import cases, clients
from optima_cli.workflow.context import Context

TRUE = {"1", "yes", "y", "true", "ja", "j", "x", "wahr"}
FALSE = {"0", "no", "n", "false", "nein", "falsch"}


def _text(value: Any) -> str | None:
    return as_text(value)


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    text = as_text(value)
    return parse_date(text) if text else None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = as_text(value)
    if text is None:
        return None
    if text.lower() in TRUE:
        return True
    if text.lower() in FALSE:
        return False
    raise UsageProblem(f"{text!r} is not yes or no")


def _code(group: type[codes.StrEnum]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        text = as_text(value)
        return codes.parse_code(group, text) if text else None
    return parse


def _topics(value: Any) -> tuple[codes.Topic, ...] | None:
    text = as_text(value)
    return codes.parse_topics(text.replace(";", ",")) if text else None


def _months(value: Any) -> int | None:
    text = as_text(value)
    return parse_months(text) if text else None


def _ahv(value: Any) -> str | None:
    text = as_text(value)
    return normalize_ahv(text) if text else None


def _decision(value: Any) -> str | None:
    text = as_text(value)
    if text is None:
        return None
    if text.lower() not in ("accepted", "rejected"):
        raise UsageProblem(f"{text!r} is not a decision; use accepted or rejected, or leave it empty")
    return text.lower()


# column -> (parser, required). The order is the template's.
COLUMNS: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "external_ref": (_text, False),
    "name": (_text, True),
    "birth_date": (_date, True),
    "ahv": (_ahv, False),
    "municipality": (_text, False),
    "registered_at": (_text, False),
    "counsellor": (_text, False),
    "consent_on": (_date, False),
    "consent_withdrawn_on": (_date, False),
    "iv_rejected_on": (_date, False),
    "iv_procedure_open": (_bool, False),
    "iv_measures_running": (_bool, False),
    "no_work_capacity": (_bool, False),
    "rav_registered_until": (_date, False),
    "health_suspected": (_bool, False),
    "referrer": (_text, True),
    "receiver": (_text, True),
    "topics": (_topics, True),
    "months": (_months, True),
    "goal": (_text, False),
    "referred_on": (_date, True),
    "referring_counsellor": (_text, False),
    "override": (_text, False),
    "decision": (_decision, False),
    "decided_on": (_date, False),
    "receiving_counsellor": (_text, False),
    "reason": (_code(codes.RejectReason), False),
    "reason_note": (_text, False),
    "extended_on": (_date, False),
    "suspended_from": (_date, False),
    "suspended_until": (_date, False),
    "search_resumed_on": (_date, False),
    "withdrawn_on": (_date, False),
    "withdraw_reason": (_code(codes.WithdrawReason), False),
    "withdraw_note": (_text, False),
    "closed_on": (_date, False),
    "outcome": (_code(codes.Outcome), False),
    "cause": (_code(codes.Cause), False),
    "employed": (_bool, False),
    "close_note": (_text, False),
}
REQUIRED = [name for name, (_, required) in COLUMNS.items() if required]
CLIENT_FIELDS = ("external_ref", "name", "birth_date", "ahv", "municipality", "counsellor",
                 "consent_on", "consent_withdrawn_on", "iv_rejected_on", "iv_procedure_open",
                 "iv_measures_running", "no_work_capacity", "rav_registered_until",
                 "health_suspected")


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


class _RowFailed(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


class _Rollback(Exception):
    """Leaves the shared transaction without committing (bad rows or a dry run)."""


def check_header(sheet: Sheet, name: str) -> None:
    unknown = [h for h in sheet.header if h not in COLUMNS]
    if unknown:
        raise OptimaError(
            f"{name}: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"the columns are those of sample_data/import-template.csv"
        )
    missing = [c for c in REQUIRED if c not in sheet.header]
    if missing:
        raise OptimaError(f"{name}: missing required column{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(missing)} (see sample_data/import-template.csv)")


def parse_row(cells: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Typed values of one row, and the (column, message) of every value that is wrong."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name, (parser, required) in COLUMNS.items():
        raw = cells.get(name)
        try:
            value = parser(raw)
        except OptimaError as exc:
            problems.append((name, exc.message))
            continue
        if required and value is None:
            problems.append((name, f"{name} is required"))
        values[name] = value
    problems += _consistency(values) if not problems else []
    return values, problems


def _consistency(v: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if v["decided_on"] and not v["decision"]:
        problems.append(("decision", "decided_on is given, so decision must say accepted or rejected"))
    if v["decision"] and not v["decided_on"]:
        problems.append(("decided_on", f"the decision {v['decision']} needs its date"))
    if v["reason"] and v["decision"] != "rejected":
        problems.append(("reason", "a rejection reason needs decision rejected"))
    if v["decision"] == "rejected" and not v["reason"]:
        problems.append(("reason", "a rejection needs its reason code"))
    if bool(v["closed_on"]) != bool(v["outcome"]):
        problems.append(("outcome" if v["closed_on"] else "closed_on",
                         "closed_on and outcome go together"))
    if bool(v["withdrawn_on"]) != bool(v["withdraw_reason"]):
        problems.append(("withdraw_reason" if v["withdrawn_on"] else "withdrawn_on",
                         "withdrawn_on and withdraw_reason go together"))
    if bool(v["suspended_from"]) != bool(v["suspended_until"]):
        problems.append(("suspended_until" if v["suspended_from"] else "suspended_from",
                         "suspended_from and suspended_until go together"))
    if v["search_resumed_on"] and not v["suspended_from"]:
        problems.append(("search_resumed_on", "search_resumed_on needs a suspension"))
    return problems


def _client(ctx: Context, session: Session, v: dict[str, Any], out: Outcome) -> str:
    match = queries.match_client(session, external_ref=v["external_ref"], ahv=v["ahv"],
                                 name=v["name"], birth_date=v["birth_date"])
    if match is not None and match.birth_date != v["birth_date"]:
        by = "external_ref" if v["external_ref"] and match.external_ref == v["external_ref"] else "ahv"
        raise _RowFailed(by, f"{by} {v[by]} belongs to {format_client_id(match.id or 0)}, born "
                             f"{match.birth_date}, but this row says born {v['birth_date']}")
    if match is not None:
        out.clients_matched += 1
        missing = {k: v[k] for k in CLIENT_FIELDS
                   if v[k] is not None and getattr(match, k) is None}
        ref = format_client_id(match.id or 0)
        if missing:
            _step("name", clients.update, ctx, ref, clients.ClientInput(**missing))
        return ref
    data = clients.ClientInput(institution=v["registered_at"] or v["referrer"],
                               **{k: v[k] for k in CLIENT_FIELDS if v[k] is not None})
    out.clients_created += 1
    return _step("name", clients.register, ctx, data)["client"]


def _step(column: str, action: Callable[..., Any], *args: Any) -> Any:
    try:
        return action(*args)
    except OptimaError as exc:
        raise _RowFailed(exc.field if exc.field in COLUMNS else column, exc.message) from None


def _history(ctx: Context, case: str, v: dict[str, Any]) -> None:
    """The steps after the referral as the commands would run them: the decision first, the
    ending last, extension and suspension in between in the order of their dates."""
    decision, middle, ending = 0, 1, 2
    steps: list[tuple[int, date, str, Callable[[], Any]]] = []
    if v["decision"] == "accepted":
        steps.append((decision, v["decided_on"], "decided_on",
                      lambda: cases.accept(ctx, case, v["receiving_counsellor"], v["decided_on"])))
    elif v["decision"] == "rejected":
        steps.append((decision, v["decided_on"], "decided_on",
                      lambda: cases.reject(ctx, case, v["reason"], v["reason_note"], v["decided_on"])))
    if v["extended_on"]:
        steps.append((middle, v["extended_on"], "extended_on",
                      lambda: cases.extend(ctx, case, v["extended_on"])))
    if v["suspended_from"]:
        steps.append((middle, v["suspended_from"], "suspended_from", lambda: cases.suspend_search(
            ctx, case, v["suspended_until"], v["suspended_from"])))
    if v["search_resumed_on"]:
        steps.append((middle, v["search_resumed_on"], "search_resumed_on",
                      lambda: cases.resume_search(ctx, case, v["search_resumed_on"])))
    if v["withdrawn_on"]:
        steps.append((ending, v["withdrawn_on"], "withdrawn_on", lambda: cases.withdraw(
            ctx, case, v["withdraw_reason"], v["withdraw_note"], v["withdrawn_on"])))
    if v["closed_on"]:
        steps.append((ending, v["closed_on"], "closed_on", lambda: cases.close(
            ctx, case, v["outcome"], v["cause"], v["employed"], v["close_note"], v["closed_on"])))
    for _phase, _day, column, run in sorted(steps, key=lambda s: (s[0], s[1])):
        _step(column, run)


def _row(ctx: Context, session: Session, number: int, v: dict[str, Any], out: Outcome) -> None:
    client = _client(ctx, session, v, out)
    existing = queries.referral_on(session, client, v["receiver"], v["referred_on"])
    if existing is not None:
        out.skipped += 1
        out.skipped_rows.append({"row": number, "case": existing,
                                 "message": f"{existing} is already there"})
        return
    referral = _refer(ctx, client, v)
    out.cases.append(referral)
    _history(ctx, referral, v)
    out.imported += 1


def _refer(ctx: Context, client: str, v: dict[str, Any]) -> str:
    try:
        return cases.refer(ctx, cases.Refer(
            client=client, to=v["receiver"], topics=v["topics"], months=v["months"],
            goal=v["goal"], referrer=v["referrer"], counsellor=v["referring_counsellor"],
            on=v["referred_on"], override=v["override"]))["case"]
    except ReferralBlocked as exc:
        column = "override" if exc.justifiable else RULE_COLUMNS.get(exc.rules[0], "receiver")
        raise _RowFailed(column, exc.message) from None
    except NotFound as exc:
        column = "receiver" if repr(v["receiver"]) in exc.message else "referrer"
        raise _RowFailed(column, exc.message) from None
    except OptimaError as exc:
        raise _RowFailed("referred_on", exc.message) from None


# the column to blame when a never-rule refuses a referral
RULE_COLUMNS = {"consent": "consent_on", "other-kind": "receiver", "no-open-referral": "receiver"}


def import_rows(ctx: Context, name: str, rows: Iterable[tuple[int, dict[str, Any]]],
                dry_run: bool = False, progress: Callable[[int], None] | None = None) -> Outcome:
    """Check and replay the rows; commit only if every row is good and this is no dry run."""
    out = Outcome(file=name, dry_run=dry_run)
    ctx.source = f"import:{name}"
    parsed = []
    for number, cells in rows:
        values, problems = parse_row(cells)
        out.errors += [RowError(number, column, message) for column, message in problems]
        parsed.append((number, values, not problems))
    out.rows = len(parsed)
    # replay in the order things happened, so that a client's earlier case is closed before a later one
    parsed.sort(key=lambda item: (item[1].get("referred_on") or date.max, item[0]))
    try:
        with ctx.shared() as session:
            for index, (number, values, good) in enumerate(parsed, start=1):
                if good:
                    try:
                        with session.begin_nested():
                            _row(ctx, session, number, values, out)
                    except _RowFailed as failure:
                        out.errors.append(RowError(number, failure.column, failure.message))
                if progress:
                    progress(index)
            if out.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        ctx.source = "cli"
    out.errors.sort(key=lambda e: (e.row, list(COLUMNS).index(e.column) if e.column in COLUMNS else 99))
    if out.errors:
        out.imported = out.clients_created = out.clients_matched = 0
        out.cases = []
    return out


def import_file(ctx: Context, path: Path, dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None) -> Outcome:
    from optima_cli import tabular

    sheet = tabular.read(path)
    check_header(sheet, path.name)
    total = len(sheet.rows)
    return import_rows(ctx, path.name, sheet.rows, dry_run,
                       (lambda i: progress(i, total)) if progress else None)
