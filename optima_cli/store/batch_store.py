"""The import's store: what a file's rows need, loaded in a few queries; the outcomes of the rows
held in memory and written in bulk (`flush`), one statement per table (`store.bulk`), the audit
events chained on in order (`store.audit.append`). It answers the same questions as the
per-command store (`session_store.py`) from what it holds, and decides nothing.

A row's outcomes are kept apart until the row is done (`end_row`): a refused row leaves nothing
of itself behind (`drop_row`). A case stored before the import is loaded when a row means it
(`stored_case`), and what a row corrected of it (`optima import --amend`) is written with the
rest, by the per-command store's writing of a changed case. Ids come from the database when
the rows are written; a message that must name a client not written yet has the pending
clients written first (`written_id`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from optima_cli.records.models import Client, Referral, ReferralTopic, Suspension
from optima_cli.rules import codes, text
from optima_cli.rules.actions import (
    INSERT,
    PERSON_VALUES,
    UPDATE,
    ClientKey,
    Event,
    Outcome,
    Person,
)
from optima_cli.rules.identity import format_client_id
from optima_cli.rules.lifecycle import Case, Unit
from optima_cli.rules.records import CORRECTED_COLUMNS, STATE_COLUMNS
from optima_cli.rules.settings import Settings
from optima_cli.store import audit, bulk, queries
from optima_cli.store import settings as stored_settings
from optima_cli.store.saving import referral_row, with_client_id
from optima_cli.store.session_store import SessionStore


@dataclass(frozen=True, slots=True)
class Known:
    """A referral of a client, as far as later rows need it (already there, open referrals)."""

    receiver_id: int
    referred_on: date
    case_id: str
    status: str
    referral_id: int = 0
    values: tuple[Any, ...] = ()  # of a case stored before the import: _VALUES, as stored


# what a case stored before the import holds beyond Known, loaded with it: a row for it is
# compared with these (a full case, with its suspensions, is loaded only for a row that differs)
_VALUES = ("referrer_id", *(c for c in (*STATE_COLUMNS, *CORRECTED_COLUMNS)
                            if c not in ("status", "referred_on")))


@dataclass(slots=True)
class _NewCase:
    client: ClientKey
    case: Case  # the latest state
    seq: int
    findings: tuple[dict[str, str], ...]
    created_at: datetime
    updated_at: datetime
    id: int | None = None


@dataclass(slots=True)
class _Event:
    event: Event
    client: ClientKey
    case: _NewCase | None
    at: datetime


class BatchStore:
    """The clients and referrals an import has met, and what its rows made since the last time
    it was written."""

    def __init__(self, session: Session, user: str, source: str, now: Callable[[], datetime], *,
                 external_refs: Sequence[str], ahvs: Sequence[str],
                 people: Sequence[tuple[str, date]]) -> None:
        self.session, self.user, self.source, self.now = session, user, source, now
        institutions = queries.institutions(session)
        self.units = {inst.code.upper(): (inst.id or 0, Unit(inst.code, codes.Kind(inst.kind)))
                      for inst in institutions}
        self.unit_ids = {inst.code: inst.id or 0 for inst in institutions}
        self.unit_codes: dict[str, tuple[int, Unit] | None] = {}  # as the rows give them
        self.codes = queries.institution_codes(session)
        self.seqs = bulk.highest_case_seqs(session)
        self._settings = stored_settings.current(session)  # once for the whole import
        self.clients: dict[ClientKey, Person] = {}
        self.stamps: dict[ClientKey, tuple[datetime, datetime]] = {}  # created_at, updated_at
        self.by_ref: dict[str, list[ClientKey]] = {}
        self.by_ahv: dict[str, ClientKey] = {}
        self.by_person: dict[tuple[str | None, date | None], list[ClientKey]] = {}
        self.known: dict[ClientKey, list[Known]] = {}
        self.registered = 0
        # the row being applied; then what the rows made, to be written
        self.row: list[tuple[Outcome, datetime]] = []
        self.new_clients: list[ClientKey] = []
        self.changed_clients: dict[ClientKey, None] = {}
        self.cases: dict[str, _NewCase] = {}
        self.events: list[_Event] = []
        # cases stored before the import: loaded when a row means one, and those a row corrected
        self.stored = SessionStore(session, user, source, now)
        self.loaded: dict[str, tuple[Case, Settings, int]] = {}  # the case, its settings, its id
        self.corrected: dict[str, _NewCase] = {}
        self.made: set[str] = set()  # the cases this import made
        codes_by_id = {inst.id: inst.code for inst in institutions}
        stored: dict[int, ClientKey] = {}
        for row in bulk.clients_matching(session, external_refs, ahvs, people):
            key = stored[row["id"]] = ClientKey(row["id"], (0, row["id"]))
            self.stamps[key] = (row["created_at"], row["updated_at"])
            self._index(Person(key=key, institution=codes_by_id.get(row["institution_id"], ""),
                               **{name: row[name] for name in PERSON_VALUES}), None)
        referrals = bulk.referrals_of(session, sorted(stored), _VALUES)
        self.topics = bulk.topics_of(session, [row["id"] for row in referrals])
        self.units_by_id = dict(self.units.values())
        for row in referrals:
            self.known.setdefault(stored[row["client_id"]], []).append(Known(
                row["receiver_id"], row["referred_on"], row["case_id"], row["status"], row["id"],
                tuple(row[name] for name in _VALUES)))

    # --- what the decisions and the rows ask ----------------------------------------------------

    def unit(self, code: str) -> tuple[int, Unit] | None:
        found = self.unit_codes.get(code)
        if found is None:
            found = self.unit_codes[code] = self.units.get(text.unit_code(code))
        return found

    def new_key(self) -> ClientKey:
        self.registered += 1
        return ClientKey(None, (1, self.registered))

    def first(self, keys: Iterable[ClientKey]) -> Person | None:
        """Of several clients, the one registered first."""
        chosen = min(keys, key=lambda k: k.order, default=None)
        return self.clients[chosen] if chosen is not None else None

    def by_external_ref(self, ref: str) -> Person | None:
        return self.first(self.by_ref.get(ref, ()))

    def by_ahv_number(self, ahv: str) -> Person | None:
        key = self.by_ahv.get(ahv)
        return self.clients[key] if key is not None else None

    def by_name(self, key: str, birth_date: date) -> Person | None:
        return self.first(self.by_person.get((key, birth_date), ()))

    def duplicate_of(self, person: Person) -> Person | None:
        others = [k for k in self.by_person.get((person.name_key, person.birth_date), ())
                  if k is not person.key]
        if person.ahv and person.ahv in self.by_ahv and self.by_ahv[person.ahv] is not person.key:
            others.append(self.by_ahv[person.ahv])
        other = self.first(others)
        if other is not None:
            self.written_id(other)  # the refusal names it
        return other

    def open_referral_to(self, person: Person, receiver_id: int,
                         other_than: str | None = None) -> str | None:
        for known in self.known.get(person.key, ()):
            if (known.receiver_id == receiver_id and known.status in codes.OPEN_STATUSES
                    and known.case_id != other_than):
                return known.case_id
        return None

    def known_case(self, person: Person, case_id: str) -> Case | None:
        """A case of the client stored before the import, as loaded with the import (without
        its suspensions) or as an earlier row corrected it; None for a case this import made."""
        if case_id in self.made:
            return None
        if case_id in self.loaded:
            return self.loaded[case_id][0]
        known = next(k for k in self.known.get(person.key, ()) if k.case_id == case_id)
        values = dict(zip(_VALUES, known.values, strict=True))
        return Case(case_id=case_id, referrer=self.units_by_id[values.pop("referrer_id")],
                    receiver=self.units_by_id[known.receiver_id], referred_on=known.referred_on,
                    status=known.status, topics=self.topics.get(known.referral_id, ()), **values)

    def followed_up(self, case_id: str) -> bool:
        """Whether follow-ups are recorded after the stored case's closing (issue 19)."""
        from optima_cli.store import followup

        referral = queries.referral_by_case(self.session, case_id)
        return referral is not None and bool(followup.current(self.session, referral.id or 0))

    def stored_case(self, case_id: str) -> tuple[Case, Settings] | None:
        """A case stored before the import, as it is now (with what earlier rows corrected), and
        the settings it was judged under; None for a case this import made."""
        if case_id in self.made:
            return None
        if case_id not in self.loaded:
            referral = queries.referral_by_case(self.session, case_id)
            assert referral is not None  # known to be stored
            case, _ = self.stored.case(referral)
            self.loaded[case_id] = (case, self.stored.settings_of(referral.settings_version),
                                    referral.id or 0)
        case, settings, _ = self.loaded[case_id]
        return case, settings

    def referral_on(self, person: Person, receiver_id: int | None, day: date) -> str | None:
        """The case id of this client's referral to this receiver on that day, if there is one."""
        for known in self.known.get(person.key, ()):
            if known.receiver_id == receiver_id and known.referred_on == day:
                return known.case_id
        return None

    def next_case_seq(self, year: int) -> int:
        return self.seqs.get(year, 0) + 1

    def settings(self) -> Settings:
        """The steering group's settings in force, read when the import began."""
        return self._settings

    def written_id(self, person: Person) -> int:
        """The client's id, writing the clients registered so far if it has none yet (inside the
        import's transaction, which a dry run or a bad row rolls back)."""
        if person.key.id is None:
            self._write_new_clients()
        assert person.key.id is not None
        return person.key.id

    # --- a row's outcomes -------------------------------------------------------------------------

    def save(self, outcome: Outcome) -> None:
        self.row.append((outcome, self.now()))

    def drop_row(self) -> None:
        self.row = []

    def end_row(self) -> None:
        """Keep what the row made, to be written."""
        made = None
        for outcome, now in self.row:
            person, key = outcome.client, outcome.client.key
            if outcome.client_write is not None:
                old = self.clients.get(key)
                self._index(person, old)
                if outcome.client_write == INSERT:
                    self.new_clients.append(key)
                    self.stamps[key] = (now, now)
                else:
                    if outcome.client_write == UPDATE:
                        self.stamps[key] = (self.stamps[key][0], now)
                    if key.id is not None:  # else written with its latest values
                        self.changed_clients[key] = None
            new = None
            if outcome.case is not None:
                case = outcome.case
                if outcome.case_seq is not None:
                    new = made = self.cases[case.case_id] = _NewCase(
                        key, case, outcome.case_seq, outcome.recorded_findings, now, now)
                    self.seqs[case.referred_on.year] = outcome.case_seq
                elif case.case_id in self.loaded:  # a stored case, corrected
                    new = self._corrected(key, case, outcome.recorded_findings, now)
                else:
                    new = self.cases[case.case_id]
                    new.case, new.updated_at = case, now
            self.events += [_Event(event, key, new if event.entity == "referral" else None, now)
                            for event in outcome.events]
        if made is not None:
            case = made.case
            self.made.add(case.case_id)
            self.known.setdefault(made.client, []).append(Known(
                self.unit_ids[case.receiver.code], case.referred_on, case.case_id, case.status))
        self.row = []

    def _corrected(self, key: ClientKey, case: Case, findings: tuple[dict[str, str], ...],
                   now: datetime) -> _NewCase:
        _, settings, referral_id = self.loaded[case.case_id]
        self.loaded[case.case_id] = (case, settings, referral_id)
        new = self.corrected.get(case.case_id)
        if new is None:
            new = self.corrected[case.case_id] = _NewCase(key, case, 0, findings, now, now, referral_id)
        new.case, new.updated_at, new.findings = case, now, findings or new.findings
        return new

    def _index(self, person: Person, old: Person | None) -> None:
        key = person.key
        self.clients[key] = person
        if person.external_ref and (old is None or old.external_ref != person.external_ref):
            self.by_ref.setdefault(person.external_ref, []).append(key)
        if person.ahv and (old is None or old.ahv != person.ahv):
            self.by_ahv[person.ahv] = key
        if old is None:
            self.by_person.setdefault((person.name_key, person.birth_date), []).append(key)

    # --- writing --------------------------------------------------------------------------------

    def flush(self, write: bool) -> None:
        """Write what the rows made since the last flush, one statement per table, the audit
        events chained in order; or, when nothing is to be written, let it go (the clients
        registered stay pending: a message may still have to name one)."""
        if write:
            self._write()
        self.changed_clients, self.cases, self.corrected, self.events = {}, {}, {}, []

    def _client_columns(self, key: ClientKey) -> dict[str, Any]:
        person = self.clients[key]
        created_at, updated_at = self.stamps[key]
        return {**{name: getattr(person, name) for name in PERSON_VALUES},
                "created_at": created_at, "updated_at": updated_at}

    def _write_new_clients(self) -> None:
        # new clients differ in name key or birth date: the rows matched on them otherwise
        new, self.new_clients = self.new_clients, []
        ids = bulk.insert_returning_ids(self.session, Client, [self._client_columns(key) for key in new],
                                        key=("name_key", "birth_date"))
        for key in new:
            person = self.clients[key]
            key.id = ids[person.name_key, person.birth_date]

    def _write(self) -> None:
        session = self.session
        self._write_new_clients()
        bulk.update_rows(session, Client, [{"id": key.id, **self._client_columns(key)}
                                           for key in self.changed_clients])
        cases = list(self.cases.values())
        rows = []
        for new in cases:
            row = referral_row(new.case, new.seq, new.findings, new.client.id, self.unit_ids,
                               new.created_at)
            row["updated_at"] = new.updated_at
            rows.append(row)
        ids = bulk.insert_returning_ids(session, Referral, rows, key=("case_id",))
        for new in cases:
            new.id = ids[new.case.case_id,]
        bulk.insert_rows(session, ReferralTopic, [
            {"referral_id": new.id, "topic": topic} for new in cases for topic in new.case.topics])
        bulk.insert_rows(session, Suspension, [
            {"referral_id": new.id, "start_on": s.start_on, "until": s.until,
             "ended_on": s.ended_on, "note": s.note}
            for new in cases for s in new.case.suspensions])
        for new in self.corrected.values():  # as a command writes a stored case it changed
            self.stored.save(Outcome(client=self.clients[new.client], case=new.case,
                                     recorded_findings=new.findings))
        audit.append(session, self._event_rows())

    def _event_rows(self) -> Iterator[dict[str, Any]]:
        for e in self.events:
            client_id, event = e.client.id, e.event
            yield {"at": e.at, "actor": self.user, "action": event.action, "entity": event.entity,
                   "entity_ref": e.case.case.case_id if e.case else format_client_id(client_id or 0),
                   "client_id": client_id, "referral_id": e.case.id if e.case else None,
                   "on_date": event.on_date, "source": self.source, "before": event.before,
                   "after": with_client_id(event.after, client_id), "why": event.why}
