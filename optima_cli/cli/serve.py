"""The resident optima: a warm process that keeps a warm worker ready for the next command.

Started in the background by the launcher (cli/resident.py) as `python -m optima_cli.cli.serve
FINGERPRINT`, once per user and installation (a lock file keeps it to one). It imports optima and
runs WARM_UP once against a private database in the runtime folder, so that the modules are
imported, Typer's commands built and SQLAlchemy's statements compiled. Then it forks SPARE workers.

A worker runs WARM_UP's reads once more (a fresh fork copies each page of memory the first time a
command touches it: about 25 ms, paid here, before anyone waits), then waits for one connection.
It checks that the peer is the same user, says hello, tells the resident it is taken (the resident
forks the next one at once), receives the request and the caller's file descriptors, becomes the
caller (stdin, stdout and stderr, working folder, umask, environment, program name), runs the one
command exactly as a fresh process would, sends its exit code and ends. Nothing of one command can
reach the next: each runs in a process of its own, and two terminals are served at once.

The resident ends after OPTIMA_RESIDENT_IDLE minutes without a command (default 15), on SIGTERM
(`optima server stop`), or when the installation changes (an upgrade of optima or of a library): it
checks its fingerprint every few seconds.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import io
import json
import os
import select
import signal
import socket
import sys
import threading
import time
import types
from datetime import UTC, datetime
from typing import Any

from optima_cli import __version__
from optima_cli.cli import resident

SPARE = 2  # workers kept ready: two terminals at once get a warm one each
CHECK_S = 5.0  # how often the resident looks at its installation's fingerprint
FIRST_WAIT_S = 600.0  # the longest the warm-up waits for the first command to end
WARM_DAY = "2026-01-05"

# command lines run when warming up: {db} is the private database, {client} and {case} the ids
# the first commands print. Every line must succeed (tests/test_resident.py runs them).
WARM_UP = (
    ("register", "--name", "Warm Auf", "--birth-date", "01.01.1980", "--from", "SD",
     "--consent-on", WARM_DAY),
    ("check", "{client}", "--to", "RAV", "--topics", "placement", "--on", WARM_DAY),
    ("refer", "{client}", "--to", "RAV", "--topics", "placement,finances", "--months", "3",
     "--workable", "yes", "--goal", "Stelle finden", "--on", WARM_DAY),
    ("accept", "{case}", "--counsellor", "Warm", "--on", WARM_DAY),
    ("note", "{case}", "Aufwärmen", "--on", WARM_DAY),
)
WARM_READS = (
    ("show", "{case}"), ("show", "{case}", "--format", "json"), ("list",), ("list", "--format", "json"),
    ("due",), ("inbox", "--unit", "RAV"), ("client", "show", "{client}"), ("report", "--format", "json"),
    ("--lang", "de", "show", "{case}"), ("--lang", "de", "list"),
)
# what a worker runs before it waits: the memory a command touches becomes its own (a fresh fork
# copies each page on first write: show took 50 ms after a bare fork, 39 ms after this, and this
# costs the worker 55 ms before anyone waits for it)
WORKER_WARM = (("show", "{case}"),)


def run_captured(args: list[str]) -> tuple[int, str, str]:
    """Run one command in this process with its output captured: exit code, stdout, stderr."""
    from optima_cli.cli.root import app

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = exit_code(lambda: app(args=args, prog_name="optima"))
    return code, out.getvalue(), err.getvalue()


def exit_code(command: Any) -> int:
    """The exit code of a command, as Python's own exit makes it: of SystemExit, or of an exception
    nobody caught (its traceback on stderr, as OPTIMA_DEBUG=1 asks for)."""
    try:
        command()
    except KeyboardInterrupt:
        import traceback

        traceback.print_exc()
        return 130
    except Exception:  # noqa: BLE001 - as Python's own exit: the traceback, exit code 1
        import traceback

        traceback.print_exc()
        return 1
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        with contextlib.suppress(Exception):
            print(exc.code, file=sys.stderr)
        return 1
    return 0


def warm_up(db: str, worker: bool = False) -> list[tuple[list[str], int, str]]:
    """Run WARM_UP and WARM_READS on a new database `db` (a worker: WORKER_WARM on the one made);
    the lines that failed."""
    failed = []
    ids = {"client": "C-0001", "case": ""}
    if worker:
        with contextlib.suppress(OSError), open(db + ".case", encoding="utf-8") as file:
            ids["case"] = file.read().strip()
    else:
        for path in (db, db + "-wal", db + "-shm", db + ".case"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
    lines = WORKER_WARM if worker else WARM_UP + WARM_READS
    for line in lines:
        args = ["--db", db, "--user", "warm-up", *(word.format(**ids) for word in line)]
        code, out, err = run_captured(args)
        if code:
            failed.append((args, code, err.strip()[-300:]))
        elif line[0] in ("register", "refer"):
            ids["client" if line[0] == "register" else "case"] = out.strip().splitlines()[-1]
    if not worker and ids["case"]:  # private like every file of the resident (mode 600)
        fd = os.open(db + ".case", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(ids["case"])
    return failed


class Resident:
    def __init__(self, print_: str, where: dict[str, str], launcher: int | None = None) -> None:
        self.print_ = print_
        self.launcher = launcher  # the process that started this one, running its command
        self.where = where
        self.idle_s = 60 * _idle_minutes()
        self.started = datetime.now(UTC)
        self.last_used = time.monotonic()
        self.commands = 0
        self.spare: set[int] = set()  # workers forked and not yet taken
        self.ready: set[int] = set()  # of those, the ones warm and waiting
        self.stopping = False
        self.listener: socket.socket | None = None
        self.inode = 0
        self.taken_r, self.taken_w = os.pipe()  # workers say "ready PID" and "taken PID"
        self.wake_r, self.wake_w = os.pipe()  # signals (SIGTERM) wake the resident's select
        self.lock = -1
        self.life_r, self.life_w = os.pipe()  # only the resident holds the writing end: when it
        # ends, however, the waiting workers read the end of the pipe and end too

    def serve(self) -> int:
        lock = self.lock = os.open(self.where["lock"], os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another resident of this installation runs or starts
        if resident.fingerprint() != self.print_:
            return 0  # the installation changed since the launcher looked
        _sweep(os.path.dirname(self.where["lock"]), self.where["key"])
        self.listener = self._bind()  # before warming up: a socket path it cannot take wastes none
        if self.listener is None:
            return 0
        self._let_the_first_command_finish()
        failed = warm_up(self.where["warm"])
        for args, code, err in failed:
            print(f"warm-up: {' '.join(args)} -> {code}: {err}", file=sys.stderr, flush=True)
        self.listener.listen(16)
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)  # a signal ends the wait in select at once
        self._write_state()
        import gc

        gc.collect()
        gc.freeze()  # the warm objects stay out of every worker's garbage collection
        self.last_used = time.monotonic()  # idle from now, not from before the warm-up
        try:
            self._loop()
        finally:
            self._shut()
        return 0

    def _let_the_first_command_finish(self) -> None:
        """The command of the launcher that started this resident runs in its own process: warming
        up beside it would slow it down on a machine with few cores. So the warm-up waits for it
        (at most FIRST_WAIT_S)."""
        deadline = time.monotonic() + FIRST_WAIT_S
        while self.launcher and resident.alive(self.launcher) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _bind(self) -> socket.socket | None:
        path = self.where["socket"]
        with contextlib.suppress(FileNotFoundError):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(path)
                return None  # someone answers there already
            except ConnectionRefusedError:
                os.unlink(path)  # left by a resident that was killed
            finally:
                probe.close()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mask = os.umask(0o177)
        try:
            listener.bind(path)
        except OSError as exc:
            print(f"cannot listen at {path}: {exc}", file=sys.stderr, flush=True)
            listener.close()
            return None
        finally:
            os.umask(mask)
        os.chmod(path, 0o600)
        listener.setblocking(False)  # waiting workers select on it; one of them accepts
        self.inode = os.stat(path).st_ino
        return listener

    def _stop(self, _signum: int, _frame: object) -> None:
        self.stopping = True

    def _loop(self) -> None:
        last_check = time.monotonic()
        while not self.stopping:
            self._reap()
            while len(self.spare) < SPARE and not self.stopping:
                self._fork_worker()
            now = time.monotonic()
            if now - self.last_used > self.idle_s:
                break
            if now - last_check > CHECK_S:
                last_check = now
                if resident.fingerprint() != self.print_ or not self._still_ours():
                    break
            timeout = min(CHECK_S, max(0.05, self.idle_s - (now - self.last_used)))
            try:
                ready, _, _ = select.select([self.taken_r, self.wake_r], [], [], timeout)
            except InterruptedError:
                continue
            if self.wake_r in ready:
                os.read(self.wake_r, 4096)
            if self.taken_r in ready:
                self._heard(os.read(self.taken_r, 4096))

    def _heard(self, data: bytes) -> None:
        words = data.split()
        for what, pid in zip(words[::2], map(int, words[1::2])):
            if what == b"ready":
                self.ready.add(pid)
            else:
                self.spare.discard(pid)
                self.ready.discard(pid)
                self.commands += 1
                self.last_used = time.monotonic()
        self._write_state()

    def _still_ours(self) -> bool:
        try:
            return os.stat(self.where["socket"]).st_ino == self.inode
        except OSError:
            return False

    def _reap(self) -> None:
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.spare.discard(pid)
            self.ready.discard(pid)

    def _fork_worker(self) -> None:
        assert self.listener is not None
        pid = os.fork()
        if pid:
            self.spare.add(pid)
            return
        code = 0
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # first: the resident's handlers are not its
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # until the command runs
            signal.set_wakeup_fd(-1)
            code = Worker(self).run()
        except BaseException:  # noqa: BLE001 - a worker never returns into the resident's loop
            code = 1
        finally:
            os._exit(code)

    def _write_state(self) -> None:
        state = {"pid": os.getpid(), "socket": self.where["socket"],
                 "started": self.started.isoformat(timespec="seconds"),
                 "idle_minutes": self.idle_s / 60, "commands": self.commands,
                 "version": __version__, "ready": len(self.ready), "fingerprint": self.print_}
        temporary = self.where["state"] + ".tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(state, file)
        os.replace(temporary, self.where["state"])

    def _shut(self) -> None:
        """Stop taking commands: the waiting workers read the end of the life pipe and end; a
        worker that took a command just now finishes it (nothing is killed, nothing waited for)."""
        if self.listener is not None:
            if self._still_ours():
                with contextlib.suppress(OSError):
                    os.unlink(self.where["socket"])
            self.listener.close()
        os.close(self.life_w)
        with contextlib.suppress(OSError, ValueError), open(self.where["state"], encoding="utf-8") as file:
            if json.load(file).get("pid") == os.getpid():
                os.unlink(self.where["state"])


class Worker:
    """One command in a process of its own: warmed, then waiting for the connection it serves."""

    def __init__(self, home: Resident) -> None:
        self.home = home

    def run(self) -> int:
        home = self.home
        assert home.listener is not None
        atexit._clear()
        for fd in (home.taken_r, home.life_w, home.wake_r, home.wake_w, home.lock):
            os.close(fd)  # the lock stays the resident's: a long command must not hold it
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        warm = home.where["warm"]
        with contextlib.suppress(Exception):
            warm_up(warm, worker=True)
        os.write(home.taken_w, b"ready %d\n" % os.getpid())
        while True:
            readable, _, _ = select.select([home.listener.fileno(), home.life_r], [], [])
            if home.life_r in readable:
                return 0  # the resident ended (even killed): so does its waiting worker
            try:
                conn, _ = home.listener.accept()
            except (BlockingIOError, InterruptedError):
                continue  # another worker took it
            conn.setblocking(True)
            if resident.peer_uid(conn) == os.getuid():
                break
            conn.close()  # another user: never served
        home.listener.close()
        os.close(home.life_r)
        try:
            conn.sendall(b"%s %d %d\n" % (resident.HELLO, resident.PROTOCOL, os.getpid()))
            os.write(home.taken_w, b"taken %d\n" % os.getpid())
            os.close(home.taken_w)
            received = resident.receive(conn)
        except OSError:
            return 0
        if received is None:
            return 0  # the launcher gave up before sending: nothing runs
        request, fds = received
        if request.get("fingerprint") != home.print_:
            return 0
        code = self._become(request, fds)
        for signum in request.get("ignored", ()):  # what the caller ignores (nohup), the command does
            signal.signal(int(signum), signal.SIG_IGN)
        try:
            conn.sendall(b"started\n")
        except OSError:
            return 0  # the launcher went before the command began: it did not run
        done = threading.Event()
        if code is None:
            threading.Thread(target=_follow, args=(conn, done), daemon=True).start()
            code = exit_code(lambda: self._command(request))
        done.set()
        with contextlib.suppress(Exception):
            atexit._run_exitfuncs()  # what the command registered, as at a process's end
        _close_databases()
        code = _flush(code)
        _detach()
        with contextlib.suppress(OSError):
            conn.sendall(b"exit %d\n" % code)
            conn.close()
        return code

    def _become(self, request: dict[str, Any], fds: dict[int, int]) -> int | None:
        """Take the caller's streams, folder, umask, environment and program name; an exit code
        when that fails as a fresh process would (a removed working folder)."""
        for std in (0, 1, 2):
            if std in fds:
                os.dup2(fds[std], std)
                os.close(fds[std])
            else:
                os.close(std)
        os.environ.clear()
        os.environ.update({resident.unwire(k): resident.unwire(v) for k, v in request["env"].items()})
        time.tzset()
        os.umask(int(request["umask"]))
        sys.stdin, sys.stdout, sys.stderr = (
            _stream(std, *request["streams"][std]) if std in fds else None for std in (0, 1, 2))
        for name in ("stdin", "stdout", "stderr"):  # what libraries take for the original streams
            setattr(sys, f"__{name}__", getattr(sys, name))
        main = types.ModuleType("__main__")
        main.__package__ = request.get("main_package")
        sys.modules["__main__"] = main
        sys.argv = [resident.unwire(request["argv0"]), *map(resident.unwire, request["args"])]
        signal.signal(signal.SIGINT, signal.default_int_handler)
        cwd = resident.unwire(request["cwd"])
        try:
            os.chdir(cwd or "/nonexistent-working-folder")
        except OSError as exc:
            print(f"optima: cannot enter the working folder {cwd!r}: {exc.strerror}", file=sys.stderr)
            return 1
        return None

    def _command(self, request: dict[str, Any]) -> None:
        from optima_cli.cli.root import app  # not cli.main: that would ask the resident again

        app()


def _close_databases() -> None:
    """Close the SQLite connections the command left open, as the end of a process does: SQLite
    then removes the write-ahead log of a file no one else has open, so that a command leaves the
    folder as a fresh process would (a refused one, as it found it). The worker ends with
    os._exit, which closes nothing."""
    import gc
    import sqlite3

    gc.collect()  # the command's engines and connections that nothing refers to any more
    for generation in (0, 1, 2):  # not the resident's own objects: frozen, in no generation
        for found in gc.get_objects(generation):
            if isinstance(found, sqlite3.Connection):
                with contextlib.suppress(sqlite3.Error):
                    found.close()


def _follow(conn: socket.socket, done: threading.Event) -> None:
    """The launcher is the command to whoever started it: killed (SIGKILL, which it cannot pass
    on), it takes its command with it, as when the command ran in its own process. Its end of the
    connection closes then, before the command is done."""
    with contextlib.suppress(OSError):
        conn.recv(1)
    if not done.is_set():
        os.kill(os.getpid(), signal.SIGKILL)


def _sweep(folder: str, key: str) -> None:
    """Remove the files of residents of other installations that no longer run (their lock is
    free): an upgrade leaves the old one's behind."""
    for name in os.listdir(folder):
        other = name.split(".", 1)[0]
        if other == key or not name.endswith(".lock"):
            continue
        path = os.path.join(folder, name)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # it runs
        try:
            for suffix in (".sock", ".json", ".log", ".warm.db", ".warm.db-wal", ".warm.db-shm",
                           ".warm.db.case"):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, other + suffix))
            os.unlink(path)
        except OSError:
            pass
        finally:
            os.close(fd)


