"""The resident optima (issue 21): the launcher hands each command to a warm worker of a resident
process of this user, which runs it with the caller's streams, folder and environment; these tests
drive the installed `optima` command as processes, on pipes and on pseudo-terminals.

Each test has a runtime folder (and so a resident) of its own, stopped at the end. Whether a command
was run by the resident is read from `optima server status` (the commands it ran)."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from optima_cli.cli import resident, serve

OPTIMA = str(Path(sys.executable).parent / "optima")
WAIT_S = 120  # generous: the machine may be loaded by other tests

slow = pytest.mark.slow


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="ort-", dir="/tmp"))  # short: a socket path has 107 bytes
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.setenv("OPTIMA_RESIDENT", "1")
    monkeypatch.delenv("OPTIMA_RESIDENT_IDLE", raising=False)
    yield folder
    subprocess.run([OPTIMA, "server", "stop"], env=dict(os.environ), capture_output=True, timeout=WAIT_S)
    shutil.rmtree(folder, ignore_errors=True)


def optima(*args: str, env: dict[str, str] | None = None, resident_on: bool = True,
           input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    environ = {**os.environ, **(env or {})}
    if not resident_on:
        environ["OPTIMA_RESIDENT"] = "0"
    return subprocess.run([OPTIMA, *args], env=environ, capture_output=True, timeout=WAIT_S,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL)


def launcher_paths() -> dict[str, str]:
    """The resident's files as the installed launcher names them: computed by the installed
    optima (the tests may import a checkout of it, whose files make another fingerprint)."""
    done = subprocess.run([sys.executable, "-P", "-c",
                           "import json; from optima_cli.cli import resident; "
                           "print(json.dumps(resident.paths(resident.runtime_dir())))"],
                          cwd="/", env=dict(os.environ), capture_output=True, text=True, check=True)
    found: dict[str, str] = json.loads(done.stdout)
    return found


def status(env: dict[str, str] | None = None) -> dict[str, object]:
    done = optima("server", "status", "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def serving(ready: int = 1, env: dict[str, str] | None = None, other_than: object = None) -> dict[str, object]:
    """Start the resident (a command does) and wait until `ready` workers wait."""
    deadline = time.monotonic() + WAIT_S
    optima("--version", env=env)
    while time.monotonic() < deadline:
        found = status(env)
        if found["running"] and int(found.get("ready", 0) or 0) >= ready and found["pid"] != other_than:
            return found
        time.sleep(0.1)
        if not found["running"]:
            optima("--version", env=env)
    raise AssertionError(f"no resident optima within {WAIT_S} s: {found}")


def commands_run(env: dict[str, str] | None = None) -> int:
    return int(status(env)["commands"] or 0)  # type: ignore[call-overload]


def gone(pid: int) -> bool:
    return not resident.alive(pid)


def wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {WAIT_S} s: {what}")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with one client referred to the RAV and accepted, made without the resident."""
    path = tmp_path / "optima.db"
    for args in (("register", "--name", "Muster Hans", "--birth-date", "12.03.1980", "--from", "SD",
                  "--consent-on", "2026-11-02"),
                 ("refer", "C-0001", "--to", "RAV", "--topics", "placement", "--months", "3",
                  "--workable", "yes", "--on", "2026-11-10"),):
        done = optima("--db", str(path), "--user", "tester", *args, resident_on=False)
        assert done.returncode == 0, done.stderr
    return path


def case_of(db: Path) -> str:
    done = optima("--db", str(db), "list", "--format", "json", resident_on=False)
    return str(json.loads(done.stdout)[0]["case"])


# --- the same bytes, the same exit codes --------------------------------------------------------

