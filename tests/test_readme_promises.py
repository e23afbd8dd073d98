"""README promises that held but that no test checked (issue 14: "README's promises re-read and
each one either tested or corrected"). Each test quotes, in its docstring, the README sentence it
holds optima to.

Most tests start from one populated database, built once for the module: the demo of the pilot
(`optima demo --db`, run in German so that its output serves the German test too), plus 55
referrals waiting too long for a decision (so that `list` and `due` have more than a table's 50
rows) and one case closed with a note. Database tests copy it into `db_path` and so run on SQLite
and on PostgreSQL; wording, file and terminal tests run on SQLite alone. Terminal behaviour is seen
through a real pseudo-terminal, as in tests/test_progress.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import copy_db, count, days_ago, dump, is_url, query
from dateutil.relativedelta import relativedelta
from test_cli_german import english_in
from test_docs import _cli_docs
from test_progress import RUN
from typer.testing import CliRunner, Result

from optima_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TEMPLATE = ROOT / "sample_data" / "import-template.csv"
WAITING = 55  # referrals waiting too long for a decision, added to the demo's 52
CLOSE_NOTE = "Abschlussnotiz: neue Stelle ab Januar"


def cli(db: Path | str, *args: str, env: dict[str, str] | None = None, user: str | None = "tester",
        input: str | None = None) -> Result:
    front = ["--db", str(db)] + (["--user", user] if user else [])
    return CliRunner(env=env).invoke(app, [*front, *args], input=input)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.stdout[-500:])
    return result.stdout


def rows_of_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def waiting_csv(path: Path) -> Path:
    """WAITING clients of the social services, each referred to the RAV 20 to 74 days ago and not
    yet decided: every one a `decision-late` warning; and one accepted case whose mandate ends
    in 5 days (`due-soon`)."""
    accepted = date.today() + timedelta(days=5) - relativedelta(months=3)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "birth_date", "consent_on", "referrer", "receiver", "topics",
                         "months", "referred_on", "decision", "decided_on"])
        for i in range(WAITING):
            writer.writerow([f"Wartend {i:02d}", date(1960 + i, 1 + i % 12, 1 + i % 28).isoformat(),
                             days_ago(200), "SD", "RAV", "placement", "3", days_ago(20 + i), "", ""])
        writer.writerow(["Bald Faellig", "1959-09-09", days_ago(200), "SD", "RAV", "placement", "3",
                         (accepted - timedelta(days=2)).isoformat(), "accepted", accepted.isoformat()])
    return path


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The populated SQLite database (see the module's docstring) and what `demo` printed."""
    folder = tmp_path_factory.mktemp("promises")
    db = folder / "populated.db"
    demo = CliRunner(env={"OPTIMA_LANG": "de"}).invoke(app, ["demo", "--db", str(db)])
    assert demo.exit_code == 0, demo.stderr
    ok(cli(db, "import", str(waiting_csv(folder / "waiting.csv"))))
    waiting = {c["referred_on"]: c["case"]
               for c in json.loads(ok(cli(db, "list", "--status", "referred", "--format", "json")))}
    closed = waiting[days_ago(20)]
    ok(cli(db, "accept", closed, "--on", days_ago(15)))
    ok(cli(db, "close", closed, "--outcome", "achieved", "--employed", "--note", CLOSE_NOTE,
           "--on", days_ago(2)))
    ok(cli(db, "accept", waiting[days_ago(21)], "--on", days_ago(1)))  # open, neither overdue nor soon
    return db, demo.stdout + demo.stderr


@pytest.fixture
def db(populated, db_path) -> Path | str:
    """The populated database copied into the test's database (a file, or a PostgreSQL one)."""
    return _private(copy_db(populated[0], db_path))


def _private(db: Path | str) -> Path | str:
    """A copied SQLite file made private again, as optima makes its files (doctor checks it)."""
    if not is_url(db):
        os.chmod(db, 0o600)
    return db


def _listed_cases(text: str) -> list[str]:
    """The case of each row of a table (the first case id on a line; `due` repeats it)."""
    found = (re.search(r"OPT-\d{4}-\d{4}", line) for line in text.splitlines())
    return [m.group() for m in found if m]


# --- B1: views and formats --------------------------------------------------------------------

