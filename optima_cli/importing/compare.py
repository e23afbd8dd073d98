"""A row of an import file against the case already there (issue 17): what `amend` could
correct of the case, read from the row as `amend` reads it, and which values differ.
importing/rows.py lists the differences, or amends the case with them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from optima_cli.errors import OptimaError
from optima_cli.records.models import CASE_FIELDS
from optima_cli.rules import corrections
from optima_cli.rules.codes import Status
from optima_cli.rules.lifecycle import MONTHS, Case


@dataclass(frozen=True, slots=True)
class Difference:
    """A column of a row that differs from the case already there: its value there and in the
    file, as they are shown."""

    column: str
    stored: str
    file: str


# the import column of each value `amend` corrects, by the fields of the case record
AMEND_COLUMNS = {f.key: f.sheet for f in CASE_FIELDS if f.key in corrections.AMENDABLE and f.sheet}
# `amend`'s note is the note of the case's ending: its column and the field of the case holding it
NOTES = {Status.REJECTED: ("reason_note", "reason_note"),
          Status.WITHDRAWN: ("withdraw_note", "reason_note"),
          Status.CLOSED: ("close_note", "close_note")}


def _correctable(case: Case) -> Iterator[tuple[str, str, Any]]:
    """What `amend` can correct of the case: its name, its import column, the stored value."""
    for name in corrections.AMENDABLE:
        if not corrections.applies(case, name):
            continue  # a step the case has not taken: the import adds none to a case there
        if name == "note":
            column, held = NOTES[Status(case.status)]
            yield name, column, getattr(case, held)
        elif name == "months" and case.extended_on is not None:
            yield name, AMEND_COLUMNS[name], MONTHS[0]  # as referred: an extension makes 3 six
        elif name in AMEND_COLUMNS:
            yield name, AMEND_COLUMNS[name], getattr(case, name)


def _same(case: Case) -> Case:
    return case._replace(topics=tuple(sorted(case.topics)))  # the order of topics says nothing


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def differences(case: Case, v: dict[str, Any], today: date) -> dict[str, Difference]:
    """The values of a row that differ from the case already there, by the name of `amend`'s
    change: a value is read and cleaned as `amend` reads it (`corrections.corrected_case`); one
    it refuses differs (and `amend` says why). A blank cell, or a value of a step the case has
    not taken (`corrections.applies`), is no difference."""
    found = {}
    for name, column, stored in _correctable(case):
        value = v[column]
        if value is None or _shown(value) == _shown(stored):
            continue
        try:
            if _same(corrections.corrected_case(case, {name: value}, today)) == _same(case):
                continue
        except OptimaError:
            pass
        found[name] = Difference(column, _shown(stored), _shown(value))
    return found


# the columns a row is compared by with its case: of what `amend` corrects, and the notes
COMPARED = (*AMEND_COLUMNS.values(), *(column for column, _ in NOTES.values()))
