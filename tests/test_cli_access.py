"""`optima access grant|revoke|list` (issue 20): on SQLite a refusal in one line that writes
nothing; usage errors of the options; on the PostgreSQL server the round trip of a login role
made with plain SQL, its audit events, and the refusals of what the server does not know."""

from __future__ import annotations

import itertools
import json
import os

import pytest
from conftest import count, dump, query
from postgres_server import SERVER_USER
from typer.testing import CliRunner

from optima_cli.cli import app

SQLITE_REFUSAL = ("access roles are the shared PostgreSQL server's; {db} is a SQLite file, one "
                  "person's, protected by the operating system (mode 600)")
COMMANDS = (["grant", "anna", "--unit", "SD"], ["grant", "anna", "--coordinator"],
            ["revoke", "anna", "--admin"], ["list"], ["list", "--format", "json"])


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.removeprefix("error: ").strip()


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_on_sqlite_every_access_command_says_it_is_the_servers(run, db_path, args):
    run("institution", "list")  # the file exists, with its units
    before = dump(db_path)
    result = run("access", *args)
    assert result.exit_code == 1
    assert one_line_error(result) == SQLITE_REFUSAL.format(db=db_path)
    assert result.stdout == ""
    assert dump(db_path) == before


def test_on_sqlite_an_access_command_makes_no_file(run, db_path):
    result = run("access", "list")
    assert result.exit_code == 1
    assert not db_path.exists()


def test_in_german_the_sqlite_refusal_is_german(db_path):
    result = CliRunner().invoke(app, ["--lang", "de", "--db", str(db_path), "access", "list"])
    assert result.exit_code == 1
    assert "nur auf dem gemeinsamen PostgreSQL-Server" in result.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["grant", "anna"], "give exactly one of --unit, --coordinator or --admin"),
    (["grant", "anna", "--coordinator", "--admin"],
     "give exactly one of --unit, --coordinator or --admin"),
    (["revoke", "anna", "--unit", "SD", "--admin"],
     "give exactly one of --unit, --coordinator or --admin"),
], ids=["none", "two", "revoke-two"])
def test_exactly_one_kind_of_role(run, db_path, args, said):
    result = run("access", *args)
    assert result.exit_code == 2
    assert one_line_error(result) == said
    assert not db_path.exists()


def test_a_login_is_named(run, db_path):
    result = run("access", "grant", "", "--coordinator")
    assert result.exit_code == 2
    one_line_error(result)
    assert not db_path.exists()


# --- on the PostgreSQL server: one database for the module, login roles made with plain SQL ---

_logins = itertools.count(1)


def new_login(server, stem: str) -> str:  # type: ignore[no-untyped-def]
    """A login role made as the README says (CREATE ROLE name LOGIN); names are server-wide, so
    each is unique to the test process."""
    name = f"{stem}_{os.getpid()}_{next(_logins)}"
    server.admin(f'CREATE ROLE "{name}" LOGIN')
    return name


@pytest.fixture(scope="module")
def server_db(pg_server):  # type: ignore[no-untyped-def]
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.drop(name)


@pytest.fixture
def on_server(server_db):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--db", server_db, "--user", "tester", *args])


def access_events(db: str, login: str) -> list[tuple[str, dict]]:
    return [(action, json.loads(payload)["after"]) for action, payload in query(
        db, "SELECT action, payload FROM audit_event WHERE entity = 'access' AND entity_ref = ? "
            "ORDER BY id", login)]


