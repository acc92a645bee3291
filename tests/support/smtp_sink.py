"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives.

with SmtpSink() as sink:
    ... SMTP_URL=sink.url ...
    sink.wait_for(1)            # the messages, once that many arrived (bounded wait)
    sink.stop(); sink.start()   # SMTP down, then up again on the same port
    sink.stall()                # hold each session before RCPT until release()

    python -m tests.support.smtp_sink --host 10.0.0.1 --port 2525 --spool DIR
                                # a sink for other processes: each message becomes a file
                                # DIR/<n>-<sender's address>.eml, written whole, until SIGTERM
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Self

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.sink.sessions_started += 1
        while self.sink.stalled.is_set():
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.sink.lock:
            self.sink.messages.append(message)
        if self.sink.spool is not None:
            self.sink.write_to_spool(session.peer[0], envelope.content)
        return "250 Message accepted"


class SmtpSink:
    def __init__(
        self, host: str = "127.0.0.1", port: int | None = None, spool: Path | None = None
    ) -> None:
        self.host = host
        self.port = port or _free_port()
        self.spool = spool
        self._spooled = 0
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.stalled = threading.Event()
        self.sessions_started = 0
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self.stalled.clear()
            self._controller.stop()
            self._controller = None

    def stall(self) -> None:
        self.stalled.set()

    def release(self) -> None:
        self.stalled.clear()

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
        self.sessions_started = 0

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)

    def wait_for(self, count: int, timeout: float = 60.0) -> list[EmailMessage]:
        """The messages, once at least `count` arrived; AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received()
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError(f"{len(self.received())} of {count} emails after {timeout:g}s")

    def write_to_spool(self, peer: str, content: bytes) -> None:
        """One file per message, renamed into place once written: a reader never sees half.
        (Called from the server's one event loop thread, so the numbering needs no lock.)"""
        assert self.spool is not None
        self._spooled += 1
        number = self._spooled
        partial = self.spool / f".{number:06d}.partial"
        partial.write_bytes(content)
        os.replace(partial, self.spool / f"{number:06d}-{peer}.eml")

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(argv: list[str] | None = None) -> None:
    """Run a spooling sink until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description="an SMTP sink spooling each message to a file")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spool", type=Path, required=True)
    args = parser.parse_args(argv)
    args.spool.mkdir(parents=True, exist_ok=True)
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    with SmtpSink(args.host, args.port, args.spool) as sink:
        print(f"SMTP sink on {sink.url}, spooling to {args.spool}", flush=True)
        stopped.wait()


if __name__ == "__main__":
    serve()
