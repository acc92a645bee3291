"""Data export and erasure over HTTP, on both backends (the export job on PostgreSQL runs in
a real `shop worker`)."""

from __future__ import annotations

import re
import time
from typing import Any

from sqlalchemy import bindparam, create_engine, text

from tests.integration.apps import PASSWORD, Api, AppFactory, bearer
from tests.integration.checkout_support import fill_cart
from tests.integration.factories import make_variant
from tests.integration.mailbox import DELETION, EXPORT, Mailbox
from tests.integration.personal_data import tables_holding

NAME = "Augusta Ada King"
HOME = {
    "full_name": NAME,
    "line1": "12 Uniquely Named Square",
    "city": "Londonderrytown",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
    "phone": "+44 20 7946 0123",
}


def customer(api: Api) -> tuple[str, dict[str, str]]:
    email = api.new_email("augusta")
    response = api.client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": NAME}
    )
    assert response.status_code == 201
    headers = bearer(api.login(email)["access_token"])
    saved = api.client.post("/api/v1/me/addresses", json=HOME, headers=headers)
    assert saved.status_code == 201
    return email, headers


def export_link(email: str, mailbox: Mailbox) -> str:
    """Wait for the export job (a thread of the app, or a worker) and return the link."""
    deadline = time.monotonic() + 20
    while not mailbox.to(email, EXPORT) and time.monotonic() < deadline:
        time.sleep(0.05)
    return mailbox.export_path(email)


def place_order(api: Api, headers: dict[str, str], **body: Any) -> int:
    fill_cart(api.client, headers, {make_variant(api.adapters, stock=5, price="19.99"): 2})
    contact = body or {
        "full_name": NAME,
        "phone": HOME["phone"],
        "address": {k: HOME[k] for k in ("line1", "city", "postal_code", "country")},
    }
    placed = api.client.post("/api/v1/checkout", json=contact, headers=headers)
    assert placed.status_code == 201, placed.json
    return int(placed.json["id"])


def write_review(api: Api, headers: dict[str, str]) -> int:
    variant = make_variant(api.adapters, stock=5)
    product = api.client.get(f"/api/v1/variants/{variant}").json["product_id"]
    written = api.client.post(
        f"/api/v1/products/{product}/reviews",
        json={"rating": 4, "comment": "Sturdy and well made."},
        headers=headers,
    )
    assert written.status_code == 201, written.json
    return int(written.json["id"])


