"""A signed-in cart read checks the token's revocation in the same round trip as the cart:
a revoked token is refused exactly as every other endpoint refuses it, and nothing of the
cart is in the answer (both backends)."""

from __future__ import annotations

import time
from typing import Any

from werkzeug.test import TestResponse

from tests.integration.apps import Api, bearer
from tests.integration.factories import make_variant

CART = "/api/v1/cart"
ME = "/api/v1/auth/me"


def _signed_in_with_a_line(api: Api) -> tuple[str, dict[str, Any]]:  # (email, tokens)
    email = api.new_email()
    api.register(email)
    tokens = api.login(email)
    added = api.client.post(
        f"{CART}/items",
        json={"variant_id": make_variant(api.adapters), "quantity": 2},
        headers=bearer(tokens["access_token"]),
    )
    assert added.status_code == 200, added.json
    assert api.client.get(CART, headers=bearer(tokens["access_token"])).json["count"] == 2
    return email, tokens


def _refused_like_me(api: Api, access_token: str) -> None:
    cart = api.client.get(CART, headers=bearer(access_token))
    me = api.client.get(ME, headers=bearer(access_token))
    _assert_revoked(cart)
    assert cart.json == me.json
    assert cart.headers.get("WWW-Authenticate") == me.headers.get("WWW-Authenticate") == "Bearer"


def _assert_revoked(response: TestResponse) -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json or {}
    assert body["detail"] == "The token has been revoked."
    assert not {"items", "count", "subtotal"} & set(body)


def test_a_logged_out_token_cannot_read_its_cart(api: Api) -> None:
    _, tokens = _signed_in_with_a_line(api)
    logout = api.client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"]))
    assert logout.status_code == 204
    _refused_like_me(api, tokens["access_token"])


def test_a_token_of_a_login_revoked_for_refresh_reuse_cannot_read_its_cart(api: Api) -> None:
    _, tokens = _signed_in_with_a_line(api)
    refresh = "/api/v1/auth/refresh"
    assert api.client.post(refresh, headers=bearer(tokens["refresh_token"])).status_code == 200
    reused = api.client.post(refresh, headers=bearer(tokens["refresh_token"]))
    assert reused.status_code == 401  # the reuse revokes the whole login, access token included
    _refused_like_me(api, tokens["access_token"])


def test_a_token_issued_before_the_account_wide_revocation_cannot_read_its_cart(
    api: Api,
) -> None:
    _, tokens = _signed_in_with_a_line(api)
    user_id = api.client.get(ME, headers=bearer(tokens["access_token"])).json["id"]
    api.adapters.accounts.tokens.revoke_user(int(user_id), time.time() + 1, 3600)
    _refused_like_me(api, tokens["access_token"])


def test_a_refresh_token_or_a_forged_one_cannot_read_a_cart(api: Api) -> None:
    _, tokens = _signed_in_with_a_line(api)
    for token in (tokens["refresh_token"], tokens["access_token"][:-4] + "AAAA"):
        response = api.client.get(CART, headers=bearer(token))
        assert response.status_code == 401, response.json
        assert "items" not in (response.json or {})
