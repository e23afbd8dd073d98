"""The case journal (issue 18): dated entries while a case runs, and striking a wrong one.

A journal entry tells of a day of the case (a meeting, progress, a problem): it is dated from the
referral day to the day the case ended (its closing, withdrawal or rejection), and never in the
future. After the case ended, an entry may still be written, dated up to that day: a closing
meeting is often written up the day after. The text is free text (rules/text.py), personal data.
A wrong entry is struck with a justification: it keeps its text and its place (the trail keeps
both), and is shown as struck. The acting user and the moment are the store's to add, as for
every audit event.

Each is a pure decision like the actions of `rules/actions.py`: given the case, its client and
the entries loaded by the store, it returns what to write (`Written`) with its audit event, or
raises the refusal.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import text
from optima_cli.rules.actions import Event, Person, refuse_anonymized
from optima_cli.rules.codes import Status
from optima_cli.rules.dates import ensure_not_future
from optima_cli.rules.lifecycle import Case

# the audit actions of the journal
NOTE, NOTE_STRIKE = "note", "note-strike"


class Entry(NamedTuple):
    """A journal entry as the rules see it (the store keeps who wrote it and when)."""

    number: int  # 1, 2, ... within its case
    on: date
    text: str | None  # None once anonymized
    struck: bool = False


class Written(NamedTuple):
    """What a journal decision writes: the entry as it is now (new: to insert, else the stored
    one changed), and its audit event."""

    entry: Entry
    new: bool
    event: Event
    why: str | None = None  # the justification of a strike


def ended_on(case: Case) -> date | None:
    """The day the case ended (closed, withdrawn, or rejected), or None while it runs."""
    if case.status == Status.CLOSED:
        return case.closed_on
    if case.status == Status.WITHDRAWN:
        return case.withdrawn_on
    if case.status == Status.REJECTED:
        return case.decided_on
    return None


def check_day(case: Case, day: date, today: date) -> None:
    """An entry's day: not in the future, not before the referral, not after the case ended."""
    ensure_not_future(day, today, "note")
    if day < case.referred_on:
        raise OptimaError.refused("note-before-referral", "on", case=case.case_id, day=day,
                                  referred_on=case.referred_on)
    ended = ended_on(case)
    if ended is not None and day > ended:
        raise OptimaError.refused("note-after-end", "on", case=case.case_id, day=day,
                                  status=case.status, ended_on=ended)


def entry_text(value: str | None) -> str:
    """The text of an entry, cleaned like other free text; required."""
    cleaned = text.free_text(value, "text")
    if cleaned is None:
        raise UsageProblem.refused("empty", "text")
    return cleaned


def note(case: Case, client: Person, value: str | None, day: date, today: date,
         entries: tuple[Entry, ...]) -> Written:
    """A new entry on `day` with the text `value`, numbered after the case's `entries`."""
    cleaned = entry_text(value)
    refuse_anonymized(client, correcting=True)
    check_day(case, day, today)
    entry = Entry(number=max((e.number for e in entries), default=0) + 1, on=day, text=cleaned)
    return Written(entry, True, Event(action=NOTE, entity="referral", on_date=day, before=None,
                                      after={"entry": entry.number, "on": day, "text": cleaned}))


def strike(case: Case, client: Person, number: int, why: str | None, today: date,
           entries: tuple[Entry, ...]) -> Written:
    """The entry `number` struck as wrong, with the justification `why`; its text stays."""
    reason = text.free_text(why, "why")
    if reason is None:
        raise UsageProblem.refused("value-required", "why")
    refuse_anonymized(client, correcting=True)
    found = next((e for e in entries if e.number == number), None)
    if found is None:
        raise OptimaError.refused("no-such-entry", "entry", case=case.case_id, entry=number,
                                  count=len(entries))
    if found.struck:
        raise OptimaError.refused("entry-already-struck", "entry", case=case.case_id, entry=number)
    struck = found._replace(struck=True)
    return Written(struck, False, Event(action=NOTE_STRIKE, entity="referral", on_date=today,
                                        before={"entry": number, "struck": False},
                                        after={"entry": number, "struck": True}, why=reason),
                   why=reason)
