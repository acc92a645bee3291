"""Every error leaves as RFC 9457 `application/problem+json`, produced here and only here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from shop.domain import errors
from shop.services.common import ServiceUnavailable

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 1

STATUS_OF: dict[type[errors.DomainError], int] = {
    errors.BadRequest: 400,
    errors.ValidationFailed: 422,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.RateLimited: 429,
    errors.TooLarge: 413,
    ServiceUnavailable: 503,
}


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response:
    """A problem+json response; `extensions` never replace the standard members."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": phrase,
        "status": status,
        "detail": detail or phrase,
    }
    if errors is not None:
        body["errors"] = dict(errors)
    for name, value in (extensions or {}).items():
        body.setdefault(name, value)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def unavailable(service: str) -> Response:
    return problem(
        503,
        f"The {service} is unavailable; retry shortly.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _validation_errors(data: Mapping[str, Any]) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {...}}); clients want field -> messages."""
    messages = data.get("errors") or data.get("messages") or {}
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, Mapping):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    headers: dict[str, str] = dict(data.get("headers") or {})
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    if status == 429:
        headers.setdefault("Retry-After", str(_retry_after(exc)))
    if status >= 500:
        return problem(status, headers=headers)
    if status == 422:
        return problem(
            status, "The request is not valid.", errors=_validation_errors(data), headers=headers
        )
    detail = data.get("message") or _describe(exc)
    return problem(status, detail, headers=headers)


def _describe(exc: HTTPException) -> str:
    if exc.code == 400:
        return "The request body is not valid JSON."
    if exc.code == 413:
        limit = request.max_content_length or 0
        return f"The request body is larger than {limit} bytes."
    return exc.description or HTTPStatus(exc.code or 500).phrase


def _retry_after(exc: HTTPException) -> int:
    limit = getattr(exc, "limit", None)
    try:
        return max(1, int(limit.limit.get_expiry()))  # type: ignore[union-attr]
    except AttributeError:
        return 1


def status_of(exc: errors.DomainError) -> int:
    """The status of the nearest mapped class of `exc`; 500 for an error nobody mapped."""
    for kind in type(exc).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 500


def handle_domain_error(exc: errors.DomainError) -> Response:
    status = status_of(exc)
    if status == 500:
        return handle_unexpected(exc)
    if isinstance(exc, errors.ValidationFailed):
        return problem(status, exc.detail, errors=exc.errors, extensions=exc.extensions())
    if isinstance(exc, errors.TokenRevoked):  # as flask-jwt-extended's revoked-token answer
        return problem(status, exc.detail, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, errors.RateLimited):
        return problem(status, exc.detail, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, ServiceUnavailable):
        return _service_down(exc.service, exc.__cause__ or exc)
    return problem(status, exc.detail, extensions=exc.extensions())


def _service_down(service: str, cause: BaseException) -> Response:
    log.error(
        "%s unavailable on %s %s: %s", service, request.method, request.path, type(cause).__name__
    )
    return unavailable(service)


def _down(service: str) -> Callable[[Exception], Response]:
    def handle(exc: Exception) -> Response:
        return _service_down(service, exc)

    return handle


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(500, "An unexpected error occurred; it has been logged.")


def register_error_handlers(
    app: Flask, driver_errors_down: Mapping[str, tuple[type[Exception], ...]]
) -> None:
    """One problem+json shape for every error. `driver_errors_down` names, per backing
    service, the driver errors that mean it is down: the adapters raise ServiceUnavailable
    instead, but a library calling a driver itself (the rate limiter's storage) does not."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(errors.DomainError, handle_domain_error)
    for service, kinds in driver_errors_down.items():
        for kind in kinds:
            app.register_error_handler(kind, _down(service))
    app.register_error_handler(Exception, handle_unexpected)
