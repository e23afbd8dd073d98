"""The README's shared database, with roles (issue 20), run as the README says it on the test
server: the database administrator makes the owner role (CREATEROLE) and an empty database, the
owner runs `db upgrade`, adds a unit and gives each login its role with `access grant`; then each
person, on their own login, sees through optima (and through plain SQL) the cases their role
allows, and the audit trail names the login, whatever --user says."""

from __future__ import annotations

import json
import os
import shutil

import postgres_server
import pytest
from conftest import query
from typer.testing import CliRunner

from optima_cli.cli import app

SUFFIX = f"{os.getpid()}"


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout.strip()


@pytest.fixture(scope="module", params=["first", "second"])
def server(request, pg_server):  # type: ignore[no-untyped-def]
    """The README's steps 2 and 5 in SQL, as the server's administrator: the owner role with
    CREATEROLE, an empty database it owns, one login role per person (names unique per process:
    roles are the server's, not the database's). "first": on a new server of its own, with no
    optima database and none of optima's roles yet, so the owner's `db upgrade` makes them;
    "second": on the tests' server, which holds optima databases already: the owner's `db upgrade`
    makes roles of the database's own."""
    if request.param == "first":
        base = postgres_server.private_base()
        own = postgres_server.start(base, template=False)
        request.addfinalizer(lambda: (postgres_server.stop(own), shutil.rmtree(base, ignore_errors=True)))
    else:
        own = pg_server
    roles = {who: f"{who}_{SUFFIX}_{request.param}" for who in ("optima", "anna", "ivo", "carla")}
    own.admin(f'CREATE ROLE "{roles["optima"]}" LOGIN CREATEROLE')
    database = f"optima_walk_{SUFFIX}"
    own.admin(f'CREATE DATABASE "{database}" OWNER "{roles["optima"]}" ENCODING \'UTF8\'')
    for who in ("anna", "ivo", "carla"):
        own.admin(f'CREATE ROLE "{roles[who]}" LOGIN')

    def url(who: str) -> str:
        return f"postgresql+psycopg://{roles[who]}@{own.host}:{own.port}/{database}"

    yield roles, url
    own.drop(database)


def as_login(url, who: str, *args: str, user: str | None = None):  # type: ignore[no-untyped-def]
    """optima on `who`'s own login (OPTIMA_DB their URL), --user as given (default: theirs)."""
    return CliRunner().invoke(app, ["--db", url(who), "--user", user or who, *args])


def cases(url, who: str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = json.loads(ok(as_login(url, who, "list", "--status", "all", "--format", "json")))
    return sorted(row["case"] for row in rows)


def test_the_shared_database_with_roles(server):
    roles, url = server
    # step 3: the owner creates the tables
    ok(as_login(url, "optima", "db", "upgrade"))
    assert "current" in ok(as_login(url, "optima", "db", "status"))
    # step 6: a unit and the roles
    ok(as_login(url, "optima", "institution", "add", "SD-EMMEN", "--kind", "SD", "--name",
                "Sozialdienst Emmen"))
    ok(as_login(url, "optima", "access", "grant", roles["anna"], "--unit", "SD-EMMEN"))
    ok(as_login(url, "optima", "access", "grant", roles["ivo"], "--unit", "IV"))
    ok(as_login(url, "optima", "access", "grant", roles["carla"], "--coordinator"))
    listed = json.loads(ok(as_login(url, "optima", "access", "list", "--format", "json")))
    # roles are the server's: other tests' logins may be listed too
    assert {(r["login"], r["role"], r["unit"]) for r in listed
            if r["login"] in roles.values()} == {
        (roles["optima"], "admin", None),  # db upgrade made the owner an administrator
        (roles["anna"], "unit", "SD-EMMEN"), (roles["ivo"], "unit", "IV"),
        (roles["carla"], "coordinator", None)}
    assert ok(as_login(url, "optima", "doctor", "--format", "json"))  # row-level security on

    # Anna (SD-EMMEN) registers a client and refers them to the IV, claiming another name
    client = ok(as_login(url, "anna", "register", "--name", "Emmen Erika", "--birth-date",
                         "01.01.1980", "--from", "SD-EMMEN", "--consent-on", "2026-01-05",
                         "--work-capacity", "yes", user="somebody-else"))
    from_sd = ok(as_login(url, "anna", "refer", client, "--to", "IV", "--topics", "health",
                          "--months", "3", "--workable", "yes", "--on", "2026-01-10"))
    # Ivo (IV) registers a client of the IV and refers them to the RAV: not Anna's business
    other = ok(as_login(url, "ivo", "register", "--name", "Kriens Karl", "--birth-date",
                        "02.02.1970", "--from", "IV", "--consent-on", "2026-01-05"))
    from_iv = ok(as_login(url, "ivo", "refer", other, "--to", "RAV", "--topics", "placement",
                          "--months", "3", "--workable", "yes", "--on", "2026-01-12"))

    # each sees what their role allows, through optima
    assert cases(url, "anna") == [from_sd]
    assert cases(url, "ivo") == sorted([from_sd, from_iv])
    assert cases(url, "carla") == sorted([from_sd, from_iv])
    hidden = as_login(url, "anna", "show", from_iv)
    unknown = as_login(url, "anna", "show", "OPT-2026-0999")
    assert hidden.exit_code == unknown.exit_code == 1
    assert hidden.stderr.replace(from_iv, "X") == unknown.stderr.replace("OPT-2026-0999", "X")
    ok(as_login(url, "ivo", "accept", from_sd, "--counsellor", "B. Keller", "--on", "2026-01-15"))
    figures = json.loads(ok(as_login(url, "carla", "report", "--year", "2026", "--format", "json")))
    assert figures["referrals"]["total"] == 2

    # ... and through plain SQL on their own connection
    assert [r[0] for r in query(url("anna"), "SELECT case_year FROM referral")] == [2026]
    assert query(url("anna"), "SELECT count(*) FROM client")[0][0] == 1
    assert query(url("carla"), "SELECT count(*) FROM referral")[0][0] == 2

    # the audit trail names the login, not what --user claimed; it verifies
    actors = {actor for actor, in query(url("optima"), "SELECT DISTINCT actor FROM audit_event "
                                        "WHERE entity_ref IN (?, ?)", client, from_sd)}
    assert actors == {roles["anna"], roles["ivo"]}
    ok(as_login(url, "optima", "audit", "verify"))

    # a role taken back: Anna sees nothing any more, said in one line
    ok(as_login(url, "optima", "access", "revoke", roles["anna"], "--unit", "SD-EMMEN"))
    gone = as_login(url, "anna", "list")
    assert gone.exit_code == 1, gone.stdout
    assert gone.stderr.startswith("error: ") and gone.stderr.count("\n") == 1, gone.stderr
