"""Trustworthy records: a tamper-evident audit trail, logged reads, lawful anonymization, hostile
input kept literal, and broken environments refused in one line without harm.

Every history is built through the CLI on a real SQLite file; tampering and inspection go
through raw sqlite3 and the raw bytes of the files. Dates are relative to the real today.
"""

from __future__ import annotations

import gc
import hashlib
import json
import random
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import days_ago, query
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from optima_cli.cli import app
from optima_cli.records.packing import pack, unpack

runner = CliRunner()


# --- helpers ----------------------------------------------------------------------------------

def cli(db: Path, *args: str, user: str = "tester", input: str | None = None) -> Result:
    return runner.invoke(app, ["--db", str(db), "--user", user, *args], input=input)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout.strip()


def as_json(result: Result) -> Any:
    return json.loads(ok(result))


def one_line_error(result: Result, code: int) -> str:
    """A refusal: the exit code, one line on stderr starting with 'error:', no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    err = result.stderr
    assert "Traceback" not in result.stdout + err
    assert err.startswith("error:"), err
    assert err.strip().count("\n") == 0, err
    return err


def settle(db: Path) -> None:
    """Let go of the connections of earlier in-process runs and fold the WAL into the file, so
    that a raw copy or raw bytes show the whole database."""
    gc.collect()
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def raw_rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def raw_exec(db: Path, *statements: tuple[str, tuple]) -> None:
    con = sqlite3.connect(db)
    try:
        with con:
            for sql, params in statements:
                con.execute(sql, params)
    finally:
        con.close()


@contextmanager
def isolated(folder: Path) -> Iterator[None]:
    """For module-scoped fixtures, which run before conftest's per-test isolation: the home and
    data folders point into `folder`, so that nothing touches the user's home."""
    home = folder / "home"
    home.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
        mp.delenv("OPTIMA_DB", raising=False)
        mp.delenv("OPTIMA_USER", raising=False)
        mp.setenv("NO_COLOR", "1")
        yield


# --- 1. tamper-evidence -----------------------------------------------------------------------

AUDIT_COLUMNS = ("at", "actor", "action", "entity", "entity_ref", "client_id", "referral_id",
                 "on_date", "source", "payload", "payload_erased", "payload_hash", "prev_hash",
                 "hash")


@pytest.fixture(scope="module")
def chain_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """register, refer, accept, close, show: returns the file and the id of each event by action."""
    folder = tmp_path_factory.mktemp("chain")
    folder.chmod(0o700)
    with isolated(folder):
        return _build_chain(folder / "optima.db")


