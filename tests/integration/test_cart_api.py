"""The cart endpoints of API.md, on the embedded default and on PostgreSQL + Redis."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from shop.adapters.memory.cached_variant_lookup import STOCK_STALENESS_SECONDS
from shop.domain.cart.cart import new_guest_token
from tests.integration.apps import PASSWORD, Api, AppFactory, bearer
from tests.integration.factories import (
    delete_variant,
    make_variant,
    set_product_active,
    set_variant,
)
from tests.integration.statement_count import statements as sql_statements

CART = "/api/v1/cart"
ITEMS = "/api/v1/cart/items"
MERGE = "/api/v1/cart/merge"


def token_header(token: str | None) -> dict[str, str]:
    return {"X-Cart-Token": token} if token else {}


def add(client: FlaskClient, variant_id: int, quantity: int = 1, **headers: str) -> TestResponse:
    return client.post(
        ITEMS, json={"variant_id": variant_id, "quantity": quantity}, headers=headers
    )


def guest_add(client: FlaskClient, variant_id: int, quantity: int, token: str | None) -> str:
    """Add as a guest; the cart's token (the same one, or a new one)."""
    response = client.post(
        ITEMS, json={"variant_id": variant_id, "quantity": quantity}, headers=token_header(token)
    )
    assert response.status_code == 200, response.json
    return str(response.headers["X-Cart-Token"])


def quantities(body: Any) -> dict[int, int]:
    return {item["variant_id"]: item["quantity"] for item in body["items"]}


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = dict(response.json or {})
    assert body["status"] == status
    return body


# -- guests and tokens --------------------------------------------------------------------------


def test_a_guest_first_add_creates_a_cart_and_returns_its_token(api: Api) -> None:
    variant = make_variant(api.adapters, price="12.50", stock=5)
    response = add(api.client, variant, 2)
    assert response.status_code == 200
    token = response.headers["X-Cart-Token"]
    assert response.json["token"] == token
    assert len(token) >= 32  # 24+ random bytes, URL-safe base64
    again = add(api.client, variant, 1, **{"X-Cart-Token": token})
    assert again.headers["X-Cart-Token"] == token
    assert quantities(again.json) == {variant: 3}
    assert again.json["count"] == 3
    assert again.json["subtotal"] == "37.50"


def test_reading_without_a_token_shows_an_empty_cart_and_creates_none(api: Api) -> None:
    response = api.client.get(CART)
    assert response.status_code == 200
    assert response.json == {"items": [], "count": 0, "subtotal": "0.00", "currency": "USD"}
    assert "X-Cart-Token" not in response.headers


def test_the_cart_has_exactly_the_documented_shape_with_live_prices(api: Api) -> None:
    variant = make_variant(
        api.adapters, price="1299.00", stock=4, attributes={"Color": "Blue", "Memory": "256GB"}
    )
    token = guest_add(api.client, variant, 2, None)
    set_variant(api.adapters, variant, price=Decimal("1099.50"))
    response = api.client.get(CART, headers=token_header(token))
    assert response.status_code == 200
    assert response.headers["X-Cart-Token"] == token
    [item] = response.json["items"]
    assert response.json == {
        "token": token,
        "items": [
            {
                "variant_id": variant,
                "sku": item["sku"],
                "product_id": item["product_id"],
                "product_name": item["product_name"],
                "attributes": [
                    {"name": "Color", "value": "Blue"},
                    {"name": "Memory", "value": "256GB"},
                ],
                "unit_price": "1099.50",
                "quantity": 2,
                "line_total": "2199.00",
                "available": True,
            }
        ],
        "count": 2,
        "subtotal": "2199.00",
        "currency": "USD",
    }
    assert isinstance(item["product_id"], int)
    assert item["sku"].startswith("SKU-")


def test_the_currency_is_the_configured_one(make_app: AppFactory, backend: str) -> None:
    app = make_app(backend, currency="EUR")
    variant = make_variant(app.extensions["shop"], price="3.00")
    response = add(app.test_client(), variant, 1)
    assert response.json["currency"] == "EUR"
    assert response.json["items"][0]["unit_price"] == "3.00"


def test_an_unknown_token_is_treated_as_no_token(api: Api) -> None:
    variant = make_variant(api.adapters)
    stale = new_guest_token()
    for unknown in (stale, "not-even-a-token"):
        response = api.client.get(CART, headers=token_header(unknown))
        assert response.status_code == 200
        assert "token" not in response.json
        assert "X-Cart-Token" not in response.headers
    fresh = guest_add(api.client, variant, 1, stale)
    assert fresh != stale
    assert quantities(api.client.get(CART, headers=token_header(fresh)).json) == {variant: 1}


