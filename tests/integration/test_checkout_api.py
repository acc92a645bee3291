"""POST /api/v1/checkout end to end, on the embedded default and on PostgreSQL + Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from shop.adapters.sql.order_tables import idempotency_keys, orders
from shop.domain.cart.cart import CartOwner
from shop.services.checkout import idempotency
from tests.integration.apps import Api
from tests.integration.checkout_support import BODY, fill_cart, guest_cart, stock_of
from tests.integration.factories import make_variant, set_variant


def checkout(api: Api, token: str, key: str | None = None, **changes: object):  # type: ignore[no-untyped-def]
    headers = {"X-Cart-Token": token}
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.client.post("/api/v1/checkout", json={**BODY, **changes}, headers=headers)


def test_a_guest_checkout_creates_the_order_takes_stock_and_empties_the_cart(api: Api) -> None:
    a = make_variant(api.adapters, price="12.50", stock=3, attributes={"Color": "Blue"})
    b = make_variant(api.adapters, price="0.10", stock=1)
    token = guest_cart(api.client, {a: 2, b: 1})
    response = checkout(api, token)
    assert response.status_code == 201, response.json
    order = response.json
    assert order["status"] == "pending"
    assert order["subtotal"] == order["total"] == "25.10"
    assert order["currency"] == "USD"
    assert [
        (x["variant_id"], x["quantity"], x["unit_price"], x["line_total"]) for x in order["lines"]
    ] == [
        (a, 2, "12.50", "25.00"),
        (b, 1, "0.10", "0.10"),
    ]
    assert order["lines"][0]["attributes"] == [{"name": "Color", "value": "Blue"}]
    assert len(order["order_token"]) >= 43
    admin = api.admin_headers()
    assert stock_of(api.client, a, admin) == 1
    assert stock_of(api.client, b, admin) == 0
    assert api.client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json["items"] == []


def test_lines_keep_what_was_sold_whatever_the_catalog_does_later(api: Api) -> None:
    a = make_variant(api.adapters, price="5.00", stock=3, product_name="Old name")
    token = guest_cart(api.client, {a: 1})
    order = checkout(api, token).json
    set_variant(api.adapters, a, price=99)
    read = api.client.get(
        f"/api/v1/orders/{order['id']}", headers={"X-Order-Token": order["order_token"]}
    )
    assert read.status_code == 200
    assert read.json["lines"][0]["unit_price"] == "5.00"
    assert read.json["lines"][0]["product_name"] == "Old name"


def test_every_short_line_is_listed_and_nothing_is_written(api: Api) -> None:
    a = make_variant(api.adapters, stock=3)
    b = make_variant(api.adapters, stock=2)
    c = make_variant(api.adapters, stock=5)
    token = guest_cart(api.client, {a: 3, b: 2, c: 1})
    set_variant(api.adapters, a, as_catalog_write=False, stock=1)
    set_variant(api.adapters, b, as_catalog_write=False, stock=0)
    response = checkout(api, token)
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert response.json["errors"]["lines"] == [
        {"variant_id": a, "requested": 3, "available": 1},
        {"variant_id": b, "requested": 2, "available": 0},
    ]
    admin = api.admin_headers()
    assert stock_of(api.client, c, admin) == 5
    assert len(api.client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json["items"]) == 3
    assert api.client.get("/api/v1/orders", headers=admin).json == []


def test_an_empty_cart_an_inactive_variant_and_a_missing_email(api: Api) -> None:
    assert api.client.post("/api/v1/checkout", json=BODY).status_code == 422
    a = make_variant(api.adapters, stock=3)
    token = guest_cart(api.client, {a: 1})
    no_email = {k: v for k, v in BODY.items() if k != "email"}
    response = api.client.post("/api/v1/checkout", json=no_email, headers={"X-Cart-Token": token})
    assert response.status_code == 422
    assert "email" in response.json["errors"]
    set_variant(api.adapters, a, is_active=False)
    assert checkout(api, token).status_code == 409


def test_bad_bodies_are_422_never_500(api: Api) -> None:
    token = guest_cart(api.client, {make_variant(api.adapters): 1})
    for changes in (
        {"address": {**BODY["address"], "country": "Germany"}},
        {"full_name": "Ann\x00"},
        {"phone": 12},
        {"total": "0.00"},
    ):
        assert checkout(api, token, **changes).status_code == 422, changes
    raw = api.client.post(
        "/api/v1/checkout",
        data="{",
        content_type="application/json",
        headers={"X-Cart-Token": token},
    )
    assert raw.status_code == 400


def test_a_user_checks_out_with_the_account_email_and_sees_only_their_orders(api: Api) -> None:
    a = make_variant(api.adapters, stock=5)
    email = api.new_email("buyer")
    me = api.customer_headers(email)
    fill_cart(api.client, me, {a: 2})
    body = {k: v for k, v in BODY.items() if k != "email"}
    response = api.client.post("/api/v1/checkout", json=body, headers=me)
    assert response.status_code == 201, response.json
    assert response.json["email"] == email
    assert "order_token" not in response.json
    other = api.customer_headers()
    order_id = response.json["id"]
    assert api.client.get(f"/api/v1/orders/{order_id}", headers=other).status_code == 404
    assert api.client.get(f"/api/v1/orders/{order_id}").status_code == 401
    assert [o["id"] for o in api.client.get("/api/v1/orders", headers=me).json] == [order_id]
    assert api.client.get("/api/v1/orders", headers=other).json == []


def test_the_order_token_reads_only_its_order(api: Api) -> None:
    a = make_variant(api.adapters, stock=5)
    first = checkout(api, guest_cart(api.client, {a: 1})).json
    second = checkout(api, guest_cart(api.client, {a: 1})).json
    own = {"X-Order-Token": first["order_token"]}
    assert api.client.get(f"/api/v1/orders/{first['id']}", headers=own).status_code == 200
    assert api.client.get(f"/api/v1/orders/{second['id']}", headers=own).status_code == 404
    token = first["order_token"]
    forged = {"X-Order-Token": token[:-1] + ("B" if token.endswith("A") else "A")}
    assert api.client.get(f"/api/v1/orders/{first['id']}", headers=forged).status_code == 404
    with api.adapters.engine.connect() as connection:
        stored = connection.execute(select(orders.c.token_hash)).scalars().all()
    assert first["order_token"] not in stored


def test_the_same_key_replays_the_first_answer(api: Api) -> None:
    a = make_variant(api.adapters, stock=5)
    token = guest_cart(api.client, {a: 2})
    first = checkout(api, token, key="order-1")
    again = checkout(api, token, key="order-1")
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.json == {k: v for k, v in first.json.items() if k != "order_token"}
    assert stock_of(api.client, a, api.admin_headers()) == 3
    assert checkout(api, token, key="order-1", phone="999").status_code == 422
    other_guest = guest_cart(api.client, {a: 1})
    assert checkout(api, other_guest, key="order-1").json["id"] != first.json["id"]


def test_a_key_in_flight_is_409_and_a_malformed_key_422(api: Api) -> None:
    a = make_variant(api.adapters, stock=5)
    token = guest_cart(api.client, {a: 1})
    scope = idempotency.caller_scope(CartOwner.guest(token))
    body = idempotency.fingerprint("POST", "/api/v1/checkout", BODY)
    now = datetime.now(UTC)
    with api.adapters.engine.begin() as connection:
        connection.execute(
            insert(idempotency_keys).values(
                scope=scope,
                key="busy",
                fingerprint=body,
                lease="x",
                locked_until=now + timedelta(seconds=30),
                created_at=now,
            )
        )
        connection.execute(
            insert(idempotency_keys).values(
                scope=scope,
                key="crashed",
                fingerprint=body,
                lease="y",
                locked_until=now - timedelta(seconds=1),
                created_at=now,
            )
        )
    assert checkout(api, token, key="busy").status_code == 409
    assert checkout(api, token, key="crashed").status_code == 201
    for bad in ("", "x" * 256, "é"):
        response = api.client.post(
            "/api/v1/checkout",
            json=BODY,
            headers={
                "X-Cart-Token": token,
                "Idempotency-Key": bad.encode("utf-8").decode("latin-1"),
            },
        )
        assert response.status_code == 422, bad
