"""Child processes of the bench: started in their own session, stopped whatever happens.

Everything listens on and talks to 127.0.0.1 only, every wait is bounded, and every process
started by the bench is stopped when the `with` block that started it ends, whatever the reason
(error, Ctrl-C, SIGTERM/SIGHUP: see `stop_on_signals`). Also the bench's set-up error and its
log line, which every other module uses.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

LOOPBACK = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
VENV_BIN = Path(sys.executable).parent


class BenchError(RuntimeError):
    """The benchmark could not be set up (a server, a migration, the seeder...)."""


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (stopping every server), exit with 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"terminated by signal {signum}")
        self.status = 128 + signum


def _raise_exit(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def stop_on_signals() -> None:
    """Turn SIGTERM/SIGHUP into Terminated so that every `finally` stops its servers.

    SIGINT raises KeyboardInterrupt even where the shell that started us ignores it (a
    background job): the bench is interactive, Ctrl-C or `kill -INT` must stop it cleanly.
    Installed before tests.support.servers starts anything, so its own handler, which would skip our
    `finally` blocks, is not installed.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_exit)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the bench process dies (even SIGKILLed)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(
    argv: Sequence[str], env: dict[str, str] | None = None, stdout: Any = None
) -> subprocess.Popen[bytes]:
    """Start a child in its own session (a terminal's Ctrl-C is for us; we stop it)."""
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=REPO,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def terminate(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the child's process group, SIGKILL it after `grace` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port
