"""A server under test: gunicorn on a free loopback port, stopped at the end of its block."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.http_client import http
from bench.processes import LOOPBACK, VENV_BIN, BenchError, free_port, log, spawn, terminate


@dataclass(frozen=True)
class ServerConfig:
    workers: int = 2
    threads: int = 4
    worker_class: str = "gthread"  # or "sync" (threads are then ignored)
    # A listening socket per worker process (SO_REUSEPORT): the kernel spreads new connections
    # over the processes instead of the first one awake taking a burst of them.
    reuse_port: bool = False

    @property
    def label(self) -> str:
        if self.worker_class == "sync":
            return f"sync -w {self.workers}"
        label = f"{self.workers}x{self.threads} {self.worker_class}"
        return label + (", reuse-port" if self.reuse_port else "")


@contextlib.contextmanager
def gunicorn(
    target: str,
    env: dict[str, str] | None,
    config: ServerConfig,
    ready_path: str,
    name: str,
    pythonpath: Path | None = None,
) -> Iterator[str]:
    """Serve `target` with gunicorn (`config`) on a free loopback port; yield its base URL."""
    with tempfile.TemporaryDirectory(prefix="shop-bench-") as tmp:
        logfile = Path(tmp) / "gunicorn.log"
        port = free_port()
        argv = [
            str(VENV_BIN / "gunicorn"),
            "--no-control-socket",
            "-k",
            config.worker_class,
            "--workers",
            str(config.workers),
            *(["--threads", str(config.threads)] if config.worker_class != "sync" else []),
            *(["--reuse-port"] if config.reuse_port else []),
            "--bind",
            f"{LOOPBACK}:{port}",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        if pythonpath is not None:
            argv += ["--pythonpath", str(pythonpath)]
        argv.append(target)
        base = f"http://{LOOPBACK}:{port}"
        log(f"starting gunicorn for {name} on {base} ({config.label})")
        with open(logfile, "wb") as out:
            proc = spawn(argv, env, stdout=out)
        try:
            _wait_ready(proc, base + ready_path, logfile)
            yield base
        finally:
            terminate(proc)
            if proc.returncode not in (0, -signal.SIGTERM):
                log(f"gunicorn for {name} exited with {proc.returncode}:\n{_tail(logfile)}")
            _report_warnings(name, logfile)


def _report_warnings(name: str, logfile: Path) -> None:
    """Say what the server warned about (a cache outage fallback, say): it explains figures."""
    with contextlib.suppress(OSError):
        lines = logfile.read_text(errors="replace").splitlines()
        noted = [line for line in lines if " WARNING " in line or " ERROR " in line]
        if noted:
            log(f"!! gunicorn for {name} logged {len(noted)} warnings/errors, first ones:")
            for line in noted[:5]:
                log(f"   {line}")


def _tail(path: Path, lines: int = 20) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def _cause(logfile: Path) -> str:
    """The likely reason in a failed server's log: a traceback's last line, or the last line."""
    lines = [line for line in _tail(logfile, 60).splitlines() if line.strip()]
    plain = [line for line in lines if not line.startswith(("[", " "))]
    return (plain or lines or ["no log"])[-1].strip()[:200]


def _wait_ready(proc: subprocess.Popen[bytes], url: str, logfile: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(
                f"gunicorn exited with {proc.returncode} ({_cause(logfile)}):\n{_tail(logfile)}"
            )
        status, _, _ = http("GET", url, timeout=2)
        if status == 200:
            return
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer 200 on {url} within 60s:\n{_tail(logfile)}")
