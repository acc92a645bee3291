"""The test servers themselves: PostgreSQL and Redis come up, work, and go away cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from tests.support import postgres_install, postgres_server, redis_server, servers
from tests.support.servers import PostgresServer, RedisServer

pytestmark = pytest.mark.timeout(120)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _wait_gone(pid: int, timeout: float = 10.0) -> bool:
    """Wait until ``pid`` is no longer a live process (a zombie counts as gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def _run_child(code: str) -> subprocess.Popen[str]:
    """A Python child in the repo root that can import tests.support.servers."""
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_postgres_select_one_and_pg_trgm(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
            assert conn.execute(sa.text("SELECT current_database()")).scalar_one() == "shop"
            extensions = conn.execute(sa.text("SELECT extname FROM pg_extension")).scalars()
            assert "pg_trgm" in set(extensions)
            similarity = conn.execute(sa.text("SELECT similarity('keyboard', 'keybord')"))
            assert similarity.scalar_one() > 0.4
    finally:
        engine.dispose()


def test_postgres_settings_and_extra_database(postgres_server: PostgresServer) -> None:
    settings = {
        name: postgres_server.execute(f"SHOW {name}")[0][0]
        for name in ("fsync", "synchronous_commit", "max_connections", "server_encoding")
    }
    assert settings == {
        "fsync": "off",
        "synchronous_commit": "off",
        "max_connections": "200",
        "server_encoding": "UTF8",
    }

    url = postgres_server.create_database("servers_extra")
    assert url == postgres_server.url.replace("/shop", "/servers_extra")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar_one() == (
                "servers_extra"
            )
            # Inherited from template1, like every database created on this server.
            assert conn.execute(sa.text("SELECT show_trgm('ab')")).scalar_one()
    finally:
        engine.dispose()
    postgres_server.drop_database("servers_extra")
    assert postgres_server.execute(
        "SELECT count(*) FROM pg_database WHERE datname = 'servers_extra'"
    ) == [(0,)]


def test_redis_ping_set_get(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        assert client.ping() is True
        client.set("servers:greeting", "hello")
        assert client.get("servers:greeting") == b"hello"
    finally:
        client.close()


def test_redis_kill_and_restart_on_same_port(redis_outage: RedisServer) -> None:
    port, url = redis_outage.port, redis_outage.url
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.set("servers:key", "1")

        redis_outage.kill()
        assert not redis_outage.is_running()
        with pytest.raises(redis.ConnectionError):
            client.ping()

        redis_outage.start()
        assert (redis_outage.port, redis_outage.url) == (port, url)
        assert client.ping() is True  # the same client reconnects
        assert client.get("servers:key") is None  # no persistence: it came back empty

        client.set("servers:key", "2")
        redis_outage.restart()  # graceful, same port
        assert redis_outage.port == port
        assert client.ping() is True
        assert client.get("servers:key") is None

        redis_outage.pause()  # accepts connections, answers nothing
        with pytest.raises(redis.TimeoutError):
            client.ping()
        redis_outage.resume()
        client.connection_pool.disconnect()
        assert client.ping() is True
    finally:
        client.close()


def test_redis_outage_fixture_restores_the_server(redis_server: RedisServer) -> None:
    # Runs after the test above killed and paused the server: it must be up again.
    assert redis_server.is_running()
    assert redis_server.ping()


def test_missing_binaries_fail_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOP_REDIS_SERVER", str(tmp_path / "no-redis-server"))
    with pytest.raises(servers.ServerNotInstalledError, match="apt-get install -y redis-server"):
        servers.start_redis()

    monkeypatch.delenv("SHOP_REDIS_SERVER")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(servers.ServerNotInstalledError, match="apt-get install -y redis-server"):
        servers.find_redis_server()
    monkeypatch.undo()

    monkeypatch.setenv("SHOP_PG_BINDIR", str(tmp_path))
    with pytest.raises(
        servers.ServerNotInstalledError,
        match="apt-get install -y postgresql postgresql-contrib",
    ):
        servers.start_postgres()

    monkeypatch.delenv("SHOP_PG_BINDIR")
    monkeypatch.setattr(postgres_install, "_has_pg_binaries", lambda bindir: False)
    with pytest.raises(
        servers.ServerNotInstalledError,
        match="apt-get install -y postgresql postgresql-contrib",
    ):
        servers.find_pg_bindir()


def test_sigterm_stops_the_servers_of_the_dying_process() -> None:
    child = _run_child(
        "import time\n"
        "from tests.support.servers import start_postgres, start_redis\n"
        "pg, r = start_postgres(), start_redis()\n"
        "print(r.pid, pg.workdir, r.workdir, flush=True)\n"
        "time.sleep(60)\n"
    )
    try:
        assert child.stdout is not None
        redis_pid, pg_dir, redis_dir = child.stdout.readline().split()
        pg_pid = int((Path(pg_dir) / "data" / "postmaster.pid").read_text().split()[0])
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == -signal.SIGTERM  # it still dies of SIGTERM
        assert _wait_gone(int(redis_pid))
        assert _wait_gone(pg_pid)
        assert not Path(pg_dir).exists()
        assert not Path(redis_dir).exists()
    finally:
        child.kill()
        child.wait(timeout=10)


def test_servers_of_a_sigkilled_process_are_reaped_later() -> None:
    child = _run_child(
        "import time\n"
        "from tests.support.servers import start_postgres, start_redis\n"
        "pg, r = start_postgres(), start_redis()\n"
        "print(r.pid, pg.workdir, r.workdir, flush=True)\n"
        "time.sleep(60)\n"
    )
    try:
        assert child.stdout is not None
        redis_pid, pg_dir, redis_dir = child.stdout.readline().split()
        pg_pid = int((Path(pg_dir) / "data" / "postmaster.pid").read_text().split()[0])
        child.kill()  # no atexit, no signal handler: the servers outlive it
        child.wait(timeout=10)
        assert not _wait_gone(int(redis_pid), timeout=0.2)
        assert not _wait_gone(pg_pid, timeout=0.2)

        # What start_postgres()/start_redis() do first, in the next session.
        redis_server._reap_stale_redis()
        postgres_server._reap_stale_postgres(
            postgres_install.find_pg_bindir(), postgres_install._postgres_run_as()
        )

        assert _wait_gone(int(redis_pid))
        assert _wait_gone(pg_pid)
        assert not Path(pg_dir).exists()
        assert not Path(redis_dir).exists()
    finally:
        child.kill()
        child.wait(timeout=10)
