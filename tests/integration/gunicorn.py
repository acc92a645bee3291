"""Run the real WSGI app under gunicorn, as production does, for multi-process tests.

    with run_gunicorn({"DATABASE_URL": pg, "REDIS_URL": redis, ...}) as base_url:
        requests.get(f"{base_url}/healthz")

The server binds a free loopback port, runs `workers` processes of `threads` threads
(`-k gthread`), and is stopped (SIGTERM, then SIGKILL) when the block ends. Every wait is
bounded; a server that does not come up raises with the tail of its log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from shop.settings import Settings
from tests.support.log_capture import audit_external_log

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_SECRETS = {
    "SECRET_KEY": "test-secret-key-" + "x" * 32,
    "JWT_SECRET_KEY": "test-jwt-secret-" + "y" * 32,
    "SHOP_ENV": "test",
}
# Settings the server must take from `env` only, never from the shell running the tests.
_APP_SETTINGS = {"DATABASE_URL", "REDIS_URL", "SMTP_URL", "SECRET_KEY", "JWT_SECRET_KEY"}


class GunicornError(RuntimeError):
    """gunicorn did not start (or stopped early)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def env_like(settings: Settings) -> dict[str, str]:
    """The environment of a server sharing these settings' database, Redis and secrets."""
    return {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url or "",
        "SECRET_KEY": settings.secret_key,
        "JWT_SECRET_KEY": settings.jwt_secret_key,
    }


@dataclass
class GunicornServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path


@contextlib.contextmanager
def run_gunicorn(
    env: Mapping[str, str],
    workers: int = 2,
    threads: int = 4,
    *,
    timeout: float = 60.0,
    app: str = "shop.entrypoints.wsgi:app",
) -> Iterator[str]:
    """Serve `app` with gunicorn (see `gunicorn_server`); yields the base URL."""
    with gunicorn_server(env, workers, threads, timeout=timeout, app=app) as server:
        yield server.url


@contextlib.contextmanager
def gunicorn_server(
    env: Mapping[str, str],
    workers: int = 2,
    threads: int = 4,
    *,
    timeout: float = 60.0,
    app: str = "shop.entrypoints.wsgi:app",
    config: str = "python:shop.entrypoints.gunicorn_conf",
) -> Iterator[GunicornServer]:
    """Serve `app` with gunicorn; yields its URL (``http://127.0.0.1:PORT``) and process.

    `env` is added to this process's environment, less its DATABASE_URL, REDIS_URL, SMTP_URL
    and secrets (test secrets and SHOP_ENV=test are defaults `env` may override): give it at
    least DATABASE_URL and, for shared state, REDIS_URL. The server's output goes to a
    temporary log, shown if it fails to start, and audited for secrets when it stops. The
    production config module is used (its sizing overridden by `workers` and `threads`), with
    a private metrics directory.
    """
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--no-control-socket",
        "-c",
        config,
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "5",
        app,
    ]
    with tempfile.TemporaryDirectory(prefix="shop-gunicorn-") as workdir:
        inherited = {k: v for k, v in os.environ.items() if k not in _APP_SETTINGS}
        child_env = {
            **inherited,
            **TEST_SECRETS,
            "SHOP_DATA_DIR": workdir,
            "PROMETHEUS_MULTIPROC_DIR": str(Path(workdir) / "metrics"),
            **env,
        }
        log_path = Path(workdir) / "gunicorn.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                argv,
                cwd=REPO_ROOT,
                env=child_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(f"{base_url}/healthz"):
                if process.poll() is not None:
                    raise GunicornError(
                        f"gunicorn exited with status {process.returncode}\n{_tail(log_path)}"
                    )
                if time.monotonic() > deadline:
                    raise GunicornError(
                        f"gunicorn did not answer /healthz within {timeout:g}s\n{_tail(log_path)}"
                    )
                time.sleep(0.1)
            yield GunicornServer(base_url, process, log_path)
        finally:
            _stop(process)
            audit_external_log(log_path.read_text(errors="replace"), f"gunicorn {app}")


def _stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM the arbiter (it stops its workers), then SIGKILL its whole group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
