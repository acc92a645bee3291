"""The console's browser-side defences: CSRF (a synchronizer token kept in the signed session
plus an Origin / Sec-Fetch-Site check) and the security headers of every console response."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Response, abort, request, session

CSRF_FIELD = "_csrf"  # not "csrf_token": no clash with other libraries' field names
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csrf_token() -> str:
    """This session's token (made on first use; a new session at sign-in gets a new one)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def _same_origin() -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == f"{request.scheme}://{request.host}"


def check_csrf() -> None:
    """Refuse (403) a state-changing request from another site or without this session's
    token, before any view runs, so nothing changes."""
    if request.method in SAFE_METHODS:
        return
    if not _same_origin():
        abort(403, "Cross-site request refused.")
    expected = session.get("csrf")
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(str(expected), given):
        abort(403, "The form has expired or did not come from this console; reload the page.")


def add_security_headers(response: Response, *, page: bool) -> Response:
    """The headers of every console response; pages (unlike static assets) are not stored."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    if page:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response
