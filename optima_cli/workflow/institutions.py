"""Institution units and their contact person (Ansprechperson)."""

from __future__ import annotations

from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t
from optima_cli.rules.codes import Kind
from optima_cli.store import audit, queries
from optima_cli.store.models import Institution
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
    }


def _clean_code(code: str) -> str:
    cleaned = (code or "").strip().upper()
    if not cleaned or not all(ch.isalnum() or ch in "-_" for ch in cleaned):
        raise UsageProblem(t(
            "institution code {code!r} is not usable; use letters, digits and dashes, like SD-EMMEN",
            code=code))
    return cleaned


def _check_email(email: str | None) -> None:
    if email is not None and email.strip() and "@" not in email:
        raise UsageProblem(t("--email {email!r} is not an e-mail address", email=email))


def list_institutions(ctx: Context) -> list[dict[str, Any]]:
    with ctx.read() as session:
        return [record(inst) for inst in queries.institutions(session)]


def add_institution(ctx: Context, code: str, kind: Kind, name: str, contact_name: str | None = None,
                    contact_email: str | None = None, contact_phone: str | None = None) -> dict[str, Any]:
    code = _clean_code(code)
    if not (name and name.strip()):
        raise UsageProblem(t("--name must not be empty; give the unit's full name"))
    _check_email(contact_email)
    with ctx.write() as session:
        if queries.institution_by_code(session, code) is not None:
            raise OptimaError(t("institution {code} exists already; change its contact with "
                                "set-contact", code=code))
        inst = Institution(code=code, kind=kind.value, name=name.strip(), contact_name=contact_name,
                           contact_email=contact_email, contact_phone=contact_phone)
        session.add(inst)
        session.flush()
        audit.record(session, actor=ctx.user, action="institution-add", entity="institution",
                     entity_ref=code, after=record(inst), now=ctx.now(), source=ctx.source)
        return record(inst)


def set_contact(ctx: Context, code: str, contact_name: str | None, contact_email: str | None,
                contact_phone: str | None) -> dict[str, Any]:
    changes = {"contact_name": contact_name, "contact_email": contact_email,
               "contact_phone": contact_phone}
    changes = {k: (v.strip() or None) for k, v in changes.items() if v is not None}
    if not changes:
        raise UsageProblem(t("nothing to change; give --contact, --email or --phone"))
    _check_email(changes.get("contact_email"))
    with ctx.write() as session:
        inst = lookup.institution(session, code)
        before = record(inst)
        for key, value in changes.items():
            setattr(inst, key, value)
        session.add(inst)
        before_diff, after_diff = audit.diff(before, record(inst))
        audit.record(session, actor=ctx.user, action="institution-set-contact", entity="institution",
                     entity_ref=inst.code, before=before_diff, after=after_diff, now=ctx.now(),
                     source=ctx.source)
        return record(inst)