def test_guests_never_see_each_others_carts(api: Api) -> None:
    one, two = make_variant(api.adapters), make_variant(api.adapters)
    token_one = guest_add(api.client, one, 1, None)
    token_two = guest_add(api.client, two, 2, None)
    assert token_one != token_two
    assert quantities(api.client.get(CART, headers=token_header(token_one)).json) == {one: 1}
    assert quantities(api.client.get(CART, headers=token_header(token_two)).json) == {two: 2}


# -- adding: every status ----------------------------------------------------------------------


@pytest.mark.parametrize("case", ["unknown", "inactive", "inactive product"])
def test_adding_an_unknown_or_inactive_variant_is_404(api: Api, case: str) -> None:
    variant = {
        "unknown": lambda: 987654,
        "inactive": lambda: make_variant(api.adapters, active=False),
        "inactive product": lambda: make_variant(api.adapters, product_active=False),
    }[case]()
    body = assert_problem(add(api.client, variant, 1), 404)
    assert body["detail"]


def test_adding_beyond_stock_is_409_with_what_is_available_and_changes_nothing(api: Api) -> None:
    variant = make_variant(api.adapters, stock=3)
    token = guest_add(api.client, variant, 2, None)
    body = assert_problem(add(api.client, variant, 2, **{"X-Cart-Token": token}), 409)
    assert body["available"] == 3
    assert body["in_cart"] == 2
    assert quantities(api.client.get(CART, headers=token_header(token)).json) == {variant: 2}
    assert_problem(add(api.client, make_variant(api.adapters, stock=0), 1), 409)


def test_a_refused_first_add_creates_no_cart(api: Api) -> None:
    response = add(api.client, make_variant(api.adapters, stock=1), 2)
    assert_problem(response, 409)
    assert "X-Cart-Token" not in response.headers


@pytest.mark.parametrize(
    "body",
    [
        {"variant_id": 1, "quantity": 0},
        {"variant_id": 1, "quantity": 100},
        {"variant_id": 1, "quantity": -3},
        {"variant_id": 1, "quantity": "2"},
        {"variant_id": 1, "quantity": 1.5},
        {"variant_id": 1, "quantity": True},
        {"variant_id": 1},
        {"quantity": 1},
        {"variant_id": 0, "quantity": 1},
        {"variant_id": 2**40, "quantity": 1},
        {"variant_id": 1, "quantity": 1, "price": "0.01"},
        {"variant_id": 1, "quantity": 10**30},
    ],
)
def test_an_invalid_add_is_422_naming_the_field(api: Api, body: dict[str, Any]) -> None:
    make_variant(api.adapters, stock=500)
    problem = assert_problem(api.client.post(ITEMS, json=body), 422)
    assert problem["errors"]


def test_a_line_may_not_grow_beyond_the_line_limit(make_app: AppFactory, backend: str) -> None:
    app = make_app(backend, max_line_quantity=5)
    client = app.test_client()
    variant = make_variant(app.extensions["shop"], stock=50)
    token = guest_add(client, variant, 4, None)
    problem = assert_problem(add(client, variant, 2, **{"X-Cart-Token": token}), 422)
    assert "quantity" in problem["errors"]
    assert problem["available"] == 5
    assert problem["in_cart"] == 4
    assert_problem(add(client, variant, 6), 422)
    assert guest_add(client, variant, 1, token) == token


def test_a_body_that_is_not_json_is_400(api: Api) -> None:
    response = api.client.post(ITEMS, data="{nope", content_type="application/json")
    assert_problem(response, 400)


def test_an_unsupported_method_is_405_with_allow(api: Api) -> None:
    response = api.client.patch(CART, json={})
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "DELETE"}


# -- setting and removing ------------------------------------------------------------------------


def test_put_sets_the_quantity_and_zero_removes_the_line(api: Api) -> None:
    one, two = make_variant(api.adapters, stock=9), make_variant(api.adapters, stock=9)
    token = guest_add(api.client, one, 1, None)
    response = api.client.put(f"{ITEMS}/{one}", json={"quantity": 7}, headers=token_header(token))
    assert response.status_code == 200
    assert quantities(response.json) == {one: 7}
    response = api.client.put(f"{ITEMS}/{two}", json={"quantity": 2}, headers=token_header(token))
    assert quantities(response.json) == {one: 7, two: 2}
    response = api.client.put(f"{ITEMS}/{one}", json={"quantity": 0}, headers=token_header(token))
    assert quantities(response.json) == {two: 2}
    assert response.headers["X-Cart-Token"] == token


