"""Who may use the shared server: `optima access grant`, `revoke` and `list` (issue 20).

The roles are PostgreSQL's (rules/access.py names them, store/access.py makes and grants them):
a login role, made by the server's administrator, becomes a member of a unit's group role, of the
coordinator's or of the administrator's. Each grant or revoke is one transaction with its audit
event (`access-grant`, `access-revoke`; entity "access", the login its reference). A SQLite file
has no roles: it is one person's, guarded by the operating system.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from optima_cli.errors import OptimaError
from optima_cli.rules import access as rules
from optima_cli.store import audit, queries
from optima_cli.store.location import locate
from optima_cli.workflow import lookup
from optima_cli.workflow.context import Context


def _on_server(ctx: Context) -> None:
    """Refuse on SQLite, before the file is opened (or made): access is the server's."""
    location = locate(ctx.db_path)
    if location.path is not None:
        raise OptimaError.refused("access-needs-server", database=location.label)


def _login(session: Session, login: str) -> None:
    from optima_cli.store import access as store

    if not store.login_exists(session, login):
        raise OptimaError.refused("access-no-login", "login", login=login)


def record(login: str, kind: str, unit: str | None, changed: bool | None = None) -> dict[str, Any]:
    """One access as the commands give it: the login, its kind of role, the unit's code."""
    found: dict[str, Any] = {"login": login, "role": kind, "unit": unit}
    if changed is not None:
        found["changed"] = changed
    return found


def grant(ctx: Context, login: str, kind: str, unit: str | None = None) -> dict[str, Any]:
    """Make `login` a member of a unit's group role (made on first use), of the coordinator's or
    of the administrator's; `changed` is false when it was one already (nothing recorded)."""
    login = rules.login_name(login, "login")
    _on_server(ctx)
    from optima_cli.store import access as store

    with ctx.write() as session:
        _login(session, login)
        code = None
        if kind == "unit":
            inst = lookup.institution(session, unit or "")
            code = inst.code
            group = store.unit_role_of(session, inst.id or 0)
            if group is None:
                group = store.roles(session).unit_role(inst.code)
                store.set_unit_role(session, inst.id or 0, group)
        else:
            group = store.roles(session).group_of(kind)
        changed = store.grant(session, login, group)
        if changed:  # in the name of the login that granted it, whatever --user says
            audit.record(session, actor=store.session_login(session), action="access-grant", entity="access",
                         entity_ref=login, after={"role": kind, "unit": code}, now=ctx.now(),
                         source=ctx.source)
        return record(login, kind, code, changed)


def revoke(ctx: Context, login: str, kind: str, unit: str | None = None) -> dict[str, Any]:
    """End `login`'s membership of a group role; `changed` is false when it was none (as `rm -f`:
    what is asked for is so, nothing recorded)."""
    login = rules.login_name(login, "login")
    _on_server(ctx)
    from optima_cli.store import access as store

    with ctx.write() as session:
        _login(session, login)
        code = None
        group: str | None
        if kind == "unit":
            inst = lookup.institution(session, unit or "")
            code = inst.code
            group = store.unit_role_of(session, inst.id or 0)  # None: nobody was ever granted it
        else:
            group = store.roles(session).group_of(kind)
        changed = group is not None and store.revoke(session, login, group)
        if changed:
            audit.record(session, actor=store.session_login(session), action="access-revoke", entity="access",
                         entity_ref=login, after={"role": kind, "unit": code}, now=ctx.now(),
                         source=ctx.source)
        return record(login, kind, code, changed)


def listing(ctx: Context) -> list[dict[str, Any]]:
    """Every login with optima's roles: one row per role, by login, then kind, then unit."""
    _on_server(ctx)
    from optima_cli.store import access as store

    with ctx.read() as session:
        units = {}
        for inst in queries.institutions(session):
            role = store.unit_role_of(session, inst.id or 0)
            if role is not None:
                units[role] = inst.code
        rows = []
        roles = store.roles(session)
        for login, group in store.members(session):
            kind = roles.kind_of(group)  # a unit's role whose unit is gone: named by the role
            rows.append(record(login, kind, units.get(group, group) if kind == "unit" else None))
    order = {kind: n for n, kind in enumerate(rules.KINDS)}
    return sorted(rows, key=lambda r: (r["login"], order[r["role"]], r["unit"] or ""))
