"""Access control on the shared PostgreSQL server (issue 20): group roles, row-level security, and
the few functions the policies and the writers need. The only SQL about roles and policies.

The server enforces it, so that it holds for `psql` too. The roles are named after the database
(`rules.access.Roles`; for a database `optima`, as below), so that two optima databases on one
server share none:

- `optima_admin` owns optima's tables (migrations, settings, units) and sees every row;
  `db upgrade` makes the role that runs it a member; the owner, who may create roles, grants access.
- `optima_coordinator` reads every row and writes only what reading and `notify` write (audit
  events of reads, the head of the trail, sent notices).
- `optima_unit` holds the table privileges of the units' members; which rows: each unit's own
  group role (`Roles.unit_role`, kept in `institution.access_role`). A member sees the
  referrals where a unit of theirs is referrer or receiver or forwarded it, the clients of those
  referrals (and of their joint strategies), the clients registered at their unit, and what hangs
  on those (topics, suspensions, journal, measures, follow-ups, audit events).
- Every table with personal data has row-level security enabled and forced (`PROTECTED`), so
  that the owner is not silently exempt; a superuser still is, as always on PostgreSQL.

The policies, functions and triggers are written out in store/access_sql.py; this module
installs them, reads what is installed, and grants. The policies call small functions under the
caller's rights (`optima_units`, `optima_sees_all`,
`optima_is_admin`). A few functions run with the owner's rights because a writer must see past
its own rows: the next case and strategy number, the tip of the audit trail's chain, the joint
strategies a login takes part in. Each returns numbers or hashes, or ids of the caller's own rows,
never a row of anyone else's.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

from optima_cli.errors import OptimaError
from optima_cli.language import t
from optima_cli.rules.access import PREFIX_BYTES, Roles
from optima_cli.store.access_sql import (
    COORDINATOR_WRITES,
    FUNCTIONS,
    IS_ADMIN,
    PATH,
    POLICIES,
    PROTECTED,
    ROWS,
    SEES_ALL,
    SIGNATURES,
    TRIGGERS,
    UNCOUNTED,
)

ROLES_KEY = "optima_access_roles"  # in session.info: the database's Roles
GUARDED_KEY = "optima_access_guarded"  # in session.info: the access functions are installed

def quoted(name: str) -> str:
    """A role's name as a quoted SQL identifier (any name: `optima_unit_sd-emmen`, `Anna`)."""
    return '"' + name.replace('"', '""') + '"'