def _build_chain(db: Path) -> tuple[Path, dict[str, int]]:
    client = ok(cli(db, "register", "--name", "Kette Karl", "--birth-date", "14.06.1971",
                    "--from", "SD", "--ahv", "756.2221.1100.03", "--consent-on", days_ago(120)))
    case = ok(cli(db, "refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                  "--goal", "Stelle finden", "--on", days_ago(60)))
    ok(cli(db, "accept", case, "--on", days_ago(55)))
    ok(cli(db, "close", case, "--outcome", "achieved", "--note", "gut gelaufen", "--on", days_ago(3)))
    ok(cli(db, "show", case))
    settle(db)
    rows = raw_rows(db, "SELECT id, action FROM audit_event ORDER BY id")
    assert [a for _, a in rows] == ["create-database", "register", "refer", "accept", "close", "read"]
    return db, {action: i for i, action in rows}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def forged_hash(row: dict[str, Any]) -> str:
    """The hash of an event as documented (prev_hash and the fields, the payload only by its
    hash), computed independently, as a forger who read the code would."""
    at = datetime.fromisoformat(row["at"])
    at = at if at.tzinfo else at.replace(tzinfo=UTC)  # events are recorded in UTC
    fields = [row["prev_hash"], at.isoformat(), row["actor"], row["action"], row["entity"],
              row["entity_ref"], row["client_id"], row["referral_id"], row["on_date"],
              row["source"], row["payload_hash"]]
    return hashlib.sha256(_canonical(fields).encode("utf-8")).hexdigest()


def audit_row(db: Path, event_id: int) -> dict[str, Any]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return dict(con.execute("SELECT * FROM audit_event WHERE id = ?", (event_id,)).fetchone())
    finally:
        con.close()


def _set_row(con: sqlite3.Connection, event_id: int, values: dict[str, Any]) -> None:
    cols = list(AUDIT_COLUMNS)
    con.execute(f"UPDATE audit_event SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                (*(values[c] for c in cols), event_id))


def tamper_payload(db: Path, ids: dict[str, int]) -> int:
    target = ids["register"]
    payload = unpack(audit_row(db, target)["payload"])  # stored packed: records/packing.py
    assert "Kette Karl" in payload
    raw_exec(db, ("UPDATE audit_event SET payload = ? WHERE id = ?",
                  (pack(payload.replace("Kette Karl", "Kette Kurt")), target)))
    return target


def tamper_action(db: Path, ids: dict[str, int]) -> int:
    target = ids["refer"]
    raw_exec(db, ("UPDATE audit_event SET action = 'reject' WHERE id = ?", (target,)))
    return target


def tamper_actor(db: Path, ids: dict[str, int]) -> int:
    target = ids["close"]
    raw_exec(db, ("UPDATE audit_event SET actor = 'mallory' WHERE id = ?", (target,)))
    return target


def tamper_delete_middle(db: Path, ids: dict[str, int]) -> int:
    raw_exec(db, ("DELETE FROM audit_event WHERE id = ?", (ids["refer"],)))
    return ids["accept"]  # the next event no longer chains to the one before it


def tamper_swap(db: Path, ids: dict[str, int]) -> int:
    a, b = audit_row(db, ids["refer"]), audit_row(db, ids["accept"])
    con = sqlite3.connect(db)
    try:
        with con:
            _set_row(con, a["id"], b)
            _set_row(con, b["id"], a)
    finally:
        con.close()
    return min(a["id"], b["id"])  # the lower id now holds an event chained to another one


def _shift_from(con: sqlite3.Connection, first: int) -> None:
    con.execute("UPDATE audit_event SET id = id + 100000 WHERE id >= ?", (first,))
    con.execute("UPDATE audit_event SET id = id - 99999 WHERE id >= 100000")


def tamper_insert_forged(db: Path, ids: dict[str, int]) -> int:
    """A forger who knows the hash rule: the forged event itself chains correctly to the one
    before it, so the event after it is the first that no longer verifies."""
    before, gap = audit_row(db, ids["refer"]), ids["accept"]
    forged = dict(before)
    forged.update(actor="mallory", action="withdraw", payload=None,
                  payload_hash=hashlib.sha256(b"").hexdigest(), prev_hash=before["hash"])
    forged["hash"] = forged_hash(forged)
    con = sqlite3.connect(db)
    try:
        with con:
            _shift_from(con, gap)
            con.execute(f"INSERT INTO audit_event (id, {', '.join(AUDIT_COLUMNS)}) "
                        f"VALUES (?, {', '.join('?' for _ in AUDIT_COLUMNS)})",
                        (gap, *(forged[c] for c in AUDIT_COLUMNS)))
    finally:
        con.close()
    return gap + 1  # the shifted 'accept' event


def tamper_insert_crude(db: Path, ids: dict[str, int]) -> int:
    """A forged row with a made-up hash, in a gap made by shifting the later ids."""
    before, gap = audit_row(db, ids["refer"]), ids["accept"]
    forged = dict(before)
    forged.update(actor="mallory", action="withdraw", hash="f" * 64)
    con = sqlite3.connect(db)
    try:
        with con:
            _shift_from(con, gap)
            con.execute(f"INSERT INTO audit_event (id, {', '.join(AUDIT_COLUMNS)}) "
                        f"VALUES (?, {', '.join('?' for _ in AUDIT_COLUMNS)})",
                        (gap, *(forged[c] for c in AUDIT_COLUMNS)))
    finally:
        con.close()
    return gap


def tamper_delete_last(db: Path, ids: dict[str, int]) -> int:
    last = max(ids.values())
    raw_exec(db, ("DELETE FROM audit_event WHERE id = ?", (last,)))
    return last  # recorded last, now missing


TAMPERS: dict[str, Callable[[Path, dict[str, int]], int]] = {
    "payload-value": tamper_payload,
    "action": tamper_action,
    "actor": tamper_actor,
    "delete-middle": tamper_delete_middle,
    "swap-two-rows": tamper_swap,
    "insert-forged-chained": tamper_insert_forged,
    "insert-forged-crude": tamper_insert_crude,
    "delete-last": tamper_delete_last,
}


def test_forger_hash_rule_matches_the_untouched_chain(chain_template):
    """Sanity for the forged insert: the independent hash rule reproduces every stored hash."""
    db, ids = chain_template
    for event_id in sorted(ids.values()):
        row = audit_row(db, event_id)
        assert forged_hash(row) == row["hash"], event_id


def test_untouched_database_verifies(chain_template, tmp_path):
    db = tmp_path / "optima.db"
    shutil.copy(chain_template[0], db)
    out = ok(cli(db, "audit", "verify"))
    assert out.startswith("ok")
    verdict = as_json(cli(db, "audit", "verify", "--format", "json"))
    assert set(verdict) >= {"ok", "events", "head", "event", "problem"}
    assert verdict["ok"] is True
    assert verdict["events"] == len(chain_template[1])
    last = audit_row(db, max(chain_template[1].values()))
    assert verdict["head"] == last["hash"]
    assert verdict["event"] is None
    ok(cli(db, "doctor"))


@pytest.mark.parametrize("tamper", list(TAMPERS), ids=list(TAMPERS))
def test_tampering_is_detected_and_named(chain_template, tmp_path, tamper):
    db = tmp_path / "optima.db"
    shutil.copy(chain_template[0], db)
    expected = TAMPERS[tamper](db, chain_template[1])

    result = cli(db, "audit", "verify")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    named = re.search(r"event #?(\d+)", result.stdout + result.stderr)
    assert named and int(named.group(1)) == expected, (expected, result.stdout, result.stderr)

    result = cli(db, "audit", "verify", "--format", "json")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    verdict = json.loads(result.stdout)
    assert set(verdict) >= {"ok", "events", "head", "event", "problem"}
    assert verdict["ok"] is False
    assert verdict["event"] == expected
    assert verdict["problem"]

    result = cli(db, "doctor", "--format", "json")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    report = json.loads(result.stdout)
    assert report["ok"] is False
    failed = {c["check"] for c in report["checks"] if not c["ok"]}
    assert failed == {"audit trail"}, report["checks"]
    assert cli(db, "doctor").exit_code == 1


# --- 2. reads are logged ----------------------------------------------------------------------

def events(db: Path) -> list[dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(
            "SELECT id, actor, action, entity, entity_ref, client_id, referral_id FROM audit_event "
            "ORDER BY id")]
    finally:
        con.close()


def test_reads_and_personal_exports_are_logged(tmp_path):
    db = tmp_path / "optima.db"
    name = "Leserin Lisbeth"
    client = ok(cli(db, "register", "--name", name, "--birth-date", "03.09.1966", "--from", "SD",
                    "--consent-on", days_ago(90)))
    case = ok(cli(db, "refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                  "--on", days_ago(30)))

    before = events(db)
    ok(cli(db, "show", case))
    new = events(db)[len(before):]
    assert [(e["action"], e["entity_ref"], e["actor"]) for e in new] == [("read", case, "tester")]

    before = events(db)
    as_json(cli(db, "show", case, "--format", "json"))
    assert [e["action"] for e in events(db)[len(before):]] == ["read"]

    before = events(db)
    ok(cli(db, "client", "show", client, user="reader"))
    new = events(db)[len(before):]
    assert [(e["action"], e["entity_ref"], e["actor"]) for e in new] == [("read", client, "reader")]

    before = events(db)
    ok(cli(db, "list", "--status", "all"))
    ok(cli(db, "report", "--format", "json"))
    ok(cli(db, "report", "--xlsx", str(tmp_path / "plain.xlsx")))
    assert events(db) == before, "reads without personal data are not logged"

    target = tmp_path / "personal.xlsx"
    ok(cli(db, "report", "--xlsx", str(target), "--with-personal-data"))
    new = events(db)[len(before):]
    assert [(e["action"], e["actor"]) for e in new] == [("export-personal-data", "tester")]
    assert target.exists()


@pytest.fixture
def trail(tmp_path) -> dict[str, Any]:
    """Two users, two clients, two cases; `done` lists (user, action, ref, client, case) in order."""
    db = tmp_path / "optima.db"
    done: list[tuple[str, str, str, str | None, str | None]] = []
    names = ["Annalise Spurlos", "Bartholomé Geheim"]
    c1 = ok(cli(db, "register", "--name", names[0], "--birth-date", "11.11.1977", "--from", "SD",
                "--consent-on", days_ago(90)))
    done += [("optima", "create-database", db.name, None, None), ("tester", "register", c1, c1, None)]
    c2 = ok(cli(db, "register", "--name", names[1], "--birth-date", "12.12.1982", "--from", "RAV",
                "--consent-on", days_ago(90), user="other"))
    done.append(("other", "register", c2, c2, None))
    k1 = ok(cli(db, "refer", c1, "--to", "RAV", "--topics", "placement", "--months", "3",
                "--on", days_ago(40)))
    done.append(("tester", "refer", k1, c1, k1))
    k2 = ok(cli(db, "refer", c2, "--to", "SD", "--topics", "finances", "--months", "6",
                "--on", days_ago(35), user="other"))
    done.append(("other", "refer", k2, c2, k2))
    ok(cli(db, "accept", k1, "--on", days_ago(30), user="other"))
    done.append(("other", "accept", k1, c1, k1))
    ok(cli(db, "show", k2))
    done.append(("tester", "read", k2, c2, k2))
    ok(cli(db, "client", "show", c1, user="other"))
    done.append(("other", "read", c1, c1, None))
    ok(cli(db, "show", k1, user="other"))
    done.append(("other", "read", k1, c1, k1))
    ok(cli(db, "reject", k2, "--reason", "too-severe", "--on", days_ago(20)))
    done.append(("tester", "reject", k2, c2, k2))
    return {"db": db, "done": done, "names": names, "clients": (c1, c2), "cases": (k1, k2)}


def listed(db: Path, *args: str) -> list[tuple[str, str, str]]:
    rows = as_json(cli(db, "audit", "list", *args, "--format", "json"))
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    return [(r["user"], r["action"], r["ref"]) for r in rows]


def test_audit_list_filters(trail):
    db, done = trail["db"], trail["done"]
    (c1, c2), (k1, k2) = trail["clients"], trail["cases"]
    triple = lambda d: (d[0], d[1], d[2])  # noqa: E731

    assert listed(db) == [triple(d) for d in done]
    for case in (k1, k2):
        assert listed(db, "--case", case) == [triple(d) for d in done if d[4] == case]
    for client in (c1, c2):
        assert listed(db, "--client", client) == [triple(d) for d in done if d[3] == client]
    for user in ("tester", "other", "optima"):
        assert listed(db, "--user", user) == [triple(d) for d in done if d[0] == user]
    assert listed(db, "--user", "nobody") == []
    assert listed(db, "--case", k1, "--user", "other") == [
        triple(d) for d in done if d[4] == k1 and d[0] == "other"]
    for n in (1, 3, len(done)):
        assert listed(db, "--limit", str(n)) == [triple(d) for d in done][-n:]
    assert listed(db, "--client", c2, "--limit", "2") == [triple(d) for d in done if d[3] == c2][-2:]


def test_audit_list_since(trail):
    """--since compares with the moment an event was recorded. The events are all recorded today,
    so the first four are moved to noon UTC twelve days ago (audit list reads, it does not verify)."""
    db, done = trail["db"], trail["done"]
    triple = [(d[0], d[1], d[2]) for d in done]
    settle(db)
    old = (datetime.now(UTC) - timedelta(days=12)).replace(hour=12, minute=0, second=0,
                                                            microsecond=0)
    raw_exec(db, ("UPDATE audit_event SET at = ? WHERE id <= 4",
                  (old.strftime("%Y-%m-%d %H:%M:%S.%f"),)))
    assert listed(db, "--since", days_ago(14)) == triple
    assert listed(db, "--since", days_ago(5)) == triple[4:]
    assert listed(db, "--since", date.today().isoformat()) == triple[4:]
    assert listed(db, "--since", (date.today() + timedelta(days=2)).isoformat()) == []


def test_audit_list_shows_no_client_name(trail):
    db = trail["db"]
    outputs = [ok(cli(db, "audit", "list", *args, "--format", fmt))
               for fmt in ("table", "json", "csv")
               for args in ((), ("--client", trail["clients"][0]), ("--case", trail["cases"][1]))]
    assert all(outputs)
    for text in outputs:
        for name in trail["names"]:
            assert name not in text
            for part in name.split():
                assert part not in text


# --- 3. retention -----------------------------------------------------------------------------

CUTOFF_DAYS = 60  # anonymize --closed-before days_ago(60)

PEOPLE = {
    # key: name, birth date (typed), AHV, municipality, external ref, registered at
    "A": ("Anonyma Zieltreu", "29.03.1937", "756.9370.3291.19", "Quellhausen", "EXT-ANON-A1", "SD"),
    "B": ("Bertolda Vergissmein", "17.08.1941", "756.5554.4433.36", "Nebelberg", "EXT-ANON-B2", "RAV"),
    "E": ("Emerentia Rückzug", "05.01.1939", "756.8887.7766.69", "Schattwil", "EXT-ANON-E5", "RAV"),
    "C": ("Carla Offenbleib", "21.07.1958", "756.1212.1212.19", "Hellmatt", "EXT-KEEP-C3", "SD"),
    "D": ("Dora Spätende", "09.10.1962", "756.3434.3434.31", "Lichtdorf", "EXT-KEEP-D4", "SD"),
    "F": ("Fridolin Ohnefall", "02.02.1990", None, "Neudorf", "EXT-KEEP-F6", "SD"),
}
DUE = ("A", "B", "E")  # every referral ended before the cutoff
NOT_DUE = ("C", "D", "F")  # C: one still open; D: ended after the cutoff; F: none, registered today
NOTES = {
    "A": ["Override-A Rueckenleiden", "Close-A Schuldenberg", "Reject-A Suchtproblem"],
    "B": ["Suspension-B Lebenskrise", "Close-B Scheidungsfolgen"],
    "E": ["Withdraw-E Umzugsgruende"],
    "C": ["Close-C Bleibtstehen"],
    "D": ["Close-D Bleibtstehen"],
}


def iso(typed: str) -> str:
    d, m, y = typed.split(".")
    return f"{y}-{m}-{d}"


@pytest.fixture
def retention(tmp_path) -> dict[str, Any]:
    db = tmp_path / "optima.db"
    ids: dict[str, str] = {}
    cases: dict[str, list[str]] = {k: [] for k in PEOPLE}
    for key, (name, born, ahv, municipality, ext, at) in PEOPLE.items():
        args = ["register", "--name", name, "--birth-date", born, "--from", at,
                "--municipality", municipality, "--external-ref", ext, "--consent-on", days_ago(400)]
        if ahv:
            args += ["--ahv", ahv]
        if key == "A":
            args += ["--iv-rejected-on", days_ago(300)]
        ids[key] = ok(cli(db, *args))

    def refer(key: str, to: str, topics: str, on: int, *extra: str) -> str:
        case = ok(cli(db, "refer", ids[key], "--to", to, "--topics", topics, "--months", "3",
                      "--goal", f"Ziel {key}{len(cases[key])}", "--on", days_ago(on), *extra))
        cases[key].append(case)
        return case

    # A: to IV against the 12-month rule (justified), closed; then to RAV, rejected
    a1 = refer("A", "IV", "health", 250, "--override", NOTES["A"][0])
    ok(cli(db, "accept", a1, "--on", days_ago(245)))
    ok(cli(db, "close", a1, "--outcome", "partly", "--note", NOTES["A"][1], "--on", days_ago(200)))
    a2 = refer("A", "RAV", "placement", 150)
    ok(cli(db, "reject", a2, "--reason", "other", "--note", NOTES["A"][2], "--on", days_ago(140)))
    # B: RAV to SD with a job-search suspension, closed
    b1 = refer("B", "SD", "finances", 300)
    ok(cli(db, "accept", b1, "--on", days_ago(290)))
    ok(cli(db, "suspend-search", b1, "--from", days_ago(280), "--until", days_ago(230),
           "--note", NOTES["B"][0]))
    ok(cli(db, "close", b1, "--outcome", "achieved", "--employed", "--note", NOTES["B"][1],
           "--on", days_ago(100)))
    # E: withdrawn
    e1 = refer("E", "SD", "conflict", 120)
    ok(cli(db, "withdraw", e1, "--reason", "other", "--note", NOTES["E"][0], "--on", days_ago(90)))
    # C: one closed long ago, one still open
    c1 = refer("C", "RAV", "placement", 260)
    ok(cli(db, "accept", c1, "--on", days_ago(255)))
    ok(cli(db, "close", c1, "--outcome", "achieved", "--note", NOTES["C"][0], "--on", days_ago(200)))
    c2 = refer("C", "IV", "health", 100)
    ok(cli(db, "accept", c2, "--on", days_ago(95)))
    # D: closed after the cutoff
    d1 = refer("D", "RAV", "placement", 150)
    ok(cli(db, "accept", d1, "--on", days_ago(140)))
    ok(cli(db, "close", d1, "--outcome", "not-achieved", "--cause", "no-cooperation",
           "--note", NOTES["D"][0], "--on", days_ago(10)))
    return {"db": db, "ids": ids, "cases": cases, "cutoff": days_ago(CUTOFF_DAYS)}


def stored_needles(key: str) -> list[bytes]:
    """The personal values as the database holds them (ISO dates, formatted AHV numbers)."""
    name, born, ahv, municipality, ext, _ = PEOPLE[key]
    texts = [name, iso(born), municipality, ext, *NOTES.get(key, [])] + ([ahv] if ahv else [])
    return [t.encode("utf-8") for t in texts]


def personal_needles(key: str) -> list[bytes]:
    """Every form in which a personal value could linger: as stored, as typed, in parts."""
    name, born, ahv, _, _, _ = PEOPLE[key]
    extra = [*name.split(), born, iso(born).replace("-", "")] + (
        [ahv.replace(".", "")] if ahv else [])
    return stored_needles(key) + [t.encode("utf-8") for t in extra]


def file_bytes(db: Path) -> bytes:
    wal = Path(f"{db}-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def month_of(days: int) -> str:
    return days_ago(days)[:7]


def reports(db: Path) -> list[Any]:
    return [as_json(cli(db, "report", *args, "--format", "json")) for args in (
        (), ("--by", "institution"), ("--month", month_of(200)), ("--month", month_of(100)),
        ("--year", days_ago(250)[:4]))]


@pytest.mark.both_backends
def test_anonymize_dry_run_and_confirmation_change_nothing(retention, snapshot):
    db, ids = retention["db"], retention["ids"]
    expected = sorted(ids[k] for k in DUE)
    before = snapshot()
    preview = as_json(cli(db, "anonymize", "--closed-before", retention["cutoff"], "--dry-run",
                          "--format", "json"))
    assert preview["clients"] == len(DUE)
    assert sorted(preview["ids"]) == expected
    assert snapshot() == before

    one_line_error(cli(db, "anonymize", "--closed-before", retention["cutoff"]), 2)
    assert snapshot() == before
    refused = cli(db, "anonymize", "--closed-before", retention["cutoff"], input="y\n")
    assert refused.exit_code == 2  # stdin is not a terminal: no question, a refusal
    assert snapshot() == before


def test_anonymize_removes_exactly_the_due_clients_personal_data(retention):
    db, ids, cases = retention["db"], retention["ids"], retention["cases"]
    figures_before = reports(db)
    kept_before = {k: as_json(cli(db, "client", "show", ids[k], "--format", "json")) for k in NOT_DUE}
    kept_cases_before = {c: as_json(cli(db, "show", c, "--format", "json"))
                         for k in NOT_DUE for c in cases[k]}
    settle(db)
    raw = file_bytes(db)
    missing = [n for k in DUE for n in stored_needles(k) if n not in raw]
    assert not missing, f"the values to look for are in the file before: {missing}"

    done = as_json(cli(db, "anonymize", "--closed-before", retention["cutoff"], "--yes",
                       "--format", "json"))
    assert sorted(done["ids"]) == sorted(ids[k] for k in DUE)
    assert done["clients"] == len(DUE)

    # nothing of them left anywhere in the file or its WAL: as the command leaves them (it
    # compacts the file itself), and once every connection is closed
    for moment in ("right after", "after closing"):
        raw = file_bytes(db)
        for key in DUE:
            for needle in personal_needles(key):
                assert needle not in raw, (moment, key, needle)
        gc.collect()

    # the columns: personal fields cleared, free text gone
    for key in DUE:
        (name, born, ahv, municipality, ext), = raw_rows(
            db, "SELECT name, birth_date, ahv, municipality, external_ref FROM client WHERE id = ?",
            (int(ids[key].split("-")[1]),))
        assert PEOPLE[key][0] != name and born is None and ahv is None
        assert municipality is None and ext is None
        for case in cases[key]:
            (reason_note, close_note, override, rid), = raw_rows(
                db, "SELECT reason_note, close_note, override, id FROM referral WHERE case_id = ?",
                (case,))
            assert reason_note is None and close_note is None
            assert override is None or override not in NOTES[key]
            assert all(n is None for (n,) in raw_rows(
                db, "SELECT note FROM suspension WHERE referral_id = ?", (rid,)))

    # every figure the same
    assert reports(db) == figures_before
    verdict = as_json(cli(db, "audit", "verify", "--format", "json"))
    assert verdict["ok"] is True

    # the others keep everything
    for key in NOT_DUE:
        shown = as_json(cli(db, "client", "show", ids[key], "--format", "json"))
        assert shown == kept_before[key]
        name, born, ahv, municipality, ext, _ = PEOPLE[key]
        assert (shown["name"], shown["birth_date"], shown["ahv"]) == (name, iso(born), ahv)
        for case in cases[key]:
            detail = as_json(cli(db, "show", case, "--format", "json"))
            assert {k: v for k, v in detail.items() if k != "history"} == {
                k: v for k, v in kept_cases_before[case].items() if k != "history"}
    assert raw_rows(db, "SELECT close_note FROM referral WHERE case_id = ?",
                    (cases["D"][0],)) == [(NOTES["D"][0],)]


@pytest.mark.both_backends
def test_anonymized_client_cannot_be_referred_or_updated(retention, snapshot):
    db, ids = retention["db"], retention["ids"]
    ok(cli(db, "anonymize", "--closed-before", retention["cutoff"], "--yes"))
    before = snapshot()
    for key in DUE:  # refused for being anonymized, not for some access rule
        for args in (("refer", ids[key], "--to", "IV" if key != "A" else "RAV",
                      "--topics", "placement,health", "--months", "3"),
                     ("client", "update", ids[key], "--municipality", "Neuwil"),
                     ("client", "update", ids[key], "--name", PEOPLE[key][0])):
            assert "anonymized" in one_line_error(cli(db, *args), 1)
            assert snapshot() == before
    # a client not due can still be changed
    ok(cli(db, "client", "update", ids["F"], "--municipality", "Neuwil"))


# --- 4. hostile and odd input -----------------------------------------------------------------

# as long as a name may be (rules.text.NAME_MAX; longer names and texts are refused, issue 14)
LONG = ("Müller-Lüdenscheidt " * 10)[:199] + "Z"
HOSTILE = {
    "rich-markup": "[red]x[/red]",
    "rich-link": "[link=http://x]y[/link]",
    "ansi-escape": "\x1b[31mred\x1b[0m",
    "long-200": LONG,
    "quotes": "O'Brien \"Bob\"",
    "greek": "Ζωή Παπαδοπούλου",
    "japanese": "山田 太郎",
    "arabic": "فاطمة",
    "bidi-override": "abc\u202edcba\u202c!",  # "Trojan source": reorders what follows on screen
}
SHORT_LITERAL = {k: v for k, v in HOSTILE.items()
                 if k not in ("long-200", "ansi-escape", "bidi-override")}
assert len(LONG) == 200


def on_terminal(value: str) -> str:
    """How a terminal shows a value (render.inert.visible): control and direction-changing
    characters as their escape code."""
    for ch in ("\x1b", "\u202e", "\u202c"):
        value = value.replace(ch, ch.encode("unicode_escape").decode("ascii"))
    return value


def in_workbook(value: str) -> str:
    """How the workbook stores a value (render.workbook): control characters, which XML cannot
    hold, as their escape code; everything else exactly."""
    return value.replace("\x1b", "\\x1b")


@pytest.fixture(scope="module", params=list(HOSTILE), ids=list(HOSTILE))
def hostile(request, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One client and one closed case per value, with the value as name, goal and closing note
    (built once per value; the tests only read, and reads add only audit events)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    with isolated(tmp_path):
        return _build_hostile(request.param, tmp_path)


def _build_hostile(key: str, tmp_path: Path) -> dict[str, Any]:
    value = HOSTILE[key]
    db = tmp_path / "optima.db"
    client = ok(cli(db, "register", "--name", value, "--birth-date", "01.05.1985", "--from", "SD",
                    "--consent-on", days_ago(60)))
    case = ok(cli(db, "refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                  "--goal", value, "--on", days_ago(30)))
    ok(cli(db, "accept", case, "--on", days_ago(25)))
    ok(cli(db, "close", case, "--outcome", "achieved", "--note", value, "--on", days_ago(5)))
    return {"key": key, "value": value, "db": db, "client": client, "case": case,
            "tmp": tmp_path}


def test_hostile_input_is_stored_exactly(hostile):
    db, value = hostile["db"], hostile["value"]
    assert raw_rows(db, "SELECT name FROM client") == [(value,)]
    assert raw_rows(db, "SELECT goal, close_note FROM referral") == [(value, value)]
    shown = as_json(cli(db, "client", "show", hostile["client"], "--format", "json"))
    assert shown["name"] == value
    detail = as_json(cli(db, "show", hostile["case"], "--format", "json"))
    assert (detail["client_name"], detail["goal"], detail["close_note"]) == (value, value, value)
    listed_ = as_json(cli(db, "list", "--status", "all", "--format", "json", "--with-personal-data"))
    assert [r["goal"] for r in listed_] == [value]
    assert [r["close_note"] for r in listed_] == [value]  # notes only with personal data (issue 14)


def test_hostile_input_is_shown_literally_and_never_acts_on_the_terminal(hostile):
    db, value, key = hostile["db"], hostile["value"], hostile["key"]
    outputs = {
        "show": ok(cli(db, "show", hostile["case"])),
        "client show": ok(cli(db, "client", "show", hostile["client"])),
        "list": ok(cli(db, "list", "--status", "all")),
        "report": ok(cli(db, "report")),
        "examples": ok(cli(db, "examples")),
    }
    for command, text in outputs.items():
        assert "\x1b" not in text, command
        assert "\u202e" not in text and "\u202c" not in text, command
    if key in SHORT_LITERAL:
        assert value in outputs["show"]
        assert value in outputs["client show"]
    if key == "ansi-escape":
        assert on_terminal(value) == "\\x1b[31mred\\x1b[0m"
        assert on_terminal(value) in outputs["show"]
        assert on_terminal(value) in outputs["client show"]
    if key == "bidi-override":
        assert on_terminal(value) in outputs["show"]
        assert on_terminal(value) in outputs["client show"]
    if key == "long-200":  # folded over lines by the table, but every character is there
        squeezed = re.sub(r"[\s│┃]", "", outputs["show"])
        assert value.replace(" ", "") in squeezed

    for args in (("show", value), ("client", "show", value), ("refer", value, "--to", "IV",
                                                               "--topics", "health", "--months", "3")):
        err = one_line_error(cli(db, *args), 1)
        assert "\x1b" not in err
        assert "\u202e" not in err
        if key == "ansi-escape":
            assert "\\x1b[31m" in err
        if key in ("rich-markup", "rich-link"):
            assert value in err


def test_hostile_input_round_trips_through_the_workbook(hostile):
    db, value = hostile["db"], hostile["value"]
    target = hostile["tmp"] / "cases.xlsx"
    ok(cli(db, "report", "--xlsx", str(target), "--with-personal-data"))
    sheet = load_workbook(target, read_only=True)["Cases"]
    rows = list(sheet.iter_rows(values_only=True))
    header, (row,) = rows[0], rows[1:]
    record = dict(zip(header, row))
    # the workbook documents: control characters cannot be stored, they are written as codes
    expected = in_workbook(value)
    assert record["case"] == hostile["case"]
    assert record["client_name"] == expected
    assert record["goal"] == expected
    assert record["close_note"] == expected


@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "blank"])
def test_empty_values_where_required_are_refused(run, db_path, snapshot, name):
    client = ok(run("register", "--name", "Leer Lea", "--birth-date", "1.1.1990", "--from", "SD",
                    "--consent-on", days_ago(30)))
    before = snapshot()
    one_line_error(run("register", "--name", name, "--birth-date", "1.1.1991", "--from", "SD"), 2)
    assert snapshot() == before
    one_line_error(run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                       "--override", name), 2)
    assert snapshot() == before
    one_line_error(run("institution", "add", "SD-LEER", "--kind", "SD", "--name", name), 2)
    assert snapshot() == before


# --- 5. broken environments -------------------------------------------------------------------

def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(20261123).randbytes(16384))


def _foreign_sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO things (name) VALUES ('a thing of another program')")
    con.close()


def _newer_optima(path: Path) -> None:
    ok(cli(path, "institution", "list"))
    settle(path)
    raw_exec(path, ("UPDATE alembic_version SET version_num = '0099'", ()),
             ("UPDATE meta SET value = '99' WHERE key = 'schema_version'", ()))
    settle(path)


BROKEN_FILES = {"random-bytes": _random_bytes, "foreign-sqlite": _foreign_sqlite,
                "newer-optima": _newer_optima}
COMMANDS = [("list",), ("audit", "verify"), ("doctor",),
            ("register", "--name", "Neu Nina", "--birth-date", "1.1.1990", "--from", "SD")]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] if c[0] != "audit" else "audit-verify"
                                                   for c in COMMANDS])
@pytest.mark.parametrize("kind", list(BROKEN_FILES))
def test_broken_database_file_is_refused_unchanged(tmp_path, kind, command):
    path = tmp_path / "data.db"
    BROKEN_FILES[kind](path)
    gc.collect()
    before, files = path.read_bytes(), sorted(p.name for p in tmp_path.iterdir())
    err = one_line_error(cli(path, *command), 1)
    assert str(path) in err or path.name in err
    gc.collect()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no journal or WAL left behind


@pytest.mark.parametrize("command", COMMANDS[:2], ids=["list", "audit-verify"])
def test_db_in_a_missing_folder_is_refused(tmp_path, command):
    path = tmp_path / "missing" / "deeper" / "optima.db"
    one_line_error(cli(path, *command), 1)
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("command", COMMANDS[:2], ids=["list", "audit-verify"])
def test_db_that_is_a_folder_is_refused(tmp_path, command):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("keep me")
    one_line_error(cli(folder, *command), 1)
    assert sorted(p.name for p in folder.iterdir()) == ["inside.txt"]
    assert (folder / "inside.txt").read_text() == "keep me"



@pytest.mark.both_backends
def test_erasing_values_of_a_client_never_anonymized_is_detected(run, db_path):
    """Only anonymization may erase recorded values: faking it by hand is caught."""
    client = run("register", "--name", "Echt Person", "--birth-date", "1970-01-01", "--from", "SD",
                 "--consent-on", days_ago(30)).stdout.strip()
    assert run("audit", "verify").exit_code == 0
    event_id = query(db_path, "SELECT id FROM audit_event WHERE action = 'register'")[0][0]
    query(db_path, "UPDATE audit_event SET payload = NULL, payload_erased = TRUE WHERE id = ?", event_id)
    result = run("audit", "verify", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["event"] == event_id
    assert client.startswith("C-")


def test_doctor_finds_events_dated_after_today(tmp_path):
    """Every command refuses a date in the future, and lists as of today rely on it; an event
    dated later (a writer whose clock ran ahead) is named by doctor."""
    from optima_cli.workflow.cases import accept
    from optima_cli.workflow.context import Context

    db = tmp_path / "optima.db"
    client = ok(cli(db, "register", "--name", "Vor Ana", "--birth-date", "1980-01-01", "--from", "SD",
                    "--consent-on", "2026-01-05")).strip()
    case = ok(cli(db, "refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                  "--on", "2026-01-06")).strip()
    checks = {c["check"]: c for c in as_json(cli(db, "doctor", "--format", "json"))["checks"]}
    assert checks["dates"]["ok"] is True
    ahead = Context(db_path=str(db), user="clock-ahead", today=date.today() + timedelta(days=1))
    accept(ahead, case, on=ahead.today)
    result = cli(db, "doctor", "--format", "json")
    assert result.exit_code == 1
    failed = {c["check"]: c for c in json.loads(result.stdout)["checks"] if not c["ok"]}
    assert set(failed) == {"dates"} and "1 case has events dated after today" in failed["dates"]["detail"]


@pytest.fixture
def swiss_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local time zone of the people who use optima (UTC+1 or +2), not the CI machine's UTC."""
    import time

    monkeypatch.setenv("TZ", "Europe/Zurich")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_trail_written_in_swiss_local_time_verifies(swiss_clock, tmp_path):
    """Events are stored in UTC and hashed as stored: a database made on a machine in Lucerne
    verifies (it did not, from its first event, when the local offset was hashed)."""
    assert datetime.now().astimezone().utcoffset() != timedelta(0)
    db = tmp_path / "optima.db"
    ok(cli(db, "register", "--name", "Zeit Zora", "--birth-date", "1980-01-01", "--from", "SD",
           "--consent-on", "2026-01-05"))
    assert as_json(cli(db, "audit", "verify", "--format", "json"))["ok"] is True