def _stream(fd: int, encoding: str, errors: str) -> io.TextIOWrapper:
    """A standard stream over `fd` as Python makes it at start: stdout line-buffered on a
    terminal, stderr always."""
    tty = os.isatty(fd)
    raw = io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)
    if fd == 0:
        return io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, errors=errors,
                                newline="\n", line_buffering=tty)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding, errors=errors,
                            newline="\n", line_buffering=tty or fd == 2)


def _flush(code: int) -> int:
    """Flush stdout and stderr as Python's exit does: a reader gone away is exit code 120."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            code = 120 if code == 0 else code
        except (OSError, ValueError):
            pass
    return code


def _detach() -> None:
    """Let go of the caller's streams, so that a pipe reading them sees its end now."""
    null = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, std)
    os.close(null)


def _idle_minutes() -> float:
    try:
        return resident.idle_minutes()
    except ValueError:
        return resident.IDLE_DEFAULT_MINUTES


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or (len(argv) == 3 and not argv[2].isdigit()):
        print("usage: python -m optima_cli.cli.serve FINGERPRINT [LAUNCHER_PID] (started by optima "
              "itself)", file=sys.stderr)
        return 2
    folder = resident.runtime_dir()
    if folder is None:
        return 0
    os.chdir("/")  # the resident holds no folder of the user's; each command enters its own
    print_ = argv[1]
    launcher = int(argv[2]) if len(argv) == 3 else None
    return Resident(print_, resident.paths(folder, print_), launcher).serve()


if __name__ == "__main__":
    with contextlib.suppress(OSError):
        if os.getpgrp() != os.getpid():
            os.setsid()
    sys.exit(main(sys.argv))