def test_put_has_the_same_checks_as_add(api: Api) -> None:
    variant = make_variant(api.adapters, stock=3)
    token = guest_add(api.client, variant, 1, None)
    headers = token_header(token)
    problem = assert_problem(
        api.client.put(f"{ITEMS}/{variant}", json={"quantity": 4}, headers=headers), 409
    )
    assert problem["available"] == 3
    assert problem["in_cart"] == 1
    inactive = make_variant(api.adapters, active=False)
    assert_problem(
        api.client.put(f"{ITEMS}/{inactive}", json={"quantity": 1}, headers=headers), 404
    )
    assert_problem(api.client.put(f"{ITEMS}/424242", json={"quantity": 1}, headers=headers), 404)
    for bad in ({"quantity": -1}, {"quantity": 100}, {}, {"quantity": 1, "x": 1}):
        assert_problem(api.client.put(f"{ITEMS}/{variant}", json=bad, headers=headers), 422)
    assert quantities(api.client.get(CART, headers=headers).json) == {variant: 1}


def test_a_guest_put_without_a_cart_creates_one(api: Api) -> None:
    variant = make_variant(api.adapters)
    response = api.client.put(f"{ITEMS}/{variant}", json={"quantity": 2})
    assert response.status_code == 200
    assert response.json["token"] == response.headers["X-Cart-Token"]


def test_delete_removes_a_line_and_removing_an_absent_one_is_fine(api: Api) -> None:
    one, two = make_variant(api.adapters), make_variant(api.adapters)
    token = guest_add(api.client, one, 1, None)
    guest_add(api.client, two, 2, token)
    response = api.client.delete(f"{ITEMS}/{one}", headers=token_header(token))
    assert response.status_code == 200
    assert quantities(response.json) == {two: 2}
    again = api.client.delete(f"{ITEMS}/{one}", headers=token_header(token))
    assert again.status_code == 200
    assert quantities(again.json) == {two: 2}
    nobody = api.client.delete(f"{ITEMS}/{one}")
    assert nobody.status_code == 200
    assert "X-Cart-Token" not in nobody.headers


def test_a_line_of_a_deleted_variant_can_be_removed_and_disappears_anyway(api: Api) -> None:
    kept, doomed = make_variant(api.adapters), make_variant(api.adapters)
    token = guest_add(api.client, kept, 1, None)
    guest_add(api.client, doomed, 1, token)
    delete_variant(api.adapters, doomed)
    assert quantities(api.client.get(CART, headers=token_header(token)).json) == {kept: 1}
    response = api.client.put(
        f"{ITEMS}/{doomed}", json={"quantity": 0}, headers=token_header(token)
    )
    assert response.status_code == 200


def test_delete_cart_is_204_and_keeps_the_guest_token(api: Api) -> None:
    variant = make_variant(api.adapters)
    token = guest_add(api.client, variant, 2, None)
    response = api.client.delete(CART, headers=token_header(token))
    assert response.status_code == 204
    assert response.get_data() == b""
    after = api.client.get(CART, headers=token_header(token))
    assert after.json == {
        "token": token,
        "items": [],
        "count": 0,
        "subtotal": "0.00",
        "currency": "USD",
    }
    assert guest_add(api.client, variant, 1, token) == token
    assert api.client.delete(CART).status_code == 204


# -- availability ------------------------------------------------------------------------------


def test_a_line_is_unavailable_when_inactive_or_short_but_stays_in_the_cart(api: Api) -> None:
    short, hidden, gone_product = (make_variant(api.adapters, stock=5) for _ in range(3))
    token = guest_add(api.client, short, 4, None)
    guest_add(api.client, hidden, 1, token)
    guest_add(api.client, gone_product, 1, token)
    set_variant(api.adapters, short, stock=3)
    set_variant(api.adapters, hidden, is_active=False)
    set_product_active(api.adapters, gone_product, False)
    body = api.client.get(CART, headers=token_header(token)).json
    assert {i["variant_id"]: i["available"] for i in body["items"]} == {
        short: False,
        hidden: False,
        gone_product: False,
    }
    set_variant(api.adapters, short, stock=4)
    body = api.client.get(CART, headers=token_header(token)).json
    assert {i["variant_id"]: i["available"] for i in body["items"]}[short] is True


