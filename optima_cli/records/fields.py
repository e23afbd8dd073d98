"""One definition per record: what a field of a case or a client means beyond its column.

A field of a record is declared once, in its table model (records/models.py), with `fact(...)`:
its column (type, default, index) and what the other places need: its JSON key, its label in
tables and the workbook (German in the catalogue), its import column and how a cell is read, its
command-line option and help, whether it is personal free text, whether an action changes it.
`fields_of` reads them back in the order of the model, which is the order of the JSON record;
the JSON keys, the workbook and import columns, the options and the lists of the workflow are
derived from that (rules/records.py, render/, the import, cli/clients.py).

Adding a field to a case is one `fact(...)` line in `models.Referral` plus its migration.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, replace
from typing import Any, Union, get_args, get_origin

from sqlmodel import Field, SQLModel


@dataclass(frozen=True)
class RecordField:
    """One field of a record, as every place that shows, reads or changes it needs it."""

    name: str = ""  # the model's attribute (its column); "" for a key kept in another table
    key: str = ""  # the key of the JSON record (and of CSV and workbook columns): the name if ""
    label: str = ""  # how people read it, in English, marked with t_() (German in the catalogue)
    sheet: str | None = None  # its column in an import file; None: not imported as it is
    required: bool = False  # the import refuses a row without it
    read: str = ""  # how an import cell is read: by its type if "", else ahv, months, topics
    #                 or the name of a code table (rules.codes)
    option: str = ""  # its command-line option ("--ahv", "--x/--no-x"); "" for none
    metavar: str = ""
    help: str = ""  # the option's help
    personal: bool = False  # free text that may name the client or their health: given to
    #                         scripts only when asked for (and logged)
    free_text: bool = False  # free text: line breaks allowed, erased by anonymize
    changes: bool = False  # an action changes it: part of a case's state (lifecycle.Case)
    fact: bool = False  # a criterion fact of a client (rules.criteria.Facts)
    in_record: bool = True  # a key of the JSON record
    type: Any = None  # the type of its values (str, int, date, bool), read from the model


def fact(default: Any = None, *, label: str = "", key: str = "", sheet: str | bool = True,
         required: bool = False, read: str = "", option: str = "", metavar: str = "",
         help: str = "", personal: bool = False, free_text: bool = False, changes: bool = False,
         is_fact: bool = False, in_record: bool = True, **column: Any) -> Any:
    """A field of a record: the column (`default` and sqlmodel.Field's `column` arguments) and
    its meaning elsewhere. `sheet` is the import column: True for the field's key, False for
    none. `personal` implies `free_text`."""
    meta = RecordField(key=key, label=label, sheet=sheet if isinstance(sheet, str) else None,
                       required=required, read=read, option=option, metavar=metavar, help=help,
                       personal=personal, free_text=free_text or personal, changes=changes,
                       fact=is_fact, in_record=in_record)
    if sheet is True:
        meta = replace(meta, sheet="")  # filled with the key by fields_of
    field: Any = Field(default, schema_extra={"json_schema_extra": {"record": meta}}, **column)
    return field


def _value_type(annotation: Any) -> Any:
    """`date` of `date | None`."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def fields_of(model: type[SQLModel], after: dict[str, tuple[RecordField, ...]] | None = None,
              last: tuple[RecordField, ...] = ()) -> tuple[RecordField, ...]:
    """The fields of a record in the model's order; `after` puts keys that live in other tables
    after a key, `last` at the end."""
    found: list[RecordField] = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        meta = extra.get("record") if isinstance(extra, dict) else None
        if not isinstance(meta, RecordField):
            continue
        key = meta.key or name
        found.append(replace(meta, name=name, key=key, type=_value_type(info.annotation),
                             sheet=key if meta.sheet == "" else meta.sheet))
        found += (after or {}).get(key, ())
    return (*found, *last)


def keys(fields: tuple[RecordField, ...]) -> tuple[str, ...]:
    """The JSON keys of a record, in order."""
    return tuple(f.key for f in fields if f.in_record)
