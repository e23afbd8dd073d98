# ruff: noqa: SIM105 - try/except, not contextlib.suppress: contextlib costs the launcher 3 ms
"""The launcher of the resident optima: hands a command to a warm optima process of this user.

Every command used to start Python afresh and import SQLAlchemy, SQLModel, Pydantic, Typer and Rich
again: 500 to 700 ms, most of it imports. Now `optima` first asks the resident optima of this user
and this installation (cli/serve.py) to run the command. The resident keeps one warm worker ready,
forked from a process that has imported and used everything once; the worker gets this process's
arguments, working folder, umask, whole environment and its stdin, stdout and stderr (the file
descriptors themselves, so that terminal detection, colours, prompts and pipes behave as before),
runs the command once, says its exit code, and ends. The launcher imports the standard library only.

When no resident answers, the launcher starts one and runs the command itself, as before. It is
off with OPTIMA_RESIDENT=0, for `optima server` (which looks at the resident) and wherever the
runtime folder is not the user's alone.

The runtime folder is $XDG_RUNTIME_DIR/optima, else /tmp/optima-<uid>: made mode 700, used only
when it is a real folder owned by the user with no rights for others. The socket is named after the
installation (its interpreter and the state of optima's files and of the site-packages folders), so
that after an upgrade the old resident is never asked; the old one notices the change and ends.
"""

from __future__ import annotations

import marshal
import os
import signal
import socket
import stat
import struct
import sys
import zlib

TYPE_CHECKING = False  # typing itself costs 3 ms; mypy takes this name as true

if TYPE_CHECKING:  # the launcher imports nothing it need not: typing and contextlib cost 5 ms
    from collections.abc import Callable
    from typing import Any

PROTOCOL = 1
HELLO = b"optima-resident"
HANDSHAKE_S = 2.0  # how long a launcher waits for a worker to take its command before running it itself
MAX_MESSAGE = 1 << 22  # a request's largest size (arguments and environment)
SWITCH = "OPTIMA_RESIDENT"  # 0 (or off, no, false) turns the resident off
IDLE = "OPTIMA_RESIDENT_IDLE"  # minutes without a command after which the resident ends
IDLE_DEFAULT_MINUTES = 15.0
OFF = ("0", "off", "no", "false", "nein", "aus")
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
ROOT_VALUED = ("--db", "--user", "--lang")  # the root options that take a value (cli/root.py uses it)
LOCAL = ("server",)  # commands that run in the launcher's own process


def enabled(environ: Any = None) -> bool:
    value = (os.environ if environ is None else environ).get(SWITCH, "")
    return value.strip().lower() not in OFF


def command_word(args: list[str]) -> str | None:
    """The command of an argument list: its first word that is neither a root option nor its value."""
    for index, arg in enumerate(args):
        if not arg.startswith("-") and (index == 0 or args[index - 1] not in ROOT_VALUED):
            return arg
    return None


def idle_minutes(environ: Any = None) -> float:
    """OPTIMA_RESIDENT_IDLE in minutes (a positive number); ValueError when it is not one."""
    value = idle_value(environ).strip()
    if not value:
        return IDLE_DEFAULT_MINUTES
    minutes = float(value.replace(",", "."))
    if not minutes > 0 or minutes != minutes or minutes == float("inf"):
        raise ValueError(value)
    return minutes


def idle_value(environ: Any = None) -> str:
    return (os.environ if environ is None else environ).get(IDLE, "")


def runtime_dir(environ: Any = None, make: bool = True) -> str | None:
    """The user's private runtime folder for optima, or None when there is none to trust."""
    environ = os.environ if environ is None else environ
    uid = os.getuid()
    base = environ.get("XDG_RUNTIME_DIR", "")
    if base and os.path.isabs(base) and _private_dir(base, uid, allow_sticky=False):
        folder = os.path.join(base, "optima")
    else:
        folder = os.path.join("/tmp", f"optima-{uid}")
    if make:
        try:
            os.mkdir(folder, 0o700)
        except OSError:  # there already (checked below), or not possible
            pass
    return folder if _private_dir(folder, uid) else None