@slow
def test_the_resident_answers_with_the_same_bytes_and_exit_codes(runtime: Path, db: Path) -> None:
    case = case_of(db)
    lines = [("list",), ("list", "--format", "json"), ("show", case), ("show", case, "--format", "csv"),
             ("check", "C-0001", "--to", "IV", "--topics", "health"), ("due",),
             ("show", "OPT-1999-0001"), ("list", "--limit", "-1"), ("--version",), ("nonsense",),
             ("--lang", "de", "show", case), ("show", "--help")]
    serving()
    before = commands_run()
    for line in lines:
        args = ("--db", str(db), "--user", "tester", *line)
        alone, served = optima(*args, resident_on=False), optima(*args)
        assert (served.returncode, served.stdout, served.stderr) == \
            (alone.returncode, alone.stdout, alone.stderr), line
    codes = {optima("--db", str(db), *line).returncode for line in lines}
    assert codes == {0, 1, 2}
    assert commands_run() - before == 2 * len(lines)


@slow
def test_a_write_through_the_resident_is_recorded_as_without_it(runtime: Path, db: Path) -> None:
    serving()
    done = optima("--db", str(db), "--user", "anna", "accept", case_of(db), "--counsellor", "B. Keller",
                  "--on", "2026-11-12")
    assert done.returncode == 0, done.stderr
    events = json.loads(optima("--db", str(db), "audit", "list", "--format", "json",
                               resident_on=False).stdout)
    assert [e["user"] for e in events if e["action"] == "accept"][-1] == "anna"
    assert optima("--db", str(db), "audit", "verify", resident_on=False).returncode == 0


@slow
def test_stdin_piped_in_is_the_commands_own(runtime: Path, db: Path) -> None:
    """A pipe on stdin is no terminal for the command: no question is asked, as without the
    resident (the shell reads its lines from it: tests/test_shell.py)."""
    serving()
    args = ("--db", str(db), "register", "--birth-date", "12.03.1980", "--from", "SD")
    alone = optima(*args, input=b"Muster Hans\n", resident_on=False)
    served = optima(*args, input=b"Muster Hans\n")
    assert served.returncode == alone.returncode == 2
    assert served.stderr == alone.stderr


# --- terminals ----------------------------------------------------------------------------------

class Terminal:
    """The launcher on a pseudo-terminal of its own (its controlling terminal, so that Ctrl-C is
    the terminal's), and all it wrote there."""

    def __init__(self, args: list[str], env: dict[str, str], columns: int = 100) -> None:
        environ = {k: v for k, v in env.items() if k != "NO_COLOR"} | {"TERM": "xterm",
                                                                       "COLUMNS": str(columns)}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(OPTIMA, [OPTIMA, *args], environ)
            finally:
                os._exit(127)
        self.seen = b""
        self.deadline = time.monotonic() + WAIT_S

    def read_until(self, wanted: bytes | None) -> None:
        """Read what it writes until `wanted` was shown, or (None) until it ends."""
        while (wanted is None or wanted not in self.seen) and time.monotonic() < self.deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.seen += data

    def finish(self) -> int:
        """Its exit code, once it ended."""
        self.read_until(None)
        os.close(self.fd)
        _, wait_status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(wait_status)


def on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    terminal = Terminal(args, env)
    return terminal.finish(), terminal.seen


@slow
def test_a_terminal_gets_colours_and_a_pipe_plain_text_as_without_the_resident(
        runtime: Path, db: Path) -> None:
    serving()
    args = ["--db", str(db), "list"]
    code_alone, alone = on_terminal(args, {**os.environ, "OPTIMA_RESIDENT": "0"})
    before = commands_run()
    code_served, served = on_terminal(args, dict(os.environ))
    assert commands_run() == before + 1
    assert code_alone == code_served == 0
    assert b"\x1b[" in served  # colours on the terminal
    assert served == alone
    piped = optima(*args)
    assert b"\x1b[" not in piped.stdout and piped.stdout == optima(*args, resident_on=False).stdout


@slow
def test_a_progress_bar_on_the_terminal_and_none_in_a_pipe(runtime: Path, tmp_path: Path) -> None:
    from test_progress import cases_file

    serving()
    rows = cases_file(tmp_path / "cases.csv", 1200)
    code, shown = on_terminal(["--db", str(tmp_path / "a.db"), "import", str(rows)], dict(os.environ))
    assert code == 0, shown
    assert b"importing" in shown and b"\x1b[" in shown  # the bar, drawn and taken away
    piped = optima("--db", str(tmp_path / "b.db"), "import", str(rows))
    assert piped.returncode == 0 and b"\x1b[" not in piped.stderr + piped.stdout
    assert b"importing" not in piped.stderr


