"""The tables. Names follow domain.md: institution, client, referral, suspension, audit event."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict
from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from optima_cli.language import t_
from optima_cli.records.fields import RecordField, fact, fields_of, keys
from optima_cli.records.packing import PackedText

SCHEMA_VERSION = 18  # the number of the newest migration (optima_cli/migrations/versions)


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
    # the login name of the contact person (issue 18): whose `optima inbox` shows this unit's.
    # Last, as migration 0012 added it.
    contact_user: str | None = None
    # the PostgreSQL group role of the unit's members (issue 20, rules.access.unit_role): whose
    # rows they see on the shared server. Last, as migration 0016 added it.
    access_role: str | None = None


class Client(TableModel, table=True):
    """A person whose case is handed over. Its fields with `fact(...)` are the client record
    (workflow.records.client_record), in the order of its JSON keys."""

    id: int | None = fact(None, key="client", label=t_("client"), sheet=False, primary_key=True)
    name: str = fact(..., label=t_("name"), required=True)
    birth_date: date | None = fact(..., label=t_("birth date"), required=True)  # None only once anonymized
    ahv: str | None = fact(None, label=t_("ahv"), read="ahv", option="--ahv", metavar="NUMBER",
                           help="AHV number, 756.1234.5678.97.", unique=True)
    municipality: str | None = fact(None, label=t_("municipality"), option="--municipality",
                                    metavar="NAME", help="Municipality of residence.")
    counsellor: str | None = fact(None, label=t_("counsellor"), option="--counsellor", metavar="NAME",
                                  help="Counsellor in charge at the referring unit.")
    # where the client is registered
    institution_id: int = fact(..., key="institution", label=t_("institution"), sheet="registered_at",
                               foreign_key="institution.id")
    external_ref: str | None = fact(None, label=t_("external ref"), option="--external-ref",
                                    metavar="REF", help="The case number in your own system.")
    # the facts the access criteria judge (rules.criteria.Facts)
    consent_on: date | None = fact(None, label=t_("consent on"), is_fact=True, option="--consent-on",
                                   help="Date the client consented to OPTIMA.")
    consent_withdrawn_on: date | None = fact(
        None, label=t_("consent withdrawn on"), is_fact=True, option="--consent-withdrawn-on",
        help="Date the client withdrew consent.")
    iv_rejected_on: date | None = fact(None, label=t_("iv rejected on"), is_fact=True,
                                       option="--iv-rejected-on", help="Date of the last IV rejection.")
    iv_procedure_open: bool = fact(
        False, label=t_("iv procedure open"), is_fact=True,
        option="--iv-procedure-open/--no-iv-procedure-open",
        help="An IV procedure, assessment or proceeding is open.")
    iv_measures_running: bool = fact(
        False, label=t_("iv measures running"), is_fact=True,
        option="--iv-measures-running/--no-iv-measures-running", help="IV measures are running.")
    # intact work capacity as the counsellor assessed it (rules.codes.WorkCapacity: yes or no;
    # None: not assessed), and the day (None: not known, as migration 0006 carried it over)
    work_capacity: str | None = fact(
        None, label=t_("work capacity"), is_fact=True, read="WorkCapacity",
        option="--work-capacity", metavar="yes|no|not-assessed",
        help="Intact work capacity as you assessed it: objectively and subjectively placeable, "
             "reliable and punctual (yes), not so (no), or not-assessed.")
    work_capacity_assessed_on: date | None = fact(
        None, label=t_("work capacity assessed on"), is_fact=True, option="--work-capacity-on",
        help="The day work capacity was assessed (default: today, with --work-capacity).")
    rav_registered_until: date | None = fact(
        None, label=t_("rav registered until"), is_fact=True, option="--rav-registered-until",
        help="Last day of the client's RAV registration (future if registered now).")
    health_suspected: bool = fact(
        False, label=t_("health suspected"), is_fact=True,
        option="--health-suspected/--no-health-suspected",
        help="An IV-relevant health damage is suspected.")
    anonymized_on: date | None = None  # personal data removed (retention)
    created_at: datetime
    updated_at: datetime
    # the name as clients are compared by (rules.identity.name_key), the same on every database;
    # None once anonymized. Last, as migration 0003 added it.
    name_key: str | None = None

    __table_args__ = (Index("ix_client_name_key_birth", "name_key", "birth_date"),)


class Referral(TableModel, table=True):
    """One OPTIMA case: a handover from a referrer to a receiver.

    Its fields with `fact(...)` are the case record (workflow.records.case_record), in the
    order of its JSON keys: a new one is one line here (at the end) plus its migration."""

    id: int | None = Field(default=None, primary_key=True)
    case_year: int
    case_seq: int
    case_id: str = fact(..., key="case", label=t_("case"), sheet=False, unique=True, index=True)  # OPT-2026-0001
    client_id: int = fact(..., key="client", label=t_("client"), sheet=False, foreign_key="client.id",
                          index=True)
    status: str = fact(..., label=t_("status"), sheet=False, changes=True, index=True)
    referrer_id: int = fact(..., key="referrer", label=t_("referrer"), required=True,
                            foreign_key="institution.id")
    receiver_id: int = fact(..., key="receiver", label=t_("receiver"), required=True,
                            foreign_key="institution.id")
    # (the topics: table referral_topic)
    months: int = fact(..., label=t_("months"), required=True, read="months", changes=True)
    goal: str | None = fact(None, label=t_("goal"), free_text=True)
    referred_on: date = fact(..., label=t_("referred on"), required=True, index=True)
    referring_counsellor: str | None = fact(None, label=t_("referring counsellor"))
    findings: str = Field(default="[]", sa_column=Column(PackedText, nullable=False))  # JSON, packed
    decided_on: date | None = fact(None, label=t_("decided on"), changes=True, index=True)
    receiving_counsellor: str | None = fact(None, label=t_("receiving counsellor"), changes=True)
    due_on: date | None = fact(None, label=t_("mandate ends"), sheet=False, changes=True, index=True)
    # the mandate end before an extension (for --as-of)
    first_due_on: date | None = fact(None, sheet=False, changes=True, in_record=False)
    extended_on: date | None = fact(None, label=t_("extended on"), changes=True)
    withdrawn_on: date | None = fact(None, label=t_("withdrawn on"), changes=True, index=True)
    closed_on: date | None = fact(None, label=t_("closed on"), changes=True, index=True)
    # rejection or withdrawal reason code (the import's `reason` is a rejection's)
    reason: str | None = fact(None, label=t_("reason"), read="RejectReason", changes=True)
    reason_note: str | None = fact(None, label=t_("reason note"), personal=True, changes=True)
    outcome: str | None = fact(None, label=t_("outcome"), read="Outcome", changes=True)
    cause: str | None = fact(None, label=t_("cause"), read="Cause", changes=True)
    employed: bool | None = fact(None, label=t_("employed"), changes=True)
    close_note: str | None = fact(None, label=t_("closing note"), personal=True, changes=True)
    # justification for deviating from a hard rule
    override: str | None = fact(None, label=t_("override"), personal=True)
    # the counsellor's answer at the referral (issue 16): can the problem plausibly be improved
    # within the mandate? None: not answered (the criterion workable-in-period warns). Migration 0007
    workable: bool | None = fact(
        None, label=t_("workable in the mandate"), option="--workable", metavar="yes|no",
        help="Can the problem plausibly be improved within the mandate (3 or 6 months)? "
             "Asked on a terminal; without an answer the referral warns.")
    created_at: datetime
    updated_at: datetime
    # the version of the steering group's settings its criteria were judged under (table
    # setting_change; 0: the defaults). Last, as migration 0008 added it.
    settings_version: int = fact(0, label=t_("settings version"), sheet=False)
    # the summary for the referrer at the closing (`close --handback`, issue 18): personal free
    # text; unread (in the referrer's inbox) until `handback_read_on`. Migration 0012
    handback: str | None = fact(None, label=t_("handback"), personal=True, changes=True, sheet=False)
    handback_read_on: date | None = fact(None, sheet=False, changes=True, in_record=False)

    __table_args__ = (UniqueConstraint("case_year", "case_seq"),
                      # the follow-ups due in a span of days: closed cases by closing day (0015)
                      Index("ix_referral_status_closed_on", "status", "closed_on"),
                      # `list` and `due` in deadline order: the open cases by the stored day their
                      # deadline counts from (rules/deadlines.py `deadline_rules`), per status (0017)
                      Index("ix_referral_status_due_on", "status", "due_on"),
                      Index("ix_referral_status_referred_on", "status", "referred_on"),
                      # whether any extension lies after a day (a clock that was ahead): then
                      # the stored mandate ends are not the day's (store/queries._stored_deadlines)
                      Index("ix_referral_extended_on", "extended_on"))


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


class Refusal(TableModel, table=True):
    """A `refer` that an access criterion refused (every hurdle counted, issue 16): the day, the
    referring and the receiving unit, and whether a justification would have lifted it; no person,
    no client. Its rules: table refusal_rule. Written in its own transaction at the refusal."""

    id: int | None = Field(default=None, primary_key=True)
    refused_on: date = Field(index=True)
    referrer_id: int = Field(foreign_key="institution.id")
    receiver_id: int = Field(foreign_key="institution.id")
    justifiable: bool = False


class RefusalRule(TableModel, table=True):
    __tablename__ = "refusal_rule"

    refusal_id: int = Field(foreign_key="refusal.id", primary_key=True)
    rule: str = Field(primary_key=True)


class SettingChange(TableModel, table=True):
    """A change of a setting of the steering group (rules/settings.py): its id is the version of
    the settings it makes; the settings in force are the defaults overlaid with the latest value
    of each key. Written with its audit event."""

    __tablename__ = "setting_change"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str
    key: str
    value: str


class Notice(TableModel, table=True):
    """What `optima notify` delivered (issue 18): one row per item of a digest and the address it
    went to, written once the message was handed to the mail server, so that nothing is sent twice
    and what was not delivered is sent by the next run. The item names case ids and dates only."""

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(index=True)  # the e-mail address
    item: str  # rules/notices.py Item.key, e.g. referral:OPT-2026-0001:IV
    sent_at: datetime

    __table_args__ = (UniqueConstraint("recipient", "item"),)


class JournalEntry(TableModel, table=True):
    """A dated entry of a case's journal (issue 18): a meeting, progress, a problem, written by
    the acting user while the case runs (rules/journal.py). Its text is personal (shown by `show`,
    which logs the read; in no export) and erased by `anonymize`. A wrong entry is struck, not
    removed: it keeps its text, and who struck it, when and why. Migration 0010."""

    __tablename__ = "journal_entry"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    number: int  # 1, 2, ... within its case: what `note --strike` names
    entry_on: date  # the day it tells of (--on)
    text: str | None = Field(default=None, sa_column=Column(Text))  # None once anonymized
    author: str  # the acting user who wrote it
    recorded_at: datetime
    struck_at: datetime | None = None
    struck_by: str | None = None
    struck_why: str | None = Field(default=None, sa_column=Column(Text))  # None once anonymized

    __table_args__ = (UniqueConstraint("referral_id", "number"),)


class JointStrategy(TableModel, table=True):
    """A joint strategy (gemeinsame Strategie, issue 18): two or three institutions work one
    client together, one of them in the lead, instead of handing the case management over
    (rules/joint.py). The other units: table joint_partner; its reviews: table joint_review."""

    __tablename__ = "joint_strategy"

    id: int | None = Field(default=None, primary_key=True)
    strategy_year: int
    strategy_seq: int
    strategy_id: str = Field(unique=True, index=True)  # GS-2026-0001
    client_id: int = Field(foreign_key="client.id", index=True)
    lead_id: int = Field(foreign_key="institution.id")
    goal: str | None = None  # None only once anonymized
    opened_on: date = Field(index=True)
    review_on: date  # the next review
    closed_on: date | None = Field(default=None, index=True)
    outcome: str | None = None
    cause: str | None = None
    close_note: str | None = None
    # the referral it started from (--from-case), withdrawn with reason joint-strategy
    from_referral_id: int | None = Field(default=None, foreign_key="referral.id")
    created_at: datetime
    updated_at: datetime

    __table_args__ = (UniqueConstraint("strategy_year", "strategy_seq"),)


class JointPartner(TableModel, table=True):
    """A unit that works a joint strategy beside its lead (one or two), in the order given."""

    __tablename__ = "joint_partner"

    joint_id: int = Field(foreign_key="joint_strategy.id", primary_key=True)
    institution_id: int = Field(foreign_key="institution.id", primary_key=True)
    position: int


class JointReview(TableModel, table=True):
    """A review of a joint strategy: the day, the next review day it set, and a note."""

    __tablename__ = "joint_review"

    id: int | None = Field(default=None, primary_key=True)
    joint_id: int = Field(foreign_key="joint_strategy.id", index=True)
    reviewed_on: date
    next_on: date
    note: str | None = None


class FollowUp(TableModel, table=True):
    """A follow-up recorded after a closing (issue 19, rules/followup.py): what became of the
    client `months` after it. A correction writes a new row and marks the one it replaces
    (`replaced_at`), so that `report --as-recorded` sees what was recorded then. The schedule
    itself is never stored: it follows from the closing and the settings of its day. Migration 0015"""

    __tablename__ = "follow_up"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id")
    closed_on: date  # the closing it follows up (one taken back or moved since: not counted)
    point: str  # first, second
    months: int  # after the closing, as scheduled
    due_on: date
    situation: str  # rules/codes.py Situation
    since: date | None = None  # employed: the day the work began
    contact_on: date  # the day the client was asked (or could not be reached)
    note: str | None = None  # personal free text: erased by anonymize
    entered_at: datetime = Field(index=True)
    replaced_at: datetime | None = None  # by a correction
    actor: str

    __table_args__ = (Index("ix_follow_up_referral_point", "referral_id", "point"),)


class Counsellor(TableModel, table=True):
    """A counsellor of a unit and the address `optima notify` mails them at (issue 18): the cases
    name counsellors (receiving, referring) by name; this says where those of a unit are reached.
    Migration 0013."""

    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(foreign_key="institution.id", index=True)
    name: str
    email: str

    __table_args__ = (UniqueConstraint("institution_id", "name"),)


class Forward(TableModel, table=True):
    """A forwarding of an undecided referral to another unit of the same kind (`optima forward`,
    issue 18): the case keeps its id, dates and history; the report counts the referrals
    forwarded in a period. No person: the note is kept in the audit event only."""

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    forwarded_on: date = Field(index=True)
    from_id: int = Field(foreign_key="institution.id")
    to_id: int = Field(foreign_key="institution.id")


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
    payload: str | None = Field(default=None, sa_column=Column(PackedText))  # JSON {before, after}, packed
    payload_erased: bool = False  # by anonymization; payload_hash still proves what it was
    payload_hash: str
    prev_hash: str
    hash: str


# the case record: the fields of a referral, its topics after the receiver, and the job-search
# suspension running on the day it is read (table suspension) at the end
CASE_FIELDS = fields_of(
    Referral,
    after={"receiver": (RecordField(key="topics", label=t_("topics"), sheet="topics", required=True,
                                    read="topics"),)},
    last=(RecordField(key="search_suspended_from", label=t_("job search suspended from")),
          RecordField(key="search_suspended_until", label=t_("job search suspended until"))))
# the client record
CLIENT_FIELDS = fields_of(Client)
# the keys of the two records, in order (the JSON contract, the CSV and workbook columns)
CASE_KEYS = keys(CASE_FIELDS)
CLIENT_KEYS = keys(CLIENT_FIELDS)


class Measure(TableModel, table=True):
    """A measure with financial consequences for a case (issue 19): its kind, its cost in Rappen
    (an integer, never a float), who pays (the referrer, unless said otherwise), the day it was
    requested and the day it was approved or declined (rules/measures.py). A wrong one is struck,
    not removed. `recorded_at` and `decided_at` say when it was entered (report --as-recorded).
    Migration 0014."""

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    number: int  # 1, 2, ... within its case: what `measure approve CASE N` names
    kind: str
    cost_rappen: int = Field(sa_type=BigInteger)  # up to 100 million francs: past PostgreSQL's INTEGER
    payer_id: int = Field(foreign_key="institution.id")
    requested_on: date = Field(index=True)
    approved_on: date | None = Field(default=None, index=True)
    declined_on: date | None = Field(default=None, index=True)
    decline_why: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))  # None once anonymized
    author: str
    recorded_at: datetime
    decided_at: datetime | None = None
    struck_at: datetime | None = None
    struck_by: str | None = None
    struck_why: str | None = Field(default=None, sa_column=Column(Text))

    __table_args__ = (UniqueConstraint("referral_id", "number"),)
