"""A throwaway Redis server (see tests/support/servers.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.support.processes import (
    LOOPBACK,
    RunningServer,
    ServerError,
    ServerNotInstalledError,
    _child_env,
    _free_port,
    _make_workdir,
    _register,
    _stale_workdirs,
    _tail,
    _unregister,
)

REDIS_INSTALL_COMMAND = "apt-get install -y redis-server"


def find_redis_server() -> Path:
    """The ``redis-server`` binary: ``$SHOP_REDIS_SERVER`` or ``redis-server`` on ``PATH``."""
    override = os.environ.get("SHOP_REDIS_SERVER")
    if override:
        if os.access(override, os.X_OK):
            return Path(override)
        raise ServerNotInstalledError(
            f"SHOP_REDIS_SERVER={override} is not an executable. Point it at redis-server, or "
            f"unset it and run: {REDIS_INSTALL_COMMAND}"
        )
    for candidate in (
        shutil.which("redis-server"),
        "/usr/bin/redis-server",
        "/usr/local/bin/redis-server",
    ):
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise ServerNotInstalledError(
        f"redis-server not found on PATH. Install it with: {REDIS_INSTALL_COMMAND} "
        "(or set SHOP_REDIS_SERVER to its path)."
    )


def _redis_ping(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer(RunningServer):
    """A private ``redis-server`` child process; see :func:`start_redis`.

    Persistence is off, so every (re)start begins with an empty data set. Outage helpers keep
    the port reserved so clients configured with :attr:`url` reconnect after :meth:`start`:

    * :meth:`kill` — SIGKILL, like a crash; connections are reset.
    * :meth:`terminate` — graceful shutdown (SIGTERM).
    * :meth:`pause` / :meth:`resume` — SIGSTOP/SIGCONT: the port accepts connections but
      nothing answers, so clients hit their timeouts.
    * :meth:`restart` — terminate (or kill) and start again on the same port.
    """

    kind = "redis"

    def __init__(self, binary: Path, workdir: Path, port: int) -> None:
        super().__init__(port, workdir)
        self.binary = binary
        self._proc: subprocess.Popen[bytes] | None = None
        self._paused = False

    @property
    def logfile(self) -> Path:
        return self.workdir / "redis.log"

    @property
    def url(self) -> str:
        """URL of logical database 0."""
        return self.url_for(0)

    def url_for(self, db: int) -> str:
        return f"redis://{LOOPBACK}:{self.port}/{db}"

    @property
    def pid(self) -> int | None:
        """The redis-server process id while it runs."""
        return self._proc.pid if self.is_running() and self._proc else None

    def is_running(self) -> bool:
        """Is the process alive (it may be paused)?"""
        return self._proc is not None and self._proc.poll() is None

    def ping(self, timeout: float = 0.5) -> bool:
        """Does the server answer PING right now?"""
        return _redis_ping(self.port, timeout)

    def start(self, timeout: float = 20.0) -> None:
        """Start redis-server on ``self.port`` and wait for PING. No-op if it already runs."""
        if self._stopped:
            raise ServerError(f"{self!r} was stopped for good; start a new one")
        if self.is_running():
            return
        argv = [
            os.fspath(self.binary),
            "--port",
            str(self.port),
            "--bind",
            LOOPBACK,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            os.fspath(self.workdir),
            "--daemonize",
            "no",
        ]
        with open(self.logfile, "ab") as log:
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                env=_child_env(),
                start_new_session=True,  # a terminal's Ctrl-C is for pytest, not for Redis
            )
        self._paused = False
        (self.workdir / "redis.pid").write_text(f"{self._proc.pid} {self.port}\n")
        deadline = time.monotonic() + timeout
        while not _redis_ping(self.port):
            if self._proc.poll() is not None:
                raise ServerError(
                    f"redis-server on port {self.port} exited with status "
                    f"{self._proc.returncode}\n--- {self.logfile} ---\n{_tail(self.logfile)}"
                )
            if time.monotonic() > deadline:
                self._signal_and_wait(signal.SIGKILL, 5.0)
                raise ServerError(
                    f"redis-server on port {self.port} did not answer PING within {timeout:g}s"
                    f"\n--- {self.logfile} ---\n{_tail(self.logfile)}"
                )
            time.sleep(0.02)

    def _signal_and_wait(self, signum: int, timeout: float) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        if self._paused and signum != signal.SIGKILL:
            proc.send_signal(signal.SIGCONT)  # a stopped process cannot handle SIGTERM
            self._paused = False
        proc.send_signal(signum)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10.0)

    def kill(self) -> None:
        """SIGKILL the server, like a crash. The port stays this server's: see :meth:`start`."""
        self._signal_and_wait(signal.SIGKILL, 10.0)
        self._paused = False

    def terminate(self, timeout: float = 10.0) -> None:
        """Shut the server down gracefully (SIGTERM; SIGKILL after ``timeout``)."""
        self._signal_and_wait(signal.SIGTERM, timeout)

    def pause(self) -> None:
        """SIGSTOP: connections are accepted by the kernel but never answered."""
        if self._proc is not None and self.is_running() and not self._paused:
            self._proc.send_signal(signal.SIGSTOP)
            self._paused = True

    def resume(self) -> None:
        """SIGCONT after :meth:`pause`."""
        if self._proc is not None and self.is_running() and self._paused:
            self._proc.send_signal(signal.SIGCONT)
            self._paused = False

    def restart(self, hard: bool = False, timeout: float = 20.0) -> None:
        """Stop (SIGKILL if ``hard``, else SIGTERM) and start again on the same port, empty."""
        if hard:
            self.kill()
        else:
            self.terminate()
        self.start(timeout)

    def stop(self) -> None:
        """Terminate the server for good and remove its directory. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        try:
            self.terminate()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
            _unregister(self)


def _reap_stale_redis() -> None:
    for workdir in _stale_workdirs(RedisServer.kind, other_user=False):
        with contextlib.suppress(OSError, ValueError):
            pid, port = (int(x) for x in (workdir / "redis.pid").read_text().split())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            # Only kill what is verifiably that server (pids get reused).
            if b"redis-server" in cmdline and (
                f":{port}".encode() in cmdline or f"\0{port}\0".encode() in cmdline
            ):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)


def start_redis(timeout: float = 20.0) -> RedisServer:
    """Start a throwaway redis-server on a free loopback port; return it once it answers PING.

    Raises :class:`ServerNotInstalledError` (with the install command) if redis-server is
    missing, :class:`ServerError` if it does not come up within ``timeout``.
    """
    binary = find_redis_server()
    _reap_stale_redis()
    server = RedisServer(binary, _make_workdir(RedisServer.kind, None), _free_port())
    _register(server)
    try:
        for attempt in range(3):
            try:
                server.start(timeout)
                break
            except ServerError:
                if attempt < 2 and "already in use" in _tail(server.logfile, 5):
                    server.port = _free_port()  # someone took the port meanwhile: pick another
                    continue
                raise
    except BaseException:
        server.stop()
        raise
    return server
