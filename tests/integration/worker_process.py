"""`shop worker` as a real process, for tests that need RQ jobs run (and killed) for real."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.integration.gunicorn import REPO_ROOT, TEST_SECRETS
from tests.support.log_capture import audit_external_log


class WorkerProcess:
    def __init__(self, env: Mapping[str, str], workdir: Path) -> None:
        self.env = {
            "SHOP_PAYMENT_PROVIDER": "test",  # explicit in production; tests take no money
            **os.environ,
            **TEST_SECRETS,
            "SHOP_DATA_DIR": str(workdir),
            **env,
        }
        self.log_path = workdir / "worker.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "shop.entrypoints.cli", "worker"],
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a host dies."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@contextlib.contextmanager
def run_worker(env: Mapping[str, str]) -> Iterator[WorkerProcess]:
    with tempfile.TemporaryDirectory(prefix="shop-worker-") as workdir:
        worker = WorkerProcess(env, Path(workdir))
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()
            audit_external_log(worker.log_path.read_text(errors="replace"), "shop worker")