def test_check_lists_every_rule_with_result_kind_and_why_and_exits_1_when_blocked(db, snapshot):
    """README: "`optima check` shows every rule with pass, warn or block and why"; command table:
    "`check CLIENT --to INST ...` | the access criteria; writes nothing; exit 1 if blocked"."""
    client = ok(cli(db, "register", "--name", "Ohne Einwilligung", "--birth-date", "01.01.1990",
                    "--from", "SD")).strip()
    before = snapshot()
    findings = json.loads(cli(db, "check", client, "--to", "IV", "--topics", "health",
                              "--format", "json").stdout)["findings"]
    assert {f["result"] for f in findings} == {"pass", "warn", "block"}
    table = cli(db, "check", client, "--to", "IV", "--topics", "health")
    assert table.exit_code == 1, table.stderr
    # a row per rule (a long sentence wraps onto lines with an empty first cell)
    rows = [line for line in table.stdout.splitlines() if "│" in line and line.split("│")[0].strip()]
    assert len(rows) == len(findings) == 8  # the rules toward the IV, one row each
    for finding, row in zip(findings, rows):
        cells = [c.strip() for c in row.split("│")]
        assert cells[:3] == [finding["result"], finding["rule"], finding["kind"]], row
        assert finding["message"].startswith(cells[3]), row
    assert snapshot() == before  # check writes nothing, blocked or not
    ok(cli(db, "client", "update", client, "--consent-on", days_ago(1)))
    allowed = cli(db, "check", client, "--to", "RAV", "--topics", "placement")
    assert allowed.exit_code == 0, allowed.stderr


@pytest.mark.parametrize("command", ["list", "due"])
def test_list_and_due_tables_show_50_rows_and_say_how_many_there_are(db, command):
    """README: "In a table, `list` and `due` show the first 50 rows, soonest first, and say on stderr
    how many there are in all and how many of them are overdue or due soon; `--limit N` shows N
    (`0`: all). JSON and CSV give every row unless `--limit` is given."."""
    scope = ["--status", "all"] if command == "list" else []
    every = json.loads(ok(cli(db, command, *scope, "--format", "json")))
    assert len(every) > 50
    key = "case"
    table = cli(db, command, *scope)
    shown = _listed_cases(ok(table))
    assert shown == [r[key] for r in every][:50]  # the first 50, in the order of the whole list
    assert f"showing 50 of {len(every)}" in table.stderr
    if command == "list":
        overdue, soon = (sum(r["flag"] == flag for r in every) for flag in ("overdue", "due-soon"))
        assert f"({overdue} overdue, {soon} due within 14 days)" in table.stderr
    else:
        kinds = {kind: sum(r["warning"] == kind for r in every) for kind in {r["warning"] for r in every}}
        assert kinds["due-soon"] == 1 and sum(kinds.values()) == len(every)
        for kind, n in kinds.items():
            assert re.search(rf"[(,] ?{n} [a-z ]+[,)]", table.stderr), (kind, n, table.stderr)
    assert _listed_cases(ok(cli(db, command, *scope, "--limit", "0"))) == [r[key] for r in every]
    assert len(_listed_cases(ok(cli(db, command, *scope, "--limit", "5")))) == 5
    assert [r[key] for r in rows_of_csv(ok(cli(db, command, *scope, "--format", "csv")))] == \
        [r[key] for r in every]
    for fmt in ("json", "csv"):
        limited = ok(cli(db, command, *scope, "--limit", "5", "--format", fmt))
        got = json.loads(limited) if fmt == "json" else rows_of_csv(limited)
        assert [r[key] for r in got] == [r[key] for r in every][:5], fmt


def _commands() -> list[tuple[str, ...]]:
    """Every command of optima, as (group, command) or (command,)."""
    return [tuple(c) for c in _cli_docs().COMMANDS if c]


