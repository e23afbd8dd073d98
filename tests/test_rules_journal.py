"""The case journal as pure decisions (issue 18): an entry's day lies from the referral to the day
the case ended and never ahead; its text is cleaned as other free text; a wrong entry is struck
with a justification and keeps its text; each is one audit event."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import actions, corrections, journal
from optima_cli.rules.actions import Person
from optima_cli.rules.codes import Kind, Outcome, RejectReason, WithdrawReason
from optima_cli.rules.journal import Entry
from optima_cli.rules.lifecycle import Case, Unit

TODAY = date(2026, 11, 23)
REFERRED, ACCEPTED, ENDED = date(2026, 8, 25), date(2026, 9, 1), date(2026, 11, 2)


def client() -> Person:
    return Person(key=actions.ClientKey(7, (0, 7)), institution="RAV", institution_id=1,
                  name="Muster Anna", name_key="anna muster", birth_date=date(1988, 7, 14),
                  consent_on=date(2025, 1, 2))


def referred() -> Case:
    return Case(case_id="OPT-2026-0007", referrer=Unit("RAV", Kind.RAV),
                receiver=Unit("SD", Kind.SD), topics=("finances",), status="referred", months=3,
                referred_on=REFERRED)


def accepted() -> Case:
    return actions.accept(referred(), client(), ACCEPTED, TODAY).case  # type: ignore[return-value]


ENDINGS = {
    "closed": lambda: actions.close(accepted(), client(), ENDED, TODAY, Outcome.ACHIEVED).case,
    "withdrawn": lambda: actions.withdraw(accepted(), client(), ENDED, TODAY,
                                          WithdrawReason.OTHER, "moved").case,
    "rejected": lambda: actions.reject(referred(), client(), ENDED, TODAY,
                                       RejectReason.TOO_SEVERE).case,
}


def refused(error: pytest.ExceptionInfo) -> tuple[str | None, str | None, type]:
    return error.value.code, error.value.field, type(error.value)


@pytest.mark.parametrize("case", [referred, accepted], ids=["referred", "accepted"])
@pytest.mark.parametrize("day", [REFERRED, ACCEPTED + timedelta(days=3), TODAY],
                         ids=["referral day", "during", "today"])
def test_an_entry_is_written_on_any_day_from_the_referral_to_today_while_the_case_runs(case, day):
    written = journal.note(case(), client(), "  Erstgespräch: Budget besprochen \n", day, TODAY, ())
    assert written.new and written.entry == Entry(1, day, "Erstgespräch: Budget besprochen")
    event = written.event
    assert (event.action, event.entity, event.on_date, event.before) == ("note", "referral", day, None)
    assert event.after == {"entry": 1, "on": day, "text": "Erstgespräch: Budget besprochen"}


def test_entries_are_numbered_after_the_highest_number_of_the_case():
    entries = (Entry(1, REFERRED, "a"), Entry(2, REFERRED, "b", struck=True))
    assert journal.note(accepted(), client(), "c", TODAY, TODAY, entries).entry.number == 3


def test_a_day_ahead_is_refused():
    with pytest.raises(OptimaError) as error:
        journal.note(accepted(), client(), "later", TODAY + timedelta(days=1), TODAY, ())
    assert refused(error) == ("in-the-future", None, OptimaError)
    assert error.value.values["what"] == "note"


def test_a_day_before_the_referral_is_refused_and_names_the_referral():
    with pytest.raises(OptimaError) as error:
        journal.note(accepted(), client(), "before", REFERRED - timedelta(days=1), TODAY, ())
    assert refused(error) == ("note-before-referral", "on", OptimaError)
    assert error.value.values["referred_on"] == REFERRED


@pytest.mark.parametrize("ending", ENDINGS)
def test_after_the_case_ended_an_entry_is_dated_up_to_that_day(ending):
    case = ENDINGS[ending]()
    assert journal.ended_on(case) == ENDED
    assert journal.note(case, client(), "closing talk", ENDED, TODAY, ()).entry.on == ENDED
    with pytest.raises(OptimaError) as error:
        journal.note(case, client(), "too late", ENDED + timedelta(days=1), TODAY, ())
    assert refused(error) == ("note-after-end", "on", OptimaError)
    assert (error.value.values["ended_on"], error.value.values["status"]) == (ENDED, ending)


def test_a_running_case_has_no_end():
    assert journal.ended_on(referred()) is None and journal.ended_on(accepted()) is None


@pytest.mark.parametrize("text", [None, "", "   ", "\u200b\u200b"])
def test_an_empty_or_invisible_text_is_refused_as_malformed(text):
    with pytest.raises(UsageProblem) as error:
        journal.note(accepted(), client(), text, TODAY, TODAY, ())
    assert refused(error)[1] == "text"
    assert error.value.exit_code == 2


def test_a_text_too_long_is_refused():
    with pytest.raises(UsageProblem) as error:
        journal.note(accepted(), client(), "x" * 2001, TODAY, TODAY, ())
    assert refused(error) == ("too-long", "text", UsageProblem)


def test_no_entry_for_an_anonymized_client():
    gone = replace(client(), name=None, birth_date=None, anonymized_on=TODAY)
    with pytest.raises(OptimaError) as error:
        journal.note(ENDINGS["closed"](), gone, "after", ENDED, TODAY, ())
    assert error.value.code == "anonymized-update"


def test_a_struck_entry_keeps_its_text_and_its_event_the_justification():
    entries = (Entry(1, REFERRED, "wrong case"), Entry(2, TODAY, "right"))
    written = journal.strike(accepted(), client(), 1, "  written on the wrong case ", TODAY, entries)
    assert not written.new and written.entry == Entry(1, REFERRED, "wrong case", struck=True)
    assert written.why == "written on the wrong case"
    event = written.event
    assert (event.action, event.on_date, event.why) == ("note-strike", TODAY, "written on the wrong case")
    assert (event.before, event.after) == ({"entry": 1, "struck": False}, {"entry": 1, "struck": True})


def test_a_strike_needs_a_justification_and_an_entry_not_yet_struck():
    entries = (Entry(1, REFERRED, "a", struck=True), Entry(2, TODAY, "b"))
    with pytest.raises(UsageProblem) as error:
        journal.strike(accepted(), client(), 2, " ", TODAY, entries)
    assert refused(error) == ("value-required", "why", UsageProblem)
    with pytest.raises(OptimaError) as error:
        journal.strike(accepted(), client(), 1, "again", TODAY, entries)
    assert refused(error) == ("entry-already-struck", "entry", OptimaError)
    with pytest.raises(OptimaError) as error:
        journal.strike(accepted(), client(), 3, "none such", TODAY, entries)
    assert refused(error) == ("no-such-entry", "entry", OptimaError)
    assert error.value.values["count"] == 2


def test_undo_passes_over_the_journal():
    """A note is no action of the case: `undo` takes back the action before it."""
    case = accepted()
    closed = actions.close(case, client(), ENDED, TODAY, Outcome.ACHIEVED)
    history = (corrections.Recorded("refer", REFERRED, None, {}),
               corrections.Recorded("accept", ACCEPTED, None, {}),
               corrections.Recorded("close", ENDED, None, {}),
               corrections.Recorded("note", ENDED, None, {"entry": 1, "on": ENDED.isoformat()}),
               corrections.Recorded("note-strike", TODAY, None, {"entry": 1, "struck": True}))
    undone = corrections.undo(closed.case, client(), "closed by mistake", TODAY, history)  # type: ignore[arg-type]
    assert undone.case is not None and undone.case.status == "accepted"
    assert undone.events[-1].after is not None and undone.events[-1].after["undone"] == "close"
