"""What the actions' decisions need of a store, and how an outcome is saved: one interface, two
stores. `session_store.SessionStore` serves one command (today's queries, one outcome written,
its audit events recorded; the head of the trail is written at commit); `batch_store.BatchStore`
serves an import (what the rows need preloaded, the outcomes held and written in bulk). Neither
decides anything: the decisions are in `rules/actions.py`."""

from __future__ import annotations

from typing import Protocol

from optima_cli.rules.actions import ClientKey, Outcome, Person
from optima_cli.rules.lifecycle import Unit


class Store(Protocol):
    def unit(self, code: str) -> tuple[int, Unit] | None:
        """A unit by its code (any case, spaces around): its id and the unit; None if unknown."""

    def new_key(self) -> ClientKey:
        """The key of a client about to be registered (its id comes when it is written)."""

    def duplicate_of(self, person: Person) -> Person | None:
        """Another client with the person's AHV number, or name and birth date (the first)."""

    def open_referral_to(self, person: Person, receiver_id: int) -> str | None:
        """The case id of the person's open referral to that receiver, if any."""

    def next_case_seq(self, year: int) -> int:
        """The number of the next case of the year."""

    def save(self, outcome: Outcome) -> None:
        """Write what the action decided (or hold it to be written), with its audit events."""
