"""JSON and CSV: the formats scripts read. Dates as ISO strings, absent values as null/empty."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from optima_cli.render.inert import json_escaped


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _encode(value: Any) -> Any:
    """What json cannot encode by itself: dates and times (enums are strings already)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def to_json(data: Any) -> str:
    """An object indented; a list of records one record per line, which reads as well and
    is written by json's C encoder (indenting a list of thousands of records takes seconds).
    Every character that acts on a terminal is escaped (render.inert.json_escaped)."""
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        if not data:
            return "[]"
        lines = (json.dumps(item, ensure_ascii=False, default=_encode) for item in data)
        return json_escaped("[\n  " + ",\n  ".join(lines) + "\n]")
    return json_escaped(json.dumps(data, ensure_ascii=False, indent=2, default=_encode))


def _cell(value: Any) -> str:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return ",".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_csv(rows: list[dict[str, Any]] | dict[str, Any]) -> str:
    """One row per record; lists of codes joined by commas, nested values as JSON."""
    records = [rows] if isinstance(rows, dict) else rows
    out = io.StringIO()
    if not records:
        return ""
    fields: list[str] = []
    for record in records:
        fields.extend(k for k in record if k not in fields)
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _cell(record.get(k)) for k in fields})
    return out.getvalue()
