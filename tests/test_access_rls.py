"""Access control on the real PostgreSQL server (issue 20): four units' members and a coordinator,
each a login role of its own made by plain SQL, see exactly their cases through optima and through
plain SQL on their own connection; they cannot change another unit's rows or the audit trail; the
audit actor is the login role whatever --user says; and a hostile login's tricks (SET ROLE,
row_security off, a view, every function optima installs) return no other unit's row.

The data is made once for the module by the server's superuser (who is exempt from row-level
security, as PostgreSQL makes every superuser), through optima's own commands."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass

import postgres_server
import psycopg
import pytest
from conftest import days_ago
from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

from optima_cli.cli import app
from optima_cli.rules.access import Roles
from optima_cli.store import access
from optima_cli.store.engine import connect
from optima_cli.store.location import locate

_names = itertools.count(1)
ROLES = Roles(postgres_server.TEMPLATE)  # the tests' databases are copies of the template
AHV = "756.1234.5678.97"
runner = CliRunner()


@dataclass
class World:
    server: object
    database: str
    logins: dict[str, str]  # who (rav, iv, sd, emmen, coord, nobody) -> login role name
    cases: dict[str, str]  # name -> case id
    clients: dict[str, str]  # name -> client id

    def url(self, who: str | None = None) -> str:
        user = self.logins[who] if who else "postgres"
        return f"postgresql+psycopg://{user}@{self.server.host}:{self.server.port}/{self.database}"  # type: ignore[attr-defined]

    def optima(self, who: str | None, *args: str, user: str = "tester"):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--db", self.url(who), "--user", user, *args])

    def sql(self, who: str, statement: str, *params: object) -> list[tuple]:
        with psycopg.connect(self.url(who).replace("+psycopg", ""), autocommit=True) as con:
            cursor = con.execute(statement, params or None)  # type: ignore[arg-type]
            return list(cursor) if cursor.description else []


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout.strip()


def logins_with_roles(w: World) -> None:
    """Each login made by plain SQL, as the server's administrator does, and given its role as
    `access grant` gives it: the four units' members and the coordinator ("nobody": none)."""
    for login in w.logins.values():
        w.server.admin(f'CREATE ROLE "{login}" LOGIN')  # type: ignore[attr-defined]
    db = connect(locate(w.url()))
    with db.write() as session:
        for who, code in (("rav", "RAV"), ("iv", "IV"), ("sd", "SD"), ("emmen", "SD-EMMEN")):
            unit_id = session.execute(text("SELECT id FROM institution WHERE code = :c"),
                                      {"c": code}).scalar_one()
            access.set_unit_role(session, unit_id, ROLES.unit_role(code))
            access.grant(session, w.logins[who], ROLES.unit_role(code))
        access.grant(session, w.logins["coord"], ROLES.coordinator)
    db.engine.dispose()


@pytest.fixture(scope="module")
def world(pg_server) -> Iterator[World]:  # type: ignore[no-untyped-def]
    name = pg_server.new_database()
    stem = f"t{os.getpid()}_{next(_names)}"
    logins = {who: f"{stem}_{who}" for who in ("rav", "iv", "sd", "emmen", "coord", "nobody")}
    w = World(pg_server, name, logins, {}, {})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NO_COLOR", "1")
        for variable in ("OPTIMA_DB", "OPTIMA_USER", "OPTIMA_LANG", "LANG", "LC_ALL"):
            env.delenv(variable, raising=False)
        ok(w.optima(None, "institution", "add", "SD-EMMEN", "--kind", "SD", "--name", "SD Emmen"))

        def register(key: str, unit: str) -> None:
            ahv = ("--ahv", AHV) if key == "sd1" else ()
            w.clients[key] = ok(w.optima(None, "register", "--name", f"Person {key}",
                                         "--birth-date", "01.01.1980", "--from", unit,
                                         "--consent-on", days_ago(200), "--work-capacity", "yes",
                                         *ahv))

        def refer(key: str, client: str, to: str, topics: str) -> None:
            w.cases[key] = ok(w.optima(None, "refer", w.clients[client], "--to", to, "--topics",
                                       topics, "--months", "3", "--workable", "yes",
                                       "--on", days_ago(10)))

        for key, unit in (("rav1", "RAV"), ("rav2", "RAV"), ("sd1", "SD"), ("sd2", "SD"),
                          ("iv1", "IV")):
            register(key, unit)
        refer("rav_to_iv", "rav1", "IV", "health")
        refer("sd_to_iv", "sd1", "IV", "addiction")
        refer("sd_to_rav", "sd2", "RAV", "finances")
        refer("rav_to_emmen", "rav2", "SD-EMMEN", "finances")
        logins_with_roles(w)
        # SD-EMMEN forwards its case to SD, as its own login: it keeps seeing the case
        ok(w.optima("emmen", "forward", w.cases["rav_to_emmen"], "--to", "SD", "--on", days_ago(9)))
        yield w
    pg_server.drop(name)