def on_server(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def guarded(session: Session) -> bool:
    """Whether this is a server database with optima's access functions (from migration 0016 on):
    then the writers ask them for what row-level security would hide. Asked once per session."""
    found = session.info.get(GUARDED_KEY)
    if found is None:
        found = on_server(session) and bool(session.execute(
            text("SELECT to_regprocedure('optima_audit_last()') IS NOT NULL")).scalar())
        session.info[GUARDED_KEY] = found
    return bool(found)


# --- installing -----------------------------------------------------------------------------------

def install(connection: Connection) -> None:
    """Roles, functions, grants, policies and the audit trigger on a server database: idempotent,
    run by every `db upgrade` (and by a new database's tables). Nothing on SQLite."""
    if connection.dialect.name != "postgresql":
        return
    run = _runner(connection)
    schema = run("SELECT current_schema()").scalar_one()
    superuser = run("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar()
    roles = _roles(connection)
    if len(roles.prefix.encode("utf-8")) > PREFIX_BYTES:
        raise OptimaError(t("the database's name {name} is longer than {limit} bytes, too long to "
                            "name optima's roles after it; give the database a shorter name",
                            name=roles.prefix, limit=PREFIX_BYTES))
    admin, coordinator, unit = (quoted(r) for r in roles.groups)
    _make_groups(connection, roles, bool(superuser))
    if not superuser and not run(f"SELECT pg_has_role(current_user, {_literal(roles.admin)}, "
                                 "'USAGE')").scalar():
        _refuse_shared_roles(connection, roles)
        version = int(run("SHOW server_version_num").scalar_one())
        run(f"GRANT {admin} TO CURRENT_USER" + (" WITH INHERIT TRUE, SET TRUE" if version >= 160000 else ""))
    if run("SELECT nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) OR %s "
           "FROM pg_namespace WHERE nspname = current_schema()" % ("true" if superuser else "false")).scalar():
        run(f"REVOKE CREATE ON SCHEMA {quoted(schema)} FROM PUBLIC")  # nobody plants an object
    for role, wanted in ((roles.admin, "USAGE, CREATE"), (roles.coordinator, "USAGE"), (roles.unit, "USAGE")):
        needed = [p.strip() for p in wanted.split(",") if not run(
            f"SELECT has_schema_privilege({_literal(role)}, {_literal(schema)}, '{p.strip()}')").scalar()]
        if needed:
            run(f"GRANT {', '.join(needed)} ON SCHEMA {quoted(schema)} TO {quoted(role)}")
    from optima_cli.store.audit import GENESIS
    from optima_cli.store.engine import WRITE_LOCK

    run(FUNCTIONS.format(path=PATH.format(schema=quoted(schema)), prefix=_literal(roles.prefix),
                         admin=_literal(roles.admin), coordinator=_literal(roles.coordinator),
                         genesis=GENESIS, lock=WRITE_LOCK))
    tables = _existing(connection, schema, [*SQLModel.metadata.tables, "alembic_version"])
    for table in tables:
        _own(connection, table, roles.admin)
        run(f"REVOKE ALL ON {table} FROM {coordinator}, {unit}")  # then exactly what follows
        run(f"GRANT ALL ON {table} TO {admin}")
        run(f"GRANT SELECT ON {table} TO {coordinator}, {unit}")
        rows = ROWS.get(table)
        if rows is not None:
            allowed = [command for command, condition in (("INSERT", rows.insert),
                       ("UPDATE", rows.update), ("DELETE", rows.delete)) if condition is not None]
            if allowed:
                run(f"GRANT {', '.join(allowed)} ON {table} TO {unit}")
        if table in COORDINATOR_WRITES:
            run(f"GRANT {COORDINATOR_WRITES[table]} ON {table} TO {coordinator}")
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted(schema)} TO {coordinator}, {unit}")
    for table in PROTECTED:
        if table in tables:
            _protect(connection, table)
    for name, table, when, function in TRIGGERS:
        if table in tables:
            run(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            run(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}")
    for table, columns in UNCOUNTED.items():
        if table in tables:
            run(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} SET STATISTICS 0" for c in columns))
    for signature in SIGNATURES:
        owner = run(f"SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = "
                    f"'{signature}'::regprocedure").scalar()
        if owner != roles.admin:
            run(f"ALTER FUNCTION {signature} OWNER TO {admin}")
        run(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        run(f"GRANT EXECUTE ON FUNCTION {signature} TO {admin}, {coordinator}, {unit}")


def _refuse_shared_roles(connection: Connection, roles: Roles) -> None:
    """The group roles are the server's, not the database's: a login that owns another database
    must not make itself the administrator of every optima database on the server by running
    `db upgrade` on its own."""
    other = connection.exec_driver_sql(
        "SELECT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid "
        f"WHERE s.refobjid = {_literal(quoted(roles.admin))}::regrole AND s.deptype = 'o' "
        "AND d.datname <> current_database() LIMIT 1").scalar()
    if other is not None:
        raise OptimaError(t(
            "the roles of optima on this server already serve the database {other}; its "
            "administrator grants optima_admin (optima access grant LOGIN --admin), or the server "
            "administrator runs optima db upgrade here (README: the shared database)", other=other))


def _runner(connection: Connection):  # type: ignore[no-untyped-def]
    """Run one SQL text without parameters (a % in it is a percent sign, not a placeholder)."""
    return lambda sql: connection.exec_driver_sql(sql.replace("%", "%%"))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _make_groups(connection: Connection, roles: Roles, superuser: bool) -> None:
    run = _runner(connection)
    for role in roles.groups:
        if run(f"SELECT 1 FROM pg_roles WHERE rolname = {_literal(role)}").scalar():
            continue
        may = superuser or run("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user").scalar()
        if not may:
            raise OptimaError(t(
                "the role {role} does not exist on the server, and this login may not create roles; "
                "run optima db upgrade once as the database's owner with CREATEROLE (README: the "
                "shared database)", role=role))
        run(f"CREATE ROLE {quoted(role)} NOLOGIN")


def _roles(connection: Connection) -> Roles:
    """The database's roles: named after the database when its access control was installed
    first (a copy made with CREATE DATABASE ... TEMPLATE keeps its original's)."""
    run = connection.exec_driver_sql
    if run("SELECT to_regprocedure('optima_access_prefix()') IS NOT NULL").scalar():
        return Roles(str(run("SELECT optima_access_prefix()").scalar_one()))
    return Roles(str(run("SELECT current_database()").scalar_one()))


def roles(session: Session) -> Roles:
    """The database's roles (on SQLite, or before migration 0016, as they would be named)."""
    found = session.info.get(ROLES_KEY)
    if found is None:
        found = _roles(session.connection()) if on_server(session) else Roles("optima")
        session.info[ROLES_KEY] = found
    return found


def _existing(connection: Connection, schema: str, names: Iterable[str]) -> list[str]:
    found = set(connection.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = %(schema)s", {"schema": schema}).scalars())
    return [name for name in names if name in found]


def _own(connection: Connection, table: str, admin: str) -> None:
    run = _runner(connection)
    owner = run(f"SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
                f"AND tablename = '{table}'").scalar()
    if owner != admin:
        run(f"ALTER TABLE {table} OWNER TO {quoted(admin)}")


def _protect(connection: Connection, table: str) -> None:
    """Row-level security, enabled and forced, with optima's four policies on one table: the
    coordinator and the administrator read every row, the administrator changes every row, a
    unit's member as `ROWS` says."""
    run = _runner(connection)
    run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    run(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for policy in POLICIES:
        run(f"DROP POLICY IF EXISTS {policy} ON {table}")
    rows = ROWS[table]

    def admin_or(condition: str | None) -> str:
        return f"{IS_ADMIN} OR {condition}" if condition else IS_ADMIN

    run(f"CREATE POLICY optima_read ON {table} FOR SELECT USING ({SEES_ALL} OR {rows.read})")
    insert = f"{SEES_ALL}" if table == "notice" else admin_or(rows.insert)
    run(f"CREATE POLICY optima_insert ON {table} FOR INSERT WITH CHECK ({insert})")
    using = f"{SEES_ALL}" if table == "notice" else admin_or(rows.update)
    check = f"{SEES_ALL}" if table == "notice" else admin_or(rows.changed or rows.update)
    run(f"CREATE POLICY optima_update ON {table} FOR UPDATE USING ({using}) WITH CHECK ({check})")
    delete = f"{SEES_ALL}" if table == "notice" else admin_or(rows.delete)
    run(f"CREATE POLICY optima_delete ON {table} FOR DELETE USING ({delete})")


def uninstall(connection: Connection) -> None:
    """What `install` put on the tables, taken off again (migration 0016's downgrade): policies,
    row-level security, the trigger, the functions. The roles stay: they are the server's."""
    if connection.dialect.name != "postgresql":
        return
    run = _runner(connection)
    schema = run("SELECT current_schema()").scalar_one()
    tables = _existing(connection, schema, PROTECTED)
    for name, table, _, _ in TRIGGERS:
        if table in _existing(connection, schema, [table]):
            run(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for table in tables:
        for policy in POLICIES:
            run(f"DROP POLICY IF EXISTS {policy} ON {table}")
        run(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        run(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for signature in reversed(SIGNATURES):
        run(f"DROP FUNCTION IF EXISTS {signature}")

# --- reading what is installed -----------------------------------------------------------------

def protection(session: Session) -> list[tuple[str, bool, bool]]:
    """For every table that must be protected: (table, row-level security enabled, forced); a
    table missing is reported as neither."""
    found = {name: (bool(on), bool(forced)) for name, on, forced in session.execute(text(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"))}
    return [(table, *found.get(table, (False, False))) for table in PROTECTED]


def standing(session: Session) -> dict[str, bool]:
    """What the login may do beyond its units' rows: `sees_all` (the coordinator, the
    administrator, a superuser), `admin` (the administrator, a superuser); both everywhere but on
    a protected server."""
    if not guarded(session):
        return {"sees_all": True, "admin": True}
    sees_all, admin = session.execute(text(
        "SELECT optima_sees_all() OR r.rolsuper, optima_is_admin() OR r.rolsuper "
        "FROM pg_roles r WHERE r.rolname = current_user")).one()
    return {"sees_all": bool(sees_all), "admin": bool(admin)}


def units_of_login(session: Session) -> frozenset[int] | None:
    """The ids of the units whose rows the login sees as a member; None where it is not limited
    to units (SQLite; the coordinator, the administrator, a superuser)."""
    if standing(session)["sees_all"]:
        return None
    return frozenset(session.execute(text("SELECT unnest(optima_units())")).scalars())


def login(session: Session) -> str | None:
    """The name every change must be recorded in: on a protected server the login role, whatever
    --user claims; None where any name may be given (SQLite; an administrator or a superuser,
    who may record in another's name, as when importing history)."""
    if not guarded(session):
        return None
    name, free = session.execute(text("SELECT session_user, optima_may_act_for_others()")).one()
    return None if free else str(name)


# --- roles and their members -------------------------------------------------------------------

def login_exists(session: Session, login: str) -> bool:
    return bool(session.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"),
                                {"n": login}).scalar())


def unit_role_of(session: Session, institution_id: int) -> str | None:
    return session.execute(text("SELECT access_role FROM institution WHERE id = :i"),
                           {"i": institution_id}).scalar()


def set_unit_role(session: Session, institution_id: int, role: str) -> None:
    """The unit's group role: created if missing, a member of optima_unit, named in the unit's row."""
    if not session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": role}).scalar():
        session.execute(text(f"CREATE ROLE {quoted(role)} NOLOGIN"))
    unit = roles(session).unit
    if not session.execute(text("SELECT pg_has_role(:r, :u, 'MEMBER')"), {"r": role, "u": unit}).scalar():
        session.execute(text(f"GRANT {quoted(unit)} TO {quoted(role)}"))
    session.execute(text("UPDATE institution SET access_role = :r WHERE id = :i"),
                    {"r": role, "i": institution_id})


def _member(session: Session, login: str, group: str) -> bool:
    return bool(session.execute(text(
        "SELECT 1 FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = :g AND m.rolname = :m"),
        {"g": group, "m": login}).scalar())


def grant(session: Session, login: str, group: str) -> bool:
    """Make the login a member of the group role; False if it was one already."""
    if _member(session, login, group):
        return False
    session.execute(text(f"GRANT {quoted(group)} TO {quoted(login)}"))
    return True


def revoke(session: Session, login: str, group: str) -> bool:
    """End the login's membership of the group role; False if it was none. Refused if the
    membership outlives the REVOKE (PostgreSQL 16 on takes back only one's own grants)."""
    if not _member(session, login, group):
        return False
    session.execute(text(f"REVOKE {quoted(group)} FROM {quoted(login)}"))
    if _member(session, login, group):
        raise OptimaError(t("{login} stays a member of {group}: another role granted it; the "
                            "server administrator takes it back (REVOKE ... GRANTED BY ...)",
                            login=login, group=group))
    return True


def session_login(session: Session) -> str:
    """The login role of the connection (`session_user`): who changed access, in the trail."""
    return str(session.execute(text("SELECT session_user")).scalar_one())


def members(session: Session) -> list[tuple[str, str]]:
    """(login, group role) for every login that is a member of this database's group roles or
    of its units' roles, by login."""
    found = roles(session)
    return [(m, g) for m, g in session.execute(text(
        "SELECT m.rolname, g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member "
        "WHERE (g.rolname IN (:admin, :coordinator) OR left(g.rolname, :n) = :units) "
        "AND m.rolcanlogin ORDER BY m.rolname, g.rolname"),
        {"admin": found.admin, "coordinator": found.coordinator, "n": len(found.unit) + 1,
         "units": found.unit + "_"})]



# --- what the writers need to see past row-level security ---------------------------------------
# Each returns None where there is nothing to see past (SQLite, or a server before migration 0016):
# the caller then reads the table itself.

def next_case_seq(session: Session, year: int) -> int | None:
    if not guarded(session):
        return None
    return int(session.execute(text("SELECT optima_next_case_seq(:y)"), {"y": year}).scalar_one())


def next_joint_seq(session: Session, year: int) -> int | None:
    if not guarded(session):
        return None
    return int(session.execute(text("SELECT optima_next_joint_seq(:y)"), {"y": year}).scalar_one())


def case_seqs(session: Session) -> dict[int, int] | None:
    if not guarded(session):
        return None
    return {int(y): int(s) for y, s in session.execute(text("SELECT year, seq FROM optima_case_seqs()"))}


class Trail:
    """The audit trail's chain as a writer needs it (the last event, an event's hash, how many
    follow one, the first hash), through the owner's functions on a protected server."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def last(self) -> tuple[int, str] | None:
        row = self.session.execute(text("SELECT id, hash FROM optima_audit_last()")).first()
        return (int(row[0]), str(row[1])) if row else None

    def hash_of(self, event_id: int) -> str | None:
        return self.session.execute(text("SELECT optima_audit_hash(:i)"), {"i": event_id}).scalar()

    def count_after(self, event_id: int) -> int:
        return int(self.session.execute(text("SELECT optima_audit_count(:i)"), {"i": event_id}).scalar_one())

    def first(self) -> str | None:
        return self.session.execute(text("SELECT optima_audit_first()")).scalar()
