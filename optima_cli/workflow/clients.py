"""Clients: register, correct, show; and `check`, the access criteria for a proposed referral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from optima_cli.catalogue import en
from optima_cli.errors import UsageProblem
from optima_cli.language import t
from optima_cli.records.models import CLIENT_FIELDS, Institution
from optima_cli.rules import actions, criteria, lifecycle
from optima_cli.rules import clients as client_rules
from optima_cli.rules.actions import facts_of
from optima_cli.rules.codes import Result, Topic
from optima_cli.rules.identity import format_client_id
from optima_cli.rules.records import client_record
from optima_cli.store import audit, queries
from optima_cli.store.session_store import SessionStore
from optima_cli.workflow import lookup
from optima_cli.workflow.context import Context

UNSET: Any = object()  # "not given" in an update, as distinct from None ("clear it")


# the fields a client's values are given by: those of its record (store.models.Client), the
# unit where the client is registered as `institution` (its code, --from) after the birth date
_INPUT = ("name", "birth_date", "institution",
          *(f.key for f in CLIENT_FIELDS if f.in_record and f.key not in ("client", "name",
                                                                          "birth_date", "institution")))


class ClientInput:
    """Values for a client by field (_INPUT); one not given, or UNSET, is left as it is
    (update) or not given (register)."""

    def __init__(self, **values: Any) -> None:
        unknown = sorted(set(values) - set(_INPUT))
        if unknown:
            raise TypeError(f"a client has no field {', '.join(unknown)}")
        self.values = values

    def given(self) -> dict[str, Any]:
        return {name: self.values[name] for name in _INPUT
                if self.values.get(name, UNSET) is not UNSET}


def register(ctx: Context, data: ClientInput) -> dict[str, Any]:
    values = client_rules.clean(data.given(), ctx.today)
    client_rules.require(values)
    with ctx.write() as session:
        store = SessionStore(session, ctx.user, ctx.source, ctx.now)
        inst_id, registered_at = store.institution_unit(lookup.institution(session, values.pop("institution")))
        outcome = actions.register(values, registered_at, inst_id, store.new_key(), store.duplicate_of)
        store.save(outcome)
        return client_record(outcome.client, registered_at.code)


@dataclass(frozen=True)
class Updated:
    """What `client update` did: the client as scripts see it now, and the keys that changed."""

    record: dict[str, Any]
    changed: list[str]


def update(ctx: Context, ref: str, data: ClientInput) -> Updated:
    values = client_rules.clean(data.given(), ctx.today)
    if not values:
        raise UsageProblem(t(
            "nothing to change; give at least one option (see `optima client update --help`)"))
    with ctx.write() as session:
        store = SessionStore(session, ctx.user, ctx.source, ctx.now)
        client = store.person(lookup.client(session, ref))
        institution = None
        if "institution" in values:
            inst_id, unit = store.institution_unit(lookup.institution(session, values.pop("institution")))
            institution = (unit.code, inst_id)
        outcome = actions.update_client(client, values, institution, store.duplicate_of,
                                        lambda: store.first_referral(client))
        store.save(outcome)
        return Updated(client_record(outcome.client, outcome.client.institution),
                       sorted(outcome.events[0].after or {}) if outcome.events else [])


def show(ctx: Context, ref: str) -> dict[str, Any]:
    """The client with the ids of their referrals; the read is logged (personal data)."""
    with ctx.write() as session:
        client = lookup.client(session, ref)
        inst = session.get(Institution, client.institution_id)
        result = client_record(client, inst.code if inst else "")
        rows = queries.case_rows(session, ctx.today, queries.CaseFilter(client_id=client.id))
        result["referrals"] = [
            {"case": r["case_id"], "status": r["status"], "receiver": r["receiver"],
             "referred_on": r["referred_on"]} for r in rows
        ]
        audit.record(session, actor=ctx.user, action="read", entity="client",
                     entity_ref=result["client"], client_id=client.id, now=ctx.now(),
                     source=ctx.source)
        return result


def check(ctx: Context, ref: str, to: str, topics: tuple[Topic, ...] = (),
          referrer: str | None = None, on: date | None = None,
          workable: bool | None = None) -> dict[str, Any]:
    """The access criteria for a referral of this client, with the counsellor's answer whether
    the problem is `workable` in the mandate (None: not answered); writes nothing, so it may look
    ahead to a day in the future (planning a referral is normal)."""
    day = on or ctx.today
    with ctx.read() as session:
        store = SessionStore(session, ctx.user, ctx.source, ctx.now)  # reads only: nothing saved
        client = store.person(lookup.client(session, ref))
        receiver_id, receiver = store.institution_unit(lookup.institution(session, to))
        _, source = (store.institution_unit(lookup.institution(session, referrer)) if referrer
                     else store.unit_of(client))
        findings = lifecycle.judge(facts_of(client), source, receiver, day, topics,
                                   store.open_referral_to(client, receiver_id),
                                   format_client_id(client.id or 0), workable, store.settings())
    return {
        "client": format_client_id(client.id or 0),
        "referrer": source.code,
        "receiver": receiver.code,
        "on": day,
        "allowed": criteria.allowed(findings),
        "needs_override": bool(criteria.blocks_needing_override(findings))
        and not criteria.refusals(findings),
        "findings": [en.shown_finding(f.as_dict()) for f in findings],
        "blocked": [f.rule for f in findings if f.result == Result.BLOCK],
    }
