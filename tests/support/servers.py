"""Throwaway PostgreSQL and Redis servers for the test suite.

Each server runs from the distribution's own binaries in a private temporary directory, on a
free loopback port, and lives only as long as the test session that started it::

    from tests.support.servers import start_postgres, start_redis

    pg = start_postgres()        # initdb + pg_ctl start, database "shop" with pg_trgm
    pg.url                       # postgresql+psycopg2://postgres@127.0.0.1:PORT/shop
    pg.create_database("other")  # another empty database on the same server -> its URL
    pg.stop()                    # pg_ctl stop -m fast, then remove the directory

    redis = start_redis()        # redis-server without persistence
    redis.url                    # redis://127.0.0.1:PORT/0
    redis.kill()                 # SIGKILL: an outage; the port stays reserved
    redis.start()                # back on the SAME port (and empty)
    redis.stop()

Guarantees:

* A missing binary raises :class:`ServerNotInstalledError` whose message is the exact command
  that installs it (``apt-get install -y postgresql postgresql-contrib``, ``apt-get install -y
  redis-server``). Tests that need a server therefore fail with that message: they never skip.
* Every wait is bounded by a timeout; a server that does not come up raises
  :class:`ServerError` with the tail of its log.
* Servers still running when the interpreter exits (including after an exception, Ctrl-C,
  SIGTERM or SIGHUP) are stopped by an ``atexit`` hook. Directories left behind by a process
  that was SIGKILLed are reaped, and their servers stopped, the next time a server of the same
  kind is started.
* As root, PostgreSQL (which refuses to run as root) runs as the ``postgres`` system user; as
  any other user it runs as that user.

Environment variables:

``SHOP_PG_BINDIR``
    Directory with ``initdb``, ``pg_ctl`` and ``postgres``. Default: ``pg_config --bindir``,
    then the newest ``/usr/lib/postgresql/*/bin``, then wherever ``initdb`` is on ``PATH``.
``SHOP_REDIS_SERVER``
    Path of the ``redis-server`` binary. Default: ``redis-server`` on ``PATH``.
``SHOP_TEST_TMPDIR``
    Where the servers' private directories are created. Default: the system temp directory.
"""

from __future__ import annotations

import abc
import atexit
import contextlib
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Self

__all__ = [
    "PG_INSTALL_COMMAND",
    "REDIS_INSTALL_COMMAND",
    "PostgresServer",
    "RedisServer",
    "RunningServer",
    "ServerError",
    "ServerNotInstalledError",
    "find_pg_bindir",
    "find_redis_server",
    "start_postgres",
    "start_redis",
]

PG_INSTALL_COMMAND = "apt-get install -y postgresql postgresql-contrib"
REDIS_INSTALL_COMMAND = "apt-get install -y redis-server"

LOOPBACK = "127.0.0.1"
PG_SUPERUSER = "postgres"
PG_SYSTEM_USER = "postgres"  # the OS account PostgreSQL runs as when we are root
DEFAULT_DATABASE = "shop"

_DIR_PREFIX = "shop-test-"
_OWNER_FILE = "owner.pid"
_PG_BINARIES = ("initdb", "pg_ctl", "postgres")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


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


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


def _has_pg_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in _PG_BINARIES)


def _version_key(path: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in path.parent.name.split("."))
    except ValueError:
        return (-1,)


def find_pg_bindir() -> Path:
    """The directory holding PostgreSQL's server binaries (initdb, pg_ctl, postgres).

    Looks at ``$SHOP_PG_BINDIR``, ``pg_config --bindir``, the newest
    ``/usr/lib/postgresql/*/bin`` and ``initdb`` on ``PATH``, in that order.
    """
    override = os.environ.get("SHOP_PG_BINDIR")
    if override:
        if _has_pg_binaries(Path(override)):
            return Path(override)
        raise ServerNotInstalledError(
            f"SHOP_PG_BINDIR={override} does not contain {', '.join(_PG_BINARIES)}. "
            f"Point it at PostgreSQL's bin directory, or unset it and run: {PG_INSTALL_COMMAND}"
        )
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
                stdin=subprocess.DEVNULL,
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for candidate in candidates:
        if _has_pg_binaries(candidate):
            return candidate
    looked = ", ".join(str(c) for c in candidates) or "pg_config, /usr/lib/postgresql/*/bin, PATH"
    raise ServerNotInstalledError(
        f"PostgreSQL server binaries ({', '.join(_PG_BINARIES)}) not found (looked in: "
        f"{looked}). Install them with: {PG_INSTALL_COMMAND} "
        "(or set SHOP_PG_BINDIR to the directory that holds initdb)."
    )


