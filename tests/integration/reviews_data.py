"""Setup shared by the review tests: a reviewable product, customers, and reviews via the API."""

from __future__ import annotations

from typing import Any

from tests.integration.apps import PASSWORD, Api, bearer
from tests.integration.factories import make_variant


def reviewable_product(api: Api, **variant: Any) -> tuple[int, int]:
    """A new active product with one variant: (product id, variant id)."""
    variant_id = make_variant(api.adapters, **variant)
    response = api.client.get(f"/api/v1/variants/{variant_id}")
    assert response.status_code == 200, response.json
    return int(response.json["product_id"]), variant_id


def customer(api: Api, full_name: str = "", email: str | None = None) -> dict[str, str]:
    email = email or api.new_email("reviewer")
    response = api.client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": full_name},
    )
    assert response.status_code == 201, response.json
    return bearer(api.login(email)["access_token"])


def review(
    api: Api, product_id: int, headers: dict[str, str], rating: int = 5, comment: str = "Good."
) -> Any:
    return api.client.post(
        f"/api/v1/products/{product_id}/reviews",
        json={"rating": rating, "comment": comment},
        headers=headers,
    )


def rating_of(api: Api, product_id: int) -> dict[str, Any]:
    response = api.client.get(f"/api/v1/products/{product_id}")
    assert response.status_code == 200, response.json
    return dict(response.json["rating"])