def test_every_command_but_demo_has_a_format_option():
    """README: "Every command that prints data takes `--format table|json|csv`" (`demo` is the
    exception: a guided tour for people, listed in the command table without it; `shell` prints
    no data of its own, its lines are commands with their own --format)."""
    runner = CliRunner(env={"COLUMNS": "200"})
    lacking = []
    for command in _commands():
        shown = runner.invoke(app, [*command, "--help"]).stdout
        if "--format" not in shown or not all(f in shown for f in ("table", "json", "csv")):
            lacking.append(" ".join(command))
    assert lacking == ["shell", "demo"]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_every_command_prints_its_data_as_json_and_csv(db, tmp_path, fmt):
    """README: "Every command that prints data takes `--format table|json|csv`: tables for people,
    JSON and CSV for scripts"; JSON section: "`register` prints `{"client": "C-0001"}`"."""
    def out(*args: str) -> Any:
        text = ok(cli(db, *args, "--format", fmt))
        if fmt == "json":
            return json.loads(text)
        rows = rows_of_csv(text)
        assert rows and all(None not in r for r in rows), (args, text[:300])  # a header, whole rows
        return rows

    registered = out("register", "--name", "Format Fritz", "--birth-date", "02.02.1982", "--from", "SD",
                     "--consent-on", days_ago(30))
    if fmt == "json":
        assert set(registered) == {"client"} and re.fullmatch(r"C-\d{4}", registered["client"])
        client = registered["client"]
    else:
        client = registered[0]["client"]
    commands = [
        ("institution", "list"),
        ("institution", "add", "SD-MEGGEN", "--kind", "SD", "--name", "Sozialdienst Meggen"),
        ("institution", "set-contact", "SD-MEGGEN", "--contact", "A. Huber"),
        ("client", "show", client),
        ("client", "update", client, "--municipality", "Emmen"),
        ("check", client, "--to", "RAV", "--topics", "placement"),
    ]
    for args in commands:
        out(*args)
    refer = out("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
                "--on", days_ago(20))
    case = refer["case"] if fmt == "json" else refer[0]["case"]
    for args in [("accept", case, "--on", days_ago(18)), ("extend", case, "--on", days_ago(10)),
                 ("close", case, "--outcome", "achieved", "--on", days_ago(3)),
                 ("list",), ("show", case), ("due",), ("examples",), ("doctor",),
                 ("audit", "verify"), ("audit", "list", "--case", case), ("db", "status"),
                 ("report", "--year", str(date.today().year)),
                 ("import", str(TEMPLATE), "--dry-run"),
                 ("anonymize", "--closed-before", "2020-01-01", "--dry-run"),
                 ("backup", str(tmp_path / f"copy-{fmt}.db"))]:
        out(*args)
    for action in (("reject", "--reason", "too-severe"), ("withdraw", "--reason", "consent-withdrawn")):
        to, topics = ("IV", "health") if action[0] == "reject" else ("RAV", "placement")
        other = out("refer", client, "--to", to, "--topics", topics, "--months", "3", "--on", days_ago(2))
        out(action[0], other["case"] if fmt == "json" else other[0]["case"], *action[1:])


@pytest.mark.both_backends
def test_audit_verify_prints_the_hash_of_the_last_event(db):
    """README: "`optima audit verify` finds the first event that was changed, removed, inserted or
    reordered outside optima, and prints the hash of the last event"."""
    (last,), = query(db, "SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1")
    shown = ok(cli(db, "audit", "verify"))
    assert re.search(rf"last hash {last}\b", shown), shown


# --- B2: identity and files -------------------------------------------------------------------

def test_the_acting_user_is_the_option_else_optima_user_else_the_login_name(db):
    """README: "Every change records who made it: `--user NAME`, else `OPTIMA_USER`, else your login
    name."."""
    units = iter(("SD-A", "SD-B", "SD-C"))

    def actor_of(front_user: str | None, env: dict[str, str | None]) -> str:
        ok(cli(db, "institution", "add", next(units), "--kind", "SD", "--name", "Sozialdienst",
               user=front_user, env=env))
        (actor,), = query(db, "SELECT actor FROM audit_event ORDER BY id DESC LIMIT 1")
        return actor

    login = {"LOGNAME": "loginname", "USER": "loginname"}
    assert actor_of(None, {"OPTIMA_USER": None, **login}) == "loginname"
    assert actor_of(None, {"OPTIMA_USER": "envuser", **login}) == "envuser"
    assert actor_of("cliuser", {"OPTIMA_USER": "envuser", **login}) == "cliuser"


@pytest.mark.parametrize("way", ["--db", "OPTIMA_DB"])
def test_a_database_named_with_db_or_optima_db_is_readable_by_its_owner_only(tmp_path, way):
    """README: "The database is one SQLite file, created on first use, readable by its owner only
    ... `OPTIMA_DB=/path/to/file.db` overrides that, and `--db PATH` overrides both."."""
    target = tmp_path / "named.db"
    old = os.umask(0o022)
    try:
        if way == "--db":
            ok(cli(target, "list"))
        else:
            ok(CliRunner(env={"OPTIMA_DB": str(target)}).invoke(app, ["list"]))
    finally:
        os.umask(old)
    assert target.exists()
    assert target.stat().st_mode & 0o777 == 0o600


