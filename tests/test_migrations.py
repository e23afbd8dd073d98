"""Schema migrations (Alembic): the scripts build today's schema, an old database upgrades with
everything intact, and an older or newer database is refused until it is upgraded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import TODAY, count, dump, is_url, query
from sqlalchemy import inspect
from sqlmodel import SQLModel

from optima_cli.records import models
from optima_cli.rules.identity import name_key
from optima_cli.store import schema
from optima_cli.store.engine import connect, open_database
from optima_cli.store.location import locate
from optima_cli.workflow.context import Context


def newer(revision: str) -> list[str]:
    """The migrations an upgrade from `revision` applies: every newer one, in order."""
    return [r for r in schema.REVISIONS if r > revision]

pytestmark = pytest.mark.both_backends  # the migrations run on both kinds of database


@pytest.fixture
def empty_db(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> Path | str:
    """A database with nothing in it: a new file, or a new database on the server."""
    if backend == "sqlite":
        return tmp_path / "empty.db"
    server = request.getfixturevalue("pg_server")
    name = server.empty_database()
    request.addfinalizer(lambda: server.drop(name))
    return server.url(name)


def migrate(db: Path | str, revision: str, *, down: bool = False) -> None:
    """Run the migration scripts themselves, up (or down) to `revision`."""
    database = connect(locate(str(db)))
    try:
        with database.writer.begin() as conn:
            config = schema.alembic_config(conn)
            (command.downgrade if down else command.upgrade)(config, revision)
    finally:
        database.engine.dispose()


def differences(db: Path | str) -> list:
    database = connect(locate(str(db)))
    try:
        with database.engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        database.engine.dispose()


def at_any_schema(db: Path | str, user: str = "tester") -> Context:
    """A workflow context on a database whatever its schema (optima itself refuses an old one)."""
    ctx = Context(db_path=str(db), user=user, today=TODAY)
    ctx.__dict__["db"] = open_database(str(db), schema_check="any")
    return ctx


def test_the_revisions_optima_knows_are_the_migration_scripts():
    scripts = ScriptDirectory.from_config(schema.alembic_config())
    assert scripts.get_heads() == [schema.HEAD]
    chain = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert tuple(chain) == schema.REVISIONS
    assert int(schema.HEAD) == models.SCHEMA_VERSION


def test_the_migrations_build_exactly_the_schema_of_a_new_database(empty_db):
    migrate(empty_db, "head")
    assert differences(empty_db) == []


def test_a_new_database_is_at_the_newest_revision_with_nothing_to_compare(db_path, run):
    assert run("institution", "list").exit_code == 0
    assert differences(db_path) == []
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(schema.HEAD,)]
    status = json.loads(run("db", "status", "--format", "json").stdout)
    assert status == {"database": status["database"], "dialect": status["dialect"],
                      "revision": schema.HEAD, "head": schema.HEAD, "state": "current", "pending": []}


def _fill_at_first_revision(db: Path | str) -> Context:
    """A database at the first revision, filled through optima's own workflow (the invented pilot
    data set: clients, referrals with their whole histories, suspensions): built by the
    migrations, filled at the newest, then taken down to the first (today's optima writes
    today's columns)."""
    from optima_cli.demo.build import add_units
    from optima_cli.demo.data import rows
    from optima_cli.importing.rows import import_rows

    migrate(db, "head")
    ctx = at_any_schema(db)
    with ctx.write() as session:  # what the optima of revision 0001 put in a new database
        session.add(models.Meta(key="schema_version", value="1"))
        for code, kind, name in (("RAV", "RAV", "RAV Luzern"), ("IV", "IV", "WAS IV Luzern"),
                                 ("SD", "SD", "Sozialdienste Luzern")):
            session.add(models.Institution(code=code, kind=kind, name=name))
    add_units(ctx)  # the data set's municipal social services
    result = import_rows(ctx, "pilot", list(enumerate(rows(), start=2)))
    assert not result.errors and result.imported == len(list(rows())) > 50
    ctx.db.engine.dispose()
    migrate(db, "0001", down=True)
    return at_any_schema(db)


def _figures(ctx: Context) -> dict:
    from optima_cli.rules.periods import choose
    from optima_cli.workflow.report import report

    return report(ctx, choose(ctx.today), "institution")


@pytest.mark.parametrize("legacy", [False, True], ids=["alembic-stamped", "before-migrations"])
def test_upgrade_across_the_migrations_keeps_everything(empty_db, run, legacy, tmp_path):
    ctx = _fill_at_first_revision(empty_db)
    # a client whose work capacity was ticked as not intact, as the flag of 0001 to 0005 kept it
    query(empty_db, "UPDATE client SET no_work_capacity = TRUE WHERE id = 1")
    if legacy:  # made by an optima before it had migrations: no version table at all
        query(empty_db, "DROP TABLE alembic_version")
    before = dump(empty_db)
    # today's report also counts the refused refers (0005): read at 0001 with their tables made
    # empty for the moment (nothing was refused then), and dropped again
    # and the settings changed in the period (0006): read with their table made empty too
    # the joint strategies (0011) and the referrals forwarded (0012): read with their tables made
    # empty too, and the measures (0014)
    from optima_cli.records.models import (
        FollowUp,
        Forward,
        JointPartner,
        JointReview,
        JointStrategy,
        Measure,
        Refusal,
        RefusalRule,
        SettingChange,
    )

    hurdles = [Refusal.__table__, RefusalRule.__table__, SettingChange.__table__,  # type: ignore[attr-defined]
               JointStrategy.__table__, JointPartner.__table__, JointReview.__table__,  # type: ignore[attr-defined]
               Forward.__table__, Measure.__table__, FollowUp.__table__]  # type: ignore[attr-defined]
    for table in hurdles:
        table.create(ctx.db.engine)
    figures = _figures(ctx)
    for table in reversed(hurdles):
        table.drop(ctx.db.engine)
    assert dump(empty_db) == before
    assert "ix_referral_closed_on" not in {i["name"] for i in _indexes(empty_db)}

    refused = run("list", db=empty_db)
    assert refused.exit_code == 1 and "db upgrade" in refused.stderr
    assert dump(empty_db) == before  # refused: nothing written
    # the backup the message asks for can be made (of a file; a server's is pg_dump's job)
    backed_up = run("backup", str(tmp_path / "before-upgrade.db"), db=empty_db)
    if is_url(empty_db):
        assert backed_up.exit_code == 1 and "pg_dump" in backed_up.stderr
    else:
        assert backed_up.exit_code == 0, backed_up.stderr
        assert dump(tmp_path / "before-upgrade.db") == before
    assert dump(empty_db) == before

    status = json.loads(run("db", "status", "--format", "json", db=empty_db).stdout)
    assert (status["revision"], status["state"], status["pending"]) == ("0001", "behind",
                                                                         newer("0001"))
    upgraded = run("db", "upgrade", "--format", "json", db=empty_db)
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0001")

    after = dump(empty_db)
    for table in ("referral_topic", "suspension"):
        assert after[table] == before[table], table
    # every unit as before, with no contact person's login name (0012) and no role (0016)
    assert [row[:-2] for row in after["institution"]] == before["institution"]
    assert {row[-2:] for row in after["institution"]} == {(None, None)}
    # every referral as before, its findings turned from English sentences into keys and values
    # (0004) that say the same sentences, with the answer whether it is workable (0007) and the
    # version of the settings it was judged under (0008) added as the last columns: not answered,
    # and the defaults (version 0)
    # and no handback, so none unread (0012)
    assert [_said(row[:-4]) for row in after["referral"]] == [_said(row) for row in before["referral"]]
    assert {row[-3] for row in after["referral"]} == {0}
    assert all('"key"' in _findings_of(row) for row in after["referral"])
    assert {row[-4] for row in after["referral"]} == {None}
    assert {row[-2:] for row in after["referral"]} == {(None, None)}
    assert after["forward"] == []  # 0012: none forwarded before
    # every client as before, with the key of its name (0003) added, and the flag
    # no_work_capacity (the last column at 0001, as 0006 going down put it back) become
    # work_capacity and its day (0006): ticked is assessed no, on a day not known
    assert [row[:-3] for row in after["client"]] == [row[:-1] for row in before["client"]]
    assert all(row[-3] == name_key(row[1]) for row in after["client"])
    assert [(row[0], row[-2:]) for row in after["client"]] == [
        (row[0], ("no", None) if row[-1] else (None, None)) for row in before["client"]]
    assert [row[-1] for row in before["client"]].count(True) == 1
    events_before, events_after = before["audit_event"], after["audit_event"]
    assert set(events_before) <= set(events_after)
    assert [e[3] for e in set(events_after) - set(events_before)] == ["upgrade-schema"]
    assert after["refusal"] == [] and after["refusal_rule"] == []  # 0005: none counted before
    assert after["setting_change"] == []  # 0008: the defaults
    assert after["journal_entry"] == []  # 0010: no case had a journal
    assert after["joint_strategy"] == [] and after["joint_review"] == []  # 0011: none before
    assert after["measure"] == []  # 0014: no case had a measure
    assert dict(after["meta"])["schema_version"] == str(models.SCHEMA_VERSION)
    assert {f"ix_referral_{c}" for c in ("referred_on", "decided_on", "withdrawn_on", "closed_on")} \
        <= {i["name"] for i in _indexes(empty_db)}
    assert differences(empty_db) == []

    assert run("audit", "verify", db=empty_db).exit_code == 0
    assert _figures(at_any_schema(empty_db)) == figures
    again = run("db", "upgrade", db=empty_db)
    assert again.exit_code == 0 and "nothing to do" in again.stderr
    assert count(empty_db, "audit_event") == len(events_after)


def _findings_of(row: tuple) -> str:
    return next(value for value in row if isinstance(value, str) and value.startswith('[{"rule"'))


def _said(row: tuple) -> tuple:
    """A referral row with its findings as the sentences they say (in English)."""
    from optima_cli.catalogue import en

    findings = _findings_of(row)
    return tuple([en.finding(f) for f in json.loads(findings)] if value is findings else value
                 for value in row)


def _indexes(db: Path | str, what: str = "indexes") -> list[dict]:
    """The indexes (or `what` else the inspector gets: columns) of table referral."""
    return _inspected(db, lambda found: getattr(found, f"get_{what}")("referral"))


def _inspected(db: Path | str, look: Callable[[Any], list[dict]]) -> list[dict]:
    """What the database's schema says (`look` asks SQLAlchemy's inspector)."""
    database = connect(locate(str(db)))
    try:
        with database.engine.connect() as conn:
            return look(inspect(conn))
    finally:
        database.engine.dispose()


def test_a_database_of_a_newer_optima_is_refused_and_left_alone(db_path, run):
    assert run("institution", "list").exit_code == 0
    query(db_path, "UPDATE alembic_version SET version_num = '0099'")
    before = dump(db_path)
    for args in (("list",), ("register", "--name", "Neu Nora", "--birth-date", "1990-01-01",
                             "--from", "SD", "--consent-on", "2026-01-05"), ("db", "upgrade")):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "newer optima" in result.stderr and "0099" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert dump(db_path) == before
    status = json.loads(run("db", "status", "--format", "json").stdout)
    assert status["state"] == "newer"


def test_downgrade_and_upgrade_again_round_trip(db_path, run):
    """The second migration can be undone (for a rollback of optima) and applied again."""
    assert run("institution", "list").exit_code == 0
    migrate(db_path, "0001", down=True)
    assert "ix_referral_closed_on" not in {i["name"] for i in _indexes(db_path)}
    assert run("db", "upgrade").exit_code == 0
    assert differences(db_path) == []


def test_an_empty_server_database_needs_db_upgrade(pg_server, run):
    url = pg_server.url(name := pg_server.empty_database())
    try:
        result = run("list", db=url)
        assert result.exit_code == 1
        assert "is empty" in result.stderr and "db upgrade" in result.stderr
        assert query(url, "SELECT count(*) FROM information_schema.tables "
                          "WHERE table_schema = 'public'") == [(0,)]
        made = run("db", "upgrade", "--format", "json", db=url)
        assert made.exit_code == 0 and json.loads(made.stdout)["applied"] == list(schema.REVISIONS)
        assert [r[0] for r in query(url, "SELECT code FROM institution ORDER BY id")] == ["RAV", "IV", "SD"]
        assert run("audit", "verify", db=url).exit_code == 0
    finally:
        pg_server.drop(name)


def test_foreign_tables_are_not_migrated(empty_db, run):
    query(empty_db, "CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    before = dump(empty_db)
    for args in (("list",), ("db", "upgrade"), ("db", "status")):
        result = run(*args, db=empty_db)
        assert result.exit_code == 1 and "not an optima database" in result.stderr, args
    assert dump(empty_db) == before


@pytest.mark.slow
def test_the_developers_alembic_command_runs_on_optima_db(tmp_path, run, monkeypatch):
    """migrations/__init__.py tells developers to use `alembic -c optima_cli/migrations/alembic.ini`."""
    import os
    import subprocess
    import sys

    db = tmp_path / "dev.db"
    assert run("institution", "list", db=db).exit_code == 0
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "alembic", "-c", "optima_cli/migrations/alembic.ini",
                           "current"], cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OPTIMA_DB": str(db)})
    assert done.returncode == 0, done.stderr
    assert f"{schema.HEAD} (head)" in done.stdout


# the findings of a referral as optima 0003 stored them: English sentences
ENGLISH_FINDINGS = [
    {"rule": "consent", "kind": "never", "result": "pass",
     "message": "consent recorded on 2025-01-05 and not withdrawn"},
    {"rule": "social-topic", "kind": "warn", "result": "pass",
     "message": "social topic named: finances, addiction"},
    {"rule": "iv-rejection-recent", "kind": "hard", "result": "block",
     "message": "the IV rejected the client on 2025-02-01, less than 12 months ago (a referral to "
                "IV is possible from 2026-02-01, or now with a justification)"},
    {"rule": "workable-in-period", "kind": "warn", "result": "warn",
     "message": "only you can judge: can the problem plausibly be improved within 3 or 6 months? "
                "Severe problems do not fit"},
]


def _referred(run, topics: str) -> tuple[str, str]:
    """A client referred from the RAV to SD on 2025-03-01 (not asked if workable: no terminal):
    the client id and the case id."""
    client = run("register", "--name", "Alt Anna", "--birth-date", "1980-01-01", "--from", "RAV",
                 "--consent-on", "2025-01-05")
    assert client.exit_code == 0, client.stderr
    refer = run("refer", client.stdout.strip(), "--to", "SD", "--topics", topics,
                "--months", "3", "--on", "2025-03-01")
    assert refer.exit_code == 0, refer.stderr
    return client.stdout.strip(), refer.stdout.strip()


def _one_case(run, topics: str) -> str:
    """A client of the RAV referred to SD on 2025-03-01: its case id."""
    return _referred(run, topics)[1]


def test_findings_stored_in_english_upgrade_to_keys_and_are_shown_in_german(db_path, run):
    """A database at 0003 keeps its findings as English sentences; 0004 turns them into keys and
    values, intact, and `show --lang de` says them in German. The audit trail is left as it was
    (its events are hashed) and still verifies."""
    _, case = _referred(run, "finances,addiction")
    migrate(db_path, "0003", down=True)
    (stored,) = query(db_path, "SELECT findings FROM referral")
    assert all("message" in f and "key" not in f for f in json.loads(stored[0]))  # as 0003 wrote
    query(db_path, "UPDATE referral SET findings = ?", json.dumps(ENGLISH_FINDINGS))
    events = dump(db_path)["audit_event"]

    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0003")
    (stored,) = query(db_path, "SELECT findings FROM referral")
    assert json.loads(stored[0]) == [
        {"rule": "consent", "kind": "never", "result": "pass", "key": "consent/4",
         "values": {"consent_on": "2025-01-05"}},
        {"rule": "social-topic", "kind": "warn", "result": "pass", "key": "social-topic/1",
         "values": {"topics": ["finances", "addiction"]}},
        {"rule": "iv-rejection-recent", "kind": "hard", "result": "block", "key": "iv-rejection/2",
         "values": {"rejected_on": "2025-02-01", "possible_from": "2026-02-01"}},
        {"rule": "workable-in-period", "kind": "warn", "result": "warn", "key": "workable/1",
         "values": {}}]

    english = json.loads(run("show", case, "--format", "json").stdout)["findings"]
    assert [f["message"] for f in english] == [f["message"] for f in ENGLISH_FINDINGS]  # intact
    german = run("--lang", "de", "show", case)
    assert german.exit_code == 0, german.stderr
    for said in ("Einwilligung am 05.01.2025 erfasst und nicht zurückgezogen",
                 "soziales Thema genannt: Finanzen/Schulden, Sucht"):
        assert said in " ".join(german.stdout.split()), german.stdout
    assert "2025-02-01" not in german.stdout

    assert set(events) <= set(dump(db_path)["audit_event"])  # no event rewritten
    assert run("audit", "verify").exit_code == 0

    migrate(db_path, "0003", down=True)  # and back: the sentences as 0003 wrote them
    (stored,) = query(db_path, "SELECT findings FROM referral")
    assert json.loads(stored[0]) == ENGLISH_FINDINGS


def test_a_client_ticked_no_work_capacity_upgrades_to_assessed_no_and_back(db_path, run):
    """0006: the flag `no_work_capacity` becomes an assessment. Ticked: assessed no, the day not
    known; not ticked: not assessed (the flag defaulted to intact, so nobody assessed it). The
    upgraded client is blocked for RAV and IV and warned of nothing for SD with a social topic;
    the other must be assessed. Going down, no becomes the flag again."""
    def register(name: str) -> str:
        made = run("register", "--name", name, "--birth-date", "1980-01-01", "--from", "SD",
                   "--consent-on", "2026-01-05")
        assert made.exit_code == 0, made.stderr
        return made.stdout.strip()

    ticked, other = register("Alt Anna"), register("Alt Beat")
    migrate(db_path, "0005", down=True)
    assert query(db_path, "SELECT id, no_work_capacity FROM client ORDER BY id") == [(1, 0), (2, 0)]
    query(db_path, "UPDATE client SET no_work_capacity = TRUE WHERE id = 1")

    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0005")
    assert query(db_path, "SELECT id, work_capacity, work_capacity_assessed_on FROM client "
                          "ORDER BY id") == [(1, "no", None), (2, None, None)]
    assert differences(db_path) == []
    shown = json.loads(run("client", "show", ticked, "--format", "json").stdout)
    assert (shown["work_capacity"], shown["work_capacity_assessed_on"]) == ("no", None)
    assert "no_work_capacity" not in shown

    def check(client: str, to: str, topics: str = "placement") -> tuple[int, dict]:
        result = run("check", client, "--to", to, "--from", "RAV" if to == "SD" else "SD",
                     "--topics", topics, "--format", "json")
        found = json.loads(result.stdout)["findings"]
        return result.exit_code, {f["rule"]: (f["result"], f["key"]) for f in found}

    for to in ("RAV", "IV"):
        code, found = check(ticked, to)
        assert code == 1 and found["work-capacity"] == ("block", "work-capacity/1")
        code, found = check(other, to)
        assert found["work-capacity"] == ("warn", "work-capacity/6")
    code, found = check(ticked, "SD", "finances")
    assert code == 0 and found["social-topic"] == ("pass", "social-topic/5")

    migrate(db_path, "0005", down=True)
    assert query(db_path, "SELECT id, no_work_capacity FROM client ORDER BY id") == [(1, 1), (2, 0)]


def test_the_answer_workable_is_a_column_old_referrals_have_not_answered(db_path, run):
    """0007 adds the answer whether a referral's problem is workable in the mandate: a referral
    made before keeps its findings as they were (the warning workable/1) and reads back as not
    answered; one made afterwards keeps its answer. Down to 0006 the column goes, intact else."""
    client, old = _referred(run, "finances")
    (stored,) = query(db_path, "SELECT findings FROM referral")
    assert json.loads(stored[0])[-1]["key"] == "workable/4"  # not answered (no terminal)
    migrate(db_path, "0006", down=True)
    assert "workable" not in {c["name"] for c in _indexes(db_path, "columns")}
    # as optima before issue 16 stored it, which it can read: the warning on every referral
    (stored,) = query(db_path, "SELECT findings FROM referral")
    assert json.loads(stored[0])[-1] == {"rule": "workable-in-period", "kind": "warn",
                                         "result": "warn", "key": "workable/1", "values": {}}

    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0006")
    assert query(db_path, "SELECT workable FROM referral") == [(None,)]
    assert differences(db_path) == []
    shown = json.loads(run("show", old, "--format", "json").stdout)
    assert shown["workable"] is None
    assert shown["findings"][-1]["key"] == "workable/1"
    assert shown["findings"][-1]["message"].startswith("only you can judge")

    new = run("refer", client, "--to", "IV", "--topics", "health", "--months", "6",
              "--workable", "no", "--on", "2025-03-02")
    assert new.exit_code == 0, new.stderr
    assert query(db_path, "SELECT case_id, workable FROM referral ORDER BY id") == [
        (old, None), (new.stdout.strip(), 0)]
    assert run("audit", "verify").exit_code == 0


def test_settings_of_the_steering_group_come_with_0008_and_go_with_it(db_path, run):
    """0008 adds the table of setting changes and each referral's settings version: a referral
    stored before it was judged under the defaults (version 0); down again, both are gone."""
    case = _one_case(run, "finances")
    assert run("settings", "set", "due-days", "30").exit_code == 0
    migrate(db_path, "0007", down=True)
    assert "setting_change" not in dump(db_path)
    assert "settings_version" not in {c["name"] for c in _columns(db_path, "referral")}
    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0007")
    assert query(db_path, "SELECT settings_version FROM referral") == [(0,)]
    shown = json.loads(run("settings", "show", "--format", "json").stdout)
    assert shown["version"] == 0  # the changes went with the table
    assert json.loads(run("show", case, "--format", "json").stdout)["settings_version"] == 0
    assert differences(db_path) == []
    assert run("audit", "verify").exit_code == 0


def _columns(db: Path | str, table: str) -> list[dict]:
    return _inspected(db, lambda found: found.get_columns(table))


def test_the_case_journal_comes_with_0010_and_goes_with_it(db_path, run):
    """0010 adds the table of the case journal (issue 18): down again, it is gone with its
    entries (their events stay in the trail, which still verifies); up again, it is empty."""
    case = _one_case(run, "finances")
    assert run("note", case, "first meeting").exit_code == 0
    migrate(db_path, "0009", down=True)
    assert "journal_entry" not in dump(db_path)
    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0009")
    assert json.loads(run("show", case, "--format", "json").stdout)["journal"] == []
    assert run("note", case, "again").stdout.strip() == "1"
    assert differences(db_path) == []
    assert run("audit", "verify").exit_code == 0


def test_joint_strategies_come_with_0011_and_go_with_it(db_path, run):
    """0011 adds the tables of joint strategies (issue 18): down to 0010 they are gone (with the
    strategy written), up again they are there, empty, and a new strategy can be opened."""
    client, _ = _referred(run, "finances")
    opened = run("joint", "open", client, "--lead", "SD", "--with", "RAV", "--goal", "Budget",
                 "--review-on", "2025-04-01", "--on", "2025-03-05")
    assert opened.exit_code == 0, opened.stderr
    migrate(db_path, "0010", down=True)
    assert not {"joint_strategy", "joint_partner", "joint_review"} & set(dump(db_path))
    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0010")
    assert count(db_path, "joint_strategy") == 0
    assert differences(db_path) == []
    again = run("joint", "open", client, "--lead", "SD", "--with", "RAV", "--goal", "Budget",
                "--review-on", "2025-04-01", "--on", "2025-03-05")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == "GS-2025-0001"


def test_measures_come_with_0014_and_go_with_it(db_path, run):
    """0014 adds the table of measures and their cost (issue 19), with the indexes the report's
    sums use: down to 0013 it is gone with its measures (their events stay in the trail, which
    still verifies); up again it is there, empty, and a measure can be added."""
    case = _one_case(run, "finances")
    assert run("accept", case, "--on", "2025-03-05").exit_code == 0
    added = run("measure", "add", case, "--kind", "coaching", "--cost", "1'200.50", "--on",
                "2025-03-10")
    assert added.exit_code == 0, added.stderr
    migrate(db_path, "0013", down=True)
    assert "measure" not in dump(db_path)
    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0013")
    assert {f"ix_measure_{c}" for c in ("referral_id", "requested_on", "approved_on",
                                        "declined_on")} <= {i["name"] for i in _inspected(
                                            db_path, lambda found: found.get_indexes("measure"))}
    assert count(db_path, "measure") == 0
    assert run("measure", "add", case, "--kind", "course", "--cost", "80").stdout.strip() == "1"
    assert differences(db_path) == []
    assert run("audit", "verify").exit_code == 0


def test_access_control_comes_with_0016_and_goes_with_it(db_path, run):
    """0016 adds the unit's role (institution.access_role) and, on a server, row-level security
    on every table with personal data: down to 0015 the policies, the functions and the column
    are gone and the trail still verifies; up again all of it is back."""
    _one_case(run, "finances")

    def protected() -> set[str]:
        if not is_url(db_path):
            return set()
        return {r[0] for r in query(db_path, "SELECT relname FROM pg_class WHERE relrowsecurity "
                                             "AND relforcerowsecurity")}

    from optima_cli.store.access import PROTECTED

    assert protected() == (set(PROTECTED) if is_url(db_path) else set())
    migrate(db_path, "0015", down=True)
    assert protected() == set()
    assert "access_role" not in {c["name"] for c in _inspected(
        db_path, lambda found: found.get_columns("institution"))}
    if is_url(db_path):
        assert query(db_path, "SELECT count(*) FROM pg_proc WHERE proname ~ '^optima_'") == [(0,)]
    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == newer("0015")
    assert protected() == (set(PROTECTED) if is_url(db_path) else set())
    assert differences(db_path) == []
    assert run("audit", "verify").exit_code == 0


def test_payloads_and_findings_are_packed_by_0018_and_unpacked_going_down(db_path, run):
    """0018 stores the audit payloads and the findings packed (records/packing.py): no hash
    changes, the trail verifies, and every command says what it said; down to 0017 they are the
    plain JSON again, byte for byte."""
    from optima_cli.records.packing import TAG

    case = _one_case(run, "finances")
    assert run("accept", case, "--on", "2025-03-05").exit_code == 0

    def stored() -> tuple[list[tuple], list[tuple]]:
        return (query(db_path, "SELECT id, payload, payload_hash, prev_hash, hash FROM audit_event "
                               "ORDER BY id", raw=True),
                query(db_path, "SELECT id, findings FROM referral ORDER BY id", raw=True))

    def said() -> list[str]:
        return [run(*args).stdout for args in (("list", "--format", "json"), ("report", "--format", "json"),
                                                ("check", "C-0001", "--to", "IV"))]

    events, referrals = stored()
    assert all(p.startswith(TAG) for _, p, *_ in events if p and len(p) > 60)
    assert all(f.startswith(TAG) for _, f in referrals)
    before = said()

    migrate(db_path, "0017", down=True)
    plain_events, plain_referrals = stored()
    assert [e[2:] for e in plain_events] == [e[2:] for e in events]  # not one hash changed
    assert all(p is None or p.startswith("{") for _, p, *_ in plain_events)
    assert all(f.startswith("[{") for _, f in plain_referrals)

    upgraded = run("db", "upgrade", "--format", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert json.loads(upgraded.stdout)["applied"] == ["0018"]
    again_events, again_referrals = stored()
    assert again_referrals == referrals
    assert [e[2:] for e in again_events[:len(events)]] == [e[2:] for e in events]
    assert [e[1] for e in again_events[:len(events)]] == [e[1] for e in events]  # packed alike
    assert said() == before
    assert run("audit", "verify").exit_code == 0
    assert differences(db_path) == []
