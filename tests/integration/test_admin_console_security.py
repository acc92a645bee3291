"""The console's security rules, through the Flask test client on both backends: sign-in,
sessions, CSRF, headers and escaping."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.integration.apps import PASSWORD
from tests.integration.console_support import (
    Console,
    csrf_of,
    make_admin,
    make_customer,
    signed_in_console,
)
from tests.integration.factories import make_variant

PAGES = (
    "/admin",
    "/admin/products",
    "/admin/products/new",
    "/admin/attributes",
    "/admin/categories",
    "/admin/customers",
    "/admin/audit",
)


def _category_count(console: Console) -> int:
    response = console.client.get("/api/v1/categories")
    return len(response.json or [])


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_out_visitor_is_sent_to_the_sign_in_page(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_a_customer_with_the_right_password_is_refused(app: Flask) -> None:
    console = Console(app, app.test_client())
    make_customer(console.adapters, "shopper@example.com")
    response = console.sign_in("shopper@example.com", PASSWORD)
    assert response.status_code == 403
    assert "for administrators" in response.text
    assert console.get("/admin").status_code == 302


def test_a_wrong_password_is_refused_and_sign_in_is_rate_limited(app: Flask) -> None:
    console = Console(app, app.test_client())
    make_admin(console.adapters, "boss@example.com")
    statuses = [
        console.sign_in("boss@example.com", "wrong-password").status_code for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    limited = console.sign_in("boss@example.com", PASSWORD)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_every_page_sends_the_security_headers(app: Flask) -> None:
    console = signed_in_console(app)
    product = make_variant(console.adapters)
    for path in (*PAGES, "/admin/login", f"/admin/variants/{product}", "/admin/nowhere"):
        response = console.get(path)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in policy, path
        assert "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "same-origin", path


def test_the_session_cookie_is_http_only_strict_and_secure_over_https(app: Flask) -> None:
    for base_url, secure in (("http://localhost", False), ("https://localhost", True)):
        client = app.test_client()
        make_admin(app.extensions["shop"], "boss@example.com")
        page = client.get("/admin/login", base_url=base_url)
        response = client.post(
            "/admin/login",
            base_url=base_url,
            data={"email": "boss@example.com", "password": PASSWORD, "_csrf": csrf_of(page.text)},
        )
        assert response.status_code == 302
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("shop_console=")
        assert "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert "Path=/admin" in cookie
        assert ("Secure" in cookie) is secure


def test_sign_in_renews_the_session_and_sign_out_revokes_it(app: Flask) -> None:
    console = Console(app, app.test_client())
    make_admin(console.adapters, "boss@example.com")
    console.get("/admin/login")
    before = console.client.get_cookie("shop_console", path="/admin")
    assert console.sign_in("boss@example.com").status_code == 302
    signed_in = console.client.get_cookie("shop_console", path="/admin")
    assert before is not None
    assert signed_in is not None
    assert signed_in.value != before.value
    assert console.get("/admin").status_code == 200

    assert console.post("/admin/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("shop_console", signed_in.value, path="/admin")
    assert thief.get("/admin").status_code == 302  # the copied cookie is worth nothing now


def test_an_idle_session_ends(make_app: object, backend: str) -> None:
    app = make_app(backend, admin_idle_timeout=60)  # type: ignore[operator]
    console = signed_in_console(app)
    with console.client.session_transaction("/admin") as session:
        session["seen"] = session["seen"] - 61
    assert console.get("/admin").status_code == 302


def test_a_post_without_or_with_a_wrong_csrf_token_changes_nothing(app: Flask) -> None:
    console = signed_in_console(app)
    before = _category_count(console)
    missing = console.client.post("/admin/categories", data={"name": "Sneaky"})
    wrong = console.post("/admin/categories", {"name": "Sneaky", "_csrf": "forged"})
    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert _category_count(console) == before
    assert console.post("/admin/categories", {"name": "Honest"}).status_code == 302
    assert _category_count(console) == before + 1


def test_a_cross_site_post_is_refused_even_with_the_token(app: Flask) -> None:
    console = signed_in_console(app)
    before = _category_count(console)
    foreign = console.post(
        "/admin/categories", {"name": "Sneaky"}, headers={"Origin": "https://evil.example"}
    )
    cross_site = console.post(
        "/admin/categories", {"name": "Sneaky"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert foreign.status_code == 403
    assert cross_site.status_code == 403
    assert _category_count(console) == before


def test_a_sign_in_post_without_the_token_is_refused(app: Flask) -> None:
    client = app.test_client()
    make_admin(app.extensions["shop"], "boss@example.com")
    response = client.post("/admin/login", data={"email": "boss@example.com", "password": PASSWORD})
    assert response.status_code == 403


def test_markup_in_a_product_name_is_shown_as_text(app: Flask) -> None:
    console = signed_in_console(app)
    variant_id = make_variant(console.adapters, product_name="<script>alert(1)</script>")
    product_id = console.client.get(f"/api/v1/variants/{variant_id}").json["product_id"]  # type: ignore[index]
    for path in (
        "/admin/products",
        f"/admin/products/{product_id}",
        f"/admin/variants/{variant_id}",
    ):
        html = console.get(path).text
        assert "<script>alert(1)</script>" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_sign_in_sends_back_only_to_console_pages(app: Flask) -> None:
    client = app.test_client()
    make_admin(app.extensions["shop"], "boss@example.com")
    page = client.get("/admin/login?next=//evil.example/")
    response = client.post(
        "/admin/login",
        data={
            "email": "boss@example.com",
            "password": PASSWORD,
            "next": "//evil.example/",
            "_csrf": csrf_of(page.text),
        },
    )
    assert response.headers["Location"] == "/admin"
