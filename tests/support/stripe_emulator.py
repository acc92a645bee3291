"""A throwaway local Stripe API (`localstripe`, from PyPI) on a free loopback port.

localstripe binds every interface from its command line; it is started here through its
aiohttp app on 127.0.0.1 instead, and without the state file it would write to /tmp.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.processes import LOOPBACK, ServerError, _free_port

LAUNCH = """
import sys
from aiohttp import web
from localstripe import resources, server
resources.Store.dump_to_disk = lambda self: None
web.run_app(server.app, host=sys.argv[1], port=int(sys.argv[2]), print=None)
"""
INSTALL_HINT = "pip install -c constraints.txt localstripe (it is in the test extras)"


class StripeEmulator:
    def __init__(self) -> None:
        self.port = _free_port()
        self.log = Path(tempfile.mkstemp(prefix="localstripe-", suffix=".log")[1])
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        try:
            import localstripe  # noqa: F401
        except ImportError as exc:
            raise ServerError(f"localstripe is not installed: {INSTALL_HINT}") from exc
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", LAUNCH, LOOPBACK, str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection((LOOPBACK, self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise ServerError(f"localstripe did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.unlink(missing_ok=True)