@slow
def test_ctrl_c_reaches_the_command_and_two_terminals_are_served_at_once(
        runtime: Path, db: Path) -> None:
    """A command waits at a question on one terminal; another terminal's command runs meanwhile;
    then Ctrl-C on the first interrupts its command, which writes nothing."""
    serving(ready=2)
    before = commands_run()
    first = Terminal(["--db", str(db), "register", "--from", "SD"], dict(os.environ))
    first.read_until(b"ame")
    assert b"ame" in first.seen, first.seen  # the question of the client's name
    other = optima("--db", str(db), "list", "--format", "json")  # the second terminal
    assert other.returncode == 0 and json.loads(other.stdout)
    assert commands_run() >= before + 2  # both ran in the resident
    os.write(first.fd, b"\x03")  # Ctrl-C, as the terminal sends it
    assert first.finish() == 130
    assert b"interrupted; nothing was written" in first.seen
    import sqlite3

    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM client").fetchone() == (1,)


# --- the environment of each command ------------------------------------------------------------

@slow
def test_each_command_takes_the_environment_it_is_given(runtime: Path, db: Path, tmp_path: Path) -> None:
    serving()
    before = commands_run()
    german = optima("--db", str(db), "show", "OPT-1999-0001", env={"OPTIMA_LANG": "de"})
    english = optima("--db", str(db), "show", "OPT-1999-0001", env={"OPTIMA_LANG": "en"})
    assert german.stderr.startswith(b"Fehler:") and english.stderr.startswith(b"error:")
    other = tmp_path / "other.db"
    assert optima("--db", str(other), "list", "--format", "json", resident_on=False).returncode == 0
    one = optima("list", "--format", "json", env={"OPTIMA_DB": str(db)})
    two = optima("list", "--format", "json", env={"OPTIMA_DB": str(other)})
    assert len(json.loads(one.stdout)) == 1 and json.loads(two.stdout) == []
    for user in ("anna", "bert"):
        done = optima("--db", str(other), "register", "--name", f"Person {user}", "--birth-date",
                      "01.02.1970", "--from", "IV", env={"OPTIMA_USER": user})
        assert done.returncode == 0, done.stderr
    events = json.loads(optima("--db", str(other), "audit", "list", "--format", "json",
                               resident_on=False).stdout)
    assert [e["user"] for e in events if e["action"] == "register"] == ["anna", "bert"]
    assert commands_run() == before + 6


