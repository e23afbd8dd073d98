"""One definition per record: the places that list a case's or a client's fields derive them from
the table models (records/models.py, records/fields.py), and what they derive is today's
contract: the JSON keys, the workbook, import and CSV columns, and the options."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import typer.main

from optima_cli.importing import columns as import_format
from optima_cli.records.models import (
    CASE_FIELDS,
    CASE_KEYS,
    CLIENT_FIELDS,
    CLIENT_KEYS,
    Client,
)
from optima_cli.render.workbook import CASE_COLUMNS
from optima_cli.rules import records
from optima_cli.rules.criteria import Facts
from optima_cli.rules.lifecycle import Case

TEMPLATE = Path(__file__).parent.parent / "sample_data" / "import-template.csv"
# the JSON contract, written out once here to hold the derived keys against
CASE_RECORD = (
    "case", "client", "status", "referrer", "receiver", "topics", "months", "goal", "referred_on",
    "referring_counsellor", "decided_on", "receiving_counsellor", "due_on", "extended_on",
    "withdrawn_on", "closed_on", "reason", "reason_note", "outcome", "cause", "employed",
    "close_note", "override", "workable", "settings_version", "handback", "search_suspended_from",
    "search_suspended_until",
)
CLIENT_RECORD = (
    "client", "name", "birth_date", "ahv", "municipality", "counsellor", "institution",
    "external_ref", "consent_on", "consent_withdrawn_on", "iv_rejected_on", "iv_procedure_open",
    "iv_measures_running", "work_capacity", "work_capacity_assessed_on", "rav_registered_until",
    "health_suspected",
)


def test_the_record_keys_are_todays_contract():
    assert CASE_KEYS == CASE_RECORD
    assert CLIENT_KEYS == CLIENT_RECORD
    assert list(CASE_RECORD) == CASE_COLUMNS
    assert CLIENT_RECORD[8:] == records.CLIENT_FACTS
    assert records.PERSONAL_TEXT == ("reason_note", "close_note", "override", "handback")
    assert set(records.FREE_TEXT) == {"goal", *records.PERSONAL_TEXT}


def test_a_client_record_has_the_keys_of_the_definition():
    client = Client(id=7, name="Muster Hans", birth_date=date(1980, 3, 12), institution_id=1,
                    consent_on=date(2026, 1, 5), created_at=None, updated_at=None)
    record = records.client_record(client, "SD")
    assert tuple(record) == CLIENT_RECORD
    assert record["client"] == "C-0007" and record["institution"] == "SD"
    assert record["consent_on"] == date(2026, 1, 5) and record["iv_procedure_open"] is False


def test_a_case_record_has_the_keys_of_the_definition():
    row = dict.fromkeys(CASE_RECORD) | {"case_id": "OPT-2026-0001", "client_id": 3,
                                                 "topics": "placement,health", "months": 3}
    record = records.case_record(row)
    assert tuple(record) == CASE_RECORD
    assert record["case"] == "OPT-2026-0001" and record["client"] == "C-0003"
    assert record["topics"] == sorted(record["topics"], key=records._TOPIC_ORDER.index)


def test_the_case_state_of_the_rules_holds_every_field_an_action_changes():
    """lifecycle.Case stays a NamedTuple of its own (the rules know no models): it must hold
    each field an action changes, and every other field of it must be one of the record's."""
    changed = [f.name for f in CASE_FIELDS if f.changes]
    assert list(records.STATE_COLUMNS) == changed
    assert set(changed) <= set(Case._fields)
    stored = {f.name for f in CASE_FIELDS if f.name} | {"case_id", "referrer", "receiver", "topics"}
    assert set(Case._fields) - {"suspensions", "given"} <= stored
    # the fields of a case the life cycle does not hold: the answer whether it is workable, and
    # the version of the settings its criteria were judged under, which actions.refer sets from
    # the settings it is given
    assert [f.name for f in records.GIVEN] == ["workable", "settings_version"]
    assert tuple(f.key for f in CASE_FIELDS if f.changes and f.in_record) == records.CHANGEABLE


def test_the_import_columns_are_the_templates_and_read_each_field_by_its_type():
    template = TEMPLATE.read_text(encoding="utf-8").splitlines()[0]
    assert list(import_format.COLUMNS) == template.split(",")
    assert import_format.REQUIRED == ["name", "birth_date", "referrer", "receiver", "topics",
                                      "months", "referred_on"]
    expected = ("external_ref", "name", "birth_date", "ahv", "municipality", "counsellor", *CLIENT_RECORD[8:])
    assert import_format.CLIENT_FIELDS == expected
    free_texts = {"goal", "override", "reason_note", "withdraw_note", "close_note"}
    assert import_format.FREE_TEXTS == free_texts
    read = {name: parser for name, (parser, _) in import_format.COLUMNS.items()}
    by_type = {date: import_format._date, bool: import_format._bool}
    for field in (*CLIENT_FIELDS, *CASE_FIELDS):
        if field.sheet and not field.read:
            assert read[field.sheet] is by_type.get(field.type, import_format._text), field.key
    for column, value, expected in (("employed", "ja", True), ("workable", "nein", False),
                                    ("birth_date", "12.03.1980", date(1980, 3, 12)),
                                    ("months", "6", 6), ("outcome", "achieved", "achieved"),
                                    ("ahv", "7561234567897", "756.1234.5678.97")):
        assert read[column](value) == expected


def test_every_field_of_a_record_has_a_label():
    assert all(f.label for f in (*CASE_FIELDS, *CLIENT_FIELDS) if f.in_record)


def _options(command_name: str, group: str | None = None) -> list[str]:
    from optima_cli.cli import clients

    app = clients.client_app if group else clients.app
    command = typer.main.get_command(app)
    if hasattr(command, "commands"):
        command = command.commands[command_name]
    return [p.opts[0] for p in command.params if p.opts and p.opts[0].startswith("--")]


def test_the_client_options_are_built_from_the_definition():
    """register and client update take the options of the client's fields, each typed once."""
    facts = [f.option.split("/")[0] for f in CLIENT_FIELDS if f.option]
    update = _options("update", group="client")
    assert update == ["--name", "--birth-date", "--from", *facts, "--format"]
    register = _options("register")
    assert sorted(register) == sorted(["--name", "--birth-date", "--from", "--format",
                                       *(o for o in facts if o != "--consent-withdrawn-on")])


def test_the_facts_the_criteria_judge_are_the_clients_facts():
    """rules.criteria.Facts stays a dataclass of its own (the rules know no models): its fields
    are the client's fields marked as facts, with the same types."""
    assert tuple(f.name for f in fields(Facts)) == records.CLIENT_FACTS
    types = {f.name: f.type for f in CLIENT_FIELDS}
    assert all(types[f.name].__name__ in str(f.type) for f in fields(Facts))


def test_a_person_of_the_decisions_holds_the_clients_stored_fields():
    """rules.actions.Person (the client as the decisions see it, typed for mypy) holds exactly the
    columns of a client's row that the decisions read or write, besides its key and unit: a field
    added to the client's definition fails here until the Person has it too."""
    from optima_cli.records.models import Client
    from optima_cli.rules.actions import Person

    stored = set(Client.model_fields) - {"id", "institution_id", "created_at", "updated_at"}
    assert {f.name for f in fields(Person)} - {"key", "institution", "institution_id"} == stored
