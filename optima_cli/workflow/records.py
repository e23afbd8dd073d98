"""Plain records (dicts) of clients and cases: the JSON contract, built in one place."""

from __future__ import annotations

import json
from datetime import date
from operator import attrgetter
from typing import Any

from optima_cli.rules import criteria
from optima_cli.rules.codes import Topic
from optima_cli.rules.identity import format_client_id
from optima_cli.rules.lifecycle import Case, SearchSuspension
from optima_cli.store.audit import diff

_TOPIC_ORDER = [t.value for t in Topic]

CLIENT_FACTS = (
    "consent_on", "consent_withdrawn_on", "iv_rejected_on", "iv_procedure_open",
    "iv_measures_running", "no_work_capacity", "rav_registered_until", "health_suspected",
)


def ordered_topics(topics: list[str] | str | None) -> list[str]:
    items = topics.split(",") if isinstance(topics, str) else list(topics or [])
    return sorted({t for t in items if t}, key=lambda t: _TOPIC_ORDER.index(t) if t in _TOPIC_ORDER else 99)


def client_record(client: Any, institution_code: str) -> dict[str, Any]:
    """The client as scripts see it (`client`: a stored Client, or a Person of rules.actions)."""
    record: dict[str, Any] = {
        "client": format_client_id(client.id or 0),
        "name": client.name,
        "birth_date": client.birth_date,
        "ahv": client.ahv,
        "municipality": client.municipality,
        "counsellor": client.counsellor,
        "institution": institution_code,
        "external_ref": client.external_ref,
    }
    for name in CLIENT_FACTS:
        record[name] = getattr(client, name)
    return record


def case_record(row: dict[str, Any]) -> dict[str, Any]:
    """A case as scripts see it (keys are a contract; dates stay `date` until rendered)."""
    return {
        "case": row["case_id"],
        "client": format_client_id(row["client_id"]),
        "status": row["status"],
        "referrer": row["referrer"],
        "receiver": row["receiver"],
        "topics": ordered_topics(row["topics"]),
        "months": row["months"],
        "goal": row["goal"],
        "referred_on": row["referred_on"],
        "referring_counsellor": row["referring_counsellor"],
        "decided_on": row["decided_on"],
        "receiving_counsellor": row["receiving_counsellor"],
        "due_on": row["due_on"],
        "extended_on": row["extended_on"],
        "withdrawn_on": row["withdrawn_on"],
        "closed_on": row["closed_on"],
        "reason": row["reason"],
        "reason_note": row["reason_note"],
        "outcome": row["outcome"],
        "cause": row["cause"],
        "employed": row["employed"],
        "close_note": row["close_note"],
        "override": row["override"],
        "search_suspended_from": row["search_suspended_from"],
        "search_suspended_until": row["search_suspended_until"],
    }


# the free text of a case that may name the client or their health: personal data, given to
# scripts only when asked for (and then logged); `overridden` says whether a justification exists
PERSONAL_TEXT = ("reason_note", "close_note", "override")
# every free text of a case: the goal is its purpose, shown in lists and the workbook (written
# without naming the person), but it may still name them: anonymize erases all of these
FREE_TEXT = ("goal", *PERSONAL_TEXT)


def with_personal_text(record: dict[str, Any], personal: bool) -> dict[str, Any]:
    """A case record with `overridden` after `override`; without `personal` the free text is
    None (the keys stay: they are a contract)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        out[key] = None if key in PERSONAL_TEXT and not personal else value
        if key == "override":
            out["overridden"] = bool(value)
    return out


def findings_of(row: dict[str, Any]) -> list[dict[str, str]]:
    """The findings stored with a referral (in English), their sentences in the reader's language."""
    return [{**found, "message": criteria.read_back(found["message"])}
            for found in json.loads(row["findings"] or "[]")]


# the referral columns that a case state holds and the actions change
STATE_COLUMNS = ("status", "months", "decided_on", "receiving_counsellor", "due_on", "first_due_on",
                 "extended_on", "withdrawn_on", "closed_on", "reason", "reason_note", "outcome",
                 "cause", "employed", "close_note")

# the values of a case that an action can change, keyed as in the case record
CHANGEABLE = ("status", "months", "decided_on", "receiving_counsellor", "due_on", "extended_on",
              "withdrawn_on", "closed_on", "reason", "reason_note", "outcome", "cause", "employed",
              "close_note")


_changeable_of = attrgetter(*CHANGEABLE)


def case_values(case: Case, today: date) -> dict[str, Any]:
    """What an action can change, with the suspension running `today`: the case record's
    values (the audit event records `case_changes` instead)."""
    values = dict(zip(CHANGEABLE, _changeable_of(case)))
    running = case.running_suspension(today)
    values["search_suspended_from"] = running.start_on if running else None
    values["search_suspended_until"] = running.until if running else None
    return values


SUSPENSION_VALUES = ("search_suspended_from", "search_suspended_until", "search_resumed_on")


def _suspension_values(s: SearchSuspension) -> dict[str, Any]:
    return dict(zip(SUSPENSION_VALUES, (s.start_on, s.until, s.ended_on)))


def case_changes(before: Case, after: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an action changed, as its audit event records it: the values of the case that
    differ, and the days of a job-search suspension it started or ended. Not as of today: a
    suspension that lies in the past (back-dated) is recorded as one that runs today."""
    old, new = diff(dict(zip(CHANGEABLE, _changeable_of(before))),
                    dict(zip(CHANGEABLE, _changeable_of(after))))
    for i, suspension in enumerate(after.suspensions):
        was = before.suspensions[i] if i < len(before.suspensions) else None
        if suspension == was:
            continue
        if was is None:  # a new one: its days (it has not ended)
            new.update({k: v for k, v in _suspension_values(suspension).items() if v is not None})
        else:  # ended: which one, and the day
            old.update(_suspension_values(was))
            new.update(_suspension_values(suspension))
    return old, new


def case_snapshot(case: Case, client_id: int, today: date) -> dict[str, Any]:
    """The case record of a case state as it stands on `today` (every date of a change is at
    most today, so today's state is the state held)."""
    row = case_values(case, today)
    row.update(case_id=case.case_id, client_id=client_id, referrer=case.referrer.code,
               receiver=case.receiver.code, topics=list(case.topics), goal=case.goal,
               referred_on=case.referred_on, referring_counsellor=case.referring_counsellor,
               override=case.override)
    return case_record(row)
