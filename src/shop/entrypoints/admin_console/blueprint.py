"""The console's blueprint: every page under /admin is for signed-in admins (except sign-in
and the static files), every state change carries the CSRF token, every response the
security headers, and errors are HTML pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from shop.domain.errors import DomainError
from shop.entrypoints.admin_console.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    add_security_headers,
    check_csrf,
    csrf_token,
)
from shop.entrypoints.admin_console.session import current_admin
from shop.entrypoints.web.problems import STATUS_OF
from shop.services.common import ServiceUnavailable

console = Blueprint(
    "console",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)
PUBLIC_ENDPOINTS = frozenset({"console.login", "console.static"})


@console.before_request
def _guard() -> Any:
    check_csrf()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_admin() is None:
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    return None


@console.record_once
def _headers_on_every_console_url(state: Any) -> None:
    """Also on the URLs under /admin that match no page (404s), which skip the blueprint."""

    @state.app.after_request
    def _headers(response: Response) -> Response:
        if request.path == "/admin" or request.path.startswith("/admin/"):
            add_security_headers(response, page=request.endpoint != "console.static")
        return response


@console.app_template_global()
def page_url(page: int) -> str:
    """This page's URL with another `page` and the same filters."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return f"{request.path}?{urlencode([*query, ('page', str(page))])}"


@console.record_once
def _template_globals(state: Any) -> None:
    """Also seen by imported macros (a context processor's values are not)."""
    state.app.jinja_env.globals.update(
        csrf_token=csrf_token, csrf_field=CSRF_FIELD, csrf_header=CSRF_HEADER
    )


@console.context_processor
def _signed_in() -> dict[str, Any]:
    return {"admin": current_admin() if request.endpoint not in PUBLIC_ENDPOINTS else None}


def error_page(status: int, message: str) -> tuple[str, int]:
    return render_template("admin/error.html", status=status, message=message), status


@console.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Any:
    return error_page(error.code or 500, error.description or "")


@console.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Any:
    status = next(s for kind, s in STATUS_OF.items() if isinstance(error, kind))
    if isinstance(error, ServiceUnavailable):
        page, code = error_page(503, error.detail)
        return page, code, {"Retry-After": "1"}
    return error_page(status, error.detail)
