"""The per-command store: loads what one action needs with today's queries, writes its outcome and
records its audit events, inside the command's transaction (`Database.write`, which writes the head
of the audit trail when it commits)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from sqlmodel import Session, select

from optima_cli.records.models import (
    Client,
    Forward,
    Institution,
    JournalEntry,
    Referral,
    ReferralTopic,
    Suspension,
)
from optima_cli.rules.actions import (
    INSERT,
    PERSON_VALUES,
    UPDATE,
    ClientKey,
    Event,
    Outcome,
    Person,
)
from optima_cli.rules.codes import Kind
from optima_cli.rules.corrections import Recorded
from optima_cli.rules.identity import format_client_id
from optima_cli.rules.journal import Entry, Written
from optima_cli.rules.lifecycle import Case, SearchSuspension, Unit
from optima_cli.rules.records import CORRECTED_COLUMNS, STATE_COLUMNS, given_stored
from optima_cli.rules.settings import Settings
from optima_cli.store import audit, queries
from optima_cli.store import settings as stored_settings
from optima_cli.store.saving import referral_row, with_client_id


class SessionStore:
    """One command's loads and writes, in its session."""

    def __init__(self, session: Session, user: str, source: str, now: Callable[[], datetime]) -> None:
        self.session, self.user, self.source, self.now = session, user, source, now
        self._clients: dict[ClientKey, Client] = {}
        self._referrals: dict[str, tuple[Referral, list[Suspension]]] = {}
        self._unit_ids: dict[str, int] = {}
        self._topics: dict[str, tuple[str, ...]] = {}  # of the cases loaded, as stored
        self._settings: Settings | None = None
        self._journal: dict[str, dict[int, JournalEntry]] = {}  # of the cases whose journal was loaded

    # --- loading --------------------------------------------------------------------------------

    def unit(self, code: str) -> tuple[int, Unit] | None:
        found = queries.institution_by_code(self.session, code)
        if found is None:
            return None
        return self.institution_unit(found)

    def institution_unit(self, inst: Institution) -> tuple[int, Unit]:
        self._unit_ids[inst.code] = inst.id or 0
        return inst.id or 0, Unit(inst.code, Kind(inst.kind))

    def unit_of(self, person: Person) -> tuple[int, Unit]:
        """The unit where the client is registered."""
        inst = self.session.get(Institution, person.institution_id)
        assert inst is not None
        return self.institution_unit(inst)

    def person(self, client: Client) -> Person:
        """A stored client as the actions see them."""
        inst = self.session.get(Institution, client.institution_id)
        key = ClientKey(client.id, (0, client.id or 0))
        self._clients[key] = client
        return Person(key=key, institution=inst.code if inst else "",
                      **{name: getattr(client, name) for name in PERSON_VALUES})

    def case(self, referral: Referral) -> tuple[Case, Person]:
        """A stored referral as a case state, and its client."""
        session = self.session
        referrer = session.get(Institution, referral.referrer_id)
        receiver = session.get(Institution, referral.receiver_id)
        assert referrer is not None and receiver is not None
        rows = list(queries.suspensions_of(session, referral.id or 0))
        case = Case(
            case_id=referral.case_id, referrer=self.institution_unit(referrer)[1],
            receiver=self.institution_unit(receiver)[1],
            topics=self._stored_topics(referral), referred_on=referral.referred_on,
            goal=referral.goal, referring_counsellor=referral.referring_counsellor,
            override=referral.override,
            suspensions=tuple(SearchSuspension(s.start_on, s.until, s.ended_on, s.note) for s in rows),
            given=given_stored(referral), **{name: getattr(referral, name) for name in STATE_COLUMNS})
        self._referrals[case.case_id] = (referral, rows)
        client = session.get(Client, referral.client_id)
        assert client is not None
        return case, self.person(client)

    def history(self, case_id: str) -> tuple[Recorded, ...]:
        """The audit events of a loaded case, and its client's changes (a withdrawal for withdrawn
        consent changes the client just before the case), in the trail's order."""
        referral, _ = self._referrals[case_id]
        # the reads change nothing, and a case shown often has many: left out in SQL
        found = audit.events(self.session, client_id=referral.client_id,
                             leaving_out=audit.HISTORY_LEAVES_OUT)
        recorded = []
        for e in found:
            if e.referral_id != referral.id and not (e.referral_id is None
                                                     and e.action == "client-update"):
                continue
            payload = json.loads(e.payload) if e.payload else {}
            recorded.append(Recorded(e.action, e.on_date, payload.get("before"), payload.get("after")))
        return tuple(recorded)


    def journal(self, case_id: str) -> tuple[Entry, ...]:
        """The journal entries of a loaded case (issue 18), in their order."""
        referral, _ = self._referrals[case_id]
        rows = queries.journal_of(self.session, referral.id or 0)
        self._journal[case_id] = {row.number: row for row in rows}
        return tuple(Entry(row.number, row.entry_on, row.text, row.struck_at is not None)
                     for row in rows)

    def _stored_topics(self, referral: Referral) -> tuple[str, ...]:
        topics = tuple(queries.topics_of(self.session, referral.id or 0))
        self._topics[referral.case_id] = topics
        return topics

    def new_key(self) -> ClientKey:
        return ClientKey(None, (1, 0))

    def settings(self) -> Settings:
        """The steering group's settings in force, read once per command."""
        if self._settings is None:
            self._settings = stored_settings.current(self.session)
        return self._settings

    def duplicate_of(self, person: Person) -> Person | None:
        with self.session.no_autoflush:  # look before the unique index would refuse the change
            other = queries.duplicate_client(self.session, ahv=person.ahv, name_key=person.name_key or "",
                                             birth_date=person.birth_date,  # type: ignore[arg-type]
                                             exclude_id=person.id)
        return self.person(other) if other is not None else None

    def first_referral(self, person: Person) -> tuple[str, date] | None:
        with self.session.no_autoflush:
            return queries.first_referral_of(self.session, person.id or 0)

    def open_referral_to(self, person: Person, receiver_id: int,
                         other_than: str | None = None) -> str | None:
        return queries.open_referral_to(self.session, person.id or 0, receiver_id, other_than)

    def settings_of(self, version: int) -> Settings:
        """The settings a case was judged under (its version)."""
        return stored_settings.at_version(self.session, version)

    def next_case_seq(self, year: int) -> int:
        return queries.next_case_seq(self.session, year)

    # --- saving ---------------------------------------------------------------------------------

    def save(self, outcome: Outcome) -> None:
        session, now, person = self.session, self.now(), outcome.client
        if outcome.client_write == INSERT:
            client = Client(created_at=now, updated_at=now, **{
                name: value for name in PERSON_VALUES if (value := getattr(person, name)) is not None})
            session.add(client)
            session.flush()
            person.key.id = client.id
            self._clients[person.key] = client
        elif outcome.client_write is not None:
            client = self._clients[person.key]
            for name in PERSON_VALUES:
                if getattr(client, name) != getattr(person, name):
                    setattr(client, name, getattr(person, name))
            if outcome.client_write == UPDATE:
                client.updated_at = now
            session.add(client)
        referral = self._write_case(outcome, now) if outcome.case is not None else None
        for event in outcome.events:
            self._record(event, person, referral, now)

    def save_journal(self, case_id: str, client: Person, written: Written) -> JournalEntry:
        """A journal decision (rules/journal.py) of a loaded case: the entry inserted, or the
        stored one struck, by the acting user now; and its audit event."""
        referral, _ = self._referrals[case_id]
        now, entry = self.now(), written.entry
        if written.new:
            row = JournalEntry(referral_id=referral.id or 0, number=entry.number,
                               entry_on=entry.on, text=entry.text, author=self.user,
                               recorded_at=now)
        else:
            row = self._journal[case_id][entry.number]
            row.struck_at, row.struck_by, row.struck_why = now, self.user, written.why
        self.session.add(row)
        self._record(written.event, client, referral, now)
        return row

    def record_event(self, event: Event, person: Person, referral: Referral) -> None:
        """The audit event of a decision on a loaded case written elsewhere (measures, issue 19)."""
        self._record(event, person, referral, self.now())

    def _write_case(self, outcome: Outcome, now: datetime) -> Referral:
        case = outcome.case
        assert case is not None
        if outcome.case_seq is None:  # a stored case, changed
            referral, rows = self._referrals[case.case_id]
            if outcome.forward is not None:  # to another unit (issue 18): kept for the report
                self._write_forward(referral, outcome)
            for name in (*STATE_COLUMNS, *CORRECTED_COLUMNS):
                if getattr(referral, name) != getattr(case, name):
                    setattr(referral, name, getattr(case, name))
            if outcome.recorded_findings:  # judged again by a correction
                referral.findings = json.dumps(list(outcome.recorded_findings))
            self._write_topics(referral, case.topics)
            referral.updated_at = now
            self.session.add(referral)
            for i, s in enumerate(case.suspensions):
                if i < len(rows):  # in their order; an undone one removed from the middle shifts
                    row = rows[i]
                    row.start_on, row.until, row.ended_on, row.note = s.start_on, s.until, s.ended_on, s.note
                else:
                    row = Suspension(referral_id=referral.id or 0, start_on=s.start_on, until=s.until,
                                     ended_on=s.ended_on, note=s.note)
                self.session.add(row)
            for row in rows[len(case.suspensions):]:  # a suspension taken back (undo)
                self.session.delete(row)
            del rows[len(case.suspensions):]
            return referral
        referral = Referral(**referral_row(case, outcome.case_seq, outcome.recorded_findings,
                                           outcome.client.id, self._unit_ids, now))
        self.session.add(referral)
        self.session.flush()
        for topic in case.topics:
            self.session.add(ReferralTopic(referral_id=referral.id or 0, topic=topic))
        self._referrals[case.case_id] = (referral, [])
        self._topics[case.case_id] = case.topics
        return referral

    def _write_forward(self, referral: Referral, outcome: Outcome) -> None:
        """A forwarding: the case's new receiver, and the row the report counts."""
        forward = outcome.forward
        assert forward is not None
        from_id, to_id = self._unit_ids[forward.from_unit], self._unit_ids[forward.to_unit]
        # written first: on the server, the unit that forwards keeps seeing the case through it
        # (store/access.py), and the case with its new receiver must be one it sees
        self.session.add(Forward(referral_id=referral.id or 0, forwarded_on=forward.on,
                                 from_id=from_id, to_id=to_id))
        self.session.flush()
        referral.receiver_id = to_id

    def _write_topics(self, referral: Referral, topics: tuple[str, ...]) -> None:
        """The topics of a stored case, if a correction changed them."""
        if sorted(self._topics.get(referral.case_id, ())) == sorted(topics):
            return
        self._topics[referral.case_id] = topics
        for row in self.session.exec(select(ReferralTopic).where(
                ReferralTopic.referral_id == referral.id)):
            self.session.delete(row)
        self.session.flush()
        for topic in topics:
            self.session.add(ReferralTopic(referral_id=referral.id or 0, topic=topic))

    def _record(self, event: Event, person: Person, referral: Referral | None, now: datetime) -> None:
        on_case = event.entity == "referral" and referral is not None
        audit.record(self.session, actor=self.user, action=event.action, entity=event.entity,
                     entity_ref=referral.case_id if on_case else format_client_id(person.id or 0),  # type: ignore[union-attr]
                     client_id=person.id, referral_id=referral.id if on_case else None,  # type: ignore[union-attr]
                     on_date=event.on_date, before=event.before,
                     after=with_client_id(event.after, person.id), now=now, source=self.source,
                     why=event.why)