@slow
def test_the_working_folder_and_umask_are_the_callers(runtime: Path, tmp_path: Path) -> None:
    serving()
    folder = tmp_path / "here"
    folder.mkdir()
    done = subprocess.run([OPTIMA, "--db", "relative.db", "list"], cwd=folder, env=dict(os.environ),
                          capture_output=True, timeout=WAIT_S, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert (folder / "relative.db").exists()
    assert (folder / "relative.db").stat().st_mode & 0o777 == 0o600


# --- a killed resident, an upgrade, another user's socket ---------------------------------------

@slow
def test_a_killed_resident_leaves_the_next_command_answered(runtime: Path, db: Path) -> None:
    first = serving()
    os.kill(int(first["pid"]), signal.SIGKILL)  # type: ignore[call-overload]
    wait_until(lambda: gone(int(first["pid"])), "the resident ends")  # type: ignore[call-overload]
    done = optima("--db", str(db), "list", "--format", "json")
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 1
    again = serving(other_than=first["pid"])
    assert again["pid"] != first["pid"]
    assert optima("--db", str(db), "list", "--format", "json").stdout == done.stdout


@slow
def test_after_an_upgrade_the_old_resident_is_not_used(runtime: Path, db: Path, tmp_path: Path) -> None:
    """A copy of optima stands for the installation; changing one of its files is an upgrade."""
    copy = tmp_path / "installed"
    shutil.copytree(Path(resident.package_dir()), copy / "optima_cli",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(copy)}
    old = serving(env=env)
    changed = copy / "optima_cli" / "cli" / "reading.py"
    os.utime(changed, ns=(time.time_ns(), time.time_ns()))
    done = optima("--db", str(db), "list", "--format", "json", env=env)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 1
    assert int(status(env)["commands"] or 0) == 0  # type: ignore[call-overload]  # a new resident's
    wait_until(lambda: gone(int(old["pid"])), "the old resident ends")  # type: ignore[call-overload]
    new = serving(env=env, other_than=old["pid"])
    assert new["pid"] != old["pid"]


@slow
@pytest.mark.skipif(os.getuid() != 0, reason="making another user's socket needs root")
def test_another_users_socket_is_refused(runtime: Path, db: Path) -> None:
    where = launcher_paths()
    alone = optima("--db", str(db), "list", resident_on=False)
    # a socket file of another user where this installation's would be
    planted = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    planted.bind(where["socket"])
    planted.listen(1)
    os.chown(where["socket"], 65534, 65534)
    done = optima("--db", str(db), "list")
    assert done.returncode == 0 and done.stdout == alone.stdout
    assert b"is not yours alone" in done.stderr
    planted.close()
    os.unlink(where["socket"])
    # a socket file of this user, answered by a process of another user
    child = os.fork()
    if child == 0:
        try:
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(where["socket"])  # the file is this user's
            os.chmod(where["socket"], 0o600)
            os.setuid(65534)
            server.listen(1)  # the peer's credentials are those at listen()
            conn, _ = server.accept()
            conn.sendall(b"%s %d %d\n" % (resident.HELLO, resident.PROTOCOL, os.getpid()))
            time.sleep(5)
        finally:
            os._exit(0)
    wait_until(lambda: os.path.exists(where["socket"]), "the other user's socket")
    time.sleep(0.2)
    done = optima("--db", str(db), "list")
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    assert done.returncode == 0 and done.stdout == alone.stdout
    assert b"another user's process" in done.stderr


# --- the server command -------------------------------------------------------------------------

@slow
def test_server_status_and_stop(runtime: Path) -> None:
    assert status()["running"] is False
    found = serving()
    assert found["socket"] == launcher_paths()["socket"]
    assert str(found["socket"]).startswith(f"{runtime}/optima/")
    assert found["version"] and found["started"] and found["idle_minutes"] == 15
    files = list((runtime / "optima").iterdir())
    assert files and all(f.stat().st_mode & 0o077 == 0 for f in files)  # the user's alone
    table = optima("server", "status")
    assert table.returncode == 0 and str(found["pid"]).encode() in table.stdout
    stopped = optima("server", "stop", env={"OPTIMA_LANG": "de"})
    assert stopped.returncode == 0 and b"residentes optima beendet" in stopped.stderr
    assert gone(int(found["pid"]))  # type: ignore[call-overload]
    assert status()["running"] is False
    again = optima("server", "stop")
    assert again.returncode == 0 and b"no resident optima runs" in again.stderr
    bad = optima("server", "status", env={"OPTIMA_RESIDENT_IDLE": "soon"})
    assert bad.returncode == 2 and bad.stderr.count(b"\n") == 1 and b"OPTIMA_RESIDENT_IDLE" in bad.stderr


@slow
def test_off_with_optima_resident_0_and_ends_when_idle(runtime: Path, db: Path) -> None:
    done = optima("--db", str(db), "list", resident_on=False)
    assert done.returncode == 0
    time.sleep(1)
    assert not list((runtime / "optima").glob("*.sock")) if (runtime / "optima").exists() else True
    off = optima("server", "status", resident_on=False)
    assert b"OPTIMA_RESIDENT=0" in off.stderr
    env = {"OPTIMA_RESIDENT_IDLE": "0.03"}  # about 2 s
    found = serving(env=env)
    wait_until(lambda: gone(int(found["pid"])), "the idle resident ends")  # type: ignore[call-overload]
    assert status(env)["running"] is False


# --- what the resident is made of ---------------------------------------------------------------

def test_the_warm_up_lines_all_succeed(tmp_path: Path) -> None:
    """WARM_UP and WARM_READS are real commands: a changed option would make them fail silently."""
    warm = str(tmp_path / "warm.db")
    assert serve.warm_up(warm) == []
    assert serve.warm_up(warm, worker=True) == []


def test_the_launcher_imports_the_standard_library_only() -> None:
    done = subprocess.run([sys.executable, "-c", "import sys, optima_cli.cli.resident; "
                           "print(' '.join(sorted(sys.modules)))"], capture_output=True, text=True,
                          check=True)
    loaded = set(done.stdout.split())
    heavy = {"sqlalchemy", "sqlmodel", "typer", "rich", "pydantic", "openpyxl", "click", "dateutil"}
    assert not loaded & heavy
    assert {m for m in loaded if m.startswith("optima_cli")} == \
        {"optima_cli", "optima_cli.cli", "optima_cli.cli.resident"}


def test_the_command_word_skips_the_root_options() -> None:
    assert resident.command_word(["--db", "server", "list"]) == "list"
    assert resident.command_word(["--lang", "de", "server", "stop"]) == "server"
    assert resident.command_word(["--version"]) is None
    assert resident.idle_minutes({"OPTIMA_RESIDENT_IDLE": "0,5"}) == 0.5
    for bad in ("0", "-1", "nan", "inf", "soon"):
        with pytest.raises(ValueError):
            resident.idle_minutes({"OPTIMA_RESIDENT_IDLE": bad})
    assert not resident.enabled({"OPTIMA_RESIDENT": "0"}) and resident.enabled({})


# --- what a review found (issue 21) -------------------------------------------------------------

@slow
def test_a_closed_stdout_or_a_large_environment_runs_the_command_as_without_the_resident(
        runtime: Path, db: Path) -> None:
    serving()
    closed = subprocess.run(f"{OPTIMA} --version >&-", shell=True, env=dict(os.environ),
                            capture_output=True, timeout=WAIT_S)
    alone = subprocess.run(f"{OPTIMA} --version >&-", shell=True,
                           env={**os.environ, "OPTIMA_RESIDENT": "0"}, capture_output=True,
                           timeout=WAIT_S)
    assert closed.returncode == alone.returncode == 0
    assert closed.stderr == alone.stderr
    big = {f"BIG{i}": "é" * 60_000 for i in range(6)}  # 720 kB of environment: still taken
    huge = optima("--db", str(db), "list", "--format", "json", env=big)
    assert huge.returncode == 0 and len(json.loads(huge.stdout)) == 1


@slow
def test_a_signal_the_caller_ignores_is_ignored_by_the_command(runtime: Path, db: Path) -> None:
    """nohup: SIGHUP ignored; the command goes on after the terminal hung up."""
    serving()
    before = commands_run()
    process = subprocess.Popen([OPTIMA, "--db", str(db), "shell"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
                               preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    wait_until(lambda: commands_run() > before, "the shell runs in the resident")
    process.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    out, err = process.communicate(b"list --format json\n", timeout=WAIT_S)
    assert process.returncode == 0, err
    assert len(json.loads(out)) == 1


@slow
def test_a_stale_state_file_names_no_resident_and_stop_kills_nothing(runtime: Path) -> None:
    """A resident killed with -9 leaves its state file; its process number may be taken by
    another process, which `server stop` must leave alone."""
    where = launcher_paths()
    other = subprocess.Popen(["sleep", "60"])
    try:
        Path(where["state"]).write_text(json.dumps({"pid": other.pid, "socket": where["socket"]}))
        assert status()["running"] is False
        stopped = optima("server", "stop")
        assert stopped.returncode == 0 and b"no resident optima runs" in stopped.stderr
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()
