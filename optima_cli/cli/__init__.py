"""The command line: a thin layer that parses options, calls one workflow function, renders.

The root (root.py) builds only the command that runs; heavy imports (SQLModel, openpyxl) happen
inside the commands, so `optima --help` stays fast.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any, NoReturn


def main() -> None:
    try:
        from optima_cli.cli.root import app
    except KeyboardInterrupt:  # Ctrl-C while the libraries load: nothing was opened yet
        _interrupted()
    app()


def _interrupted() -> NoReturn:
    import os

    from optima_cli import language

    with contextlib.suppress(ValueError):  # an unknown OPTIMA_LANG: the root says so when it runs
        language.use(language.choose(None, os.environ))
    sys.stderr.write(f"{language.t('error')}: {language.t('interrupted; nothing was written')}\n")
    sys.exit(130)


def __getattr__(name: str) -> Any:
    """`app` is imported when asked for, so that `main` can catch Ctrl-C during its import."""
    if name == "app":
        from optima_cli.cli.root import app

        return app
    raise AttributeError(name)


__all__ = ["app", "main"]
