"""Institution units and their contact person (Ansprechperson)."""

from __future__ import annotations

from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t
from optima_cli.records.models import Institution
from optima_cli.rules import text
from optima_cli.rules.codes import Kind
from optima_cli.rules.records import diff
from optima_cli.store import audit, notices, queries
from optima_cli.workflow import lookup
from optima_cli.workflow.context import Context

CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def record(inst: Institution) -> dict[str, Any]:
    return {
        "code": inst.code,
        "kind": inst.kind,
        "name": inst.name,
        "contact_name": inst.contact_name,
        "contact_email": inst.contact_email,
        "contact_phone": inst.contact_phone,
        "contact_user": inst.contact_user,  # issue 18: whose inbox shows the unit's
    }


def _contact(contact_name: str | None, contact_email: str | None,
             contact_phone: str | None) -> dict[str, str | None]:
    """The contact values given (None: not given), checked; a blank one clears it."""
    checks = {"contact_name": text.optional_name, "contact_email": text.email,
              "contact_phone": text.optional_name}
    given = {"contact_name": contact_name, "contact_email": contact_email,
             "contact_phone": contact_phone}
    return {k: checks[k](v, k) for k, v in given.items() if v is not None}


def list_institutions(ctx: Context) -> list[dict[str, Any]]:
    with ctx.read() as session:
        return [record(inst) for inst in queries.institutions(session)]


def add_institution(ctx: Context, code: str, kind: Kind, name: str, contact_name: str | None = None,
                    contact_email: str | None = None, contact_phone: str | None = None) -> dict[str, Any]:
    code = text.unit_code(code)
    name = text.name(name or "", "name")
    contact = _contact(contact_name, contact_email, contact_phone)
    with ctx.write() as session:
        if queries.institution_by_code(session, code) is not None:
            raise OptimaError(t("institution {code} exists already; change its contact with "
                                "set-contact", code=code))
        inst = Institution(code=code, kind=kind.value, name=name, contact_name=contact.get("contact_name"),
                           contact_email=contact.get("contact_email"),
                           contact_phone=contact.get("contact_phone"))
        session.add(inst)
        session.flush()
        audit.record(session, actor=ctx.user, action="institution-add", entity="institution",
                     entity_ref=code, after=record(inst), now=ctx.now(), source=ctx.source)
        return record(inst)


def add_units(ctx: Context, kind: str, names: dict[str, str]) -> None:
    """Units of one kind that a data set names (code -> name), such as the demo's municipal
    social services."""
    for code, name in names.items():
        add_institution(ctx, code, Kind(kind), name)


def set_contact(ctx: Context, code: str, contact_name: str | None, contact_email: str | None,
                contact_phone: str | None, contact_user: str | None = None) -> dict[str, Any]:
    changes: dict[str, Any] = _contact(contact_name, contact_email, contact_phone)
    if contact_user is not None:  # the login name of the contact person (issue 18); blank clears
        changes["contact_user"] = text.optional_name(contact_user, "contact_user")
    if not changes:
        raise UsageProblem(t("nothing to change; give --contact, --email, --phone or --user"))
    with ctx.write() as session:
        inst = lookup.institution(session, code)
        before = record(inst)
        for key, value in changes.items():
            setattr(inst, key, value)
        session.add(inst)
        before_diff, after_diff = diff(before, record(inst))
        audit.record(session, actor=ctx.user, action="institution-set-contact", entity="institution",
                     entity_ref=inst.code, before=before_diff, after=after_diff, now=ctx.now(),
                     source=ctx.source)
        return record(inst)


# --- the counsellors of a unit and their addresses (issue 18: `optima notify` mails them) ----------

def set_counsellor(ctx: Context, code: str, name: str, email: str) -> dict[str, Any]:
    """Where a counsellor of the unit is reached (by their name as the cases give it); a blank
    address removes them. Audited."""
    named = text.optional_name(name, "name")
    if named is None:
        raise UsageProblem.refused("value-required", "name")
    address = text.email(email, "email")
    with ctx.write() as session:
        inst = lookup.institution(session, code)
        before = notices.set_counsellor(session, inst.id or 0, named, address)
        if before != address:
            audit.record(session, actor=ctx.user, action="counsellor-set", entity="institution",
                         entity_ref=inst.code, before={named: before}, after={named: address},
                         now=ctx.now(), source=ctx.source)
        return {"unit": inst.code, "name": named, "email": address}


def counsellors(ctx: Context, code: str | None = None) -> list[dict[str, Any]]:
    """The counsellors with an address, of one unit (or a kind's units) or of all."""
    with ctx.read() as session:
        ids = lookup.units(session, code)
        return [{"unit": unit, "name": name, "email": email}
                for unit, name, email in notices.counsellors(session, ids)]
