"""Console sign-in: a signed cookie session naming the admin and a session id, renewed at
sign-in, revoked at sign-out (in the token store every process shares), ended when idle."""

from __future__ import annotations

import secrets
import time
from typing import cast

from flask import Flask, Request, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from shop.domain.accounts.users import User
from shop.domain.audit import Actor, Source
from shop.domain.errors import NotFound
from shop.entrypoints.web.context import adapters
from shop.services.accounts import registration

MAX_SESSION_SECONDS = 12 * 3600
COOKIE_NAME = "shop_console"


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure exactly when the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Outside the console's path no browser sends its cookie: an empty session, without
        building the signing serializer on every API request."""
        if not request.path.startswith(app.config["SESSION_COOKIE_PATH"]):
            return self.session_class()
        return super().open_session(app, request)


def configure_sessions(app: Flask) -> None:
    app.session_interface = ConsoleSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_PATH="/admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
    )


def _revocation_key(sid: str) -> str:
    return f"console-session:{sid}"


def start(user: User) -> None:
    """A new session for `user`: the old one (if any) is revoked and a new id and CSRF token
    are made, so a cookie planted before sign-in is worth nothing after it."""
    end()
    now = int(time.time())
    session["uid"] = user.id
    session["email"] = user.email
    session["sid"] = secrets.token_urlsafe(24)
    session["started"] = now
    session["seen"] = now


def end() -> None:
    sid = session.get("sid")
    if sid:
        adapters().accounts.tokens.revoke(_revocation_key(str(sid)), MAX_SESSION_SECONDS)
    session.clear()


def current_admin() -> User | None:
    """The signed-in admin, or None (and the session ended) when it is missing, revoked,
    idle too long, too old, or its account is no longer an admin."""
    if "console_admin" in g:
        return cast(User | None, g.console_admin)
    g.console_admin = None
    sid, uid = session.get("sid"), session.get("uid")
    if not sid or not uid:
        return None
    a = adapters()
    now = time.time()
    idle = now - float(session.get("seen", 0))
    age = now - float(session.get("started", 0))
    if idle > a.settings.admin_idle_timeout or age > MAX_SESSION_SECONDS:
        end()
        return None
    if a.accounts.tokens.is_revoked(_revocation_key(str(sid))):
        session.clear()
        return None
    try:
        user = registration.get_user(a.accounts.uow, int(uid))
    except NotFound:
        user = None
    if user is None or not user.is_admin:
        end()
        return None
    session["seen"] = int(now)
    g.console_admin = user
    return user


def actor() -> Actor:
    user = current_admin()
    assert user is not None, "console views run for a signed-in admin only"
    return Actor(user_id=user.id, email=user.email, source=Source.CONSOLE)
