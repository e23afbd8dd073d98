"""Who acts, on which database, and what day it is: passed to every workflow function."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

from sqlmodel import Session

from optima_cli.store.engine import Database, open_database


@dataclass
class Context:
    db_path: str | None
    user: str
    today: date = field(default_factory=date.today)
    source: str = "cli"

    @cached_property
    def db(self) -> Database:
        """The database; on a server with access control, from then on `user` is the login role
        (the audit trail's actor is who connected, not who --user claims to be)."""
        db = open_database(self.db_path)
        if db.login is not None:
            self.user = db.login
        return db

    def now(self) -> datetime:
        """The moment of an audit event, in UTC."""
        return datetime.now(UTC)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """The transaction of one change (or of a whole import): all of it or none of it."""
        with self.db.write() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as session:
            yield session