SEES = {
    "rav": {"rav_to_iv", "sd_to_rav", "rav_to_emmen"},
    "iv": {"rav_to_iv", "sd_to_iv"},
    "sd": {"sd_to_iv", "sd_to_rav", "rav_to_emmen"},
    "emmen": {"rav_to_emmen"},
    "coord": {"rav_to_iv", "sd_to_iv", "sd_to_rav", "rav_to_emmen"},
    "nobody": set(),
}
CLIENTS = {
    "rav": {"rav1", "rav2", "sd2"},  # registered at RAV, and the client of SD's referral to RAV
    "iv": {"rav1", "sd1", "iv1"},
    "sd": {"sd1", "sd2", "rav2"},
    "emmen": {"rav2"},
    "coord": {"rav1", "rav2", "sd1", "sd2", "iv1"},
    "nobody": set(),
}

pytestmark = pytest.mark.usefixtures("world")


@pytest.mark.parametrize("who", list(SEES))
def test_each_sees_its_own_cases_through_plain_sql(world: World, who: str) -> None:
    if who == "nobody":  # a login of no optima role may not read the tables at all
        for table in access.PROTECTED:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                world.sql(who, f"SELECT * FROM {table}")
        return
    cases = {row[0] for row in world.sql(who, "SELECT case_id FROM referral")}
    assert cases == {world.cases[c] for c in SEES[who]}
    rows = world.sql(who, "SELECT * FROM referral")
    assert len(rows) == len(SEES[who])
    clients = {row[0] for row in world.sql(who, "SELECT id FROM client")}
    assert clients == {int(world.clients[c].split("-")[1]) for c in CLIENTS[who]}


@pytest.mark.parametrize("who", [w for w in SEES if w != "nobody"])
def test_each_sees_its_own_cases_through_optima(world: World, who: str) -> None:
    listed = json.loads(ok(world.optima(who, "list", "--format", "json")))
    assert {item["case"] for item in listed} == {world.cases[c] for c in SEES[who]}
    for case in set(world.cases) - SEES[who]:
        refused = world.optima(who, "show", world.cases[case])
        unknown = world.optima(who, "show", "OPT-2019-9999")
        assert refused.exit_code == unknown.exit_code == 1
        assert (refused.stderr.replace(f"'{world.cases[case]}'", "'X'")
                == unknown.stderr.replace("'OPT-2019-9999'", "'X'"))


def test_a_login_of_no_unit_is_refused_everything(world: World) -> None:
    listed = world.optima("nobody", "list", "--format", "json")
    assert listed.exit_code == 1
    assert "may not" in listed.stderr and "Traceback" not in listed.stderr


