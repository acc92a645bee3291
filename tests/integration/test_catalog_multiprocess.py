"""The catalog served by two real gunicorn servers sharing PostgreSQL and Redis: an admin
write through one is in the very next (cached) read through the other."""

from __future__ import annotations

import requests

from tests.integration.apps import PASSWORD, fresh_server_env
from tests.integration.gunicorn import run_gunicorn

ADMIN = "catalog-admin@example.com"


def test_writes_through_one_server_show_in_cached_reads_of_the_other(
    migrated_postgres_url: str, redis_url: str
) -> None:
    env = fresh_server_env(
        migrated_postgres_url,
        redis_url,
        SHOP_ADMIN_EMAIL=ADMIN,
        SHOP_ADMIN_PASSWORD=PASSWORD,
    )
    with run_gunicorn(env, workers=2, threads=2) as writer, run_gunicorn(env, workers=2) as reader:
        session = requests.Session()
        token = session.post(
            f"{writer}/api/v1/auth/login", json={"email": ADMIN, "password": PASSWORD}, timeout=10
        ).json()["access_token"]
        admin = {"Authorization": f"Bearer {token}"}

        def write(method: str, path: str, body: dict[str, object]) -> dict[str, object]:
            response = session.request(
                method, f"{writer}/api/v1{path}", json=body, headers=admin, timeout=10
            )
            assert response.status_code in (200, 201), response.text
            return dict(response.json())

        category = write("POST", "/categories", {"name": "Phones"})
        color = write("POST", "/attributes", {"name": "Color"})
        write("POST", f"/attributes/{color['id']}/values", {"value": "Blue"})
        product = write("POST", "/products", {"name": "Nova X1", "category_id": category["id"]})
        variant = write(
            "POST",
            f"/products/{product['id']}/variants",
            {"sku": "NX1-BLUE", "price": "799.00", "stock": 5, "attributes": {"Color": "Blue"}},
        )

        def read(path: str) -> dict[str, object]:
            response = session.get(f"{reader}/api/v1{path}", timeout=10)
            assert response.status_code == 200, response.text
            return dict(response.json())

        for _ in range(4):  # warm the cache, and reach both reader processes
            assert read(f"/products/{product['id']}")["name"] == "Nova X1"
        write("PATCH", f"/variants/{variant['id']}", {"price": "749.00"})
        write("PATCH", f"/products/{product['id']}", {"name": "Nova X1 Pro"})
        for _ in range(4):
            detail = read(f"/products/{product['id']}")
            assert detail["name"] == "Nova X1 Pro"
            assert detail["variants"][0]["price"] == "749.00"  # type: ignore[index]
        listed = session.get(f"{reader}/api/v1/products?q=nova", timeout=10).json()
        assert [(p["name"], p["price_from"]) for p in listed] == [("Nova X1 Pro", "749.00")]

        write("PATCH", f"/products/{product['id']}", {"is_active": False})
        assert (
            session.get(f"{reader}/api/v1/products/{product['id']}", timeout=10).status_code == 404
        )