def test_stock_moved_by_orders_shows_in_cart_reads_within_a_second(api: Api) -> None:
    variant = make_variant(api.adapters, stock=5)
    token = guest_add(api.client, variant, 4, None)
    assert api.client.get(CART, headers=token_header(token)).json["items"][0]["available"]
    set_variant(api.adapters, variant, stock=3, as_catalog_write=False)
    time.sleep(STOCK_STALENESS_SECONDS + 0.05)
    body = api.client.get(CART, headers=token_header(token)).json
    assert body["items"][0]["available"] is False
    # A write checks live stock at once, whatever a read showed.
    assert add(api.client, variant, 1, **{"X-Cart-Token": str(token)}).status_code == 409


def test_a_cart_read_costs_one_sql_statement_whatever_its_size(api: Api) -> None:
    token = None
    variants = [
        make_variant(api.adapters, attributes={"Size": f"S{n}", "Color": "Red"}) for n in range(20)
    ]
    for variant in variants:
        token = guest_add(api.client, variant, 1, token)
    with sql_statements(api.adapters.engine) as statements:
        response = api.client.get(CART, headers=token_header(token))
    assert response.status_code == 200
    assert len(response.json["items"]) == 20
    assert all(len(item["attributes"]) == 2 for item in response.json["items"])
    assert len(statements) == 1, statements
    with sql_statements(api.adapters.engine) as statements:
        add(api.client, variants[0], 1, **{"X-Cart-Token": str(token)})
    assert len(statements) == 1, statements  # the added variant and the whole cart at once


# -- signed-in users ----------------------------------------------------------------------------


def test_a_user_cart_follows_the_user_and_has_no_token(api: Api) -> None:
    variant = make_variant(api.adapters)
    email = api.new_email()
    api.register(email)
    first = bearer(api.login(email)["access_token"])
    response = add(api.client, variant, 2, **first)
    assert response.status_code == 200
    assert "token" not in response.json
    assert "X-Cart-Token" not in response.headers
    second_login = bearer(api.login(email)["access_token"])
    assert quantities(api.client.get(CART, headers=second_login).json) == {variant: 2}


def test_with_a_bearer_token_the_cart_token_is_ignored(api: Api) -> None:
    guest_variant, user_variant = make_variant(api.adapters), make_variant(api.adapters)
    token = guest_add(api.client, guest_variant, 1, None)
    user = api.customer_headers()
    both = {**user, "X-Cart-Token": token}
    response = add(api.client, user_variant, 1, **both)
    assert quantities(response.json) == {user_variant: 1}
    assert quantities(api.client.get(CART, headers=both).json) == {user_variant: 1}
    assert api.client.delete(CART, headers=both).status_code == 204
    assert quantities(api.client.get(CART, headers=token_header(token)).json) == {guest_variant: 1}


def test_users_never_see_each_others_carts(api: Api) -> None:
    variant = make_variant(api.adapters)
    alice, bob = api.customer_headers(), api.customer_headers()
    add(api.client, variant, 3, **alice)
    assert api.client.get(CART, headers=bob).json["items"] == []
    assert quantities(api.client.get(CART, headers=alice).json) == {variant: 3}


def test_an_invalid_bearer_token_is_401_not_a_guest_cart(api: Api) -> None:
    variant = make_variant(api.adapters)
    headers = bearer("not-a-jwt")
    assert_problem(api.client.get(CART, headers=headers), 401)
    assert_problem(add(api.client, variant, 1, **headers), 401)


# -- merging ------------------------------------------------------------------------------------


def test_merge_sums_lines_caps_them_and_reports_every_cut(
    make_app: AppFactory, backend: str
) -> None:
    app = make_app(backend, max_line_quantity=10)
    api = Api(client=app.test_client(), app=app)
    a = api.adapters
    plain, scarce, limited, hidden = (
        make_variant(a, stock=50),
        make_variant(a, stock=4),
        make_variant(a, stock=50),
        make_variant(a, stock=50),
    )
    user = api.customer_headers()
    add(api.client, scarce, 2, **user)
    add(api.client, limited, 6, **user)
    token = guest_add(api.client, plain, 2, None)
    for variant, quantity in ((scarce, 3), (limited, 6), (hidden, 1)):
        guest_add(api.client, variant, quantity, token)
    set_variant(a, hidden, is_active=False)

    response = api.client.post(MERGE, headers={**user, "X-Cart-Token": token})
    assert response.status_code == 200
    assert "token" not in response.json
    assert quantities(response.json) == {plain: 2, scarce: 4, limited: 10}
    assert response.json["count"] == 16
    assert sorted(response.json["adjustments"], key=lambda x: x["variant_id"]) == sorted(
        [
            {"variant_id": scarce, "requested": 5, "quantity": 4, "reason": "stock"},
            {"variant_id": limited, "requested": 12, "quantity": 10, "reason": "line_limit"},
            {"variant_id": hidden, "requested": 1, "quantity": 0, "reason": "unavailable"},
        ],
        key=lambda x: x["variant_id"],
    )
    gone = api.client.get(CART, headers=token_header(token))
    assert gone.json["items"] == []
    assert "token" not in gone.json