def test_the_workbook_is_readable_by_its_owner_only(populated, tmp_path):
    """README (workbook): "The file is written beside the target and moved into place, so a crash
    never leaves half a workbook, and it is readable by its owner only."."""
    db = copy_db(populated[0], tmp_path / "optima.db")
    old = os.umask(0o022)
    try:
        for extra in ([], ["--with-personal-data"]):
            target = tmp_path / f"report{len(extra)}.xlsx"
            ok(cli(db, "report", "--xlsx", str(target), *extra))
            assert target.stat().st_mode & 0o777 == 0o600, extra
    finally:
        os.umask(old)


@pytest.mark.both_backends
def test_a_change_waits_for_another_writer_instead_of_failing(db):
    """README: "every change is one transaction that waits for the others (up to 30 seconds)
    instead of failing"; PostgreSQL: "every writing transaction takes one lock first (waiting up
    to 30 seconds)"."""
    from optima_cli.store.engine import WRITE_LOCK

    released = threading.Event()
    if is_url(db):
        import psycopg

        holder = psycopg.connect(str(db).replace("postgresql+psycopg://", "postgresql://"),
                                 autocommit=True)
        holder.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
        release_sql = ("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
    else:
        holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
        release_sql = ("COMMIT", ())

    def release() -> None:
        holder.execute(*release_sql)
        released.set()

    timer = threading.Timer(1.5, release)
    timer.start()
    try:
        result = cli(db, "register", "--name", "Geduldig Gabi", "--birth-date", "03.03.1983",
                     "--from", "SD")
    finally:
        timer.join()
        holder.close()
    assert result.exit_code == 0, result.stderr
    assert released.is_set()  # it could only write once the other let go


def _optima_process(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUN, *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=dict(os.environ))


@pytest.mark.slow
@pytest.mark.both_backends
def test_a_killed_backup_never_leaves_half_a_backup_at_the_target(db, tmp_path):
    """README: "Killing optima at any moment leaves the database as before or fully updated, and
    never a half-written workbook or backup at the target."."""
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "copy.db"
    referrals = count(db, "referral")
    hits = 0
    for _attempt in range(3):
        proc = _optima_process("--db", str(db), "backup", str(target))
        # kill it as soon as anything of the backup appears in the folder: mid-write
        while proc.poll() is None and not any(folder.iterdir()):
            time.sleep(0.0002)
        running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if running:
            hits += 1
        if target.exists():
            con = sqlite3.connect(target)
            try:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                assert con.execute("SELECT count(*) FROM referral").fetchone()[0] == referrals
            finally:
                con.close()
        for leftover in folder.iterdir():
            leftover.unlink()
        if hits:
            break
    assert hits, "every backup finished before it could be killed"


# --- B3: German -------------------------------------------------------------------------------

def test_the_demo_speaks_german_with_optima_lang_de(populated):
    """README (Schnellstart): "`OPTIMA_LANG=de .venv/bin/optima demo`" shows the demo in German."""
    shown = populated[1]
    assert "Demo-Datenbank" in shown and "angenommen" in shown and "Anmeldungen" in shown
    assert not english_in(shown), english_in(shown)


def test_csv_keys_and_the_date_accept_prints_stay_as_scripts_expect_in_german(db):
    """README: "What scripts rely on never changes with the language: codes, command and option
    names, JSON and CSV keys, dates in JSON and CSV (ISO), and the bare values a command prints on
    stdout for scripts (a client or case id, the end date `accept` prints)."."""
    for command in (["list", "--status", "all"], ["due"], ["examples"], ["institution", "list"],
                    ["audit", "list", "--case", "OPT-2019-0001"], ["report", "--year", "2019"]):
        english = ok(cli(db, *command, "--format", "csv", env={"OPTIMA_LANG": "en"}))
        german = ok(cli(db, *command, "--format", "csv", env={"OPTIMA_LANG": "de"}))
        assert german.splitlines()[0] == english.splitlines()[0], command  # the keys

        def values(text: str) -> list[dict[str, str]]:  # all but the sentences for people
            return [{k: v for k, v in row.items() if k != "message"} for row in rows_of_csv(text)]
        assert values(german) == values(english), command
    waiting = json.loads(ok(cli(db, "list", "--status", "referred", "--limit", "1", "--format", "json")))
    case = waiting[0]["case"]
    end = ok(cli(db, "--lang", "de", "accept", case, "--on", days_ago(1))).strip()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", end)
    assert end == json.loads(ok(cli(db, "show", case, "--format", "json")))["due_on"]
    client = ok(cli(db, "--lang", "de", "register", "--name", "Deutsch Dora", "--birth-date",
                    "04.04.1984", "--from", "SD")).strip()
    assert re.fullmatch(r"C-\d{4}", client)


def test_the_message_in_json_follows_the_language(populated, tmp_path):
    """README: "Sentences meant for people inside JSON (`message` of a finding or a warning) follow
    the language."."""
    db = copy_db(populated[0], tmp_path / "optima.db")
    for command in (["due"], ["check", "C-0001", "--to", "IV", "--topics", "health"]):
        english = json.loads(cli(db, "--lang", "en", *command, "--format", "json").stdout)
        german = json.loads(cli(db, "--lang", "de", *command, "--format", "json").stdout)
        if command[0] == "check":
            english, german = english["findings"], german["findings"]
        assert len(english) == len(german) > 0
        for en, de in zip(english, german):
            assert {k: v for k, v in en.items() if k != "message"} == \
                {k: v for k, v in de.items() if k != "message"}
            assert en["message"] != de["message"] and english_in(en["message"]), en["message"]
            assert not english_in(de["message"]), de["message"]


def test_help_texts_stay_english_in_german():
    """README: "Help texts are in English." / "Die Hilfetexte (`--help`) sind vorerst englisch."."""
    for command in [(), *_commands()]:
        english = CliRunner(env={"OPTIMA_LANG": "en"}).invoke(app, [*command, "--help"])
        for env in ({"OPTIMA_LANG": "de"}, {"LANG": "de_CH.UTF-8"}):
            german = CliRunner(env=env).invoke(app, [*command, "--help"])
            assert german.exit_code == 0 and german.stdout == english.stdout, (command, env)


def _cron_line(section: str) -> list[str]:
    text = README[README.index(section):]
    block = text[text.index("```cron\n") + len("```cron\n"):]
    line = next(line for line in block.splitlines() if line.startswith("0 6 1 * * "))
    return line.split()[5:]


def test_the_german_cron_line_writes_the_german_workbook_of_last_month(populated, tmp_path):
    """README (Monatsexport): "mit `--lang de` ist sie ganz deutsch (Blätter Übersicht, Fälle,
    Ablehnungen, Ergebnisse, Fristen, Gemeinsame Strategien, Verlauf, mit den zwei Diagrammen des
    Evaluationsberichts und dem Liniendiagramm des Verlaufs). `{period}` im Dateinamen wird zum
    Namen der Periode", run as the README's cron line runs it."""
    db = copy_db(populated[0], tmp_path / "optima.db")
    words = _cron_line("**Monatsexport.**")
    assert words[0].startswith("OPTIMA_DB=") and words[1].endswith("/optima")
    args = [w.replace("/srv/optima/berichte/", f"{tmp_path}/") for w in words[2:]]
    result = CliRunner(env={"OPTIMA_DB": str(db)}).invoke(app, args, input="")
    first = date.today().replace(day=1)
    last_month = (first - timedelta(days=1)).strftime("%Y-%m")
    target = tmp_path / f"optima-{last_month}.xlsx"
    assert ok(result).strip() == str(target)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Übersicht", "Fälle", "Ablehnungen", "Ergebnisse", "Fristen",
                             "Gemeinsame Strategien", "Verlauf"]
    assert len(wb["Übersicht"]._charts) == 2
    assert len(wb["Verlauf"]._charts) == 1


