"""A 204 or 304 has no body, so no Content-Type either."""

from __future__ import annotations

from tests.integration.apps import Api, bearer


def test_a_204_has_no_content_type(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    tokens = api.login(email)
    response = api.client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"]))
    assert response.status_code == 204
    assert response.data == b""
    assert "Content-Type" not in response.headers


def test_a_deleted_cart_and_a_304_have_no_content_type(api: Api) -> None:
    headers = api.customer_headers()
    response = api.client.delete("/api/v1/cart", headers=headers)
    assert response.status_code == 204
    assert "Content-Type" not in response.headers
    first = api.client.get("/api/v1/categories")
    again = api.client.get("/api/v1/categories", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert "Content-Type" not in again.headers