def test_merge_without_cuts_has_empty_adjustments_and_is_not_repeated(api: Api) -> None:
    variant = make_variant(api.adapters, stock=10)
    user = api.customer_headers()
    token = guest_add(api.client, variant, 2, None)
    first = api.client.post(MERGE, headers={**user, "X-Cart-Token": token})
    assert first.json["adjustments"] == []
    assert quantities(first.json) == {variant: 2}
    second = api.client.post(MERGE, headers={**user, "X-Cart-Token": token})
    assert second.status_code == 200
    assert second.json["adjustments"] == []
    assert quantities(second.json) == {variant: 2}


def test_merge_needs_a_bearer_token_and_a_cart_token(api: Api) -> None:
    token = guest_add(api.client, make_variant(api.adapters), 1, None)
    assert_problem(api.client.post(MERGE, headers=token_header(token)), 401)
    problem = assert_problem(api.client.post(MERGE, headers=api.customer_headers()), 422)
    assert "X-Cart-Token" in problem["errors"]
    assert quantities(api.client.get(CART, headers=token_header(token)).json) != {}


def test_login_with_a_cart_token_merges_the_guest_cart(api: Api) -> None:
    variant, scarce = make_variant(api.adapters, stock=10), make_variant(api.adapters, stock=2)
    email = api.new_email()
    api.register(email)
    user = bearer(api.login(email)["access_token"])
    add(api.client, scarce, 2, **user)
    token = guest_add(api.client, variant, 3, None)
    guest_add(api.client, scarce, 1, token)
    response = api.client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        headers=token_header(token),
    )
    assert response.status_code == 200
    assert set(response.json) == {"access_token", "refresh_token", "token_type", "expires_in"}
    cart = api.client.get(CART, headers=bearer(response.json["access_token"])).json
    assert quantities(cart) == {variant: 3, scarce: 2}
    assert api.client.get(CART, headers=token_header(token)).json["items"] == []


def test_login_with_an_unknown_cart_token_just_signs_in(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    for token in (new_guest_token(), "junk"):
        response = api.client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": PASSWORD},
            headers=token_header(token),
        )
        assert response.status_code == 200


def test_a_failed_login_merges_nothing(api: Api) -> None:
    variant = make_variant(api.adapters)
    email = api.new_email()
    api.register(email)
    token = guest_add(api.client, variant, 1, None)
    response = api.client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": "wrong-password"},
        headers=token_header(token),
    )
    assert_problem(response, 401)
    assert quantities(api.client.get(CART, headers=token_header(token)).json) == {variant: 1}


# -- documentation ------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_cart(api: Api) -> None:
    spec = api.client.get("/openapi.json").json
    paths = spec["paths"]
    expected = {
        "/api/v1/cart": {"get", "delete"},
        "/api/v1/cart/items": {"post"},
        "/api/v1/cart/items/{variant_id}": {"put", "delete"},
        "/api/v1/cart/merge": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    add_op = paths["/api/v1/cart/items"]["post"]
    assert {"in": "header", "name": "X-Cart-Token"}.items() <= add_op["parameters"][0].items()
    assert "X-Cart-Token" in add_op["responses"]["200"]["headers"]
    assert {"200", "404", "409", "422", "503"} <= set(add_op["responses"])
    assert {} in add_op["security"]
    assert {"bearerAuth": []} in add_op["security"]
    merge_op = paths["/api/v1/cart/merge"]["post"]
    assert merge_op["security"] == [{"bearerAuth": []}]
    assert merge_op["parameters"][0]["required"] is True
    login = paths["/api/v1/auth/login"]["post"]
    assert any(p["name"] == "X-Cart-Token" for p in login["parameters"])
    schemas = spec["components"]["schemas"]
    assert set(schemas["Cart"]["properties"]) == {"token", "items", "count", "subtotal", "currency"}
    assert set(schemas["MergedCart"]["properties"]) >= {"adjustments"}
    assert schemas["Adjustment"]["properties"]["reason"]["enum"] == [
        "stock",
        "line_limit",
        "unavailable",
    ]
