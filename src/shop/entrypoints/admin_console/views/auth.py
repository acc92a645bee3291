"""Signing in and out of the console."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from shop.domain.errors import RateLimited, Unauthorized
from shop.entrypoints.admin_console import session as console_session
from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.forms import text
from shop.entrypoints.web.context import adapters, client_address
from shop.services.accounts import sign_in as accounts

NOT_AN_ADMIN = "This console is for administrators."


def _safe_next(target: str | None) -> str:
    """Only a path inside the console (never another site, e.g. //evil.example)."""
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("console.dashboard")


@console.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if console_session.current_admin() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("admin/login.html", next=request.args.get("next", ""))
    a = adapters()
    email, password = text("email"), request.form.get("password", "")
    try:
        user = accounts.sign_in(
            a.accounts.uow,
            a.accounts.hasher,
            a.accounts.login_throttle,
            email,
            password,
            client_address(),
        )
    except RateLimited as error:
        page = render_template("admin/login.html", error=error.detail, email=email)
        return page, 429, {"Retry-After": str(error.retry_after)}
    except Unauthorized as error:
        return render_template("admin/login.html", error=error.detail, email=email), 401
    if not user.is_admin:
        a.accounts.login_throttle.record_failure(email, client_address())
        return render_template("admin/login.html", error=NOT_AN_ADMIN, email=email), 403
    console_session.start(user)
    return redirect(_safe_next(request.form.get("next")))


@console.route("/logout", methods=["POST"])
def logout() -> Any:
    console_session.end()
    return redirect(url_for("console.login"))
