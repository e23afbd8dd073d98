"""An import's rows applied in memory, with the rules of the commands, and written in bulk.

`ImportState` loads what the file's rows need in a few queries (the clients they name, those
clients' referrals, the units, the case numbers given so far) and applies one row at a time as the
commands would run it: register or match the client (`rules.clients`), refer (the access criteria),
then the steps of its history (the actions of `rules.lifecycle`), recording the audit event of
each step. A refused row raises `RowFailed` and leaves nothing of itself behind. `flush` writes
what the rows made since the last flush: one statement per table (`store.bulk`), the audit events
chained on in order (`store.audit.append`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from optima_cli.errors import OptimaError, ReferralBlocked
from optima_cli.language import t
from optima_cli.rules import clients as client_rules
from optima_cli.rules import codes, lifecycle, text
from optima_cli.rules.identity import format_case_id, format_client_id, name_key
from optima_cli.rules.lifecycle import Action, Case, Unit
from optima_cli.store import audit, bulk, queries
from optima_cli.store.models import Client, Referral, ReferralTopic, Suspension
from optima_cli.workflow.cases import STATE_COLUMNS, unit
from optima_cli.workflow.clients import facts_of
from optima_cli.workflow.context import Context
from optima_cli.importing.columns import CLIENT_FIELDS, COLUMNS
from optima_cli.workflow.lookup import unknown_institution
from optima_cli.workflow.records import CLIENT_FACTS, case_changes, case_snapshot, client_record


class RowFailed(Exception):
    """A row the rules refuse: the column at fault and the message of the refusal."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _row_failed(exc: OptimaError, column: str) -> RowFailed:
    """A refusal of the rules as a row's: at the column of the value at fault, else at `column`,
    and said with that column (the rules name a value by its key, or by the command's option)."""
    at = exc.field if exc.field in COLUMNS else column
    return RowFailed(at, exc.naming(at))


def _failing(column: str, action: Callable[..., Any], *args: Any) -> Any:
    """Run a step of a row; a refusal names the column at fault, or `column`."""
    try:
        return action(*args)
    except OptimaError as exc:
        raise _row_failed(exc, column) from None


# the column to blame when a never-rule refuses a referral
RULE_COLUMNS = {"consent": "consent_on", "other-kind": "receiver", "no-open-referral": "receiver"}
OPEN = (codes.Status.REFERRED.value, codes.Status.ACCEPTED.value)


# --- the state held in memory ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Applied:
    """What a row did: registered its client (or matched one), and made its case (or found it)."""

    created: bool
    case: str
    already_there: bool


@dataclass(eq=False, slots=True)
class _Key:
    """The database id of a client or case: known for stored ones, given to new ones when they are
    written. `shown` is the id that messages name (for a new client, the one it will get where ids
    are handed out in order, as SQLite does)."""

    id: int | None = None
    shown: int = 0


# the columns of a client row that the import writes, and those that can change for a stored client
CHANGING_COLUMNS = ("updated_at", "ahv", "municipality", "counsellor", "external_ref", *CLIENT_FACTS)
CLIENT_COLUMNS = ("name", "name_key", "birth_date", "institution_id", "created_at", *CHANGING_COLUMNS)
# a new client's columns before the values given
BLANK_CLIENT = {name: Client.model_fields[name].default for name in CHANGING_COLUMNS[1:]}


_AT = {name: i for i, name in enumerate(CLIENT_COLUMNS)}


class _Client:
    """A client as the rows see it: the columns of its row (in the order of CLIENT_COLUMNS), read
    as attributes as the client record and the access criteria read a Client; never changed in
    place. Every client an import meets stays in memory until it ends, so it is kept small."""

    __slots__ = ("key", "institution", "values")

    def __init__(self, key: _Key, institution: str, values: tuple[Any, ...]) -> None:
        self.key = key
        self.institution = institution  # the code of the unit where the client is registered
        self.values = values

    @classmethod
    def of(cls, key: _Key, institution: str, columns: Mapping[str, Any]) -> _Client:
        return cls(key, institution, tuple(columns[name] for name in CLIENT_COLUMNS))

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[_AT[name]]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def id(self) -> int | None:
        return self.key.id

    @property
    def columns(self) -> dict[str, Any]:
        return dict(zip(CLIENT_COLUMNS, self.values))

    def changed(self, **columns: Any) -> _Client:
        values = list(self.values)
        for name, value in columns.items():
            values[_AT[name]] = value
        return _Client(self.key, self.institution, tuple(values))


