"""server status, server stop: the resident optima of this user and installation (cli/serve.py)."""

from __future__ import annotations

import typer

from optima_cli.cli import resident  # the standard library only
from optima_cli.cli.options import FormatOpt, emit, tables, terminal
from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t
from optima_cli.render.formats import Format

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

server_app = typer.Typer(
    help="The resident optima: a warm process that runs your commands faster.",
    no_args_is_help=True)
app.add_typer(server_app, name="server")

STOP_WAIT_S = 10.0


@server_app.command("status")
def status(fmt: FormatOpt = Format.TABLE) -> None:
    """Show whether the resident optima runs, since when and how many commands it ran.

    Every command after the first runs in the resident optima, which keeps optima loaded in a
    process of your own; it ends after OPTIMA_RESIDENT_IDLE minutes without a command (default 15),
    when optima is upgraded, or with `optima server stop`. OPTIMA_RESIDENT=0 turns it off.

    Example: optima server status --format json
    """
    emit(_state(), fmt, tables.server_status)
    if not resident.enabled():
        terminal.message(t("OPTIMA_RESIDENT=0: commands run without the resident optima"))


@server_app.command("stop")
def stop(fmt: FormatOpt = Format.TABLE) -> None:
    """Stop the resident optima; the next command starts it again (unless OPTIMA_RESIDENT=0).

    A command it is running finishes first, in a process of its own. As JSON or CSV: stopped
    (true, or false when none ran) and pid.

    Example: optima server stop
    """
    import contextlib
    import os
    import signal
    import time

    state = _state()
    if not state["running"]:
        _stopped(None, fmt)
        return
    pid = int(str(state["pid"]))
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_S
    while time.monotonic() < deadline and resident.alive(pid):
        time.sleep(0.02)
    if resident.alive(pid):
        raise OptimaError.refused("resident-not-stopped", pid=pid, seconds=int(STOP_WAIT_S))
    _stopped(pid, fmt)


def _stopped(pid: int | None, fmt: Format) -> None:
    if fmt != Format.TABLE:
        emit({"stopped": pid is not None, "pid": pid}, fmt, lambda _: None)
    elif pid is None:
        terminal.message(t("no resident optima runs"))
    else:
        terminal.message(t("stopped the resident optima (process {pid})", pid=pid))


def _resident(pid: int, lock: str) -> bool:
    """Whether `pid` is the resident of this installation: it holds the lock, and it runs optima's
    resident (a state file left by a killed resident may name a process that took its number)."""
    import fcntl
    import os

    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            if b"optima_cli.cli.serve" not in file.read():
                return False
    except FileNotFoundError:
        return False
    except OSError:
        pass  # no /proc: the lock alone says it
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True  # held: the resident runs
    finally:
        os.close(fd)
    return False


def _state() -> dict[str, object]:
    """What runs, from the resident's state file; `running` false (and the rest empty) if none."""
    import json

    try:
        idle = resident.idle_minutes()
    except ValueError:
        raise UsageProblem.refused("bad-resident-idle", value=resident.idle_value()) from None
    empty: dict[str, object] = {"running": False, "pid": None, "socket": None, "started": None,
                                "idle_minutes": idle, "commands": 0, "ready": 0, "version": None}
    folder = resident.runtime_dir(make=False)
    if folder is None:
        return empty
    where = resident.paths(folder)
    try:
        with open(where["state"], encoding="utf-8") as file:
            found = json.load(file)
        pid = int(found["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return {**empty, "socket": where["socket"]}
    if not resident.alive(pid) or not _resident(pid, where["lock"]):
        return {**empty, "socket": where["socket"]}
    return {"running": True, "pid": pid, "socket": found.get("socket"), "started": found.get("started"),
            "idle_minutes": found.get("idle_minutes"), "commands": found.get("commands", 0),
            "ready": found.get("ready", 0), "version": found.get("version")}
