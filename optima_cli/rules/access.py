"""Who may see what on the shared server: the roles of optima's access control (issue 20).

On PostgreSQL, access is the database server's: row-level security lets a unit's members see the
cases where their unit is referrer or receiver (or that it forwarded), the clients of those cases
and the clients registered at it; the coordinator sees everything; nobody else sees anything.
What a login may do follows from the group roles it is a member of (`Roles`): one per unit, the
coordinator's and the administrator's. A SQLite file is one person's, guarded by
the operating system (mode 600): it has no roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules.text import control_character

KINDS = ("unit", "coordinator", "admin")
NAME_BYTES = 63  # PostgreSQL's longest name (NAMEDATALEN - 1)
PREFIX_BYTES = 40  # a database's name that leaves room for its roles' suffixes


@dataclass(frozen=True)
class Roles:
    """optima's group roles in one database, named after it (`prefix`: the database's name when
    its access control was first installed), so that two optima databases on one server share
    no role: for a database `optima`, optima_admin (owns the tables: settings, units,
    migrations, access; sees all), optima_coordinator (reads every case, runs the figures),
    optima_unit (what every unit's role may do) and optima_unit_<code> (which rows: the unit's)."""

    prefix: str

    @property
    def admin(self) -> str:
        return f"{self.prefix}_admin"

    @property
    def coordinator(self) -> str:
        return f"{self.prefix}_coordinator"

    @property
    def unit(self) -> str:
        return f"{self.prefix}_unit"

    @property
    def groups(self) -> tuple[str, str, str]:
        return (self.admin, self.coordinator, self.unit)

    def unit_role(self, code: str) -> str:
        """The group role of a unit's members (`SD-EMMEN`: optima_unit_sd-emmen)."""
        role = f"{self.unit}_{code.lower()}"
        if len(role.encode("utf-8")) > NAME_BYTES:
            raise UsageProblem.refused("access-role-too-long", "unit", code=code, limit=NAME_BYTES)
        return role

    def group_of(self, kind: str) -> str:
        """The group role of the coordinator's or the administrator's access."""
        return self.coordinator if kind == "coordinator" else self.admin

    def kind_of(self, group: str) -> str:
        return "admin" if group == self.admin else "coordinator" if group == self.coordinator else "unit"


def login_name(text: str, field: str) -> str:
    """A login role's name as typed: not blank, no control character, at most 63 bytes; kept as
    typed (PostgreSQL's names are case-sensitive once created quoted; `CREATE ROLE anna` is
    anna)."""
    cleaned = (text or "").strip()
    if (not cleaned or control_character(cleaned) is not None
            or len(cleaned.encode("utf-8")) > NAME_BYTES):
        raise UsageProblem.refused("not-a-login", field, value=cleaned[:40], limit=NAME_BYTES)
    if cleaned.startswith("optima_") or cleaned.startswith("pg_"):
        raise UsageProblem.refused("login-is-a-group", field, value=cleaned)
    return cleaned


def require(level: str, *, sees_all: bool, admin: bool) -> None:
    """Refuse what the login's roles do not allow on the shared server: "all" needs the whole
    database (audit verify, a copy or backup), "admin" changes all of it (anonymize)."""
    if level == "admin" and not admin:
        raise OptimaError.refused("admin-only")
    if level == "all" and not sees_all:
        raise OptimaError.refused("whole-database")


def require_lead(code: str, lead: int, units: frozenset[int] | None) -> None:
    """On the shared server a joint strategy is opened by its lead's login (`units`: the ids of
    the login's units; None: any, as on SQLite or for the administrator): the partners see it
    once it names them, and the lead answers for it."""
    if units is not None and lead not in units:
        raise OptimaError.refused("joint-open-by-lead", "lead", lead=code)
