"""The command line: a thin layer that parses options, calls one workflow function, renders.

`main` first hands the command to the resident optima of this user (cli/resident.py), which runs
it in a warm process; when none answers, the command runs here, as it always did.

The root (root.py) builds only the command that runs; heavy imports (SQLModel, openpyxl) happen
inside the commands, so `optima --help` stays fast.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing itself costs 3 ms; mypy takes this name as true

if TYPE_CHECKING:  # not imported when optima runs: the launcher's path stays short
    from typing import Any, NoReturn


def main() -> None:
    from optima_cli.cli import resident  # the standard library only

    try:
        code = resident.launch(sys.argv[1:])
    except KeyboardInterrupt:  # Ctrl-C before a resident took the command: nothing ran
        _interrupted()
    if code is not None:
        sys.exit(code)
    try:
        from optima_cli.cli.root import app
    except KeyboardInterrupt:  # Ctrl-C while the libraries load: nothing was opened yet
        _interrupted()
    app()


def _interrupted() -> NoReturn:
    import contextlib
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
