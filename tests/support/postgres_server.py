"""A throwaway PostgreSQL server (see tests/support/servers.py)."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shlex
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.support.postgres_install import (
    PG_INSTALL_COMMAND,
    _postgres_run_as,
    find_pg_bindir,
)
from tests.support.processes import (
    LOOPBACK,
    PG_SUPERUSER,
    RunningServer,
    ServerError,
    ServerNotInstalledError,
    _free_port,
    _make_workdir,
    _register,
    _run,
    _stale_workdirs,
    _tail,
    _unregister,
)

DEFAULT_DATABASE = "shop"


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


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
