"""What the actions' decisions need of a store, and how an outcome is saved: one interface, two
stores. `session_store.SessionStore` serves one command (today's queries, one outcome written,
its audit events recorded; the head of the trail is written at commit); `batch_store.BatchStore`
serves an import (what the rows need preloaded, the outcomes held and written in bulk). Neither
decides anything: the decisions are in `rules/actions.py`. Below the interface, what both write
the same way: the row of a new referral and the client named in an event's payload."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from optima_cli.rules.actions import CLIENT_KEY, ClientKey, Outcome, Person
from optima_cli.rules.identity import format_client_id
from optima_cli.rules.lifecycle import Case, Unit
from optima_cli.rules.records import STATE_COLUMNS
from optima_cli.rules.settings import Settings


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

    def settings(self) -> Settings:
        """The steering group's settings in force (rules/settings.py), read once."""

    def save(self, outcome: Outcome) -> None:
        """Write what the action decided (or hold it to be written), with its audit events."""


# --- what both stores write the same way ----------------------------------------------------------

def with_client_id(payload: dict[str, Any] | None, client_id: int | None) -> dict[str, Any] | None:
    """An event's payload with the client's id where it names the client (`CLIENT_KEY`)."""
    if payload is None or CLIENT_KEY not in payload:
        return payload
    return {**payload, CLIENT_KEY: format_client_id(client_id or 0)}


def referral_row(case: Case, seq: int, findings: Sequence[dict[str, str]], client_id: int | None,
                 unit_ids: dict[str, int], now: datetime) -> dict[str, Any]:
    """The columns of the referral row of a new case (either store)."""
    return {"case_year": case.referred_on.year, "case_seq": seq, "case_id": case.case_id,
            "client_id": client_id, "referrer_id": unit_ids[case.referrer.code],
            "receiver_id": unit_ids[case.receiver.code], "goal": case.goal,
            "referred_on": case.referred_on, "referring_counsellor": case.referring_counsellor,
            "findings": json.dumps(list(findings)), "override": case.override,
            "created_at": now, "updated_at": now, **dict(case.given),
            **{name: getattr(case, name) for name in STATE_COLUMNS}}
