"""One log line per request, and a request id that follows it.

The id is the client's `X-Request-ID` when that is a sane token (1-128 of letters, digits and
`-_.:`), otherwise a fresh one; it is echoed in the response's `X-Request-ID` and carried by
every log record made while the request runs. The line (logger `shop.request`) has the method,
the route template (never the raw path, which may hold ids or tokens), status, duration in ms
and the signed-in user's id.
"""

from __future__ import annotations

import functools
import logging
import re
import time
import uuid

from flask import Flask, Response, g, request
from flask_jwt_extended import get_jwt

log = logging.getLogger("shop.request")

REQUEST_ID_HEADER = "X-Request-ID"
UNMATCHED_ROUTE = "unmatched"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def request_id_from(header: str | None) -> str:
    if header and _SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def route_template() -> str:
    """`/api/v1/products/{product_id}` for this request; one label for anything unrouted."""
    rule = request.url_rule
    if rule is None:
        return UNMATCHED_ROUTE
    return _template_of(rule.rule)


@functools.cache
def _template_of(rule: str) -> str:
    """Asked twice a request (the log line, the metrics): the app's rules are few and fixed."""
    return _CONVERTER.sub(r"{\1}", rule)


def elapsed_seconds() -> float:
    started = g.get("shop_request_started")
    return 0.0 if started is None else time.perf_counter() - started


def current_user_id() -> str | None:
    """The verified token's subject, if this request verified one (never re-verifies)."""
    try:
        subject = get_jwt().get("sub")
    except RuntimeError:  # no token was verified in this request
        return None
    return None if subject is None else str(subject)


def _start() -> None:
    g.shop_request_started = time.perf_counter()
    g.shop_request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))


def _finish(response: Response) -> Response:
    if "shop_request_id" not in g:  # a hook before ours answered first
        _start()
    response.headers[REQUEST_ID_HEADER] = g.shop_request_id
    status = response.status_code
    if log.isEnabledFor(level_of(status)):  # the line's fields are not worth computing else
        log_request(request.method, route_template(), status, elapsed_seconds(), current_user_id())
    return response


def level_of(status: int) -> int:
    return logging.ERROR if status >= 500 else logging.INFO


def log_request(
    method: str,
    route: str,
    status: int,
    seconds: float,
    user_id: str | None,
    request_id: str | None = None,
) -> None:
    """The request's line. Inside Flask the formatter adds the request id from `g`; a
    request answered before Flask (the catalog's fast path) passes it."""
    fields: dict[str, object] = {
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "user_id": user_id,
    }
    if request_id is not None:
        fields["request_id"] = request_id
    log.log(level_of(status), "%s %s %s", method, route, status, extra={"fields": fields})


def init_request_log(app: Flask) -> None:
    """Register first, so the id and the clock start before any other hook can answer."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