# --- B4: on a terminal ------------------------------------------------------------------------

def _read(terminal: int) -> bytes:
    """What the terminal shows next; nothing once the other end was closed."""
    try:
        return os.read(terminal, 65536)
    except OSError:
        return b""


def on_terminal(args: list[str], answers: list[tuple[str, str]] = (), env: dict[str, str] | None = None,
                no_color: bool = False) -> tuple[int, str]:
    """Run optima with stdin, stdout and stderr on a pseudo-terminal, answering each question (a
    text it shows) in turn; its exit code and all it showed."""
    base = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full = base | {"TERM": "xterm", "COLUMNS": "160"} | ({"NO_COLOR": "1"} if no_color else {}) | (env or {})
    main, secondary = os.openpty()
    process = subprocess.Popen([sys.executable, "-c", RUN, *args], stdin=secondary, stdout=secondary,
                               stderr=secondary, env=full, close_fds=True)
    os.close(secondary)
    pending = list(answers)
    shown = b""
    mark = 0
    give_up = time.monotonic() + 60
    try:
        while True:
            if pending and pending[0][0].encode() in shown[mark:]:
                os.write(main, (pending.pop(0)[1] + "\n").encode())
                mark = len(shown)
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                data = _read(main)
                if not data:  # the process ended
                    break
                shown += data
            elif time.monotonic() > give_up:
                process.kill()
                raise AssertionError(f"no end, still waiting for {pending}: {shown[-500:]!r}")
    finally:
        os.close(main)
    assert not pending, f"never asked {pending}: {shown[-500:]!r}"
    return process.wait(timeout=30), shown.decode("utf-8", errors="replace")


