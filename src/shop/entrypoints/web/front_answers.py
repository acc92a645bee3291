"""What the WSGI paths in front of Flask (catalog_fast_path, cart_fast_path) share: which
requests they leave to Flask whatever else holds, and how an answer given without Flask is
counted and logged as Flask's hooks would have."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import HTTP_STATUS_CODES

from shop.entrypoints.web import metrics
from shop.entrypoints.web.request_log import level_of, log, log_request

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Headers = list[tuple[str, str]]

OK = f"200 {HTTP_STATUS_CODES[200].upper()}"
# Requests whose answer may depend on these go to Flask: credentials, CORS, a body.
FLASK_ONLY_HEADERS = (
    "HTTP_AUTHORIZATION",
    "HTTP_ORIGIN",
    "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
    "HTTP_TRANSFER_ENCODING",
)


def without_flask_only_headers(environ: Environ) -> bool:
    """No credentials, no CORS, no body."""
    if any(name in environ for name in FLASK_ONLY_HEADERS):
        return False
    return environ.get("CONTENT_LENGTH") in (None, "", "0")


def observe(route: str, status: int, started: float, request_id: str) -> None:
    """What Flask's hooks record of a GET from a guest: the request, its log line."""
    seconds = time.perf_counter() - started
    metrics.record_request("GET", route, status, seconds)
    if log.isEnabledFor(level_of(status)):
        log_request("GET", route, status, seconds, None, request_id)
