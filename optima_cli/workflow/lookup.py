"""Loading what a command names, or a refusal that says how to find the right name."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect
from sqlmodel import Session

from optima_cli.errors import NotFound
from optima_cli.language import t
from optima_cli.records.models import Client, Institution, Referral
from optima_cli.rules import text
from optima_cli.store import queries
from optima_cli.workflow.context import Context


def institution(session: Session, code: str) -> Institution:
    cache = session.info.setdefault("optima_institutions", {})  # a few units, asked for often
    key = text.unit_code(code)
    found = cache.get(key)
    if found is None or not inspect(found).persistent:
        found = cache[key] = queries.institution_by_code(session, code)
    if found is None:
        raise unknown_institution(code, queries.institution_codes(session))
    return found


def units(session: Session, code: str | None) -> list[int] | None:
    """The units a filter names: a kind (RAV, IV, SD) names every unit of that kind, any other
    code the one unit; None filters nothing."""
    if code is None:
        return None
    from optima_cli.rules.codes import Kind

    if code.strip().upper() in {k.value for k in Kind}:
        return queries.unit_ids_of_kind(session, code.strip().upper())
    return [institution(session, code).id or 0]


def unknown_institution(code: str, known: list[str]) -> NotFound:
    return NotFound(t(
        "unknown institution {code!r}; known: {known} (add one with `optima institution add`)",
        code=code, known=", ".join(known)))


def client(session: Session, ref: str) -> Client:
    found = queries.client_by_ref(session, ref)
    if found is None:
        raise NotFound(t(
            "no client {ref!r}; give the id that `register` printed (like C-0007) or an AHV number",
            ref=ref))
    return found


def referral(session: Session, ref: str) -> Referral:
    found = queries.referral_by_case(session, ref)
    if found is None:
        raise NotFound(t("no case {ref!r}; case ids look like OPT-2026-0001 (see `optima list`)",
                         ref=ref))
    return found


def ids_starting(ctx: Context, kind: str, prefix: str, limit: int = 100) -> tuple[list[str], bool]:
    """The ids of a kind (CLIENT, CASE, UNIT) that start with `prefix`, for completion, and
    whether there are more than `limit`. Ids only, read anew each time."""
    from optima_cli.rules.identity import client_numbers_starting, format_client_id

    with ctx.read() as session:
        if kind == "CLIENT":
            found = [format_client_id(n) for n in queries.client_numbers(
                session, client_numbers_starting(prefix), limit + 1)]
        elif kind == "CASE":
            found = queries.case_ids_starting(session, prefix.strip().upper(), limit + 1)
        else:
            found = [code for code in queries.institution_codes(session)
                     if code.upper().startswith(prefix.strip().upper())]
    return found[:limit], len(found) > limit


def known(ctx: Context, find: Callable[[Session, str], object], ref: str) -> str:
    """`ref` as given, once `find` (institution, client, referral) knows it; else its refusal.
    For a prompt, which asks again with the reason instead of stopping the command."""
    with ctx.read() as session:
        find(session, ref)
    return ref