def _private_dir(path: str, uid: int, allow_sticky: bool = False) -> bool:
    try:
        found = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISDIR(found.st_mode) and found.st_uid == uid
            and not found.st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def package_dir() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fingerprint() -> str:
    """What identifies this installation: the environment and its Python, optima's source files
    (name, size, time) and the site-packages folders (an install or upgrade of any library changes
    them). Not the interpreter's name: `python` and `python3` of one environment are one."""
    parts = [f"{PROTOCOL}\0{sys.prefix}\0{sys.version}\0"]
    stack = [package_dir()]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append(entry.path)
            elif entry.name.endswith((".py", ".ini", ".mako")):
                try:
                    found = entry.stat()
                except OSError:
                    continue
                parts.append(f"{entry.path}\0{found.st_size}\0{found.st_mtime_ns}\0")
    for folder in sys.path:
        if folder.endswith("site-packages"):
            try:
                parts.append(f"{folder}\0{os.stat(folder).st_mtime_ns}\0")
            except OSError:
                continue
    data = "".join(parts).encode("utf-8", "surrogateescape")
    # two checksums, not a cryptographic hash (hashlib costs the launcher 3 ms): a name, not a seal
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):08x}"


def paths(folder: str, print_: str | None = None) -> dict[str, str]:
    """The resident's files in the runtime folder, named after the installation's fingerprint."""
    key = (print_ or fingerprint())[:16]
    base = os.path.join(folder, key)
    return {"socket": base + ".sock", "lock": base + ".lock", "state": base + ".json",
            "log": base + ".log", "warm": base + ".warm.db", "key": key}


def launch(args: list[str]) -> int | None:
    """Run the command in the resident optima: its exit code, or None when the launcher must run it
    itself (no resident answers, it is off, or it cannot be trusted)."""
    if not enabled() or command_word(args) in LOCAL:
        return None
    # a closed stdin, stdout or stderr: the socket would take its number and be handed over as it;
    # a removed working folder: the worker could not enter it. Both run here, as before.
    if not all(_open(fd) for fd in (0, 1, 2)) or not _cwd():
        return None
    try:  # until the worker says it started, nothing ran: any failure here runs the command here
        folder = runtime_dir()
        if folder is None:
            return None
        print_ = fingerprint()
        where = paths(folder, print_)
        conn = _connect(where["socket"])
        if conn is None:
            start(where, print_)
            return None
        worker = _handshake(conn)
        if worker is None:
            conn.close()
            return None
        body = _body(_request(args, print_))
        if body is None:
            conn.close()
            return None
    except (OSError, ValueError, UnicodeError):
        return None
    waiting = Waiting(conn, worker)
    with conn:
        code = waiting.run(body)
    if code is None and signal.SIGINT in waiting.forwarded:
        raise KeyboardInterrupt  # Ctrl-C before the worker took the command: it does not run
    if code is None:
        waiting.die_of_what_ended_it()  # a SIGTERM before it took the command: nor does it run
    return code