def test_a_unit_cannot_change_another_units_referral_or_the_audit_trail(world: World) -> None:
    other = world.cases["sd_to_iv"]
    assert world.sql("rav", "UPDATE referral SET status = 'closed' WHERE case_id = %s RETURNING id",
                     other) == []
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nobody but the admin deletes one
        world.sql("rav", "DELETE FROM referral WHERE case_id = %s", other)
    assert world.sql("coord", "SELECT status FROM referral WHERE case_id = %s", other) == [("referred",)]
    for who in ("rav", "coord"):
        for statement in ("DELETE FROM audit_event", "UPDATE audit_event SET actor = 'x'",
                          "TRUNCATE audit_event"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                world.sql(who, statement)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # row-level security
        world.sql("rav", "INSERT INTO client (name, birth_date, institution_id, iv_procedure_open, "
                         "iv_measures_running, health_suspected, created_at, updated_at) "
                         "SELECT 'X', '1980-01-01', id, false, false, false, now(), now() "
                         "FROM institution WHERE code = 'IV'")
    assert world.sql("rav", "SELECT count(*) FROM client WHERE id = %s",
                     int(world.clients["sd1"].split("-")[1])) == [(0,)]


def test_the_audit_actor_is_the_login_role(world: World) -> None:
    case = world.cases["rav_to_iv"]
    ok(world.optima("iv", "note", case, "Termin vereinbart", user="mallory"))
    (actor,) = world.sql("coord", "SELECT actor FROM audit_event WHERE action = 'note' AND "
                                  "entity_ref = %s ORDER BY id DESC LIMIT 1", case)[0]
    assert actor == world.logins["iv"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="actor"):
        world.sql("iv", "INSERT INTO audit_event (at, actor, action, entity, entity_ref, source, "
                        "payload_erased, payload_hash, prev_hash, hash) VALUES (now(), 'mallory', "
                        "'x', 'x', 'x', 'x', false, 'x', 'x', 'x')")
    ok(world.optima(None, "audit", "verify"))  # the chain is whole: exit 0


def test_a_unit_reads_its_own_and_its_cases_audit_events_only(world: World) -> None:
    visible = {ref for (ref,) in world.sql("rav", "SELECT DISTINCT entity_ref FROM audit_event "
                                                  "WHERE entity = 'referral'")}
    assert visible == {world.cases[c] for c in SEES["rav"]}


def test_a_hostile_login_finds_no_other_units_row(world: World) -> None:
    login, mine = "rav", {world.cases[c] for c in SEES["rav"]}
    for role in (ROLES.unit_role("IV"), ROLES.unit_role("SD"), ROLES.coordinator, ROLES.admin,
                 "postgres"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            world.sql(login, f'SET ROLE "{role}"')
    with psycopg.connect(world.url(login).replace("+psycopg", ""), autocommit=True) as con:
        con.execute(f"SET ROLE {ROLES.unit}")  # the units' common role: it is no unit's
        assert list(con.execute("SELECT case_id FROM referral")) == []
        assert list(con.execute("SELECT id FROM client")) == []
    with psycopg.connect(world.url(login).replace("+psycopg", ""), autocommit=True) as con:
        con.execute("SET row_security = off")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT case_id FROM referral")
    with psycopg.connect(world.url(login).replace("+psycopg", ""), autocommit=True) as con:
        try:
            con.execute("CREATE VIEW peek AS SELECT case_id FROM referral")
        except psycopg.errors.InsufficientPrivilege:
            pass  # PostgreSQL 15 on: no one but the owner creates in the public schema
        else:
            assert {r[0] for r in con.execute("SELECT * FROM peek")} <= mine
            con.execute("DROP VIEW peek")
        con.execute("CREATE TEMPORARY VIEW peek2 AS SELECT case_id FROM referral")
        assert {r[0] for r in con.execute("SELECT * FROM peek2")} == mine
        # every function optima installs: numbers, hashes, or the caller's own ids
        assert con.execute("SELECT optima_units()").fetchone()[0] == [
            r[0] for r in con.execute("SELECT id FROM institution WHERE code = 'RAV'")]
        assert con.execute("SELECT optima_sees_all(), optima_is_admin(), "
                           "optima_may_act_for_others()").fetchone() == (False, False, False)
        assert list(con.execute("SELECT * FROM optima_joints()")) == []
        received = [r[0] for r in con.execute("SELECT optima_received(id) FROM generate_series(1, 9) id")]
        assert set(received) <= {None, *con.execute("SELECT optima_units()").fetchone()[0]}
        for call in ("optima_next_case_seq(2026)", "optima_next_joint_seq(2026)",
                     "optima_audit_count(0)", "optima_audit_first()", "optima_audit_hash(1)"):
            (value,) = con.execute(f"SELECT {call}").fetchone()
            assert isinstance(value, (int, str))
        assert all(isinstance(y, int) and isinstance(s, int)
                   for y, s in con.execute("SELECT * FROM optima_case_seqs()"))
        (row,) = list(con.execute("SELECT * FROM optima_audit_last()"))
        assert isinstance(row[0], int) and len(row[1]) == 64
        others = con.execute("SELECT optima_units_of('postgres')").fetchone()[0]
        assert isinstance(others, list)
        for trigger in ("optima_audit_actor()", "optima_audit_head()", "optima_client_fixed()"):
            with pytest.raises(psycopg.errors.FeatureNotSupported):
                con.execute(f"SELECT {trigger}")  # a trigger function: no rows at all
    called = {"optima_access_prefix()", "optima_units_of(name)", "optima_units()",
              "optima_is_admin()", "optima_sees_all()",
              "optima_may_act_for_others()", "optima_audit_actor()", "optima_joints()",
              "optima_next_case_seq(integer)", "optima_case_seqs()", "optima_next_joint_seq(integer)",
              "optima_audit_last()", "optima_audit_first()", "optima_audit_hash(integer)",
              "optima_audit_count(integer)", "optima_audit_head()", "optima_client_fixed()",
              "optima_received(integer)"}
    installed = {r[0] for r in world.sql("coord", "SELECT oid::regprocedure::text FROM pg_proc "
                                                  "WHERE proname LIKE 'optima\\_%'")}
    assert installed == called == set(access.SIGNATURES)


def test_row_level_security_is_on_and_forced_everywhere(world: World) -> None:
    db = connect(locate(world.url()))
    with db.read() as session:
        assert all(on and forced for _, on, forced in access.protection(session))
    db.engine.dispose()


def test_figures_under_the_callers_rights(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    period = ("--from", days_ago(30), "--to", days_ago(0))
    for who in ("rav", "iv", "sd", "coord"):
        figures = json.loads(ok(world.optima(who, "report", *period, "--format", "json")))
        assert figures["referrals"]["total"] == len(SEES[who]), who
    ok(world.optima("iv", "report", *period, "--xlsx", str(tmp_path / "iv.xlsx")))
    summary = load_workbook(tmp_path / "iv.xlsx", read_only=True).worksheets[0]
    assert any(2 in row for row in summary.iter_rows(values_only=True))  # IV's two referrals


def test_what_needs_the_whole_database_is_the_coordinators(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for args in (("audit", "verify"), ("backup", str(tmp_path / "b.db"))):
        refused = world.optima("sd", *args)
        assert refused.exit_code == 1 and "whole database" in refused.stderr, refused.stderr
    assert not (tmp_path / "b.db").exists()
    ok(world.optima("coord", "audit", "verify"))
    anonymize = world.optima("coord", "anonymize", "--closed-before", days_ago(400))
    assert anonymize.exit_code == 1 and "administrator" in anonymize.stderr


def test_a_client_registered_at_a_unit_one_cannot_see(world: World) -> None:
    """The AHV number is unique in optima: registering it again at another unit is refused
    without naming the unit, the client or the case (the counsellor has the number from the
    person in front of them)."""
    refused = world.optima("rav", "register", "--name", "Someone Else", "--birth-date",
                           "02.02.1981", "--from", "RAV", "--ahv", AHV)
    assert refused.exit_code == 1, refused.stderr
    assert "already registered" in refused.stderr and "Person" not in refused.stderr
    assert world.clients["sd1"] not in refused.stderr and "SD" not in refused.stderr
    assert world.sql("coord", "SELECT count(*) FROM client WHERE name = 'Someone Else'") == [(0,)]


def test_doctor_of_a_units_login_does_not_cry_wolf(world: World) -> None:
    checks = {c["check"]: c for c in json.loads(ok(world.optima("sd", "doctor", "--format", "json")))["checks"]}
    assert checks["audit trail"]["ok"] and "not checked" in checks["audit trail"]["detail"]
    whole = {c["check"]: c for c in json.loads(ok(world.optima("coord", "doctor", "--format", "json")))["checks"]}
    assert whole["audit trail"]["ok"] and "events" in whole["audit trail"]["detail"]


def test_a_cases_whole_life_by_the_units_own_logins(pg_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every kind of change optima makes, each by the login of the unit whose work it is, on a
    database of its own: register, refer, accept, measure, journal, suspend, close, follow-up,
    forward and back, a joint strategy led by one unit and reviewed by its partner, an
    import; then the coordinator's audit verify finds the chain whole, every event in the name
    of the login that made it."""
    name = pg_server.new_database()
    stem = f"t{os.getpid()}_{next(_names)}"
    logins = {who: f"{stem}_{who}" for who in ("rav", "iv", "sd", "emmen", "coord")}
    w = World(pg_server, name, logins, {}, {})
    ok(w.optima(None, "institution", "add", "SD-EMMEN", "--kind", "SD", "--name", "SD Emmen"))
    logins_with_roles(w)

    client = ok(w.optima("rav", "register", "--name", "Muster Hans", "--birth-date", "12.03.1980",
                         "--from", "RAV", "--consent-on", days_ago(400), "--work-capacity", "yes"))
    case = ok(w.optima("rav", "refer", client, "--to", "IV", "--topics", "health", "--months", "3",
                       "--workable", "yes", "--on", days_ago(300)))
    ok(w.optima("iv", "accept", case, "--counsellor", "B. Keller", "--on", days_ago(295)))
    ok(w.optima("iv", "measure", "add", case, "--kind", "coaching", "--cost", "1200", "--on",
                days_ago(290)))
    ok(w.optima("iv", "measure", "approve", case, "1", "--on", days_ago(289)))
    ok(w.optima("iv", "note", case, "Erstgespräch", "--on", days_ago(288)))
    ok(w.optima("rav", "suspend-search", case, "--from", days_ago(287), "--until", days_ago(250)))
    ok(w.optima("iv", "close", case, "--outcome", "partly", "--employed", "--on", days_ago(200)))
    ok(w.optima("rav", "follow-up", case, "--at", "6", "--situation", "employed", "--since",
                days_ago(190), "--on", days_ago(15)))
    assert w.sql("sd", "SELECT count(*) FROM follow_up") == [(0,)]

    other = ok(w.optima("rav", "register", "--name", "Beispiel Anna", "--birth-date", "01.01.1985",
                        "--from", "RAV", "--consent-on", days_ago(100), "--work-capacity", "yes"))
    moved = ok(w.optima("rav", "refer", other, "--to", "SD-EMMEN", "--topics", "finances",
                        "--months", "3", "--workable", "yes", "--on", days_ago(20)))
    ok(w.optima("emmen", "forward", moved, "--to", "SD", "--on", days_ago(19)))
    ok(w.optima("sd", "forward", moved, "--to", "SD-EMMEN", "--on", days_ago(18)))  # and back
    assert w.sql("sd", "SELECT count(*) FROM referral") == [(1,)]  # SD forwarded it: it sees it
    assert w.sql("emmen", "SELECT receiver_id FROM referral") == w.sql(
        "emmen", "SELECT id FROM institution WHERE code = 'SD-EMMEN'")

    third = ok(w.optima("sd", "register", "--name", "Joint Jana", "--birth-date", "03.03.1975",
                        "--from", "SD", "--consent-on", days_ago(100), "--work-capacity", "yes"))
    strategy = ok(w.optima("sd", "joint", "open", third, "--lead", "SD", "--with", "RAV", "--goal",
                           "Budget und Stelle", "--review-on", days_ago(-30), "--on", days_ago(10)))
    ok(w.optima("rav", "joint", "review", strategy, "--next", days_ago(-60), "--on", days_ago(5)))
    assert w.sql("iv", "SELECT count(*) FROM joint_strategy") == [(0,)]
    assert w.sql("rav", "SELECT count(*) FROM client WHERE name = 'Joint Jana'") == [(1,)]

    sheet = tmp_path / "cases.csv"
    sheet.write_text("external_ref,name,birth_date,registered_at,consent_on,work_capacity,"
                     "referrer,receiver,topics,months,workable,referred_on\n"
                     f"SD-1,Import Ida,1990-05-05,SD,{days_ago(60)},yes,SD,RAV,finances,3,yes,"
                     f"{days_ago(50)}\n", encoding="utf-8")
    imported = w.optima("sd", "import", str(sheet))
    assert imported.exit_code == 0, (imported.stdout, imported.stderr)

    actors = dict(w.sql("coord", "SELECT action, min(actor) FROM audit_event WHERE action IN "
                                 "('refer', 'accept', 'forward', 'joint-review') GROUP BY action"))
    assert actors == {"refer": logins["rav"], "accept": logins["iv"], "forward": logins["emmen"],
                      "joint-review": logins["rav"]}
    ok(w.optima("coord", "audit", "verify"))
    pg_server.drop(name)


def test_no_unit_attaches_itself_to_anothers_case_or_client(world: World) -> None:
    """The holes a review found: a forward, a referral or a strategy written by hand to reach
    another unit's case or client; a journal entry or a measure deleted; a forwarded case
    changed by the unit that gave it away."""
    hidden_case = int(world.sql("coord", "SELECT id FROM referral WHERE case_id = %s",
                                world.cases["sd_to_iv"])[0][0])
    hidden_client = int(world.clients["iv1"].split("-")[1])
    (rav,) = world.sql("rav", "SELECT id FROM institution WHERE code = 'RAV'")[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        world.sql("rav", "INSERT INTO forward (referral_id, forwarded_on, from_id, to_id) "
                         "VALUES (%s, current_date, %s, %s)", hidden_case, rav, rav)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="client"):
        world.sql("rav", "INSERT INTO referral (case_year, case_seq, case_id, client_id, status, "
                         "referrer_id, receiver_id, months, referred_on, created_at, updated_at) "
                         "SELECT 2026, 999, 'OPT-2026-0999', %s, 'referred', %s, %s, 3, current_date, "
                         "now(), now()", hidden_client, rav, rav)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="client"):
        world.sql("rav", "UPDATE referral SET client_id = %s WHERE case_id = %s", hidden_client,
                  world.cases["rav_to_iv"])
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        world.sql("rav", "INSERT INTO joint_strategy (strategy_year, strategy_seq, strategy_id, "
                         "client_id, lead_id, goal, opened_on, review_on, created_at, updated_at) "
                         "VALUES (2026, 99, 'GS-2026-0099', %s, %s, 'x', current_date, current_date, "
                         "now(), now())", hidden_client, rav)
    for table in ("journal_entry", "measure", "follow_up", "forward", "client"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            world.sql("iv", f"DELETE FROM {table}")
    # SD-EMMEN forwarded its case away: it still sees it, and changes nothing in it
    assert world.sql("emmen", "UPDATE referral SET status = 'withdrawn' RETURNING id") == []
    written = world.optima("emmen", "note", world.cases["rav_to_emmen"], "nach der Weiterleitung")
    assert written.exit_code == 1 and "may not write" in written.stderr, written.stderr
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        world.sql("emmen", "INSERT INTO suspension (referral_id, start_on, until) SELECT id, "
                           "current_date, current_date + 30 FROM referral")
    assert world.sql("coord", "SELECT status FROM referral WHERE case_id = %s",
                     world.cases["rav_to_emmen"]) == [("referred",)]
    assert world.sql("rav", "SELECT count(*) FROM client WHERE id = %s", hidden_client) == [(0,)]


def test_no_unit_forges_an_audit_event_or_the_head(world: World) -> None:
    (tip,) = world.sql("coord", "SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1")[0]
    hidden_case = int(world.sql("coord", "SELECT id FROM referral WHERE case_id = %s",
                                world.cases["sd_to_iv"])[0][0])
    own_case = int(world.sql("coord", "SELECT id FROM referral WHERE case_id = %s",
                             world.cases["rav_to_iv"])[0][0])
    event = ("INSERT INTO audit_event (at, actor, action, entity, entity_ref, referral_id, source, "
             "payload_erased, payload_hash, prev_hash, hash) VALUES ({at}, session_user, 'assign', "
             "'referral', 'x', %s, 'cli', false, 'x', %s, 'x')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # another unit's case
        world.sql("rav", event.format(at="now()"), hidden_case, tip)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="follows"):  # off the chain
        world.sql("rav", event.format(at="now()"), own_case, "0" * 64)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="recorded now"):  # back-dated
        world.sql("rav", event.format(at="now() - interval '3 days'"), own_case, tip)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="head"):
        world.sql("rav", "UPDATE meta SET value = '1:' || repeat('0', 64) || ':1:' || repeat('0', 64) "
                         "WHERE key = 'audit_head'")
    assert world.sql("rav", "UPDATE meta SET value = '99' WHERE key = 'schema_version' "
                            "RETURNING 1") == []  # not a row it may change
    ok(world.optima(None, "audit", "verify"))


def test_a_planted_function_does_not_widen_a_units_sight(world: World) -> None:
    """Where a unit's login may create objects (PostgreSQL 14 lets everyone create in the public
    schema), a function shadowing pg_has_role on its search path changes nothing: optima's
    functions search pg_catalog first."""
    login = world.logins["rav"]
    world.server.admin  # noqa: B018 - the server's superuser grants what PostgreSQL 14 would
    with psycopg.connect(world.url().replace("+psycopg", ""), autocommit=True) as con:
        con.execute(f'GRANT CREATE ON SCHEMA public TO "{login}"')
    try:
        with psycopg.connect(world.url("rav").replace("+psycopg", ""), autocommit=True) as con:
            con.execute("CREATE FUNCTION public.pg_has_role(name, name, text) RETURNS boolean "
                        "LANGUAGE sql AS 'SELECT true'")
            con.execute("SET search_path = public, pg_catalog")
            seen = {r[0] for r in con.execute("SELECT case_id FROM referral")}
            assert seen == {world.cases[c] for c in SEES["rav"]}
            con.execute("DROP FUNCTION public.pg_has_role(name, name, text)")
    finally:
        with psycopg.connect(world.url().replace("+psycopg", ""), autocommit=True) as con:
            con.execute(f'REVOKE CREATE ON SCHEMA public FROM "{login}"')


def test_a_joint_strategys_events_are_its_units_alone(world: World) -> None:
    strategy = ok(world.optima(None, "joint", "open", world.clients["sd2"], "--lead", "SD",
                               "--with", "IV", "--goal", "Sucht und Budget", "--review-on",
                               days_ago(-30), "--on", days_ago(3)))
    for who, sees in (("rav", False), ("sd", True), ("iv", True)):
        found = world.sql(who, "SELECT count(*) FROM audit_event WHERE entity_ref = %s", strategy)
        assert (found[0][0] > 0) is sees, who


def test_a_partner_is_told_that_the_lead_opens_the_strategy(world: World) -> None:
    refused = world.optima("rav", "joint", "open", world.clients["rav1"], "--lead", "IV", "--with",
                           "RAV", "--goal", "Stelle", "--review-on", days_ago(-30))
    assert refused.exit_code == 1
    assert refused.stderr == ("error: on the shared server a joint strategy is opened by the login "
                              "of its lead, IV; ask its contact person, or give your own unit as "
                              "--lead\n")


def test_each_database_has_roles_of_its_own(pg_server, world: World) -> None:  # type: ignore[no-untyped-def]
    """optima's roles are named after the database: the owner (with CREATEROLE) of another
    database on the same server makes roles of its own there with `db upgrade`, and is no member
    of this one's; a copy of a database (CREATE DATABASE ... TEMPLATE) keeps its original's
    roles, and its owner does not make itself their administrator by upgrading it."""
    owner = f"t{os.getpid()}_{next(_names)}_owner"
    database, copy = f"{owner}_db", f"{owner}_copy"
    pg_server.admin(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
    pg_server.admin(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    url = f"postgresql+psycopg://{owner}@{pg_server.host}:{pg_server.port}/{database}"
    ok(runner.invoke(app, ["--db", url, "db", "upgrade"]))
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as con:
        assert con.execute("SELECT optima_access_prefix()").fetchone() == (database,)
        assert con.execute("SELECT pg_has_role(%s, 'MEMBER'), pg_has_role(%s, 'MEMBER')",
                           (f"{database}_admin", ROLES.admin)).fetchone() == (True, False)
    with psycopg.connect(world.url().replace("postgres@", f"{owner}@").replace("+psycopg", ""),
                         autocommit=True) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("SELECT * FROM referral")  # it may connect to the other database, no more
    pg_server.admin(f'CREATE DATABASE "{copy}" TEMPLATE {postgres_server.TEMPLATE} OWNER "{owner}"')
    copied = url.replace(database, copy)
    refused = runner.invoke(app, ["--db", copied, "db", "upgrade"])  # its tables are not the owner's
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert "may not do this" in refused.stderr or "already serve the database" in refused.stderr
    with psycopg.connect(copied.replace("+psycopg", ""), autocommit=True) as con:
        assert con.execute("SELECT pg_has_role(%s, 'MEMBER')", (ROLES.admin,)).fetchone() == (False,)
    pg_server.drop(database)
    pg_server.drop(copy)
