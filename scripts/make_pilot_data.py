"""Write sample_data/pilot-2018-2022.xlsx from the seeded generator in optima_cli/demo/data.py.

    python scripts/make_pilot_data.py

The same rows are what `optima demo` imports; a test checks that the file matches them.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from optima_cli.demo.data import INVENTED, SD_UNITS, rows
from optima_cli.importing.rows import COLUMNS

TARGET = Path(__file__).resolve().parent.parent / "sample_data" / "pilot-2018-2022.xlsx"
ABOUT = [
    "Invented pilot data set of OPTIMA 2018-2022 (no real person).",
    "True to the evaluation report of 22.03.2023: 52 referrals, who referred to whom, the "
    "rejections (a third for the IV 12-month rule, the rest 'other'), 35 closed, about half by IV.",
    INVENTED[0].upper() + INVENTED[1:] + ".",
    "To import it into a database of your own, add its social services first, each as "
    "`optima institution add CODE --kind SD --name NAME`: "
    + ", ".join(SD_UNITS) + ". `optima demo` does so itself.",
]


def cell(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "referrals"
    ws.append(list(COLUMNS))
    for cell_ in ws[1]:
        cell_.font = Font(bold=True)
    for row in rows():
        ws.append([cell(row[name]) for name in COLUMNS])
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 45)
    ws.freeze_panes = "A2"
    about = wb.create_sheet("about")  # after the referrals: the import reads the first sheet only
    for line in ABOUT:
        about.append([line])
    about.column_dimensions["A"].width = 100
    wb.save(TARGET)
    print(TARGET)


if __name__ == "__main__":
    main()
