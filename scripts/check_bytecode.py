"""Check that optima and the packages every command imports were installed with their compiled
bytecode (issue 21): without it each command compiles some 140 of optima's modules and
SQLAlchemy's again, and took 1.3 s instead of 0.5 s. pip compiles as it installs; `pip install
--no-compile`, uv without `--compile-bytecode` and an editable install (with
PYTHONDONTWRITEBYTECODE set, or a source folder it may not write) leave it out.

    python scripts/check_bytecode.py    # with the interpreter optima is installed in

Exits 1 and names the packages whose modules lack it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

PACKAGES = ("optima_cli", "sqlalchemy", "sqlmodel", "pydantic", "typer", "click", "rich")


def missing(package: str) -> list[Path]:
    """The modules of an installed package that have no bytecode beside them."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations)))
    return [path for path in root.rglob("*.py")
            if "migrations" not in path.parts
            and not Path(importlib.util.cache_from_source(str(path))).exists()]


def main() -> int:
    lacking = {package: found for package in PACKAGES if (found := missing(package))}
    for package, found in lacking.items():
        print(f"{package}: {len(found)} modules without bytecode (e.g. {found[0]})", file=sys.stderr)
    if lacking:
        print("install with pip (not --no-compile), uv with --compile-bytecode, or run "
              f"{sys.executable} -m compileall -q on them", file=sys.stderr)
    return 1 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())
