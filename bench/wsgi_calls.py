"""Requests made the way a WSGI server makes them (a ready environ, the body read through),
for bench/profile_request.py --wsgi: Flask's test client does more work per request than
gunicorn does (about 60-80 µs: the environ built again, the URL parsed back for cookies)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.test import EnvironBuilder

BENCH = Path(__file__).resolve().parent


def wsgi_get(app: Any, path: str, headers: dict[str, str]) -> Callable[[], int]:
    """A call that GETs `path` of the WSGI `app` and answers the status code."""
    environ = EnvironBuilder(path=path, headers=headers).get_environ()
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc_info: Any = None) -> None:
        statuses.append(status)

    def call() -> int:
        statuses.clear()
        body = app(dict(environ), start_response)
        for _chunk in body:
            pass
        getattr(body, "close", lambda: None)()
        return int(statuses[0].split()[0])

    return call


def hello_world_cpu(count: int) -> float:
    """CPU seconds per request of bench/hello_app.py (the ceiling of bench/run), called so.

    In a process of its own, as under gunicorn: in the shop's process the garbage collector's
    passes over the shop's much larger heap would triple the hello-world's figure.
    """
    done = subprocess.run(
        [sys.executable, __file__, str(count)], check=True, capture_output=True, text=True
    )
    return float(done.stdout)


def _hello_world_here(count: int) -> float:
    sys.path.insert(0, str(BENCH))
    from hello_app import app as hello_app

    call = wsgi_get(hello_app, "/", {})
    for _ in range(50):
        call()
    started = time.process_time()
    for _ in range(count):
        call()
    return (time.process_time() - started) / count


if __name__ == "__main__":
    print(_hello_world_here(int(sys.argv[1])))
