"""`report --xlsx` and `import` read their rows as they come (issue 21): the workbook writes each
case as the store reads it, the import checks each row as the file gives it. What they write is
the same however the rows are cut into batches, and a file that breaks far from its start is
still refused before anything is written."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, dump
from openpyxl import load_workbook
from sqlalchemy import text

from optima_cli.errors import OptimaError
from optima_cli.importing.rows import COLUMNS, import_file, import_rows
from optima_cli.records.packing import unpack
from optima_cli.render import workbook
from optima_cli.rules.periods import choose
from optima_cli.store import report as store_report
from optima_cli.workflow import report
from optima_cli.workflow.context import Context


def _rows(n: int) -> list[tuple[int, dict[str, str]]]:
    """n clients referred SD -> RAV: every third closed, every third rejected, the rest open."""
    rows = []
    for i in range(n):
        referred = TODAY - timedelta(days=500 - i)
        values = {**dict.fromkeys(COLUMNS, ""), "external_ref": f"S-{i:04d}",
                  "name": f"Streamed Person {i:04d}",
                  "birth_date": (date(1960, 1, 1) + timedelta(days=37 * i)).isoformat(),
                  "consent_on": (referred - timedelta(days=3)).isoformat(), "referrer": "SD",
                  "receiver": "RAV", "topics": "placement", "months": "3",
                  "referred_on": referred.isoformat()}
        decided = (referred + timedelta(days=2)).isoformat()
        if i % 3 == 0:
            values.update(decision="accepted", decided_on=decided, outcome="achieved",
                          closed_on=(referred + timedelta(days=60)).isoformat(), employed="yes")
        elif i % 3 == 1:
            values.update(decision="rejected", decided_on=decided, reason="other", reason_note="anders")
        elif i % 2:
            values.update(decision="accepted", decided_on=decided)
        rows.append((i + 2, values))
    rows.reverse()  # out of date order: the import sorts them
    return rows


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in wb}


@pytest.mark.both_backends
def test_the_workbook_is_the_same_however_its_rows_are_read_and_held(ctx, tmp_path, monkeypatch):
    out = import_rows(ctx, "streamed.csv", iter(_rows(40)))  # a generator: read once
    assert out.errors == [] and out.imported == 40
    period = choose(TODAY)  # every case up to today
    report.export(ctx, period, str(tmp_path / "whole.xlsx"), personal=True)
    monkeypatch.setattr(store_report, "STREAMED_ROWS", 3)  # many fetches
    monkeypatch.setattr(workbook, "WIDTH_ROWS", 4)  # tables written before their last rows
    monkeypatch.setattr(workbook, "TICK_ROWS", 7)
    heard: list[tuple[int, int]] = []
    report.export(ctx, period, str(tmp_path / "cut.xlsx"), personal=True,
                  progress=lambda done, total: heard.append((done, total)))

    whole, cut = _sheets(tmp_path / "whole.xlsx"), _sheets(tmp_path / "cut.xlsx")
    assert list(cut) == list(whole)
    for title in whole:
        if title != "Summary":  # its "as of" is the same day; its rows are compared below
            assert cut[title] == whole[title], title
    assert len(cut["Cases"]) == 41 and len(cut["Rejections"]) > 1 and len(cut["Outcomes"]) > 1
    deadlines = [row[6] for row in cut["Deadlines"][1:]]
    assert deadlines == sorted(deadlines) and deadlines
    assert heard[-1] == (40, 40) and [d for d, _ in heard] == sorted(d for d, _ in heard)
    with ctx.read() as session:
        counted = session.execute(text(
            "SELECT payload FROM audit_event WHERE action = 'export-personal-data'")).all()
    assert [json.loads(unpack(v))["after"]["cases"] for (v,) in counted] == [40, 40]  # stored packed


def test_a_csv_is_read_row_by_row_and_a_bad_byte_far_down_still_refuses_it(tmp_path):
    ctx = Context(db_path=str(tmp_path / "optima.db"), user="tester", today=TODAY)
    ctx.db  # noqa: B018 - created before the import, to compare with after it
    before = dump(tmp_path / "optima.db")
    lines = [",".join(COLUMNS)] + [",".join(v[c] for c in COLUMNS) for _, v in _rows(400)]
    good = tmp_path / "good.csv"
    good.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = good.read_bytes()
    assert len(data) > 3 * 8192  # past what one read of the text file decodes
    bad = tmp_path / "bad.csv"
    bad.write_bytes(data[:-20] + b"\xe9" + data[-19:])

    with pytest.raises(OptimaError) as refused:
        import_file(ctx, bad)
    assert f"byte 0xe9 at position {len(data) - 20}" in refused.value.message
    assert dump(tmp_path / "optima.db") == before

    heard: list[tuple[int, int]] = []
    out = import_file(ctx, good, progress=lambda done, total: heard.append((done, total)))
    assert out.errors == [] and out.imported == 400
    assert heard[0] == (1, 400) and heard[-1] == (400, 400)
