"""Reading a spreadsheet: CSV (UTF-8, comma or semicolon, as Swiss Excel writes it) or .xlsx.

Returns the header (normalized column names) and the non-empty rows with their row numbers as a
spreadsheet shows them (the header is row 1). The rows are read as they are asked for, one at a
time, never the whole file at once: a file that cannot be read further says so when its reader
reaches the place (an import reads every row before it applies any).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import number, t

# what a workbook may unpack to: a sheet of 100,000 referrals is about 100 MB; more is a zip bomb
UNPACKED_LIMIT_MB = 256


@dataclass
class Sheet:
    header: list[str]
    rows: Iterable[tuple[int, dict[str, Any]]]  # read once, as they come


def normalize(name: Any) -> str:
    return str(name or "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet(lines: Iterator[tuple[int, list[Any]]], path: Path) -> Sheet:
    """The header, and the rows below it as they are read; an empty file, or one without rows
    below its header, is refused at once."""
    lines = ((n, values) for n, values in lines if not all(_blank(v) for v in values))
    first = next(lines, None)
    if first is None:
        raise OptimaError(t("{file} is empty: it needs a header row and one row per referral "
                            "(see sample_data/import-template.csv)", file=path.name))
    second = next(lines, None)
    if second is None:
        raise OptimaError(t("{file} has a header row but no rows below it: nothing to import",
                            file=path.name))
    _, raw_header = first
    header = [normalize(h) for h in raw_header]
    while header and not header[-1]:
        header.pop()
    named = [(i, name) for i, name in enumerate(header) if name]

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for n, values in chain([second], lines):
            if len(values) == len(header) and len(named) == len(header):  # the usual row, quickly
                cells = dict(zip(header, values))
            else:
                cells = {name: values[i] if i < len(values) else None for i, name in named}
            yield n, cells
    return Sheet(header=[h for h in header if h], rows=rows())


def _not_utf8(path: Path) -> OptimaError:
    """The refusal of a file that is not UTF-8, naming the first byte that is not (the whole
    file is read again only for this)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return OptimaError(t(
            "{file} is not UTF-8 text (byte 0x{byte:02x} at position {position}); "
            "in Excel save it as 'CSV UTF-8 (comma delimited)'",
            file=path.name, byte=data[exc.start], position=exc.start))
    raise AssertionError("decoded as a whole, but not line by line")  # pragma: no cover


def _csv_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The lines of a CSV file as they are read, numbered from 1."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        try:
            first = f.readline()
            delimiter = ";" if first.count(";") > first.count(",") else ","
            reader = csv.reader(chain([first], f), delimiter=delimiter)
            yield from enumerate(reader, start=1)
        except UnicodeDecodeError:
            raise _not_utf8(path) from None
        except csv.Error as exc:
            limit = csv.field_size_limit()
            if "field limit" in str(exc):
                raise OptimaError(t("{file}: a value on line {line} is longer than {limit} "
                                    "characters, which no value of an import is; check the file",
                                    file=path.name, line=number(reader.line_num),
                                    limit=number(limit))) from None
            raise OptimaError(t("{file} cannot be read as CSV on line {line} ({problem})",
                                file=path.name, line=number(reader.line_num),
                                problem=exc)) from None


def _read_csv(path: Path) -> Sheet:
    return _sheet(_csv_lines(path), path)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _unreadable(path: Path, problem: object) -> OptimaError:
    shown = " ".join(str(problem).split())
    return OptimaError(t("{file} cannot be read as an Excel workbook ({problem})",
                         file=path.name, problem=shown[:120] or type(problem).__name__))


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts would unpack to more than the limit, by the sizes its zip
    directory declares (reading never unpacks more than declared), before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable(path, exc) from None
    if unpacked > UNPACKED_LIMIT_MB * 1024 * 1024:
        raise OptimaError(t("{file} would unpack to {size} MB, more than the {limit} MB an import "
                            "reads; split it into smaller files", file=path.name,
                            size=number(unpacked // (1024 * 1024)), limit=number(UNPACKED_LIMIT_MB)))


def _xlsx_lines(path: Path, wb: Any) -> Iterator[tuple[int, list[Any]]]:
    """The rows of the workbook's first sheet as they are read, numbered from 1."""
    try:
        ws = wb.worksheets[0]
        for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield n, [_cell(v) for v in row]
    except Exception as exc:  # noqa: BLE001 - malformed sheet XML, bad cell values, ...
        raise _unreadable(path, exc) from None
    finally:
        wb.close()


def _read_xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook

    _check_unpacked_size(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise _unreadable(path, exc) from None
    return _sheet(_xlsx_lines(path, wb), path)


def read(path: Path) -> Sheet:
    if not path.is_file():
        raise OptimaError(t("no file {path}; give the path of a .csv or .xlsx file", path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if not suffix:
        raise UsageProblem(t("{file}: import reads .csv or .xlsx files, not files without an ending",
                             file=path.name))
    raise UsageProblem(t("{file}: import reads .csv or .xlsx files, not {suffix}",
                         file=path.name, suffix=suffix))


def as_text(value: Any) -> str | None:
    """A cell as text, or None when blank."""
    if _blank(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
