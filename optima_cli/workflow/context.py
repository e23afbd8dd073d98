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
    _shared: Session | None = field(default=None, repr=False)

    @cached_property
    def db(self) -> Database:
        return open_database(self.db_path)

    def now(self) -> datetime:
        """The moment of an audit event, in UTC."""
        return datetime.now(UTC)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """The transaction of one change; inside `shared()`, the shared transaction, whose caller
        undoes a refused change with a savepoint of its own and decides about the rest."""
        if self._shared is not None:  # the caller (import) wraps each row in a savepoint
            yield self._shared
        else:
            with self.db.write() as session:
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        if self._shared is not None:
            yield self._shared
        else:
            with self.db.read() as session:
                yield session

    @contextmanager
    def shared(self) -> Iterator[Session]:
        """One transaction for many changes (an import): all of them or none."""
        with self.db.write() as session:
            self._shared = session
            try:
                yield session
            finally:
                self._shared = None
