"""JWT wiring (flask-jwt-extended): token issue, revocation checks, 401s, roles."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, g, request
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_jti,
    get_jwt,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import RevokedTokenError

from shop.domain.accounts.users import Role, User
from shop.domain.audit import Actor, Source
from shop.domain.errors import Forbidden, TokenRevoked
from shop.entrypoints.web.context import adapters
from shop.entrypoints.web.problems import problem
from shop.services.cart.ports import Credential
from shop.services.common import ServiceUnavailable
from shop.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

jwt = JWTManager()
AUTHORIZATION = "Authorization"  # JWT_HEADER_NAME: where flask-jwt-extended reads tokens


def configure_jwt(app: Flask, settings: Settings) -> None:
    app.config.update(
        JWT_SECRET_KEY=settings.jwt_secret_key,
        JWT_ALGORITHM="HS256",
        JWT_DECODE_ALGORITHMS=["HS256"],
        JWT_ACCESS_TOKEN_EXPIRES=settings.access_token_ttl,
        JWT_REFRESH_TOKEN_EXPIRES=settings.refresh_token_ttl,
        JWT_TOKEN_LOCATION=["headers"],
        JWT_HEADER_NAME=AUTHORIZATION,
        JWT_ERROR_MESSAGE_KEY="detail",
    )
    jwt.init_app(app)


def _unauthorized(detail: str) -> Response:
    return problem(401, detail, headers={"WWW-Authenticate": "Bearer"})


def credential_of(payload: dict[str, Any]) -> Credential | None:
    """What a token's revocation is checked by; None when its subject is not an account id."""
    issued_ms = payload.get("ims")
    issued_at = issued_ms / 1000 if isinstance(issued_ms, int) else float(payload.get("iat", 0))
    try:
        user_id = int(payload["sub"])
    except (KeyError, TypeError, ValueError):
        return None
    return Credential(payload["jti"], payload.get("fam"), user_id, issued_at)


@jwt.token_in_blocklist_loader
def _is_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    """A token is refused when it, or the login it belongs to, was revoked, or when it was
    issued before its account's tokens were all revoked (a password reset, a deletion)."""
    c = credential_of(payload)
    if c is None:
        return True
    return adapters().accounts.tokens.is_token_revoked(c.jti, c.family, c.user_id, c.issued_at)


def sends_credentials() -> bool:
    """Does the request carry an Authorization header? Tokens are read from headers only
    (JWT_TOKEN_LOCATION), so without one an optional check finds no token: a guest's cart
    request skips flask-jwt-extended's lookup of it."""
    return AUTHORIZATION in request.headers


def unchecked_credential() -> Credential | None:
    """The caller's access token, verified (signature, expiry, type) except for revocation.

    For a view whose one store read also checks the revocation (the cart's), which must use
    nothing it read before that check passed. None for a guest; a bad token is a 401.
    """
    if not sends_credentials():
        return None
    verified = verify_jwt_in_request(optional=True, skip_revocation_check=True)
    if verified is None:
        return None
    header, payload = verified
    credential = credential_of(payload)
    if credential is None:
        raise RevokedTokenError(header, payload)
    return credential


@jwt.unauthorized_loader
def _missing(reason: str) -> Response:
    return _unauthorized("A bearer token is required.")


@jwt.invalid_token_loader
def _invalid(reason: str) -> Response:
    return _unauthorized("The token is not valid.")


@jwt.expired_token_loader
def _expired(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized("The token has expired.")


@jwt.revoked_token_loader
def _revoked(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized(TokenRevoked().detail)


@jwt.user_lookup_error_loader
def _user_gone(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized("The token's account no longer exists.")


@jwt.token_verification_failed_loader
def _claims_failed(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized("The token is not valid.")


@jwt.needs_fresh_token_loader
def _needs_fresh(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized("A fresh sign-in is required.")


def issue_tokens(user: User, family: str | None = None) -> dict[str, Any]:
    """An access/refresh pair of one login `family` (a new family for a new login)."""
    settings = adapters().settings
    family = family or uuid.uuid4().hex
    # `ims`: the issue time in milliseconds, finer than `iat`, for account-wide revocation.
    claims = {"role": str(user.role), "fam": family, "email": user.email,
              "ims": int(time.time() * 1000)}
    identity = str(user.id)
    access = create_access_token(identity=identity, additional_claims=claims)
    refresh = create_refresh_token(identity=identity, additional_claims=claims)
    refresh_jti = get_jti(refresh)
    assert refresh_jti is not None, "every token flask-jwt-extended makes has a jti"
    adapters().accounts.tokens.remember_refresh(refresh_jti, family, settings.refresh_token_ttl)
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": settings.access_token_ttl,
    }


def current_user_id() -> int:
    return int(get_jwt()["sub"])


def optional_user_id() -> int | None:
    """The signed-in user's id, or None for a guest. A bad token is still a 401."""
    if not sends_credentials():
        return None
    verify_jwt_in_request(optional=True)
    claims = get_jwt()
    return int(claims["sub"]) if claims else None


def api_actor() -> Actor:
    """The admin calling the API, for the audit log (inside an admin_required view)."""
    claims = get_jwt()
    return Actor(user_id=int(claims["sub"]), email=str(claims.get("email", "")), source=Source.API)


def is_admin() -> bool:
    return bool(get_jwt().get("role") == Role.ADMIN)


def viewer_is_admin() -> bool:
    """Is the caller of a public read a signed-in admin? Guests are not; a bad token is
    still a 401.

    When the revocation store (Redis) does not answer, the caller is served as a guest
    rather than refused: public reads keep working through a Redis outage, and nobody gains
    an admin's view without a checked token. Decided once per request.
    """
    if "shop_viewer_is_admin" not in g:
        try:
            verify_jwt_in_request(optional=True)
            g.shop_viewer_is_admin = is_admin()
        except ServiceUnavailable as exc:
            log.warning(
                "token not checked (%s); serving a public read as a guest", type(exc).__name__
            )
            g.shop_viewer_is_admin = False
    return bool(g.shop_viewer_is_admin)


def admin_required(view: F) -> F:
    """401 without a valid access token; 403 when its holder is not an admin."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verify_jwt_in_request()
        if not is_admin():
            raise Forbidden("This operation is for administrators.")
        return view(*args, **kwargs)

    return cast(F, wrapper)


def seconds_left(payload: dict[str, Any], now: float) -> int:
    return max(1, int(payload.get("exp", now) - now))
