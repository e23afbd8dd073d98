"""The columns of an import file, and how the cells of one row are read and checked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.importing.sheet import Sheet, as_text
from optima_cli.language import plural, t
from optima_cli.records.models import CASE_FIELDS
from optima_cli.records.models import CLIENT_FIELDS as _CLIENT_FIELDS
from optima_cli.rules import codes, text
from optima_cli.rules.dates import parse_date
from optima_cli.rules.identity import normalize_ahv
from optima_cli.rules.lifecycle import parse_months

# what Excel shows for a formula that failed (openpyxl returns them as these strings)
EXCEL_ERRORS = frozenset(("#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#BUSY!",
                          "#CONNECT!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!"))


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
    return None if text is None else codes.parse_yes_no(text)


def _code(group: type[codes.StrEnum]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        text = as_text(value)
        return codes.parse_code_or_none(group, text) if text else None
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
        raise UsageProblem(t("{text!r} is not a decision; use accepted or rejected, or leave it empty",
                             text=text))
    return text.lower()


# how a cell of a record's field is read: by RecordField.read, else by the field's type
_READ_AS: dict[str, Callable[[Any], Any]] = {
    "ahv": _ahv, "months": _months, "topics": _topics,
    **{group.__name__: _code(group) for group in (codes.RejectReason, codes.Outcome, codes.Cause,
                                                  codes.WorkCapacity)},
}
_READ_TYPE: dict[Any, Callable[[Any], Any]] = {date: _date, bool: _bool}
# the columns of the actions alone, not a field of a record
_ACTION_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "decision": _decision, "suspended_from": _date, "suspended_until": _date,
    "search_resumed_on": _date, "withdraw_reason": _code(codes.WithdrawReason),
    "withdraw_note": _text,
}
# The order of the template (sample_data/import-template.csv): a client's columns, then a
# case's and its actions'. A field of a record that is imported and not named here comes at
# the end, in the order of its record.
_TEMPLATE = (
    "external_ref", "name", "birth_date", "ahv", "municipality", "registered_at", "counsellor",
    "consent_on", "consent_withdrawn_on", "iv_rejected_on", "iv_procedure_open",
    "iv_measures_running", "work_capacity", "work_capacity_assessed_on", "rav_registered_until",
    "health_suspected",
    "referrer", "receiver", "topics", "months", "goal", "referred_on", "referring_counsellor",
    "override", "workable", "decision", "decided_on", "receiving_counsellor", "reason", "reason_note",
    "extended_on", "suspended_from", "suspended_until", "search_resumed_on", "withdrawn_on",
    "withdraw_reason", "withdraw_note", "closed_on", "outcome", "cause", "employed", "close_note",
)
_IMPORTED = {f.sheet: f for f in (*_CLIENT_FIELDS, *CASE_FIELDS) if f.sheet}


def _column(name: str) -> tuple[Callable[[Any], Any], bool]:
    if name in _ACTION_COLUMNS:
        return _ACTION_COLUMNS[name], False
    field = _IMPORTED[name]
    return _READ_AS.get(field.read) or _READ_TYPE.get(field.type, _text), field.required


# column -> (parser, required). The order is the template's.
COLUMNS: dict[str, tuple[Callable[[Any], Any], bool]] = {
    name: _column(name) for name in (*_TEMPLATE, *(c for c in _IMPORTED if c not in _TEMPLATE))}
REQUIRED = [name for name, (_, required) in COLUMNS.items() if required]
# the columns that are a client's fields as they are (the rest are its institution, a case's
# fields and its actions'), in the template's order
CLIENT_FIELDS = tuple(c for c in COLUMNS if c in _IMPORTED and _IMPORTED[c] in _CLIENT_FIELDS
                      and _IMPORTED[c].key != "institution")
# Columns of older templates, still read. `no_work_capacity` (before issue 16: ticked when work
# capacity was not intact, which passed for intact when nobody ticked it): ticked (x, yes, true)
# is work_capacity no; not ticked says nothing, as nobody assessed it.
OLD_COLUMNS: dict[str, Callable[[Any], Any]] = {"no_work_capacity": _bool}
# the free texts, where tab and line breaks are allowed
FREE_TEXTS = frozenset((*(f.sheet for f in CASE_FIELDS if f.sheet and f.free_text), "withdraw_note"))


def check_header(sheet: Sheet, name: str) -> None:
    twice = sorted({h for h in sheet.header if sheet.header.count(h) > 1})
    if twice:
        raise OptimaError(plural(
            len(twice), "{name}: the column {columns} is there twice; keep one of them",
            "{name}: the columns {columns} are there twice; keep one of each",
            name=name, columns=", ".join(twice)), twice[0])
    unknown = [h for h in sheet.header if h not in COLUMNS and h not in OLD_COLUMNS]
    if unknown:
        raise OptimaError(plural(
            len(unknown),
            "{name}: unknown column {columns}; the columns are those of "
            "sample_data/import-template.csv",
            "{name}: unknown columns {columns}; the columns are those of "
            "sample_data/import-template.csv", name=name, columns=", ".join(unknown)))
    missing = [c for c in REQUIRED if c not in sheet.header]
    if missing:
        raise OptimaError(plural(
            len(missing),
            "{name}: missing required column {columns} (see sample_data/import-template.csv)",
            "{name}: missing required columns {columns} (see sample_data/import-template.csv)",
            name=name, columns=", ".join(missing)))


def parse_row(cells: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Typed values of one row, and the (column, message) of every value that is wrong."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name, (parser, required) in COLUMNS.items():
        raw = cells.get(name)
        if raw is None or (isinstance(raw, str) and (not raw or raw.isspace())):
            value = None  # a blank cell: what every parser makes of it, without asking it
        elif isinstance(raw, str) and (problem := _odd_text(name, raw)):
            problems.append((name, problem))
            continue
        else:
            try:
                value = parser(raw)
            except OptimaError as exc:
                problems.append((name, exc.naming(name)))
                continue
        if required and value is None:
            problems.append((name, t("{column} is required", column=name)))
        values[name] = value
    problems += _old_columns(cells, values)
    problems += _consistency(values) if not problems else []
    return values, problems


def _old_columns(cells: dict[str, Any], values: dict[str, Any]) -> list[tuple[str, str]]:
    """The values of an older template's columns (OLD_COLUMNS) as today's columns hold them."""
    raw = cells.get("no_work_capacity")
    if raw is None or (isinstance(raw, str) and (not raw or raw.isspace())):
        return []
    try:
        not_intact = _bool(raw)
    except OptimaError as exc:
        return [("no_work_capacity", exc.naming("no_work_capacity"))]
    if not not_intact:
        return []
    if values.get("work_capacity") not in (None, codes.WorkCapacity.NO):
        return [("no_work_capacity", t(
            "no_work_capacity says work capacity is not intact, work_capacity says {value}; "
            "keep one of the two columns", value=values["work_capacity"]))]
    values["work_capacity"] = codes.WorkCapacity.NO
    return []


def _odd_text(column: str, raw: str) -> str | None:
    """What is wrong with a cell's text before it is read as a value: an error value of Excel,
    or a control character (a broken file; tab and line breaks are fine in free texts)."""
    if raw.strip().upper() in EXCEL_ERRORS:
        return t("{value} is an error value of Excel, not a value; correct the cell in the "
                 "spreadsheet", value=raw.strip())
    found = text.control_character(raw, lines=column in FREE_TEXTS)
    if found:
        return t("{column} holds the control character {character}, which an import value may "
                 "not hold (tab and line breaks only in notes); remove it", column=column,
                 character=found)
    return None


def _consistency(v: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if v["decided_on"] and not v["decision"]:
        problems.append(("decision", t("decided_on is given, so decision must say accepted or rejected")))
    if v["decision"] and not v["decided_on"]:
        problems.append(("decided_on", t("the decision {decision} needs its date", decision=v["decision"])))
    if v["reason"] and v["decision"] != "rejected":
        problems.append(("reason", t("a rejection reason needs decision rejected")))
    if v["decision"] == "rejected" and not v["reason"]:
        problems.append(("reason", t("a rejection needs its reason code")))
    if bool(v["closed_on"]) != bool(v["outcome"]):
        problems.append(("outcome" if v["closed_on"] else "closed_on",
                         t("closed_on and outcome go together")))
    if bool(v["withdrawn_on"]) != bool(v["withdraw_reason"]):
        problems.append(("withdraw_reason" if v["withdrawn_on"] else "withdrawn_on",
                         t("withdrawn_on and withdraw_reason go together")))
    if bool(v["suspended_from"]) != bool(v["suspended_until"]):
        problems.append(("suspended_until" if v["suspended_from"] else "suspended_from",
                         t("suspended_from and suspended_until go together")))
    if v["search_resumed_on"] and not v["suspended_from"]:
        problems.append(("search_resumed_on", t("search_resumed_on needs a suspension")))
    return problems
