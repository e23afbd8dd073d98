"""`optima --help` stays fast: it must not import SQLModel, SQLAlchemy or openpyxl."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from optima_cli.cli import app
sys.argv = ["optima", {args}]
try:
    app()
except SystemExit:
    pass
heavy = sorted(m for m in ("sqlmodel", "sqlalchemy", "openpyxl") if m in sys.modules)
print("HEAVY:" + ",".join(heavy), file=sys.stderr)
"""


def _heavy_imports(*args: str) -> str:
    code = PROBE.format(args=", ".join(repr(a) for a in args))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    line = [ln for ln in result.stderr.splitlines() if ln.startswith("HEAVY:")][-1]
    return line.removeprefix("HEAVY:")


def test_help_and_version_import_no_database_or_excel_library():
    assert _heavy_imports("--help") == ""
    assert _heavy_imports("--version") == ""
    assert _heavy_imports("report", "--help") == ""


def test_the_probe_can_see_heavy_imports(tmp_path):
    # a command that opens the database does import them: the probe above is not blind
    assert "sqlmodel" in _heavy_imports("--db", str(tmp_path / "x.db"), "list")