@pytest.mark.slow
def test_register_and_refer_ask_for_missing_values_on_a_terminal(tmp_path):
    """README: "On a terminal, `register` and `refer` ask for missing required values; in scripts
    they fail instead."."""
    db = str(tmp_path / "optima.db")
    code, shown = on_terminal(["--db", db, "register", "--consent-on", days_ago(30)],
                              [("Name", "Gefragt Greta"), ("Birth date", "05.05.1985"),
                               ("Registered at", "SD")])
    assert code == 0, shown
    assert "C-0001" in shown
    code, shown = on_terminal(["--db", db, "refer", "--on", days_ago(1)],
                              [("Client id", "C-0001"), ("Refer to", "RAV"), ("Topics", "placement"),
                               ("Months", "3"), ("Can the problem plausibly be improved", "yes"),
                               ("Goal of the handover", "Stelle finden")])
    assert code == 0, shown
    assert "OPT-" in shown
    (name, unit), = query(Path(db), "SELECT c.name, i.code FROM client c JOIN institution i "
                                    "ON i.id = c.institution_id")
    assert (name, unit) == ("Gefragt Greta", "SD")
    assert query(Path(db), "SELECT months, referred_on, workable FROM referral") == [(3, days_ago(1), 1)]
    scripted = cli(db, "register", "--birth-date", "05.05.1985", "--from", "SD")
    assert scripted.exit_code == 2 and "--name" in scripted.stderr


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _sgr_codes(text: str) -> set[str]:
    return {code for group in SGR.findall(text) for code in group.split(";") if code}


COLOURS = {str(n) for n in [*range(30, 39), *range(40, 49), *range(90, 98), *range(100, 108)]}


@pytest.mark.slow
def test_colours_only_on_a_terminal_and_none_with_no_color(populated, tmp_path):
    """README: "Colours only on a terminal, and none with `NO_COLOR` set (bold may remain)."; the
    overdue rows of `list` are the red ones."""
    db = str(copy_db(populated[0], tmp_path / "optima.db"))
    code, coloured = on_terminal(["--db", db, "list", "--limit", "3"])
    assert code == 0, coloured
    overdue_rows = [line for line in coloured.splitlines() if "OPT-" in line]
    assert overdue_rows and all("31" in _sgr_codes(line) for line in overdue_rows), coloured
    code, plain = on_terminal(["--db", db, "list", "--limit", "3"], no_color=True)
    assert code == 0, plain
    assert _listed_cases(plain) == _listed_cases(coloured)
    assert not _sgr_codes(plain) & COLOURS, _sgr_codes(plain)
    piped = CliRunner().invoke(app, ["--db", db, "list", "--limit", "3"], env={"NO_COLOR": None})
    assert "\x1b[" not in piped.stdout + piped.stderr


def _client_registered_days_ago(db: Path | str, client: str, days: int) -> None:
    """optima registers a client today; this moves the registration back, as if it had been
    entered `days` ago (created_at is no part of the audit trail)."""
    query(db, "UPDATE client SET created_at = ? WHERE id = ?", f"{days_ago(days)} 08:00:00.000000",
          int(client.split("-")[1]))


@pytest.mark.slow
def test_anonymize_asks_on_a_terminal(tmp_path):
    """README: "Without `--yes` it asks on a terminal and refuses in scripts."."""
    db = tmp_path / "optima.db"
    client = ok(cli(db, "register", "--name", "Frage Franz", "--birth-date", "06.06.1986",
                    "--from", "SD")).strip()
    _client_registered_days_ago(db, client, 10)
    before = dump(db)
    code, shown = on_terminal(["--db", str(db), "anonymize", "--closed-before", days_ago(0)],
                              [("Remove the personal data of 1 clients for good?", "n")])
    assert code == 1, shown
    assert "aborted; nothing was written" in shown
    assert dump(db) == before
    code, shown = on_terminal(["--db", str(db), "anonymize", "--closed-before", days_ago(0)],
                              [("Remove the personal data of 1 clients for good?", "y")])
    assert code == 0, shown
    assert query(db, "SELECT name, birth_date FROM client") == [("(anonymized)", None)]


