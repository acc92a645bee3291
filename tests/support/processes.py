"""What the throwaway test servers share: errors, the registry that stops them at exit, work
directories, ports and child processes."""

from __future__ import annotations

import abc
import atexit
import contextlib
import os
import pwd
import shlex
import signal
import socket
import stat
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Self

LOOPBACK = "127.0.0.1"


PG_SUPERUSER = "postgres"


_DIR_PREFIX = "shop-test-"
_OWNER_FILE = "owner.pid"


class ServerError(RuntimeError):
    """A test server could not be started, reached or stopped."""


class ServerNotInstalledError(ServerError):
    """A server binary is missing; the message says how to install it."""


# --------------------------------------------------------------------------------------------
# Common machinery
# --------------------------------------------------------------------------------------------


class RunningServer(abc.ABC):
    """A server process owned by this test session.

    Subclasses provide ``url``; ``stop()`` is final and idempotent. Usable as a context
    manager, which stops the server on exit.
    """

    kind: str = "server"

    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self._stopped = False

    @property
    @abc.abstractmethod
    def url(self) -> str:
        """Connection URL for clients."""

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` has been called."""
        return self._stopped

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop the server for good and remove its directory. Safe to call twice."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "live"
        return f"<{type(self).__name__} {self.url} {state} dir={self.workdir}>"


_live: set[RunningServer] = set()
_live_lock = threading.RLock()  # re-entrant: the signal handler may run while held
_owner_pid = os.getpid()
_hooks_installed = False


def _register(server: RunningServer) -> None:
    with _live_lock:
        _live.add(server)
    _install_exit_hooks()


def _unregister(server: RunningServer) -> None:
    with _live_lock:
        _live.discard(server)


def stop_all() -> None:
    """Stop every server this process started and has not stopped yet.

    Runs automatically at interpreter exit. Does nothing in a forked child (e.g. an RQ work
    horse), whose parent still owns the servers.
    """
    if os.getpid() != _owner_pid:
        return
    with _live_lock:
        servers = list(_live)
    for server in servers:
        with contextlib.suppress(Exception):
            server.stop()


def _on_fatal_signal(signum: int, frame: FrameType | None) -> None:
    """Stop the servers, then die of the same signal as we would have without this hook."""
    stop_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_exit_hooks() -> None:
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    atexit.register(stop_all)
    # atexit does not run when a signal kills the process: hook SIGTERM/SIGHUP, but only where
    # nobody else has a handler and only from the main thread (where signal() is allowed).
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is signal.SIG_DFL:
                signal.signal(signum, _on_fatal_signal)


def _free_port() -> int:
    """A loopback TCP port that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _world_traversable(path: Path) -> bool:
    """Can any user reach entries below ``path``?"""
    for part in (path, *path.parents):
        try:
            if not os.stat(part).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def _base_tmpdir(other_user: bool) -> Path:
    base = Path(os.environ.get("SHOP_TEST_TMPDIR") or tempfile.gettempdir()).resolve()
    if other_user and not _world_traversable(base):
        # e.g. TMPDIR under /root: the postgres user could not reach its own data directory.
        base = Path("/tmp")
    return base


def _make_workdir(kind: str, owner: pwd.struct_passwd | None) -> Path:
    """A fresh private directory, owned by ``owner`` if given, tagged with our pid."""
    workdir = Path(
        tempfile.mkdtemp(prefix=f"{_DIR_PREFIX}{kind}-", dir=_base_tmpdir(owner is not None))
    )
    (workdir / _OWNER_FILE).write_text(f"{os.getpid()}\n")
    if owner is not None:
        os.chown(workdir, owner.pw_uid, owner.pw_gid)
    return workdir


def _stale_workdirs(kind: str, other_user: bool) -> list[Path]:
    """Directories of ``kind`` whose owning process is gone (it was SIGKILLed, say)."""
    stale = []
    for path in _base_tmpdir(other_user).glob(f"{_DIR_PREFIX}{kind}-*"):
        try:
            pid = int((path / _OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue  # not ours, not readable, or still being created
        if pid != os.getpid() and not _pid_alive(pid):
            stale.append(path)
    return stale


def _child_env(home: Path | None = None, user: str | None = None) -> dict[str, str]:
    """The environment for server processes: no PG*/locale variables that could interfere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PG", "LC_")) and key not in ("LANG", "LANGUAGE")
    }
    if home is not None:
        env["HOME"] = str(home)
    if user is not None:
        env["USER"] = env["LOGNAME"] = user
    return env


def _run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    timeout: float,
    run_as: pwd.struct_passwd | None = None,
    cwd: Path | None = None,
    what: str,
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` to completion (optionally as another user); ServerError on failure."""
    argv = [os.fspath(part) for part in cmd]
    kwargs: dict[str, Any] = {}
    if run_as is not None:
        kwargs = {"user": run_as.pw_uid, "group": run_as.pw_gid, "extra_groups": []}
    try:
        result = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
            env=_child_env(cwd, run_as.pw_name if run_as else None),
            check=False,
            **kwargs,
        )
    except subprocess.TimeoutExpired as exc:
        raise ServerError(f"{what}: timed out after {timeout:g}s: {shlex.join(argv)}") from exc
    if result.returncode != 0:
        raise ServerError(
            f"{what}: exit status {result.returncode}: {shlex.join(argv)}\n"
            f"{result.stdout}{result.stderr}".rstrip()
        )
    return result