def listed(on_server, login: str) -> list[dict]:  # type: ignore[no-untyped-def]
    result = on_server("access", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [row for row in json.loads(result.stdout) if row["login"] == login]


def test_grant_list_revoke_round_trip(pg_server, server_db, on_server):
    anna = new_login(pg_server, "anna")
    granted = on_server("access", "grant", anna, "--unit", "SD")
    assert granted.exit_code == 0, granted.stderr
    assert granted.stderr.strip() == f"{anna} is now a member of SD"
    assert listed(on_server, anna) == [{"login": anna, "role": "unit", "unit": "SD"}]

    again = on_server("access", "grant", anna, "--unit", "sd", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert "already" in again.stderr
    assert json.loads(again.stdout) == {"login": anna, "role": "unit", "unit": "SD",
                                        "changed": False}

    assert on_server("access", "grant", anna, "--coordinator").exit_code == 0
    assert listed(on_server, anna) == [{"login": anna, "role": "unit", "unit": "SD"},
                                       {"login": anna, "role": "coordinator", "unit": None}]
    table = on_server("access", "list")
    assert anna in table.stdout and "coordinator" in table.stdout
    csv = on_server("access", "list", "--format", "csv")
    assert csv.stdout.splitlines()[0] == "login,role,unit"

    revoked = on_server("access", "revoke", anna, "--unit", "SD")
    assert revoked.exit_code == 0, revoked.stderr
    assert revoked.stderr.strip() == f"{anna} is no longer a member of SD"
    gone = on_server("access", "revoke", anna, "--unit", "SD")
    assert gone.exit_code == 0, gone.stderr
    assert gone.stderr.strip() == f"{anna} was not a member of SD; nothing changed"
    assert on_server("access", "revoke", anna, "--coordinator").exit_code == 0
    assert listed(on_server, anna) == []

    # one event per change, none for what changed nothing
    assert access_events(server_db, anna) == [
        ("access-grant", {"role": "unit", "unit": "SD"}),
        ("access-grant", {"role": "coordinator", "unit": None}),
        ("access-revoke", {"role": "unit", "unit": "SD"}),
        ("access-revoke", {"role": "coordinator", "unit": None})]
    assert on_server("audit", "verify").exit_code == 0
    # in the name of the login that changed access, whatever --user says (here: the superuser)
    actors = {a for (a,) in query(server_db, "SELECT DISTINCT actor FROM audit_event WHERE action "
                                             "IN ('access-grant', 'access-revoke')")}
    assert actors == {"postgres"}


def test_an_admin_is_listed_and_a_unit_never_granted_was_not(pg_server, on_server):
    bea = new_login(pg_server, "bea")
    assert on_server("access", "grant", bea, "--admin").exit_code == 0
    assert listed(on_server, bea) == [{"login": bea, "role": "admin", "unit": None}]
    never = on_server("access", "revoke", bea, "--unit", "RAV")
    assert never.exit_code == 0, never.stderr
    assert "was not a member of RAV" in never.stderr


def test_what_the_server_does_not_know_is_refused(pg_server, server_db, on_server):
    before = count(server_db, "audit_event")
    ghost = f"ghost_{os.getpid()}"
    result = on_server("access", "grant", ghost, "--coordinator")
    assert result.exit_code == 1
    assert one_line_error(result) == (
        f"the server has no login role {ghost}; its administrator creates it with CREATE ROLE "
        f"{ghost} LOGIN (README: the shared database)")
    cara = new_login(pg_server, "cara")
    result = on_server("access", "grant", cara, "--unit", "SD-NOWHERE")
    assert result.exit_code == 1
    assert one_line_error(result).startswith("unknown institution 'SD-NOWHERE'")
    result = on_server("access", "revoke", cara, "--unit", "SD-NOWHERE")
    assert result.exit_code == 1
    assert count(server_db, "audit_event") == before
    assert listed(on_server, cara) == []


# --- optima doctor: row-level security on the server, no such check on a SQLite file ---

def doctor_checks(result) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {c["check"]: c for c in json.loads(result.stdout)["checks"]}


def test_doctor_on_sqlite_has_no_row_level_security_check(run):
    result = run("doctor", "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert "row-level security" not in doctor_checks(result)


def test_doctor_on_the_server_finds_row_level_security_on(on_server):
    result = on_server("doctor", "--format", "json")
    check = doctor_checks(result)["row-level security"]
    assert check["ok"], check
    assert check["detail"].startswith("on and forced for every table with personal data (")


def test_doctor_names_a_table_without_it(pg_server):
    name = pg_server.new_database()
    url = pg_server.url(name)
    try:
        query(url, "ALTER TABLE referral NO FORCE ROW LEVEL SECURITY")
        result = CliRunner().invoke(app, ["--db", url, "doctor", "--format", "json"])
        assert result.exit_code == 1
        check = doctor_checks(result)["row-level security"]
        assert not check["ok"]
        assert check["detail"] == "not on and forced for: referral; run optima db upgrade"
    finally:
        pg_server.drop(name)


def test_a_login_that_may_not_grant_is_told_in_one_line(pg_server, server_db, on_server):
    dora, eve = new_login(pg_server, "dora"), new_login(pg_server, "eve")
    assert on_server("access", "grant", dora, "--unit", "SD").exit_code == 0
    as_dora = server_db.replace(f"//{SERVER_USER}@", f"//{dora}@")  # her own login
    before = count(server_db, "audit_event")
    result = CliRunner().invoke(app, ["--db", as_dora, "access", "grant", eve, "--coordinator"])
    assert result.exit_code == 1
    said = one_line_error(result)
    # PostgreSQL 16 says "permission denied to grant role", older ones "must have admin option"
    assert said.startswith(f"the database role of {as_dora} may not do this ("), said
    assert said.endswith("ask the database administrator for the grants in the README"), said
    assert count(server_db, "audit_event") == before
    assert listed(on_server, eve) == []


@pytest.mark.parametrize("name", ["optima_coordinator", "pg_read_all_data"])
def test_a_group_role_is_not_a_login(run, db_path, name):
    result = run("access", "grant", name, "--admin")
    assert result.exit_code == 2
    assert one_line_error(result) == (
        f"{name} is one of the server's or optima's own roles, not a person's login; give the "
        "login role of a person (CREATE ROLE name LOGIN)")
    assert not db_path.exists()