# --- B5: import -------------------------------------------------------------------------------

def _template() -> tuple[list[str], list[dict[str, str]]]:
    with TEMPLATE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _imported_state(db: Path | str) -> tuple[Any, ...]:
    cases = json.loads(ok(cli(db, "list", "--status", "all", "--format", "json")))
    clients = [json.loads(ok(cli(db, "client", "show", c, "--format", "json")))
               for c in sorted({case["client"] for case in cases})]
    return cases, clients


def test_import_columns_in_any_order(run, db_path, new_db, tmp_path):
    """README (import): "one row per referral, with a header row naming the columns below, in any
    order."."""
    header, rows = _template()
    ok(run("import", str(_write(tmp_path / "reversed.csv", header[::-1], rows))))
    plain = new_db("plain")
    ok(cli(plain, "import", str(TEMPLATE)))
    assert _imported_state(db_path) == _imported_state(plain)
    assert len(_imported_state(db_path)[0]) == len(rows)


def test_import_reads_ja_nein_and_1_0_as_yes_and_no(run, db_path, tmp_path):
    """README (import): "yes/no columns take `yes`/`no` (also `ja`/`nein`, `1`/`0`)."."""
    header, rows = _template()
    closed = rows[0]  # closed, achieved, employed
    answers = ["ja", "nein", "1", "0", "yes", "no"]
    made = []
    for i, answer in enumerate(answers):
        made.append({**closed, "external_ref": f"YN-{i}", "name": f"Janein {i}", "ahv": "",
                     "employed": answer, "health_suspected": answer})
    ok(run("import", str(_write(tmp_path / "yes-no.csv", header, made))))
    cases = json.loads(ok(run("list", "--status", "all", "--format", "json")))
    by_client = {c["client"]: c for c in cases}
    expected = [a in ("ja", "1", "yes") for a in answers]
    employed, suspected = [], []
    for client in sorted(by_client):
        shown = json.loads(ok(run("client", "show", client, "--format", "json")))
        employed.append(by_client[client]["employed"])
        suspected.append(shown["health_suspected"])
    assert employed == expected and suspected == expected


def test_import_registers_the_client_at_the_referrer_when_registered_at_is_empty(run, db_path, tmp_path):
    """README (import): "`registered_at` is the client's unit (default: the referrer)"."""
    header, rows = _template()
    made = [{**row, "registered_at": "", "external_ref": f"RA-{i}"} for i, row in enumerate(rows)]
    assert {r["referrer"] for r in made} == {"SD", "RAV"}
    ok(run("import", str(_write(tmp_path / "no-unit.csv", header, made))))
    units = {}
    for case in json.loads(ok(run("list", "--status", "all", "--format", "json"))):
        client = json.loads(ok(run("client", "show", case["client"], "--format", "json")))
        units[client["external_ref"]] = (client["institution"], case["referrer"])
    assert units == {f"RA-{i}": (row["referrer"], row["referrer"]) for i, row in enumerate(rows)}


def test_import_of_a_workbook_reads_only_its_first_sheet(run, db_path, tmp_path):
    """README (import): "It reads `.csv` ... or `.xlsx` (the first sheet)"."""
    header, rows = _template()
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Fälle"
    second = wb.create_sheet("Notizen")
    for ws, row in ((first, rows[0]), (second, rows[1])):
        ws.append(header)
        ws.append([row[h] for h in header])
    target = tmp_path / "two-sheets.xlsx"
    wb.save(target)
    ok(run("import", str(target)))
    cases = json.loads(ok(run("list", "--status", "all", "--format", "json")))
    assert len(cases) == 1
    client = json.loads(ok(run("client", "show", cases[0]["client"], "--format", "json")))
    assert client["name"] == rows[0]["name"]


# --- B6: the default workbook -----------------------------------------------------------------