def _connect(path: str) -> socket.socket | None:
    """A connection to the socket at `path` when it is this user's own; None when there is none."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISSOCK(found.st_mode) or found.st_uid != os.getuid() or \
            found.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        _say("warning", lambda t: t("the socket {path} is not yours alone; optima runs without its "
                                    "resident process", path=path))
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:  # none listens (a resident was killed): a new one replaces the socket
        conn.close()
        return None
    if peer_uid(conn) != os.getuid():  # a process of another user answers: never hand it the terminal
        conn.close()
        _say("warning", lambda t: t("the socket {path} is answered by another user's process; optima "
                                    "runs without its resident process", path=path))
        return None
    return conn


def alive(pid: int) -> bool:
    """Whether a process runs (an ended one that nobody reaped yet, a zombie, does not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            return file.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket (SO_PEERCRED)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def _handshake(conn: socket.socket) -> int | None:
    """The worker's process id once a worker has taken the connection; None when none does in time
    (all busy, or a resident of another protocol): then nothing was sent and nothing runs."""
    conn.settimeout(HANDSHAKE_S)
    try:
        line = _line(conn)
    except OSError:
        return None
    finally:
        conn.settimeout(None)
    parts = line.split() if line else []
    if len(parts) != 3 or parts[0] != HELLO or parts[1] != str(PROTOCOL).encode() or \
            not parts[2].isdigit():
        return None
    return int(parts[2])


def _line(conn: socket.socket) -> bytes | None:
    """One line from the socket, without its newline; None at the end of the stream."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            return None
        data += chunk
        if len(data) > 4096:
            return None
    return data[:-1]


def _ignored() -> list[int]:
    """The signals this process was told to ignore (nohup: SIGHUP): the command ignores them too."""
    return [int(sig) for sig in (*FORWARDED, signal.SIGTSTP)
            if signal.getsignal(sig) == signal.SIG_IGN]


def _request(args: list[str], print_: str) -> dict[str, Any]:
    main = sys.modules.get("__main__")
    streams = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        streams.append([getattr(stream, "encoding", None) or "utf-8",
                        getattr(stream, "errors", None) or "strict"])
    return {
        "protocol": PROTOCOL,
        "fingerprint": print_,
        "args": [_wire(arg) for arg in args],
        "argv0": _wire(sys.argv[0] if sys.argv else "optima"),
        "main_package": getattr(main, "__package__", None),
        "cwd": _wire(_cwd()),
        "umask": _umask(),
        "env": {_wire(k): _wire(v) for k, v in os.environ.items()},
        "streams": streams,
        "ignored": _ignored(),
    }


def _wire(text: str) -> str:
    """Text as it travels: bytes that are not UTF-8 (surrogate escapes) stay as they were given."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def unwire(text: str) -> str:
    return text.encode("latin-1").decode("utf-8", "surrogateescape")


def _cwd() -> str:
    try:
        return os.getcwd()
    except OSError:  # the working folder was removed: the worker says what the command would
        return ""


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _body(request: dict[str, Any]) -> bytes | None:
    """The request as it is sent; None when it is too large for a worker to take."""
    body = marshal.dumps(request)  # one Python talks to the same Python (the fingerprint says so)
    return body if len(body) <= MAX_MESSAGE else None


def _send(conn: socket.socket, body: bytes) -> None:
    header = struct.pack("!I", len(body))
    fds = [fd for fd in (0, 1, 2) if _open(fd)]
    present = bytes(int(fd in fds) for fd in (0, 1, 2))
    socket.send_fds(conn, [header + present + body], fds)


def _open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def receive(conn: socket.socket) -> tuple[dict[str, Any], dict[int, int]] | None:
    """The request and its file descriptors (0, 1, 2 -> the received descriptor) as a worker reads
    them; None when the launcher went away before sending."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 65536, 3)
    if not data:
        return None
    while len(data) < 7:
        more = conn.recv(65536)
        if not more:
            return None
        data += more
    (size,) = struct.unpack("!I", data[:4])
    if size > MAX_MESSAGE:
        return None
    present, body = data[4:7], data[7:]
    while len(body) < size:
        more = conn.recv(min(65536, size - len(body)))
        if not more:
            return None
        body += more
    received = iter(fds)
    mapping = {std: next(received) for std in (0, 1, 2) if present[std]}
    request = marshal.loads(body)
    return (request, mapping) if isinstance(request, dict) else None


def _signal_to(send: Callable[[], None]) -> None:
    """Send a signal to the worker, which may have ended meanwhile."""
    try:
        send()
    except (ProcessLookupError, PermissionError):
        pass


class Waiting:
    """The launcher while its command runs in the worker: the signals it gets go to the worker
    (those it ignores are ignored there too); Ctrl-Z stops both, `fg` continues both. The worker
    says "started" when it took the command over (until then nothing ran: the end of the
    connection before it means the command runs here) and "exit N" at its end."""

    def __init__(self, conn: socket.socket, worker: int) -> None:
        self.conn, self.worker = conn, worker
        self.started = False
        self.forwarded: list[int] = []

    def _forward(self, signum: int, _frame: object) -> None:
        if signum == signal.SIGTSTP:
            self._suspend()
            return
        self.forwarded.append(signum)
        if self.started or signum != signal.SIGINT:
            _signal_to(lambda: os.kill(self.worker, signum))

    def _suspend(self) -> None:
        _signal_to(lambda: os.kill(self.worker, signal.SIGSTOP))
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stopped here until the shell's `fg` continues it
        signal.signal(signal.SIGTSTP, self._forward)
        _signal_to(lambda: os.kill(self.worker, signal.SIGCONT))

    def die_of_what_ended_it(self) -> None:
        """The worker ended (or never began) after this process was sent a signal that ends a
        process (SIGTERM, SIGHUP, SIGQUIT): so does this one, of the same signal."""
        fatal = [sig for sig in self.forwarded if sig not in (signal.SIGINT, signal.SIGWINCH)]
        if fatal:
            signal.signal(fatal[-1], signal.SIG_DFL)
            os.kill(os.getpid(), fatal[-1])

    def run(self, body: bytes) -> int | None:
        ignored = set(_ignored())
        caught = [sig for sig in (*FORWARDED, signal.SIGTSTP, signal.SIGWINCH) if sig not in ignored]
        previous = {sig: signal.signal(sig, self._forward) for sig in caught}
        try:
            try:
                _send(self.conn, body)
                line = _line(self.conn)
            except OSError:
                line = None
            if line != b"started":
                return None  # the worker went before it took the command: it runs here
            self.started = True
            if signal.SIGINT in self.forwarded:  # Ctrl-C before the worker could hear it
                _signal_to(lambda: os.kill(self.worker, signal.SIGINT))
            try:
                line = _line(self.conn)
            except OSError:
                line = None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if line and line.startswith(b"exit ") and line[5:].lstrip(b"-").isdigit():
            return int(line[5:])
        self.die_of_what_ended_it()
        _say("error", lambda t: t("the resident optima process ended before the command did; run it "
                                  "again, or with OPTIMA_RESIDENT=0 to run it without the resident "
                                  "process"))
        return 1


def start(where: dict[str, str], print_: str) -> None:
    """Start a resident for this installation in the background (it ends itself when another one
    runs already); its output goes to its log file in the runtime folder."""
    try:
        log = os.open(where["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
    except OSError:
        return
    try:
        # -P: not the working folder first on the path, where a checkout of optima may lie
        os.posix_spawn(sys.executable, [sys.executable, "-P", "-m", "optima_cli.cli.serve", print_,
                                        str(os.getpid())],
                       _resident_environment(), setsid=True, file_actions=[
                           (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                           (os.POSIX_SPAWN_DUP2, log, 1), (os.POSIX_SPAWN_DUP2, log, 2)])
    except OSError:
        pass
    finally:
        os.close(log)


KEPT = ("PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TZ", "LANG", "XDG_RUNTIME_DIR", IDLE, SWITCH)


def _resident_environment() -> dict[str, str]:
    """What the resident itself runs with: what finds Python, the runtime folder and the locale;
    not the rest of the first caller's environment (a password in it, say). Each command gets its
    caller's whole environment."""
    return {k: v for k, v in os.environ.items()
            if k in KEPT or k.startswith(("LC_", "PYTHON"))}


def _say(kind: str, said: Callable[[Callable[..., str]], str]) -> None:
    """A warning or an error on stderr, in the user's language (its catalogue imported only here,
    when there is one to say): `said` makes the sentence with the translating function."""
    from optima_cli import language

    try:
        language.use(language.choose(None, os.environ))
    except ValueError:  # an unknown OPTIMA_LANG: English
        pass
    label = language.t("error") if kind == "error" else language.t("warning")
    try:
        sys.stderr.write(f"{label}: {said(language.t)}\n")
    except OSError:
        pass
