"""Progress bars: an import or a workbook of more than 1,000 rows shows one on a terminal (here a
pseudo-terminal), and nothing of it reaches a pipe or a script."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import count
from typer.testing import CliRunner

from optima_cli.cli import app
from optima_cli.render.terminal import PROGRESS_FROM

pytestmark = pytest.mark.slow  # optima in a subprocess on a pseudo-terminal

RUN = "import sys; from optima_cli.cli import app; sys.argv = ['optima', *sys.argv[1:]]; app()"


def cases_file(path: Path, n: int) -> Path:
    """n clients of the social services, each referred to the RAV once, in a CSV to import."""
    start = date(2025, 1, 6)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "birth_date", "consent_on", "referrer", "receiver", "topics",
                         "months", "referred_on"])
        for i in range(n):
            on = (start + timedelta(days=i % 300)).isoformat()
            writer.writerow([f"Person {i:05d}", date(1960 + i % 40, 1 + i % 12, 1 + i % 28).isoformat(),
                             "2025-01-02", "SD", "RAV", "placement", "3", on])
    return path


def on_terminal(*args: str) -> tuple[int, str]:
    """Run optima with stdin, stdout and stderr on a pseudo-terminal; its exit code and all it
    wrote there."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm",
                                                                       "COLUMNS": "100"}
    main, secondary = os.openpty()
    process = subprocess.Popen([sys.executable, "-c", RUN, *args], stdin=secondary,
                               stdout=secondary, stderr=secondary, env=env, close_fds=True)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the other end was closed: the process ended
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    return process.wait(timeout=600), b"".join(chunks).decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("progress")
    return folder / "big.db", cases_file(folder / "big.csv", PROGRESS_FROM + 1)


def test_a_long_import_and_workbook_show_a_bar_on_a_terminal(big):
    db, source = big
    code, shown = on_terminal("--db", str(db), "--user", "tester", "import", str(source))
    assert code == 0, shown[-500:]
    assert f"importing {source.name}" in shown and "%" in shown
    assert count(db, "referral") == PROGRESS_FROM + 1

    target = db.parent / "cases.xlsx"
    code, shown = on_terminal("--db", str(db), "report", "--xlsx", str(target))
    assert code == 0, shown[-500:]
    assert f"writing {target}" in shown and "%" in shown and target.exists()


def test_nothing_of_a_bar_off_a_terminal(big, tmp_path):
    _, source = big
    runner = CliRunner()
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["--db", str(fresh), "import", str(source)])
    assert result.exit_code == 0, result.stderr
    assert "importing" not in result.stderr and "%" not in result.stderr
    result = runner.invoke(app, ["--db", str(fresh), "report", "--xlsx", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0 and "%" not in result.stderr and "writing" not in result.stderr


def test_no_bar_for_a_short_job_even_on_a_terminal(tmp_path):
    source = cases_file(tmp_path / "small.csv", 20)
    code, shown = on_terminal("--db", str(tmp_path / "small.db"), "import", str(source))
    assert code == 0, shown[-500:]
    assert "%" not in shown and "imported 20 referrals" in shown