@dataclass(slots=True)
class _NewCase:
    key: _Key
    client: _Key
    referrer_id: int
    receiver_id: int
    seq: int
    findings: list[dict[str, str]]  # as the referral row and the audit event keep them
    case: Case
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class _Known:
    """A referral of a client, as far as later rows need it (idempotence, open referrals)."""

    receiver_id: int
    referred_on: date
    case_id: str
    status: str


@dataclass(slots=True)
class _Event:
    """An audit event to write; `after` may be built only then, once the ids are known."""

    at: datetime
    action: str
    entity: str
    client: _Key
    case: _NewCase | None
    on_date: date | None
    before: dict[str, Any] | None
    after: dict[str, Any] | Callable[[], dict[str, Any]] | None


class ImportState:
    """The clients and referrals an import has met, and what its rows made since the last time it
    was written (`flush`)."""

    def __init__(self, session: Session, ctx: Context, source: str, rows: list[dict[str, Any]]) -> None:
        self.today, self.now, self.user, self.source = ctx.today, ctx.now, ctx.user, source
        institutions = queries.institutions(session)
        self.units = {inst.code.upper(): (inst.id or 0, unit(inst)) for inst in institutions}
        codes_by_id = {inst.id: inst.code for inst in institutions}
        self.codes = queries.institution_codes(session)
        self.seqs = bulk.highest_case_seqs(session)
        self.highest_client_id = bulk.highest_client_id(session)
        self.clients: dict[_Key, _Client] = {}
        self.by_ref: dict[str, list[_Key]] = {}
        self.by_ahv: dict[str, _Key] = {}
        self.by_person: dict[tuple[str, date], list[_Key]] = {}
        self.known: dict[_Key, list[_Known]] = {}
        self.created = 0  # clients registered so far
        # to be written: new clients; clients written before whose values changed; new cases; events
        self.new_clients: list[_Key] = []
        self.changed_clients: dict[_Key, None] = {}
        self.cases: list[_NewCase] = []
        self.events: list[_Event] = []
        found = bulk.clients_matching(
            session, sorted({v["external_ref"] for v in rows if v["external_ref"]}),
            sorted({v["ahv"] for v in rows if v["ahv"]}),
            sorted({(name_key(v["name"]), v["birth_date"]) for v in rows}))
        stored: dict[int, _Key] = {}
        for row in found:
            key = stored[row["id"]] = _Key(row["id"], row["id"])
            self._index(_Client.of(key, codes_by_id.get(row["institution_id"], ""), row), None)
        for row in bulk.referrals_of(session, sorted(stored)):
            self.known.setdefault(stored[row["client_id"]], []).append(_Known(
                row["receiver_id"], row["referred_on"], row["case_id"], row["status"]))

    # --- clients --------------------------------------------------------------------------------

    def _index(self, client: _Client, old: _Client | None) -> None:
        key = client.key
        self.clients[key] = client
        if client.external_ref and (old is None or old.external_ref != client.external_ref):
            self.by_ref.setdefault(client.external_ref, []).append(key)
        if client.ahv and (old is None or old.ahv != client.ahv):
            self.by_ahv[client.ahv] = key
        if old is None:
            self.by_person.setdefault((client.name_key, client.birth_date), []).append(key)

    def _first(self, keys: Iterable[_Key]) -> _Client | None:
        """Of several candidates, the client with the lowest id, as a query would give."""
        chosen = min(keys, key=lambda k: k.shown, default=None)
        return self.clients[chosen] if chosen is not None else None

    def _match(self, v: dict[str, Any]) -> _Client | None:
        """The client a row means: by external reference, then AHV number, then name and birth
        date; of several, the one registered first."""
        if v["external_ref"] and v["external_ref"] in self.by_ref:
            return self._first(self.by_ref[v["external_ref"]])
        if v["ahv"] and v["ahv"] in self.by_ahv:
            return self.clients[self.by_ahv[v["ahv"]]]
        return self._first(self.by_person.get((name_key(v["name"]), v["birth_date"]), ()))

    def _refuse_duplicate(self, client: _Client) -> None:
        """Another client with the same AHV number, or the same name and birth date, is refused
        (queries.duplicate_client, on the clients held here)."""
        others = [k for k in self.by_person.get((client.name_key, client.birth_date), ())
                  if k is not client.key]
        if client.ahv and client.ahv in self.by_ahv and self.by_ahv[client.ahv] is not client.key:
            others.append(self.by_ahv[client.ahv])
        other = self._first(others)
        if other is not None:
            raise client_rules.duplicate(other.key.shown, bool(client.ahv and other.ahv == client.ahv))

    def _register(self, v: dict[str, Any], events: list[_Event]) -> _Client:
        """clients.register, in memory."""
        values = client_rules.clean({"institution": v["registered_at"] or v["referrer"],
                                     **{k: v[k] for k in CLIENT_FIELDS if v[k] is not None}},
                                    self.today)
        client_rules.require(values)
        institution_id, registered_at = self._unit(values.pop("institution"))
        now = self.now()
        key = _Key(shown=self.highest_client_id + self.created + 1)
        client = _Client.of(key, registered_at.code, {
            **BLANK_CLIENT, "institution_id": institution_id, "created_at": now, "updated_at": now,
            **{k: value for k, value in values.items() if value is not None}})
        client_rules.check_consent(client.consent_on, client.birth_date)
        self._refuse_duplicate(client)
        events.append(_Event(now, "register", "client", key, None, None, None,
                             lambda: client_record(client, client.institution)))
        return client

    def _update(self, client: _Client, values: dict[str, Any], events: list[_Event]) -> _Client:
        """clients.update, in memory."""
        values = client_rules.clean(values, self.today)
        changed = client.changed(**values)
        client_rules.check_consent(changed.consent_on, changed.birth_date)
        self._refuse_duplicate(changed)
        now = self.now()
        changed = changed.changed(updated_at=now)
        before, after = audit.diff(client_record(client, client.institution),
                                   client_record(changed, changed.institution))
        if before or after:
            events.append(_Event(now, "client-update", "client", client.key, None, None, before, after))
        return changed

    def _client(self, v: dict[str, Any], events: list[_Event]) -> tuple[_Client, bool]:
        """The row's client, matched (and given the facts it lacked) or registered; and whether
        it is new."""
        match = self._match(v)
        if match is None:
            return _failing("name", self._register, v, events), True
        if match.birth_date != v["birth_date"]:
            by = "external_ref" if v["external_ref"] and match.external_ref == v["external_ref"] else "ahv"
            raise RowFailed(by, t("{column} {value} belongs to {client}, born {born}, but this row "
                                  "says born {birth_date}", column=by, value=v[by],
                                  client=format_client_id(match.key.shown), born=match.birth_date,
                                  birth_date=v["birth_date"]))
        self._refuse_other_numbers(match, v)
        missing = {k: v[k] for k in CLIENT_FIELDS if v[k] is not None and getattr(match, k) is None}
        return (_failing("name", self._update, match, missing, events) if missing else match), False

    @staticmethod
    def _refuse_other_numbers(match: _Client, v: dict[str, Any]) -> None:
        """A row that means a client but gives another AHV number, or (matched by name and birth
        date) another external reference, is refused: two numbers cannot both be the person's,
        and merging would drop one."""
        by_ahv = bool(v["ahv"]) and match.ahv == v["ahv"]
        for column in ("ahv", "external_ref"):
            theirs = getattr(match, column)
            if column == "external_ref" and by_ahv:
                continue  # the AHV number says who it is; another unit's reference may differ
            if v[column] and theirs and theirs != v[column]:
                raise RowFailed(column, t(
                    "this row means {client} but gives {column} {value}, while {client} has "
                    "{theirs}; correct the row, or the client with `optima client update`",
                    client=format_client_id(match.key.shown), column=column, value=v[column],
                    theirs=theirs))

    # --- referrals ------------------------------------------------------------------------------

    def _unit(self, code: str) -> tuple[int, Unit]:
        found = self.units.get(text.unit_code(code))
        if found is None:
            raise unknown_institution(code, self.codes)
        return found

    def _referral_on(self, client: _Client, receiver: str, day: date) -> str | None:
        """The case id of this client's referral to this receiver on that day, if there is one."""
        found = self.units.get(receiver.strip().upper())
        for known in self.known.get(client.key, ()):
            if found and known.receiver_id == found[0] and known.referred_on == day:
                return known.case_id
        return None

    def _open_case(self, client: _Client, receiver_id: int) -> str | None:
        for known in self.known.get(client.key, ()):
            if known.receiver_id == receiver_id and known.status in OPEN:
                return known.case_id
        return None

    def _refer(self, client: _Client, v: dict[str, Any], events: list[_Event]) -> _NewCase:
        """cases.refer, in memory."""
        day = v["referred_on"]
        checked = _failing("referred_on", lifecycle.check_referral, v["months"], v["topics"],
                           v["override"], day, self.today)
        receiver_id, receiver = _failing("receiver", self._unit, v["receiver"])
        referrer_id, referrer = _failing("referrer", self._unit, v["referrer"])
        seq = self.seqs.get(day.year, 0) + 1
        try:
            case, findings = lifecycle.refer(
                case_id=format_case_id(day.year, seq), referrer=referrer, receiver=receiver,
                facts=facts_of(client), birth_date=client.birth_date,  # type: ignore[arg-type]
                open_case=self._open_case(client, receiver_id), topics=v["topics"],
                months=checked.months, day=day, goal=v["goal"],
                counsellor=v["referring_counsellor"], client_counsellor=client.counsellor,
                override=checked.override)
        except ReferralBlocked as exc:
            column = "override" if exc.justifiable else RULE_COLUMNS.get(exc.rules[0], "receiver")
            raise RowFailed(column, exc.message) from None
        except OptimaError as exc:
            raise _row_failed(exc, "referred_on") from None
        now = self.now()
        found = [f.as_dict() for f in findings]
        new = _NewCase(_Key(), client.key, referrer_id, receiver_id, seq, found, case, now, now)
        today = self.today
        events.append(_Event(now, "refer", "referral", client.key, new, day, None, lambda: {
            **case_snapshot(case, client.key.id or 0, today), "findings": found}))
        return new

    def _steps(self, v: dict[str, Any]) -> list[tuple[date, str, Action, Callable[[Case], Case]]]:
        """The steps after the referral as the commands would run them: the decision first, the
        ending last, extension and suspension in between in the order of their dates."""
        today, decision, middle, ending = self.today, 0, 1, 2
        steps: list[tuple[int, date, str, Action, Callable[[Case], Case]]] = []
        if v["decision"] == "accepted":
            steps.append((decision, v["decided_on"], "decided_on", Action.ACCEPT, lambda c: lifecycle.accept(
                c, v["decided_on"], today, v["receiving_counsellor"])))
        elif v["decision"] == "rejected":
            steps.append((decision, v["decided_on"], "decided_on", Action.REJECT, lambda c: lifecycle.reject(
                c, v["decided_on"], today, v["reason"], v["reason_note"])))
        if v["extended_on"]:
            steps.append((middle, v["extended_on"], "extended_on", Action.EXTEND,
                          lambda c: lifecycle.extend(c, v["extended_on"], today)))
        if v["suspended_from"]:
            steps.append((middle, v["suspended_from"], "suspended_from", Action.SUSPEND_SEARCH,
                          lambda c: lifecycle.suspend_search(c, v["suspended_from"], today,
                                                             v["suspended_until"])))
        if v["search_resumed_on"]:
            steps.append((middle, v["search_resumed_on"], "search_resumed_on", Action.RESUME_SEARCH,
                          lambda c: lifecycle.resume_search(c, v["search_resumed_on"], today)))
        if v["withdrawn_on"]:
            steps.append((ending, v["withdrawn_on"], "withdrawn_on", Action.WITHDRAW, lambda c: lifecycle.withdraw(
                c, v["withdrawn_on"], today, v["withdraw_reason"], v["withdraw_note"])))
        if v["closed_on"]:
            steps.append((ending, v["closed_on"], "closed_on", Action.CLOSE, lambda c: lifecycle.close(
                c, v["closed_on"], today, v["outcome"], v["cause"], v["employed"], v["close_note"])))
        return [step[1:] for step in sorted(steps, key=lambda s: (s[0], s[1]))]

    def _history(self, new: _NewCase, client: _Client, v: dict[str, Any],
                 events: list[_Event]) -> _Client:
        """The row's steps applied to its new case (the commands' _change, in memory); returns
        the client, whose consent a withdrawal may have ended."""
        for day, column, action, apply in self._steps(v):
            after = _failing(column, apply, new.case)
            if action == Action.WITHDRAW:
                withdrawn = lifecycle.consent_withdrawal(v["withdraw_reason"],
                                                         client.consent_withdrawn_on, day)
                if withdrawn is not None:
                    events.append(_Event(self.now(), "client-update", "client", client.key, None, day,
                                         {"consent_withdrawn_on": client.consent_withdrawn_on},
                                         {"consent_withdrawn_on": withdrawn}))
                    client = client.changed(consent_withdrawn_on=withdrawn)
            now = self.now()
            changed_before, changed_after = case_changes(new.case, after)
            events.append(_Event(now, action.value, "referral", client.key, new, day,
                                 changed_before, changed_after))
            new.case, new.updated_at = after, now
        return client

    # --- rows -----------------------------------------------------------------------------------

    def apply(self, v: dict[str, Any]) -> Applied:
        """One row, as the commands would run it; a bad row raises RowFailed and leaves the state
        as it was (nothing of the row is kept until its end)."""
        events: list[_Event] = []
        for column in ("registered_at", "referrer", "receiver"):  # known, even for a row already there
            if v[column]:
                _failing(column, self._unit, v[column])
        client, created = self._client(v, events)
        existing = self._referral_on(client, v["receiver"], v["referred_on"])
        new = None
        if existing is None:
            new = self._refer(client, v, events)
            client = self._history(new, client, v, events)
        old = self.clients.get(client.key)
        self._index(client, old)
        if created:
            self.new_clients.append(client.key)
            self.created += 1
        elif client is not old and client.key.id is not None:  # else written with its latest values
            self.changed_clients[client.key] = None
        self.events += events
        if new is None:
            assert existing is not None
            return Applied(created, existing, already_there=True)
        self.seqs[new.case.referred_on.year] = new.seq
        self.cases.append(new)
        self.known.setdefault(client.key, []).append(_Known(
            new.receiver_id, new.case.referred_on, new.case.case_id, new.case.status))
        return Applied(created, new.case.case_id, already_there=False)

    # --- writing --------------------------------------------------------------------------------

    def flush(self, session: Session, write: bool) -> None:
        """Write what the rows made since the last flush, one statement per table, the audit events
        chained in order; or, when nothing is to be written, let it go."""
        if write:
            self._write(session)
        self.new_clients, self.changed_clients, self.cases, self.events = [], {}, [], []

    def _write(self, session: Session) -> None:
        # new clients differ in name key or birth date: the rows matched on them otherwise
        ids = bulk.insert_returning_ids(session, Client, [
            self.clients[key].columns for key in self.new_clients], key=("name_key", "birth_date"))
        for key in self.new_clients:
            key.id = ids[self.clients[key].name_key, self.clients[key].birth_date]
        bulk.update_rows(session, Client, [
            {"id": key.id, **{name: getattr(self.clients[key], name) for name in CHANGING_COLUMNS}}
            for key in self.changed_clients])
        ids = bulk.insert_returning_ids(session, Referral, [self._referral_row(new) for new in self.cases],
                                        key=("case_id",))
        for new in self.cases:
            new.key.id = ids[new.case.case_id,]
        bulk.insert_rows(session, ReferralTopic, [
            {"referral_id": new.key.id, "topic": topic} for new in self.cases for topic in new.case.topics])
        bulk.insert_rows(session, Suspension, [
            {"referral_id": new.key.id, "start_on": s.start_on, "until": s.until,
             "ended_on": s.ended_on, "note": s.note}
            for new in self.cases for s in new.case.suspensions])
        audit.append(session, self._event_rows())

    def _referral_row(self, new: _NewCase) -> dict[str, Any]:
        case = new.case
        return {"case_year": case.referred_on.year, "case_seq": new.seq, "case_id": case.case_id,
                "client_id": new.client.id, "referrer_id": new.referrer_id,
                "receiver_id": new.receiver_id, "goal": case.goal, "referred_on": case.referred_on,
                "referring_counsellor": case.referring_counsellor,
                "findings": json.dumps(new.findings), "override": case.override,
                "created_at": new.created_at, "updated_at": new.updated_at,
                **{name: getattr(case, name) for name in STATE_COLUMNS}}

    def _event_rows(self) -> Iterator[dict[str, Any]]:
        for e in self.events:
            client_id = e.client.id
            yield {"at": e.at, "actor": self.user, "action": e.action, "entity": e.entity,
                   "entity_ref": e.case.case.case_id if e.case else format_client_id(client_id or 0),
                   "client_id": client_id, "referral_id": e.case.key.id if e.case else None,
                   "on_date": e.on_date, "source": self.source, "before": e.before,
                   "after": e.after() if callable(e.after) else e.after}
