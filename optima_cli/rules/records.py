"""Plain records (dicts) of clients and cases: the JSON contract and the audit trail's values, built
in one place from the definitions (optima_cli/records), by the decisions (rules/actions.py), the
stores and the reads alike."""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Any

from optima_cli.records.models import (
    CASE_FIELDS,
    CASE_KEYS,
    CLIENT_FIELDS,
    CLIENT_KEYS,
    Client,
)
from optima_cli.rules.codes import Topic
from optima_cli.rules.identity import format_client_id
from optima_cli.rules.lifecycle import Case, SearchSuspension

_TOPIC_ORDER = [t.value for t in Topic]

# the facts of a client that the access criteria judge
CLIENT_FACTS = tuple(f.name for f in CLIENT_FIELDS if f.fact)
# the client record's values that are its row's as they are (id and institution are shown
# as the client id and the institution's code)
_CLIENT_AS_STORED = tuple((f.key, f.name) for f in CLIENT_FIELDS
                          if f.in_record and f.key not in ("client", "institution"))


def ordered_topics(topics: list[str] | str | None) -> list[str]:
    items = topics.split(",") if isinstance(topics, str) else list(topics or [])
    return sorted({t for t in items if t}, key=lambda t: _TOPIC_ORDER.index(t) if t in _TOPIC_ORDER else 99)


def client_record(client: Client | Any, institution_code: str) -> dict[str, Any]:
    """The client as scripts see it (`client`: a stored Client, or a Person of rules.actions)."""
    shown = {"client": format_client_id(client.id or 0), "institution": institution_code}
    stored = {key: getattr(client, name) for key, name in _CLIENT_AS_STORED}
    return {key: shown[key] if key in shown else stored[key] for key in CLIENT_KEYS}


def case_record(row: dict[str, Any]) -> dict[str, Any]:
    """A case as scripts see it (keys are a contract; dates stay `date` until rendered): `row`
    holds the referral's columns by key (case_select), with the client's id as `client_id`."""
    record = {key: row.get(key) for key in CASE_KEYS if key not in ("case", "client", "topics")}
    record.update(case=row["case_id"], client=format_client_id(row["client_id"]),
                  topics=ordered_topics(row["topics"]))
    return {key: record[key] for key in CASE_KEYS}


# the free text of a case that may name the client or their health: personal data, given to
# scripts only when asked for (and then logged); `overridden` says whether a justification exists
PERSONAL_TEXT = tuple(f.key for f in CASE_FIELDS if f.personal)
# every free text of a case: the goal is its purpose, shown in lists and the workbook (written
# without naming the person), but it may still name them: anonymize erases all of these
FREE_TEXT = tuple(f.key for f in CASE_FIELDS if f.free_text)


def with_personal_text(record: dict[str, Any], personal: bool) -> dict[str, Any]:
    """A case record with `overridden` after `override`; without `personal` the free text is
    None (the keys stay: they are a contract)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        out[key] = None if key in PERSONAL_TEXT and not personal else value
        if key == "override":
            out["overridden"] = bool(value)
    return out


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict, dict]:
    """Only the values that changed, before and after (what an audit event keeps of a change)."""
    before = before or {}
    after = after or {}
    if before.keys() == after.keys():  # the common case (records of the same thing), quickly
        keys = [k for k, value in before.items() if value != after[k]]
        return {k: before[k] for k in keys}, {k: after[k] for k in keys}
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return ({k: before.get(k) for k in keys if k in before},
            {k: after.get(k) for k in keys if k in after})


# the values of a case that an action can change, keyed as in the case record
CHANGEABLE = tuple(f.key for f in CASE_FIELDS if f.changes and f.in_record)


# the referral columns that a case state holds and the actions change (workflow.cases)
STATE_COLUMNS = tuple(f.name for f in CASE_FIELDS if f.changes)
# the referral columns a case state holds that only a correction changes (`optima amend`)
CORRECTED_COLUMNS = ("goal", "referred_on", "referring_counsellor", "override")


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
    suspensions_changed(old, new, before, after)
    return old, new


SUSPENSIONS = "suspensions"  # the key of an event's values that holds them all


def suspensions_changed(old: dict[str, Any], new: dict[str, Any], before: Case,
                        after: Case) -> None:
    """Where a change touched the job-search suspensions, all of them before and after, each as
    [start, until, ended]: the keys above name one suspension, and a closing can end two (one
    running, one planned), an amended closing day move their ends. The trail then adds up to the
    case (rules/as_recorded.py)."""
    if before.suspensions != after.suspensions:
        old[SUSPENSIONS] = [[s.start_on, s.until, s.ended_on] for s in before.suspensions]
        new[SUSPENSIONS] = [[s.start_on, s.until, s.ended_on] for s in after.suspensions]


# the fields of a case that no action changes or decides by (not in lifecycle.Case): kept in the
# case state as given with the referral (Case.given), stored and shown like the others; the
# criteria read one of them at the referral, the answer `workable` (rules.actions.refer)
GIVEN = tuple(f for f in CASE_FIELDS
              if f.name and f.key != "client" and not {f.name, f.key} & set(Case._fields))


def given_with_referral(values: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Case.given of a referral from its values by import column (an import row's)."""
    return tuple((f.name, values.get(f.sheet or f.key)) for f in GIVEN)


def given_stored(referral: Any) -> tuple[tuple[str, Any], ...]:
    """Case.given of a stored referral (a models.Referral)."""
    return tuple((f.name, getattr(referral, f.name)) for f in GIVEN)


def case_snapshot(case: Case, client_id: int, today: date) -> dict[str, Any]:
    """The case record of a case state as it stands on `today` (every date of a change is at
    most today, so today's state is the state held)."""
    row = case_values(case, today)
    row.update(case.given)
    row.update(case_id=case.case_id, client_id=client_id, referrer=case.referrer.code,
               receiver=case.receiver.code, topics=list(case.topics), goal=case.goal,
               referred_on=case.referred_on, referring_counsellor=case.referring_counsellor,
               override=case.override)
    return case_record(row)
