"""optima shell (issue 21): the lines, the built-ins, `.` and `set on` without a terminal; the
scripted shell as a process; completion, history, the sticky date and Ctrl-D on a pseudo-terminal."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import select
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import days_ago, query

from optima_cli import language
from optima_cli.cli.shell_lines import LineProblem, Shape, State, prepared, prompt, setting, split

ACCEPT = Shape(options={"--counsellor": "NAME", "--on": "DATE", "--format": "FORMAT",
                        "-f": "FORMAT"}, arguments=("CASE",))
REFER = Shape(options={"--to": "INST", "--on": "DATE", "--workable": "yes|no"}, arguments=("CLIENT",))
LIST = Shape(options={"--to": "INST", "--with-personal-data": None}, arguments=())


# --- the pure parts ---------------------------------------------------------------------------

def test_a_line_is_split_as_a_posix_shell_splits_it():
    assert split('note OPT-2026-0001 "erstes Gespräch" --on 20.11.2026  # a comment') == [
        "note", "OPT-2026-0001", "erstes Gespräch", "--on", "20.11.2026"]
    assert split("   ") == []
    with pytest.raises(LineProblem, match="cannot read the line: no closing quotation"):
        split('register --name "Muster Hans')


def test_dot_stands_for_the_client_or_case_just_created():
    state = State()
    assert state.remember("register", "C-0042\n") == "C-0042"
    assert state.remember("refer", '{"case": "OPT-2026-0007", "client": "C-0042"}') == "OPT-2026-0007"
    assert state.remember("list", "OPT-2026-0001") is None  # only register and refer create
    assert prepared([".", "--to", "RAV"], REFER, state) == ["C-0042", "--to", "RAV"]
    assert prepared([".", "--counsellor", "."], ACCEPT, state) == ["OPT-2026-0007", "--counsellor", "."]
    assert prepared(["--", "."], ACCEPT, state) == ["--", "."]  # after --, as it is


def test_dot_before_anything_was_created_is_one_clear_line():
    with pytest.raises(LineProblem, match="none was referred yet"):
        prepared(["."], ACCEPT, State())
    with pytest.raises(LineProblem, match="none was registered yet"):
        prepared(["."], REFER, State(last={"CASE": "OPT-2026-0001"}))


def test_the_sticky_date_goes_to_commands_that_take_on_and_did_not_give_it():
    state = State()
    assert setting("set", ["on", "12.11.2026"], state) == []
    assert state.sticky == {"on": "2026-11-12"}
    assert prepared(["OPT-2026-0001"], ACCEPT, state) == ["OPT-2026-0001", "--on", "2026-11-12"]
    assert prepared(["OPT-2026-0001", "--on", "13.11.2026"], ACCEPT, state) == [
        "OPT-2026-0001", "--on", "13.11.2026"]
    assert prepared(["OPT-2026-0001", "--on=13.11.2026"], ACCEPT, state) == [
        "OPT-2026-0001", "--on=13.11.2026"]
    assert prepared(["--to", "IV"], LIST, state) == ["--to", "IV"]  # list takes no --on
    assert prepared(["--", "-x"], ACCEPT, state) == ["--on", "2026-11-12", "--", "-x"]
    assert setting("set", [], state) == ["on 2026-11-12"]
    assert prompt(state) == "optima 2026-11-12> "
    language.use("de")
    try:
        assert prompt(state) == "optima 12.11.2026> "
    finally:
        language.use("en")
    assert setting("unset", ["on"], state) == [] and state.sticky == {}
    assert prompt(state) == "optima> "


@pytest.mark.parametrize(("words", "problem"), [
    (["on", "31.02.2026"], "February 2026 has 28 days"),
    (["on"], "give one date"),
    (["user", "x"], "'user' cannot be set; what can: on"),
])
def test_set_refuses_what_it_cannot_set(words, problem):
    state = State()
    with pytest.raises(Exception, match=problem):
        setting("set", words, state)
    assert state.sticky == {}


def test_no_module_of_the_shell_or_readline_is_imported_with_the_root():
    code = ("import sys; import optima_cli.cli, optima_cli.cli.root; print(sorted(m for m in "
            "sys.modules if m.startswith('optima_cli.cli.shell') or m == 'readline'))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
    code = "import sys, optima_cli.cli.shell; print('readline' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"  # only once the shell runs on a terminal


# --- completion, without a terminal ----------------------------------------------------------------

@pytest.fixture
def shell_session(run, db_path) -> Iterator[object]:
    """A shell session on the test database with one client and one case (its database kept
    open for the test only)."""
    from optima_cli.cli.shell import Session
    from optima_cli.store.engine import kept_open

    client = run("register", "--name", "Tab Tina", "--birth-date", "01.01.1980", "--from", "SD",
                 "--consent-on", days_ago(30)).stdout.strip()
    case = run("refer", client, "--to", "RAV", "--topics", "finances", "--months", "3",
               "--workable", "yes", "--on", days_ago(10)).stdout.strip()
    assert (client, case) == ("C-0001", f"OPT-{date.today() - timedelta(days=10):%Y}-0001")
    with kept_open():
        yield Session(["--db", str(db_path), "--user", "tester"], str(db_path), "tester")


def test_completion_of_commands_options_codes_units_and_ids(shell_session):
    s = shell_session
    case = query(s.db, "SELECT case_id FROM referral")[0][0]
    assert s.candidates("", "re")[:2] == ["register", "refer"]
    assert s.candidates("", "he") == ["help"]
    assert s.candidates("client ", "sh") == ["show"]
    assert s.candidates(f"close {case} ", "--out") == ["--outcome"]
    assert s.candidates(f"close {case} --outcome ", "") == ["achieved", "partly", "not-achieved"]
    assert s.candidates("refer C-0001 --to ", "r") == ["RAV"]
    assert s.candidates("show ", case[:-1]) == [case]
    assert s.candidates("show ", "opt") == [case]
    assert s.candidates("refer ", "C-0") == ["C-0001"]
    assert s.candidates("refer ", "C-1") == []
    assert s.candidates("list --format ", "") == ["table", "json", "csv"]
    assert s.candidates("set ", "") == ["on"]
    assert s.candidates("list --status ", "a") == ["all", "accepted"]
    assert s.candidates("report --by ", "") == ["kind", "institution"]
    assert s.candidates("refer C-0001 --months ", "") == ["3", "6"]
    language.use("de")
    try:
        assert s.candidates("refer C-0001 --topics ", "finan") == ["finanzen"]
        assert s.candidates("refer C-0001 --topics finanzen,", "st") == ["stellensuche"]
        assert s.candidates("refer C-0001 --topics=", "su") == ["sucht"]
        assert s.candidates("refer C-0001 --workable ", "") == ["ja", "nein"]
        assert s.candidates("list --status ", "ange") == ["angemeldet", "angenommen"]
    finally:
        language.use("en")


def test_a_truncated_list_of_ids_never_completes_a_false_prefix(shell_session, monkeypatch):
    from optima_cli.workflow import lookup

    found, more = lookup.ids_starting(shell_session_context(shell_session), "CASE", "OPT", limit=1)
    assert len(found) == 1 and not more
    real = lookup.ids_starting
    monkeypatch.setattr(lookup, "ids_starting", lambda c, kind, prefix, limit=100: (
        real(c, kind, prefix, limit)[0], True))
    assert shell_session.candidates("show ", "OPT") == [found[0], "OPT"]


def shell_session_context(session):
    from optima_cli.workflow.context import Context

    return Context(db_path=session.db, user=session.user)


def test_every_command_takes_codes_in_german(run, shell_session):
    listed = json.loads(run("list", "--status", "Angemeldet", "--format", "json").stdout)
    assert [case["status"] for case in listed] == ["referred"]
    assert json.loads(run("list", "--status", "abgelehnt", "--format", "json").stdout) == []
    case = listed[0]["case"]
    done = run("reject", case, "--reason", "keine-einwilligung", "--format", "json")
    assert json.loads(done.stdout)["reason"] == "no-consent", done.stderr
    assert run("examples", "--topic", "finanzen").exit_code == 0


# --- the shell reading a script (no terminal) ------------------------------------------------------

def _environment(home: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if k not in ("OPTIMA_DB", "OPTIMA_USER", "OPTIMA_LANG", "LANG", "LC_ALL", "LC_MESSAGES")}
    return keep | {"HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
                   # the suite's: off, or on in its second pass (OPTIMA_TEST_RESIDENT=1, conftest)
                   "OPTIMA_RESIDENT": os.environ.get("OPTIMA_RESIDENT", "0"), "NO_COLOR": "1",
                   "COLUMNS": "200"}


def scripted(db: Path, lines: list[str], *options: str) -> subprocess.CompletedProcess[str]:
    home = db.parent / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "optima_cli", "--db", str(db), *options, "shell"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          env=_environment(home), timeout=300)


@pytest.mark.slow
def test_a_script_runs_each_line_with_dot_and_the_sticky_date(tmp_path):
    db = tmp_path / "optima.db"
    done = scripted(db, [
        "# a batch of entries from last week",
        f"set on {days_ago(7)}",
        f'register --name "Skript Sven" --birth-date 02.02.1982 --from SD --consent-on {days_ago(30)}',
        "refer . --to RAV --topics finanzen,stellensuche --months 3 --workable yes",
        "accept . --counsellor 'B. Keller'",
        'note . "erstes Gespräch" --on ' + days_ago(6),
        "unset on",
        "show . --format json",
        "client show . --format json",
    ], "--user", "skript")
    assert done.returncode == 0, done.stderr
    case = json.loads(done.stdout[done.stdout.index("{"):done.stdout.index("\n}\n") + 2])
    assert (case["referred_on"], case["decided_on"], case["receiving_counsellor"]) == (
        days_ago(7), days_ago(7), "B. Keller")
    assert case["topics"] == ["finances", "placement"]
    assert query(db, "SELECT entry_on, text FROM journal_entry") == [(days_ago(6), "erstes Gespräch")]
    assert query(db, "SELECT DISTINCT actor FROM audit_event WHERE action = 'refer'") == [("skript",)]
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_script_goes_on_after_a_failure_and_exits_with_the_last_failure(tmp_path):
    db = tmp_path / "optima.db"
    done = scripted(db, ["show .", 'list --to "RAV', "show OPT-2026-9999", "list --limit 1",
                         "help", "exit", "list --nonsense"], "--lang", "de")
    assert done.returncode == 1, done.stderr  # show OPT-2026-9999; after exit nothing runs
    lines = done.stderr.splitlines()
    assert lines[0] == ("Fehler: '.' steht für den Fall, den Sie in dieser Shell eben angemeldet "
                        "haben; noch kein Fall wurde angemeldet")
    assert lines[1].startswith("Fehler: die Zeile ist nicht lesbar")
    assert "OPT-2026-9999" in lines[2] and len(lines) == 3
    assert "Eingebaute Befehle der Shell" in done.stdout
    assert "Traceback" not in done.stderr


# --- on a pseudo-terminal ------------------------------------------------------------------------

class Terminal:
    """optima shell on a pseudo-terminal: what is typed, and what it showed."""

    def __init__(self, db: Path, home: Path, *options: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the shell, with the terminal as its controlling terminal
            try:
                os.execve(sys.executable, [sys.executable, "-m", "optima_cli", "--db", str(db),
                                           *options, "shell"], _environment(home) | {"TERM": "xterm"})
            finally:
                os._exit(127)
        self.shown = b""
        self.mark = 0

    def expect(self, text: str, timeout: float = 120) -> str:
        """Wait until `text` is shown (after what was expected before); what was shown since."""
        deadline = time.monotonic() + timeout
        wanted = text.encode()
        while wanted not in self.shown[self.mark:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"never showed {text!r}: {self.shown[-800:]!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"ended before {text!r}: {self.shown[-800:]!r}")
                self.shown += chunk
        end = self.shown.index(wanted, self.mark) + len(wanted)
        since, self.mark = self.shown[self.mark:end], end
        return since.decode("utf-8", "replace")

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def interrupt(self, then: str) -> str:
        """Ctrl-C, until `then` is shown: Python's readline hears a Ctrl-C only while it waits for
        a key, so one that comes while it takes the keys typed before is pressed again, as a
        person would."""
        for _ in range(5):
            time.sleep(0.5)
            self.type("\x03")
            try:
                return self.expect(then, timeout=20)
            except AssertionError:
                continue
        return self.expect(then)

    def line(self, text: str, prompt: str = "> ") -> str:
        """Type a line and wait for the next prompt; what it showed."""
        self.type(text + "\r")
        return self.expect(prompt)

    def leave(self, timeout: float = 120) -> int:
        """Ctrl-D at the prompt; the exit code."""
        self.type("\x04")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                with contextlib.suppress(OSError):
                    self.shown += os.read(self.fd, 65536)
        os.kill(self.pid, 9)
        raise AssertionError(f"the shell did not leave: {self.shown[-500:]!r}")


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_on_a_terminal_completion_dot_the_sticky_date_history_and_ctrl_d(tmp_path):
    db, home = tmp_path / "optima.db", tmp_path / "home"
    home.mkdir(exist_ok=True)
    day = date.today() - timedelta(days=5)
    shell = Terminal(db, home, "--lang", "de", "--user", "pty")
    shell.expect("optima> ")
    shell.line(f"set on {day:%d.%m.%Y}", prompt=f"optima {day:%d.%m.%Y}> ")
    shown = shell.line(f'register --name "Terminal Tom" --birth-date 03.03.1983 --from SD '
                       f'--consent-on {days_ago(30)}')
    assert "C-0001" in shown
    shell.type("refer . --to RAV --topics finan\t")  # a code in German completes
    shell.expect("finanzen")
    shown = shell.line(" --months 3 --workable ja --goal 'Stelle finden'")
    case = f"OPT-{day:%Y}-0001"
    assert case in shown, shown
    shell.type(f"accept {case[:-1]}\t")  # a case id completes from the database
    shell.expect(f"{case} ")
    assert "angenommen" in shell.line("")  # accepted: the mandate runs
    shown = shell.line("show . --format json")
    assert f'"decided_on": "{day.isoformat()}"' in shown, shown
    assert shell.leave() == 0
    assert query(db, "SELECT referred_on, decided_on, goal FROM referral") == [
        (day.isoformat(), day.isoformat(), "Stelle finden")]
    history = home / ".local" / "share" / "optima" / "shell_history"
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert "show . --format json" in history.read_text(encoding="utf-8")

    again = Terminal(db, home, "--user", "pty")  # a second session recalls the first one's lines
    again.expect("optima> ")
    again.type("\x1b[A")  # the up arrow
    again.expect("show . --format json")
    shown = again.line("")
    assert "none was referred yet" in shown  # `.` is this session's
    assert again.leave() == 0


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_on_a_terminal_register_asks_for_consent_and_refer_for_the_goal(tmp_path):
    db, home = tmp_path / "optima.db", tmp_path / "home"
    home.mkdir(exist_ok=True)
    shell = Terminal(db, home)
    shell.expect("optima> ")
    shell.type('register --name "Frage Franz" --birth-date 04.04.1984 --from SD\r')
    shell.expect("Consent of the client given on (20.11.2026; empty: not yet): ")
    shell.type(days_ago(20) + "\r")
    shell.expect("optima> ")
    shell.type(f"refer . --to RAV --topics placement --months 3 --workable yes --on {days_ago(2)}\r")
    shell.expect("Goal of the handover (empty: none): ")
    shell.type("\r")  # none
    assert "referred" in shell.expect("optima> ")
    shell.type("list --no-such-option\r")
    assert "No such option" in shell.expect("optima> ")
    shell.type("unfinished line")
    shell.expect("unfinished line")
    shell.interrupt("optima> ")  # Ctrl-C cancels the line
    shell.type("register\r")
    shell.expect("Name: ")
    shell.type("Halb")
    shell.expect("Halb")
    assert "interrupted; nothing was written" in shell.interrupt("optima> ")  # the command stops
    assert "registered" in shell.line('register --name "Zweite Zora" --birth-date 05.05.1985 '
                                      f'--from SD --consent-on {days_ago(3)}', prompt="optima> ")
    assert shell.leave() == 0
    assert query(db, "SELECT consent_on FROM client ORDER BY id") == [(days_ago(20),), (days_ago(3),)]
    assert query(db, "SELECT goal FROM referral") == [(None,)]


@pytest.mark.slow
def test_the_keystrokes_in_readme_are_what_the_script_counts(tmp_path):
    root = Path(__file__).resolve().parent.parent
    counted = subprocess.run([sys.executable, str(root / "scripts" / "keystrokes.py")],
                             capture_output=True, text=True, timeout=300, cwd=tmp_path,
                             env=_environment(tmp_path / "home"))
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.strip() in (root / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_script_line_that_is_not_utf8_is_refused_in_one_line(tmp_path):
    home = tmp_path / "home"
    done = subprocess.run([sys.executable, "-m", "optima_cli", "--db", str(tmp_path / "o.db"), "shell"],
                          input=b"list --to \xff\nlist --limit 1\n", capture_output=True,
                          env=_environment(home), timeout=300)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "error: --to '\\xff' contains bytes that are not UTF-8 text; give it in UTF-8 (convert it "
        "with iconv)"]
