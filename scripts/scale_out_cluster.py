"""What the scale-out checks share: the two API hosts, the admin, and the shop's set-up calls.

A host is named by its index (0 is "host 1", the one the last check kills).
"""

from __future__ import annotations

import os
import signal
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

TIMEOUT = 10
BUYER = {
    "full_name": "Scale Out",
    "phone": "+49 30 123456",
    "address": {"line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"},
}


@dataclass
class Cluster:
    hosts: list[str]
    kill_pid_files: list[Path]
    mail_spool: Path
    admin: dict[str, str] = field(default_factory=dict)

    def call(self, host: int, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return requests.request(method, f"{self.hosts[host]}/api/v1{path}", **kwargs)

    def ok(self, host: int, method: str, path: str, expect: int = 200, **kw: Any) -> Any:
        response = self.call(host, method, path, **kw)
        if response.status_code != expect:
            raise AssertionError(
                f"{method} {path} on host {host + 1}: {response.status_code} {response.text[:300]}"
            )
        return response.json() if response.content else None


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in_admin(cluster: Cluster) -> None:
    body = {"email": os.environ["SHOP_ADMIN_EMAIL"], "password": os.environ["SHOP_ADMIN_PASSWORD"]}
    tokens = cluster.ok(0, "POST", "/auth/login", json=body)
    cluster.admin = bearer(tokens["access_token"])


def new_variant(cluster: Cluster, host: int, stock: int = 5) -> tuple[int, int]:
    """A new product with one variant of `stock` units: (product id, variant id)."""
    tag = uuid.uuid4().hex[:8]
    category = cluster.ok(
        host, "POST", "/categories", 201, json={"name": f"C {tag}"}, headers=cluster.admin
    )
    product = cluster.ok(
        host,
        "POST",
        "/products",
        201,
        json={"name": f"Product {tag}", "category_id": category["id"]},
        headers=cluster.admin,
    )
    variant = cluster.ok(
        host,
        "POST",
        f"/products/{product['id']}/variants",
        201,
        json={"sku": f"SKU-{tag}", "price": "9.50", "stock": stock, "attributes": {}},
        headers=cluster.admin,
    )
    return product["id"], variant["id"]


def stock_of(cluster: Cluster, host: int, variant_id: int) -> int:
    return int(cluster.ok(host, "GET", f"/variants/{variant_id}", headers=cluster.admin)["stock"])


def guest_cart(cluster: Cluster, host: int, variant_id: int, quantity: int = 1) -> str:
    """A new guest cart holding one line, filled through `host`; its token."""
    body = {"variant_id": variant_id, "quantity": quantity}
    return str(cluster.ok(host, "POST", "/cart/items", json=body)["token"])


def buyer_email(purpose: str) -> str:
    """An address no other run (or check) uses, so the admin API's email filter finds the
    orders of one check only."""
    return f"{purpose}-{uuid.uuid4().hex[:8]}@scale-out.test"


def check_out(cluster: Cluster, host: int, cart_token: str, email: str) -> requests.Response:
    """A guest checkout of that cart through `host` (the response, whatever its status)."""
    return cluster.call(
        host,
        "POST",
        "/checkout",
        json={**BUYER, "email": email},
        headers={"X-Cart-Token": cart_token},
    )


def all_orders(cluster: Cluster, host: int, email: str | None = None) -> list[dict[str, Any]]:
    """Every order (or every order of `email`) through the admin API, all pages."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        params: dict[str, Any] = {"page": page, "page_size": 100}
        if email is not None:
            params["email"] = email
        batch = cluster.ok(host, "GET", "/orders", params=params, headers=cluster.admin)
        found += batch
        if len(batch) < 100:
            return found
        page += 1


def kill_host(cluster: Cluster) -> None:
    """SIGKILL the process groups whose leaders' pids are in the --kill-pid-file files."""
    for pid_file in cluster.kill_pid_files:
        pid = int(pid_file.read_text().strip())
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
