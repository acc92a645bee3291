"""Checkout with a saved address (`address_id`), and guest orders joining an account when
its email is verified; both backends."""

from __future__ import annotations

from typing import Any

from tests.integration.apps import Api, bearer
from tests.integration.checkout_support import BODY, fill_cart, guest_cart
from tests.integration.factories import make_variant
from tests.integration.mailbox import VERIFY, Mailbox

SAVED = {
    "full_name": "Saved Name",
    "line1": "7 Saved Street",
    "city": "Hamburg",
    "postal_code": "20095",
    "country": "DE",
    "phone": "+49 40 000000",
}


def save_address(api: Api, headers: dict[str, str], **extra: Any) -> int:
    response = api.client.post("/api/v1/me/addresses", json={**SAVED, **extra}, headers=headers)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_an_order_keeps_a_copy_of_the_saved_address(api: Api) -> None:
    headers = api.customer_headers()
    address_id = save_address(api, headers)
    fill_cart(api.client, headers, {make_variant(api.adapters, stock=5): 1})
    placed = api.client.post("/api/v1/checkout", json={"address_id": address_id}, headers=headers)
    assert placed.status_code == 201, placed.json
    order = placed.json
    assert order["full_name"] == "Saved Name"
    assert order["phone"] == SAVED["phone"]
    assert order["address"]["line1"] == "7 Saved Street"

    edited = api.client.patch(
        f"/api/v1/me/addresses/{address_id}", json={"line1": "9 Other Road"}, headers=headers
    )
    assert edited.status_code == 200
    api.client.delete(f"/api/v1/me/addresses/{address_id}", headers=headers)
    again = api.client.get(f"/api/v1/orders/{order['id']}", headers=headers)
    assert again.json["address"] == order["address"]


def test_only_an_own_saved_address_and_never_both_kinds(api: Api) -> None:
    owner = api.customer_headers()
    address_id = save_address(api, owner)
    stranger = api.customer_headers()
    fill_cart(api.client, stranger, {make_variant(api.adapters, stock=5): 1})
    theirs = api.client.post("/api/v1/checkout", json={"address_id": address_id}, headers=stranger)
    assert theirs.status_code == 404
    both = api.client.post(
        "/api/v1/checkout", json={**BODY, "address_id": address_id}, headers=stranger
    )
    assert both.status_code == 422
    neither = api.client.post(
        "/api/v1/checkout", json={"full_name": "X", "phone": "1"}, headers=stranger
    )
    assert neither.status_code == 422
    token = guest_cart(api.client, {make_variant(api.adapters, stock=5): 1})
    guest = api.client.post(
        "/api/v1/checkout",
        json={"address_id": address_id, "email": "g@example.com"},
        headers={"X-Cart-Token": token},
    )
    assert guest.status_code == 422


def test_verifying_the_email_attaches_the_earlier_guest_orders(api: Api, mailbox: Mailbox) -> None:
    email = api.new_email("guest")
    token = guest_cart(api.client, {make_variant(api.adapters, stock=5): 1})
    guest_order = api.client.post(
        "/api/v1/checkout", json={**BODY, "email": email}, headers={"X-Cart-Token": token}
    )
    assert guest_order.status_code == 201
    other = guest_cart(api.client, {make_variant(api.adapters, stock=5): 1})
    someone_else = api.client.post(
        "/api/v1/checkout",
        json={**BODY, "email": "other@example.com"},
        headers={"X-Cart-Token": other},
    )
    assert someone_else.status_code == 201

    api.register(email)
    headers = bearer(api.login(email)["access_token"])
    assert api.client.get("/api/v1/orders", headers=headers).json == []
    verified = api.client.post(
        "/api/v1/auth/verify-email", json={"token": mailbox.token(email, VERIFY)}
    )
    assert verified.status_code == 204
    mine = api.client.get("/api/v1/orders", headers=headers).json
    assert [o["id"] for o in mine] == [guest_order.json["id"]]
