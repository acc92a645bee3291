"""/api/v1/auth: registration, sign-in, token refresh, sign-out, the current account."""

from __future__ import annotations

import time
from typing import Any

from flask import request
from flask.views import MethodView
from flask_jwt_extended import decode_token, get_jwt, jwt_required

from shop.domain.errors import NotFound, Unauthorized
from shop.entrypoints.api import BEARER, Blueprint
from shop.entrypoints.api.accounts.schemas import (
    LoginSchema,
    LogoutSchema,
    RegisterSchema,
    TokenPairSchema,
    UserSchema,
)
from shop.entrypoints.api.cart.schemas import CART_TOKEN_HEADER
from shop.entrypoints.api.cart.views import CART_TOKEN_PARAMETER
from shop.entrypoints.web import auth
from shop.entrypoints.web.arguments import check_text
from shop.entrypoints.web.context import adapters, client_address
from shop.services.accounts import registration, sign_in
from shop.services.cart import merge

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and tokens")


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(RegisterSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any]) -> Any:
        """Create a customer account."""
        a = adapters()
        return registration.register(
            a.accounts.uow,
            a.accounts.hasher,
            a.clock,
            body["email"],
            body["password"],
            body["full_name"],
        )


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.doc(parameters=[CART_TOKEN_PARAMETER])
    def post(self, body: dict[str, Any]) -> Any:
        """Sign in: an access token and a refresh token.

        With an X-Cart-Token header, that guest cart is merged into the user's cart, as
        POST /cart/merge does.
        """
        a = adapters()
        user = sign_in.sign_in(
            a.accounts.uow,
            a.accounts.hasher,
            a.accounts.login_throttle,
            body["email"],
            body["password"],
            client_address(),
        )
        guest_token = request.headers.get(CART_TOKEN_HEADER)
        check_text(CART_TOKEN_HEADER, guest_token)
        if user.id is not None:
            merge.merge_at_sign_in(a.cart, user.id, guest_token)
        return auth.issue_tokens(user)


@blp.route("/refresh")
class Refresh(MethodView):
    @jwt_required(refresh=True)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.doc(security=BEARER)
    def post(self) -> Any:
        """Trade a refresh token for a new pair; the old one is spent (rotation)."""
        a = adapters()
        claims = get_jwt()
        sign_in.rotate_refresh_token(
            a.accounts.tokens, claims["jti"], claims["fam"], a.settings.refresh_token_ttl
        )
        user = registration.get_user(a.accounts.uow, auth.current_user_id())
        return auth.issue_tokens(user, family=claims["fam"])


@blp.route("/logout")
class Logout(MethodView):
    @jwt_required()
    @blp.arguments(LogoutSchema, required=False)
    @blp.response(204)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.doc(security=BEARER)
    def post(self, body: dict[str, Any]) -> None:
        """Revoke the access token at once, and the refresh token's session when given."""
        a = adapters()
        claims = get_jwt()
        now = time.time()
        family, refresh_ttl = None, 0
        if body.get("refresh_token"):
            refresh = _decode_own_refresh_token(body["refresh_token"], claims["sub"])
            family, refresh_ttl = refresh["fam"], a.settings.refresh_token_ttl
            a.accounts.tokens.consume_refresh(refresh["jti"])
        sign_in.logout(
            a.accounts.tokens, claims["jti"], auth.seconds_left(claims, now), family, refresh_ttl
        )


def _decode_own_refresh_token(token: str, subject: str) -> dict[str, Any]:
    try:
        payload = decode_token(token, allow_expired=True)
    except Exception as exc:  # noqa: BLE001 - any decoding failure means "not a valid token"
        raise Unauthorized("The refresh token is not valid.") from exc
    if payload.get("type") != "refresh" or payload.get("sub") != subject or "fam" not in payload:
        raise Unauthorized("The refresh token is not valid.")
    return payload


@blp.route("/me")
class Me(MethodView):
    @jwt_required()
    @blp.response(200, UserSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """The signed-in account."""
        try:
            return registration.get_user(adapters().accounts.uow, auth.current_user_id())
        except NotFound as exc:
            raise Unauthorized("The token's account no longer exists.") from exc