def order_rows(database_url: str, order_ids: list[int]) -> tuple[list[Any], list[Any]]:
    """The orders' money and status columns, and their lines, exactly as stored."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            ids = {"ids": order_ids}
            orders = connection.execute(
                text(
                    "SELECT id, status, currency, subtotal, total, created_at FROM orders"
                    " WHERE id IN :ids ORDER BY id"
                ).bindparams(bindparam("ids", expanding=True)),
                ids,
            ).all()
            lines = connection.execute(
                text("SELECT * FROM order_lines WHERE order_id IN :ids ORDER BY id").bindparams(
                    bindparam("ids", expanding=True)
                ),
                ids,
            ).all()
            return [tuple(r) for r in orders], [tuple(r) for r in lines]
    finally:
        engine.dispose()


def test_an_export_holds_the_accounts_data_and_nobody_elses(
    api: Api, backend: str, mailbox: Mailbox
) -> None:
    other_email, other = customer(api)
    other_order = place_order(api, other)
    email, headers = customer(api)
    mine = [place_order(api, headers), place_order(api, headers)]
    review = write_review(api, headers)
    queued = api.client.post("/api/v1/me/data-export", headers=headers)
    assert queued.status_code == 202
    link = export_link(email, mailbox)

    download = api.client.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("application/json")
    document: dict[str, Any] = download.json
    assert document["account"]["email"] == email
    assert [a["line1"] for a in document["addresses"]] == [HOME["line1"]]
    assert [o["id"] for o in document["orders"]] == mine
    assert [r["id"] for r in document["reviews"]] == [review]
    assert all(o["total"] == "39.98" and len(o["lines"]) == 1 for o in document["orders"])
    assert other_email not in download.get_data(as_text=True)
    assert other_order not in [o["id"] for o in document["orders"]]

    forged = re.sub(r"\.[^.]+$", ".AAAAAAAA", link)
    assert api.client.get(forged).status_code == 404
    assert api.client.get("/api/v1/me/data-export/not-a-link").status_code == 404
    assert api.client.post("/api/v1/me/data-export").status_code == 401


def test_a_second_export_while_one_is_queued_is_409(make_app: AppFactory) -> None:
    # On PostgreSQL + Redis the job waits for a worker (none runs here), so it stays queued.
    app = make_app("postgres")
    api = Api(client=app.test_client(), app=app)
    _, headers = customer(api)
    assert api.client.post("/api/v1/me/data-export", headers=headers).status_code == 202
    second = api.client.post("/api/v1/me/data-export", headers=headers)
    assert second.status_code == 409
    assert second.headers["Content-Type"] == "application/problem+json"


def test_deletion_anonymises_the_account_everywhere(api: Api, mailbox: Mailbox) -> None:
    email, headers = customer(api)
    address_id = api.client.get("/api/v1/me/addresses", headers=headers).json[0]["id"]
    orders = [place_order(api, headers), place_order(api, headers, address_id=address_id)]
    database_url = api.adapters.settings.database_url
    before = order_rows(database_url, orders)
    review = write_review(api, headers)
    refresh = api.login(email)["refresh_token"]
    wrong = api.client.post(
        "/api/v1/me/deletion-request", json={"password": "not-the-password"}, headers=headers
    )
    assert wrong.status_code == 403
    asked = api.client.post(
        "/api/v1/me/deletion-request", json={"password": PASSWORD}, headers=headers
    )
    assert asked.status_code == 202
    token = mailbox.token(email, DELETION)

    assert api.client.post("/api/v1/me/deletion/confirm", json={"token": token}).status_code == 204
    assert api.client.post("/api/v1/me/deletion/confirm", json={"token": token}).status_code == 400

    assert api.client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert api.client.post("/api/v1/auth/refresh", headers=bearer(refresh)).status_code == 401
    login = api.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 401
    leftovers = tables_holding(
        database_url, [email, NAME, HOME["line1"], HOME["city"], HOME["phone"]]
    )
    assert leftovers == {}
    # The books are intact: totals and lines exactly as they were; the region is kept.
    assert order_rows(database_url, orders) == before
    engine = create_engine(database_url)
    with engine.connect() as connection:
        author = connection.execute(
            text("SELECT user_id FROM reviews WHERE id = :id"), {"id": review}
        ).one()
    engine.dispose()
    assert author == (None,)  # the review stays, detached
    admin = api.admin_headers()
    for order_id in orders:
        kept = api.client.get(f"/api/v1/orders/{order_id}", headers=admin).json
        assert kept["address"]["country"] == "GB"
        assert kept["address"]["postal_code"] == "SW"
        assert kept["total"] == "39.98"
    # The email can be used for a new account.
    api.register(email)


def test_an_admin_erases_or_exports_a_customer(api: Api, mailbox: Mailbox) -> None:
    email, headers = customer(api)
    user_id = api.client.get("/api/v1/auth/me", headers=headers).json["id"]
    admin = api.admin_headers()
    base = f"/api/v1/admin/users/{user_id}"
    assert api.client.post(f"{base}/erasure", headers=headers).status_code == 403
    assert api.client.post(f"{base}/data-export").status_code == 401
    assert api.client.post(f"{base}/data-export", headers=admin).status_code == 202
    assert mailbox.export_path(email).startswith("/api/v1/me/data-export/")

    admin_id = api.client.get("/api/v1/auth/me", headers=admin).json["id"]
    refused = api.client.post(f"/api/v1/admin/users/{admin_id}/erasure", headers=admin)
    assert refused.status_code == 409
    assert api.client.post(f"{base}/erasure", headers=admin).status_code == 204
    assert api.client.post(f"{base}/erasure", headers=admin).status_code == 404
    assert api.client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert tables_holding(api.adapters.settings.database_url, [email, NAME]) == {}

    # Both are audited (the refused erasure and the second one are not), newest first.
    entries = audit_of(api, admin, user_id)
    assert [e["action"] for e in entries] == ["erase", "export"]
    assert {(e["actor_id"], e["source"], e["entity"]) for e in entries} == {
        (admin_id, "api", "user")
    }
    erased, exported = entries
    assert list(exported["changes"]) == ["data_export"]
    assert erased["changes"]["email"] == ["[erased]", f"deleted-{user_id}@deleted.invalid"]
    assert erased["changes"]["full_name"] == ["[erased]", ""]
    assert erased["changes"]["addresses"] == [1, 0]
    assert audit_of(api, admin, admin_id) == []
    # The search above did read the audit entries: it finds what they do hold.
    assert tables_holding(api.adapters.settings.database_url, ["[erased]"]) == {
        "[erased]": ["audit_log.changes"]
    }


def audit_of(api: Api, admin: dict[str, str], user_id: int) -> list[dict[str, Any]]:
    listed = api.client.get(
        "/api/v1/admin/audit",
        query_string={"entity": "user", "entity_id": str(user_id)},
        headers=admin,
    )
    assert listed.status_code == 200
    entries: list[dict[str, Any]] = listed.json
    return entries
