"""The tables. Names follow domain.md: institution, client, referral, suspension, audit event."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict
from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 4  # the number of the newest migration (optima_cli/migrations/versions)


class TableModel(SQLModel):
    """The base of the tables. Table models are not validated when made, so their Pydantic
    schema is built only if something asks for it, not on every start (5 ms)."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


class Meta(TableModel, table=True):
    """Key/value facts about the database itself (schema version)."""

    key: str = Field(primary_key=True)
    value: str


class Institution(TableModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)  # upper case, e.g. RAV, SD-EMMEN
    kind: str  # RAV, IV, SD
    name: str
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


class Client(TableModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    birth_date: date | None  # None only once anonymized
    ahv: str | None = Field(default=None, unique=True)
    municipality: str | None = None
    counsellor: str | None = None
    institution_id: int = Field(foreign_key="institution.id")  # where the client is registered
    external_ref: str | None = None
    consent_on: date | None = None
    consent_withdrawn_on: date | None = None
    iv_rejected_on: date | None = None
    iv_procedure_open: bool = False
    iv_measures_running: bool = False
    no_work_capacity: bool = False
    rav_registered_until: date | None = None
    health_suspected: bool = False
    anonymized_on: date | None = None  # personal data removed (retention)
    created_at: datetime
    updated_at: datetime
    # the name as clients are compared by (rules.identity.name_key), the same on every database;
    # None once anonymized. Last, as migration 0003 added it.
    name_key: str | None = None

    __table_args__ = (Index("ix_client_name_key_birth", "name_key", "birth_date"),)


class Referral(TableModel, table=True):
    """One OPTIMA case: a handover from a referrer to a receiver."""

    id: int | None = Field(default=None, primary_key=True)
    case_year: int
    case_seq: int
    case_id: str = Field(unique=True, index=True)  # OPT-2026-0001
    client_id: int = Field(foreign_key="client.id", index=True)
    referrer_id: int = Field(foreign_key="institution.id")
    receiver_id: int = Field(foreign_key="institution.id")
    status: str = Field(index=True)
    months: int
    goal: str | None = None
    referred_on: date = Field(index=True)
    referring_counsellor: str | None = None
    findings: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON
    override: str | None = None  # justification for deviating from a hard rule
    decided_on: date | None = Field(default=None, index=True)
    receiving_counsellor: str | None = None
    due_on: date | None = Field(default=None, index=True)
    first_due_on: date | None = None  # the mandate end before an extension (for --as-of)
    extended_on: date | None = None
    reason: str | None = None  # rejection or withdrawal reason code
    reason_note: str | None = None
    withdrawn_on: date | None = Field(default=None, index=True)
    closed_on: date | None = Field(default=None, index=True)
    outcome: str | None = None
    cause: str | None = None
    employed: bool | None = None
    close_note: str | None = None
    created_at: datetime
    updated_at: datetime

    __table_args__ = (UniqueConstraint("case_year", "case_seq"),)


class ReferralTopic(TableModel, table=True):
    __tablename__ = "referral_topic"

    referral_id: int = Field(foreign_key="referral.id", primary_key=True)
    topic: str = Field(primary_key=True)


class Suspension(TableModel, table=True):
    """A suspension of the client's job-search obligations while the case is worked elsewhere."""

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    start_on: date
    until: date
    ended_on: date | None = None  # resumed or closed early
    note: str | None = None


class AuditEvent(TableModel, table=True):
    """Who did what when, with the values before and after; chained by hashes.

    `payload` holds the personal part (before/after values) and can be erased; the chain covers
    only `payload_hash`, so it stays verifiable after anonymization.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str
    action: str  # register, refer, accept, ..., read
    entity: str  # client, referral, institution
    entity_ref: str  # C-0001, OPT-2026-0001, RAV
    client_id: int | None = Field(default=None, index=True)
    referral_id: int | None = Field(default=None, index=True)
    on_date: date | None = None  # the date the thing happened (--on)
    source: str = "cli"
    payload: str | None = Field(default=None, sa_column=Column(Text))  # JSON {before, after}
    payload_erased: bool = False  # by anonymization; payload_hash still proves what it was
    payload_hash: str
    prev_hash: str
    hash: str