def _sheet(wb, name: str) -> list[dict[str, Any]]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_workbook_holds_no_free_text_notes_and_the_override_only_as_yes_or_no(db, tmp_path):
    """README (workbook, Cases): "No names, AHV numbers, birth dates or free-text notes, and the
    override only as yes/no, unless `--with-personal-data` is given"."""
    plain_file, personal_file = tmp_path / "plain.xlsx", tmp_path / "personal.xlsx"
    ok(cli(db, "report", "--xlsx", str(plain_file)))
    ok(cli(db, "report", "--xlsx", str(personal_file), "--with-personal-data"))
    plain, personal = openpyxl.load_workbook(plain_file), openpyxl.load_workbook(personal_file)
    cases, rejections = _sheet(plain, "Cases"), _sheet(plain, "Rejections")
    assert {type(r["override"]) for r in cases} == {bool} and any(r["override"] for r in cases)
    assert all(r["reason_note"] is None and r["close_note"] is None for r in cases)
    assert all(r["reason_note"] is None for r in rejections)
    # the same cells with personal data: the notes and the override's justification are there
    full = _sheet(personal, "Cases")
    assert CLOSE_NOTE in {r["close_note"] for r in full}
    assert any(isinstance(r["reason_note"], str) and r["reason_note"] for r in full)
    assert any(isinstance(r["override"], str) and r["override"] for r in full)
    assert any(isinstance(r["reason_note"], str) for r in _sheet(personal, "Rejections"))


def test_the_overdue_rows_of_deadlines_are_red(db, tmp_path):
    """README (workbook): "**Deadlines**: the cases open at the end of the period with their
    deadlines; overdue rows are red."."""
    target = tmp_path / "report.xlsx"
    ok(cli(db, "report", "--xlsx", str(target)))
    ws = openpyxl.load_workbook(target)["Deadlines"]
    rows = _sheet(ws.parent, "Deadlines")
    header = [c.value for c in ws[1]]
    assert header[7] == "days_left"  # column H, which the rule reads
    ranges = list(ws.conditional_formatting)
    assert len(ranges) == 1 and len(ranges[0].rules) == 1
    rule = ranges[0].rules[0]
    assert rule.formula == ["AND(ISNUMBER($H2),$H2<0)"]
    assert rule.dxf.fill.bgColor.rgb[-6:] == "FFC7CE"  # Excel's light red
    (min_col, min_row, max_col, max_row), = [r.bounds for r in ranges[0].sqref.ranges]
    assert (min_col, min_row, max_col, max_row) == (1, 2, len(header), len(rows) + 1)
    red = [isinstance(r["days_left"], int) and r["days_left"] < 0 for r in rows]
    assert red == [r["flag"] == "overdue" for r in rows]
    assert any(red) and not all(red)


# --- B7: anonymize clients without referrals ---------------------------------------------------

@pytest.mark.both_backends
def test_anonymize_takes_clients_without_referrals_registered_before_the_day(run, db_path):
    """README: "`optima anonymize --closed-before DATE` removes name, ... of every client whose
    referrals all ended before DATE (and of clients without referrals registered before it). ...
    the audit trail ... still verifies; the file is compacted, so the erased values are gone from
    it."."""
    early = ok(run("register", "--name", "Frueh Registriert", "--birth-date", "07.07.1977", "--from",
                   "SD", "--municipality", "Kriens")).strip()
    late = ok(run("register", "--name", "Spaet Registriert", "--birth-date", "08.08.1978", "--from",
                  "SD")).strip()
    _client_registered_days_ago(db_path, early, 10)
    _client_registered_days_ago(db_path, late, 3)
    done = json.loads(ok(run("anonymize", "--closed-before", days_ago(5), "--yes", "--format", "json")))
    assert done["ids"] == [early]
    rows = dict(query(db_path, "SELECT id, name FROM client"))
    assert rows == {int(early[2:]): "(anonymized)", int(late[2:]): "Spaet Registriert"}
    assert json.loads(ok(run("audit", "verify", "--format", "json")))["ok"] is True
    if not is_url(db_path):
        for suffix in ("", "-wal"):
            path = Path(f"{db_path}{suffix}")
            if path.exists():
                raw = path.read_bytes()
                assert b"Frueh Registriert" not in raw and b"Kriens" not in raw, suffix


# --- B8: every option explained ---------------------------------------------------------------

def test_every_option_of_every_command_has_a_help_text():
    """README: "`optima COMMAND --help` explains every option."."""
    import typer.main

    def walk(command, path):  # type: ignore[no-untyped-def]
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    runner = CliRunner(env={"COLUMNS": "250"})
    unexplained = []
    for path, command in walk(typer.main.get_command(app), []):
        shown = runner.invoke(app, [*path, "--help"]).stdout
        for param in command.params:
            if getattr(param, "hidden", False) or not param.opts[0].startswith("-"):
                continue
            help_text = (getattr(param, "help", None) or "").strip()
            first_words = " ".join(help_text.split()[:3])
            if not help_text or param.opts[0] not in shown or first_words not in " ".join(shown.split()):
                unexplained.append(f"optima {' '.join(path)} {param.opts[0]}")
    assert not unexplained, unexplained