def _postgres_run_as() -> pwd.struct_passwd | None:
    """The account to run PostgreSQL as: ``postgres`` if we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        raise ServerNotInstalledError(
            f"Running as root, but there is no '{PG_SYSTEM_USER}' user to run PostgreSQL as "
            f"(PostgreSQL refuses to run as root). Install the server, which creates it: "
            f"{PG_INSTALL_COMMAND}"
        ) from None


class PostgresServer(RunningServer):
    """A private PostgreSQL cluster; see :func:`start_postgres`."""

    kind = "pg"

    def __init__(
        self,
        bindir: Path,
        workdir: Path,
        port: int,
        run_as: pwd.struct_passwd | None,
        database: str = DEFAULT_DATABASE,
    ) -> None:
        super().__init__(port, workdir)
        self.bindir = bindir
        self.run_as = run_as
        self.database = database

    @property
    def datadir(self) -> Path:
        return self.workdir / "data"

    @property
    def logfile(self) -> Path:
        return self.workdir / "postgres.log"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the main database (``shop``)."""
        return self.url_for(self.database)

    def url_for(self, database: str, driver: str = "postgresql+psycopg2") -> str:
        """URL of ``database`` on this server; ``driver="postgresql"`` gives a libpq URL."""
        return f"{driver}://{PG_SUPERUSER}@{LOOPBACK}:{self.port}/{database}"

    # -- lifecycle ---------------------------------------------------------------------------

    def _run_as_owner(
        self, cmd: Sequence[str | os.PathLike[str]], timeout: float, what: str
    ) -> None:
        _run(cmd, timeout=timeout, run_as=self.run_as, cwd=self.workdir, what=what)

    def _pg_ctl(self, *args: str, timeout: float, what: str) -> None:
        self._run_as_owner(
            [self.bindir / "pg_ctl", "-D", self.datadir, *args], timeout=timeout, what=what
        )

    def _shutdown(self, mode: str) -> None:
        """``pg_ctl stop -m MODE`` (fast: disconnect clients; immediate: like a crash)."""
        self._pg_ctl(
            "stop", "-m", mode, "-w", "-t", "30", timeout=45, what=f"pg_ctl stop -m {mode}"
        )

    def _initdb(self, timeout: float) -> None:
        base: list[str | os.PathLike[str]] = [
            self.bindir / "initdb",
            "-D",
            self.datadir,
            "-A",
            "trust",
            "-U",
            PG_SUPERUSER,
            "--no-sync",
            "-E",
            "UTF8",
        ]
        # C.UTF-8 classifies non-ASCII letters properly (pg_trgm relies on that); plain C is
        # the fallback for systems without that locale.
        try:
            self._run_as_owner([*base, "--locale=C.UTF-8"], timeout=timeout, what="initdb")
        except ServerError:
            shutil.rmtree(self.datadir, ignore_errors=True)
            self._run_as_owner([*base, "--locale=C"], timeout=timeout, what="initdb")

    def start(self, timeout: float = 60.0) -> None:
        """Start the server on ``self.port`` (after :meth:`kill`, say). No-op if it runs."""
        if self._stopped:
            raise ServerError(f"{self!r} was stopped for good; start a new one")
        if self.is_running():
            return
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {shlex.quote(str(self.workdir))}",
                f"-c listen_addresses={LOOPBACK}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        wait = str(max(1, int(timeout)))
        try:
            self._pg_ctl(
                *("-l", str(self.logfile), "-w", "-t", wait, "-o", options, "start"),
                timeout=timeout + 15,
                what=f"pg_ctl start on port {self.port}",
            )
        except ServerError as exc:
            raise ServerError(f"{exc}\n--- {self.logfile} ---\n{_tail(self.logfile)}") from exc

    def is_running(self) -> bool:
        """Does the postmaster of this cluster run (per ``pg_ctl status``)?"""
        if not (self.datadir / "postmaster.pid").exists():
            return False
        try:
            self._pg_ctl("status", timeout=15, what="pg_ctl status")
        except ServerError:
            return False
        return True

    def kill(self) -> None:
        """Simulate a crash (``pg_ctl stop -m immediate``); :meth:`start` brings it back.

        With ``synchronous_commit=off``, commits of the last moment before the kill may be
        lost, as they would be in a real crash of such a server.
        """
        if self.is_running():
            self._shutdown("immediate")

    def restart(self, timeout: float = 60.0) -> None:
        """Fast shutdown and start again on the same port; data is kept."""
        if self.is_running():
            self._shutdown("fast")
        self.start(timeout)

    def stop(self) -> None:
        """``pg_ctl stop -m fast`` (immediate if that fails), then remove the directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if (self.datadir / "postmaster.pid").exists():
                try:
                    self._shutdown("fast")
                except ServerError:
                    with contextlib.suppress(ServerError):
                        self._shutdown("immediate")
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
            _unregister(self)

    # -- SQL helpers -------------------------------------------------------------------------

    def execute(self, sql: str, database: str | None = None) -> list[tuple[Any, ...]]:
        """Run one statement in autocommit mode as the superuser; rows if it returns any."""
        # Imported late, so that Redis-only users of this module do not pay for it.
        import sqlalchemy as sa

        url = self.url_for(database or self.database)
        engine = sa.create_engine(
            url,
            poolclass=sa.NullPool,
            isolation_level="AUTOCOMMIT",  # CREATE/DROP DATABASE refuse to run in a transaction
            connect_args={"connect_timeout": 10},
        )
        try:
            with engine.connect() as conn:
                # A plain DB-API cursor: the SQL is sent as is ("%" and ":x" are not parameters).
                cursor = conn.connection.cursor()
                try:
                    cursor.execute(sql)
                    rows = cursor.fetchall() if cursor.description is not None else []
                    return [tuple(row) for row in rows]
                finally:
                    cursor.close()
        except sa.exc.OperationalError as exc:  # cannot connect
            raise ServerError(f"{url}: {exc}") from exc
        finally:
            engine.dispose()

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (from ``template`` if given) and return its SQLAlchemy URL.

        New databases come with ``pg_trgm``: it is installed in ``template1``. To give each
        test a database with the schema already in place, migrate one database once, then
        ``create_database(f"t{n}", template="that_one")`` (the template must be idle).
        """
        for identifier in (name, template):
            if identifier is not None and not _IDENTIFIER.match(identifier):
                raise ValueError(f"not a plain SQL identifier: {identifier!r}")
        clause = f" TEMPLATE {template}" if template else ""
        self.execute(f'CREATE DATABASE "{name}"{clause}', database="postgres")
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, disconnecting its sessions."""
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', database="postgres")

    def _install_trgm(self, database: str) -> None:
        try:
            self.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", database=database)
        except Exception as exc:
            if "pg_trgm" in str(exc) and "control file" in str(exc):
                raise ServerNotInstalledError(
                    f"PostgreSQL in {self.bindir} lacks the pg_trgm extension. Install it with: "
                    f"{PG_INSTALL_COMMAND}"
                ) from exc
            raise


def _reap_stale_postgres(bindir: Path, run_as: pwd.struct_passwd | None) -> None:
    for workdir in _stale_workdirs(PostgresServer.kind, run_as is not None):
        datadir = workdir / "data"
        if (datadir / "postmaster.pid").exists():
            with contextlib.suppress(ServerError):
                _run(
                    [bindir / "pg_ctl", "-D", datadir, "stop", "-m", "immediate", "-w", "-t", "30"],
                    timeout=45,
                    run_as=run_as,
                    cwd=workdir,
                    what="reaping a stale PostgreSQL",
                )
        shutil.rmtree(workdir, ignore_errors=True)


def start_postgres(database: str = DEFAULT_DATABASE, timeout: float = 120.0) -> PostgresServer:
    """Start a throwaway PostgreSQL on a free loopback port; return it once usable.

    The cluster is created with ``initdb -A trust -U postgres --no-sync -E UTF8`` and runs
    without durability (fsync, synchronous_commit and full_page_writes off) and with
    ``max_connections=200``. Database ``database`` exists and has ``pg_trgm``.

    Raises :class:`ServerNotInstalledError` (with the install command) if PostgreSQL or pg_trgm
    is missing, :class:`ServerError` if the server does not come up within ``timeout``.
    """
    if not _IDENTIFIER.match(database):
        raise ValueError(f"not a plain SQL identifier: {database!r}")
    bindir = find_pg_bindir()
    run_as = _postgres_run_as()
    _reap_stale_postgres(bindir, run_as)
    deadline = time.monotonic() + timeout
    workdir = _make_workdir(PostgresServer.kind, run_as)
    server = PostgresServer(bindir, workdir, _free_port(), run_as, database)
    _register(server)
    try:
        server._initdb(timeout=max(10.0, deadline - time.monotonic()))
        for attempt in range(3):
            try:
                server.start(timeout=max(10.0, deadline - time.monotonic()))
                break
            except ServerError:
                log = _tail(server.logfile, 5)
                if attempt < 2 and ("could not bind" in log or "already in use" in log):
                    server.port = _free_port()  # someone took the port meanwhile: pick another
                    continue
                raise
        # In template1 first, so every database created later has pg_trgm as well.
        server._install_trgm("template1")
        server.execute(f'CREATE DATABASE "{database}"', database="postgres")
        server._install_trgm(database)
    except BaseException:
        server.stop()
        raise
    return server


# --------------------------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------------------------


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
