"""Where the database is: a SQLite file (the default) or a PostgreSQL server named by a URL.

`--db` wins over `OPTIMA_DB`, which wins over the file in the user's data directory. A value
with `://` in it is a SQLAlchemy URL (`postgresql+psycopg://user@host/db`, `sqlite:///file.db`);
anything else is a file path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t

POSTGRES_HINT = "pip install 'optima-cli[postgres]'"


def default_db_path(name: str = "optima.db") -> Path:
    """The database in the user's data directory (e.g. ~/.local/share/optima/optima.db)."""
    from platformdirs import user_data_path

    return user_data_path("optima", appauthor=False) / name


@dataclass(frozen=True)
class Location:
    """A database to open: its SQLAlchemy URL, and for SQLite the file."""

    url: str
    path: Path | None  # the SQLite file; None for a server
    label: str  # what messages show: the path, or the URL without its password
    named: bool = True  # given by --db or OPTIMA_DB (not the default file)

    @property
    def is_file(self) -> bool:
        return self.path is not None

    @property
    def name(self) -> str:
        """How the audit trail names the database: the file name, or the URL without password."""
        return self.path.name if self.path is not None else self.label

    @property
    def dialect(self) -> str:
        return "sqlite" if self.path is not None else "postgresql"


def of_path(path: Path, named: bool = True) -> Location:
    path = path.expanduser()
    return Location(url=f"sqlite:///{path}", path=path, label=str(path), named=named)


def named(value: str, option: str, example: str, url: bool = False) -> str:
    """The file (or, with `url`, the database) that `option` names. An empty or blank name is
    refused: taken as "not given" it would open the user's own database unasked, taken as a path
    it is the current folder (or a file named by blanks)."""
    if not value.strip():
        raise UsageProblem(
            t("{option} is empty; give a file path, like {example}, or a postgresql+psycopg:// "
              "URL", option=option, example=example) if url else
            t("{option} is empty; give a file name, like {example}", option=option,
              example=example), option)
    return value


def locate(cli_value: str | None, option: str = "--db") -> Location:
    """The database that `--db` (or `OPTIMA_DB`, or the default) names. An empty value is
    refused: taken as "not given", it would open the user's own database unasked."""
    value = cli_value if cli_value is not None else os.environ.get("OPTIMA_DB")
    if value is None:
        return of_path(default_db_path(), named=False)
    if cli_value is None and not value.strip():
        raise UsageProblem(t("OPTIMA_DB is set but empty; give it a file path or a "
                             "postgresql+psycopg:// URL, or unset it (unset OPTIMA_DB)"))
    named(value, option, "optima.db", url=True)
    if "://" not in value:
        return of_path(Path(value))
    return of_url(value)


def of_url(value: str) -> Location:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except ArgumentError:
        raise UsageProblem(t("--db (or OPTIMA_DB) is not a database URL; write "
                             "postgresql+psycopg://USER@HOST/DB or give a file path")) from None
    except ValueError:  # SQLAlchemy reads the port as a number (the URL may hold a password)
        raise UsageProblem(t("the port in --db (or OPTIMA_DB) is not a number; write it like "
                             "postgresql+psycopg://USER@HOST:5432/DB")) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise UsageProblem(t("a SQLite URL needs a file: sqlite:///path/to/optima.db"))
        return of_path(Path(url.database))
    if backend != "postgresql":
        raise UsageProblem(t("optima works with SQLite files and PostgreSQL, not {backend}; give "
                             "--db a file path or a postgresql+psycopg:// URL", backend=backend))
    if url.get_driver_name() != "psycopg":
        url = url.set(drivername="postgresql+psycopg")
    if not url.database:
        raise UsageProblem(t("the URL {url} names no database; add it at the end: "
                             "postgresql+psycopg://USER@HOST/optima",
                             url=url.render_as_string(hide_password=True)))
    try:
        import psycopg  # noqa: F401 - only to tell the user early and plainly what is missing
    except ImportError:
        raise OptimaError(t("PostgreSQL needs the psycopg driver, which is not installed; run: "
                            "{hint}", hint=POSTGRES_HINT)) from None
    return Location(url=url.render_as_string(hide_password=False), path=None,
                    label=url.render_as_string(hide_password=True))
