"""The case journal through the workflow and the store (issue 18), on SQLite and PostgreSQL: an
entry written is shown by `show` (whose read is logged), each entry and strike is one audit
event, the trail verifies, a refusal writes nothing, and `anonymize` erases the entries' text."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import TODAY, dump, query

from optima_cli.errors import NotFound, OptimaError, UsageProblem
from optima_cli.rules.codes import Outcome, Topic
from optima_cli.workflow import case_reads, cases, clients, journal, retention, trail
from optima_cli.workflow.context import Context

pytestmark = pytest.mark.both_backends  # the store: the new table, its events, the erasure

REFERRED, ACCEPTED, CLOSED = date(2026, 8, 25), date(2026, 9, 1), date(2026, 11, 2)


def _case(ctx: Context, name: str = "Journal Jana") -> str:
    client = clients.register(ctx, clients.ClientInput(
        name=name, birth_date=date(1985, 5, 5), institution="RAV",
        consent_on=date(2025, 6, 1)))["client"]
    case = cases.refer(ctx, cases.Refer(client=client, to="SD", topics=(Topic.FINANCES,),
                                        months=3, on=REFERRED)).record["case"]
    cases.accept(ctx, case, on=ACCEPTED)
    return case


def _events(ctx: Context, action: str) -> list[tuple]:
    return query(ctx.db_path, "SELECT actor, entity, entity_ref, on_date, payload FROM audit_event "
                              "WHERE action = ? ORDER BY id", action)


def test_an_entry_is_written_shown_and_recorded(ctx):
    case = _case(ctx)
    first = journal.note(ctx, case, "Erstgespräch mit der Klientin", date(2026, 9, 3))
    second = journal.note(ctx, case, "Budget erstellt")  # today
    assert (first["case"], first["entry"], first["on"], first["by"]) == (case, 1, date(2026, 9, 3),
                                                                         "tester")
    assert (second["entry"], second["on"], second["struck_at"]) == (2, TODAY, None)

    shown = case_reads.show_case(ctx, case)
    assert [(e["entry"], e["on"], e["by"], e["text"], e["struck_at"]) for e in shown["journal"]] == [
        (1, date(2026, 9, 3), "tester", "Erstgespräch mit der Klientin", None),
        (2, TODAY, "tester", "Budget erstellt", None)]
    notes = [h for h in shown["history"] if h["action"] == "note"]
    assert [(h["on"], h["changes"]) for h in notes] == [
        (date(2026, 9, 3), {"entry": 1, "on": "2026-09-03"}), (TODAY, {"entry": 2, "on": TODAY.isoformat()})]
    events = _events(ctx, "note")
    assert [e[:4] for e in events] == [("tester", "referral", case, "2026-09-03"),
                                       ("tester", "referral", case, TODAY.isoformat())]
    assert json.loads(events[0][4])["after"]["text"] == "Erstgespräch mit der Klientin"
    assert len(_events(ctx, "read")) == 1  # show logged its read
    assert trail.verify(ctx)["ok"]


def test_a_wrong_entry_is_struck_and_keeps_its_text(ctx):
    case = _case(ctx)
    journal.note(ctx, case, "für den falschen Fall", date(2026, 9, 3))
    struck = journal.strike(ctx, case, 1, "falscher Fall")
    assert (struck["entry"], struck["text"], struck["struck_by"], struck["struck_why"]) == (
        1, "für den falschen Fall", "tester", "falscher Fall")
    assert struck["struck_at"] is not None
    (entry,) = case_reads.show_case(ctx, case)["journal"]
    assert (entry["text"], entry["struck_why"]) == ("für den falschen Fall", "falscher Fall")
    ((actor, _, ref, on, payload),) = _events(ctx, "note-strike")
    assert (actor, ref, on) == ("tester", case, TODAY.isoformat())
    assert json.loads(payload)["why"] == "falscher Fall"
    with pytest.raises(OptimaError) as error:
        journal.strike(ctx, case, 1, "again")
    assert error.value.code == "entry-already-struck"
    assert trail.verify(ctx)["ok"]


@pytest.mark.parametrize("call, refusal", [
    (lambda ctx, case: journal.note(ctx, case, "x", date(2026, 8, 24)), (OptimaError, "note-before-referral")),
    (lambda ctx, case: journal.note(ctx, case, "x", date(2026, 11, 24)), (OptimaError, "in-the-future")),
    (lambda ctx, case: journal.note(ctx, case, " "), (UsageProblem, "empty")),
    (lambda ctx, case: journal.note(ctx, "OPT-2026-0999", "x"), (NotFound, None)),
    (lambda ctx, case: journal.strike(ctx, case, 1, "none yet"), (OptimaError, "no-such-entry")),
    (lambda ctx, case: journal.strike(ctx, case, 1, None), (UsageProblem, "value-required")),
], ids=["before the referral", "ahead", "empty", "unknown case", "no such entry", "no why"])
def test_a_refusal_writes_nothing(ctx, db_path, call, refusal):
    case = _case(ctx)
    before = dump(db_path)
    with pytest.raises(refusal[0]) as error:
        call(ctx, case)
    assert error.value.code == refusal[1]
    assert dump(db_path) == before


def test_after_closing_an_entry_is_dated_up_to_the_closing_day(ctx):
    case = _case(ctx)
    cases.close(ctx, case, Outcome.ACHIEVED, on=CLOSED)
    assert journal.note(ctx, case, "Abschlussgespräch", CLOSED)["entry"] == 1
    with pytest.raises(OptimaError) as error:
        journal.note(ctx, case, "später")
    assert error.value.code == "note-after-end"
    # undo passes over the entry: it takes back the closing, and the entry stays
    cases.undo(ctx, case, "closed by mistake")
    shown = case_reads.show_case(ctx, case)
    assert shown["status"] == "accepted" and [e["entry"] for e in shown["journal"]] == [1]


def test_anonymize_erases_the_entries_text_and_the_trail_still_verifies(ctx):
    gone, kept = _case(ctx, "Alt Albert"), _case(ctx, "Bleib Berta")
    journal.note(ctx, gone, "Albert erzählt von seiner Gesundheit", date(2026, 9, 3))
    journal.note(ctx, gone, "falsch", date(2026, 9, 4))
    journal.strike(ctx, gone, 2, "Albert verwechselt")
    journal.note(ctx, kept, "Berta kommt gut voran", date(2026, 9, 3))
    cases.close(ctx, gone, Outcome.ACHIEVED, on=CLOSED)
    done = retention.anonymize(ctx, date(2026, 11, 10))
    assert done["clients"] == 1
    rows = query(ctx.db_path, "SELECT r.case_id, j.number, j.entry_on, j.author, j.text, "
                              "j.struck_by, j.struck_why FROM journal_entry j "
                              "JOIN referral r ON r.id = j.referral_id ORDER BY j.id")
    assert rows == [(gone, 1, "2026-09-03", "tester", None, None, None),
                    (gone, 2, "2026-09-04", "tester", None, "tester", None),
                    (kept, 1, "2026-09-03", "tester", "Berta kommt gut voran", None, None)]
    assert not [p for *_, p in _events(ctx, "note") + _events(ctx, "note-strike")
                if p and "Albert" in p]
    shown = case_reads.show_case(ctx, gone)["journal"]
    assert [e["text"] for e in shown] == [None, None]
    assert trail.verify(ctx)["ok"]
