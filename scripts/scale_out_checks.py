"""The client side of scripts/scale-out: what must hold across two API hosts.

    python scripts/scale_out_checks.py --api http://A:8000 --api http://B:8000 \
        --kill-pid-file FILE [--kill-pid-file FILE...]

SHOP_ADMIN_EMAIL and SHOP_ADMIN_PASSWORD name the admin the hosts created at start. Each check
prints one "ok" line or raises; the last check kills the first host (SIGKILL to the process
groups whose leader pids are in the --kill-pid-file files) in the middle of a write burst.

Checkout checks (concurrent checkouts on little stock, one email per order) join CHECKS when
checkout exists: each is a function taking the `Cluster`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

TIMEOUT = 10


@dataclass
class Cluster:
    hosts: list[str]
    kill_pid_files: list[Path]
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


def catalog_write_shows_on_the_other_host(cluster: Cluster) -> None:
    product_id, _ = new_variant(cluster, 0)
    first = cluster.ok(1, "GET", f"/products/{product_id}")  # now cached on host 2's side
    rename = {"name": "Renamed on host 1"}
    cluster.ok(0, "PATCH", f"/products/{product_id}", json=rename, headers=cluster.admin)
    seen = cluster.ok(1, "GET", f"/products/{product_id}")
    assert seen["name"] == "Renamed on host 1", (first["name"], seen["name"])
    listed = cluster.ok(1, "GET", "/products", params={"q": "Renamed on host 1"})
    assert [p["id"] for p in listed] == [product_id], listed
    print("ok: a catalog write on host 1 shows in host 2's next (cached) read")


def cart_moves_between_hosts(cluster: Cluster) -> None:
    _, variant_id = new_variant(cluster, 0, stock=5)
    cart = cluster.ok(0, "POST", "/cart/items", json={"variant_id": variant_id, "quantity": 1})
    token = {"X-Cart-Token": cart["token"]}
    seen = cluster.ok(1, "GET", "/cart", headers=token)
    assert [(i["variant_id"], i["quantity"]) for i in seen["items"]] == [(variant_id, 1)], seen
    cluster.ok(1, "PUT", f"/cart/items/{variant_id}", json={"quantity": 3}, headers=token)
    again = cluster.ok(0, "GET", "/cart", headers=token)
    assert again["count"] == 3, again
    print("ok: a cart filled through host 1 is read and changed through host 2")


def revocation_holds_on_both_hosts(cluster: Cluster) -> None:
    email = f"customer-{uuid.uuid4().hex[:8]}@scale-out.test"
    password = uuid.uuid4().hex
    cluster.ok(0, "POST", "/auth/register", 201, json={"email": email, "password": password})
    tokens = cluster.ok(1, "POST", "/auth/login", json={"email": email, "password": password})
    access = bearer(tokens["access_token"])
    cluster.ok(0, "GET", "/auth/me", headers=access)
    logout = {"refresh_token": tokens["refresh_token"]}
    cluster.ok(1, "POST", "/auth/logout", 204, json=logout, headers=access)
    cluster.ok(0, "GET", "/auth/me", 401, headers=access)
    refresh = bearer(tokens["refresh_token"])
    cluster.ok(0, "POST", "/auth/refresh", 401, headers=refresh)
    print("ok: tokens revoked on host 2 are refused by host 1")


def kill_host(cluster: Cluster) -> None:
    for pid_file in cluster.kill_pid_files:
        pid = int(pid_file.read_text().strip())
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def no_acknowledged_write_is_lost_when_a_host_dies(cluster: Cluster) -> None:
    """Product creations (PostgreSQL) and cart writes (Redis) spread over both hosts; host 1
    is killed in the middle of the burst. Every write that got its 2xx must still be there."""
    _, variant_id = new_variant(cluster, 1, stock=1000)
    category = cluster.ok(
        1, "POST", "/categories", 201, json={"name": f"Burst {uuid.uuid4().hex[:6]}"},
        headers=cluster.admin,
    )
    writes = 240
    products: list[tuple[int, int]] = []  # (product id, host that acknowledged it)
    carts: list[tuple[str, int]] = []  # (cart token, host that acknowledged it)
    failed_on = [0, 0]
    lock = threading.Lock()
    killed = threading.Event()

    def one_write(n: int) -> None:
        host = n % 2
        if host == 0 and killed.is_set():
            host = 1  # a load balancer stops sending to a dead host
        try:
            if n % 3 == 0:
                body = {"variant_id": variant_id, "quantity": 1}
                response = cluster.call(host, "POST", "/cart/items", json=body)
                if response.status_code == 200:
                    with lock:
                        carts.append((response.json()["token"], host))
                    return
            else:
                body = {"name": f"Burst {n}", "category_id": category["id"]}
                response = cluster.call(host, "POST", "/products", json=body, headers=cluster.admin)
                if response.status_code == 201:
                    with lock:
                        products.append((response.json()["id"], host))
                    return
        except requests.RequestException:
            pass
        with lock:
            failed_on[host] += 1

    with ThreadPoolExecutor(max_workers=8) as pool:
        first_half = [pool.submit(one_write, n) for n in range(writes // 2)]
        time.sleep(0.3)  # the burst is under way: kill host 1 while requests are in flight
        kill_host(cluster)
        killed.set()
        for future in first_half:
            future.result()
        for future in [pool.submit(one_write, n) for n in range(writes // 2, writes)]:
            future.result()

    try:
        cluster.call(0, "GET", "/categories", timeout=2)
        raise AssertionError("host 1 still answers after being killed")
    except requests.RequestException:
        pass
    for product_id, _ in products:
        cluster.ok(1, "GET", f"/products/{product_id}")
    for token, _ in carts:
        cart = cluster.ok(1, "GET", "/cart", headers={"X-Cart-Token": token})
        assert cart["count"] == 1, (token[:6], cart)
    by_host_1 = sum(1 for _, h in products if h == 0) + sum(1 for _, h in carts if h == 0)
    assert by_host_1, "host 1 acknowledged nothing before it died: the kill came too early"
    assert failed_on[0] or by_host_1 < writes // 2, "the kill did not interrupt host 1"
    print(
        f"ok: host 1 killed mid-burst: all {len(products)} acknowledged products and "
        f"{len(carts)} acknowledged carts are there ({by_host_1} acknowledged by host 1); "
        f"{failed_on[0]} writes to host 1 failed unacknowledged"
    )


CHECKS: list[Callable[[Cluster], None]] = [
    catalog_write_shows_on_the_other_host,
    cart_moves_between_hosts,
    revocation_holds_on_both_hosts,
    no_acknowledged_write_is_lost_when_a_host_dies,  # last: it kills host 1
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", action="append", required=True, help="an API host's base URL")
    parser.add_argument("--kill-pid-file", action="append", type=Path, default=[])
    args = parser.parse_args(argv)
    if len(args.api) != 2:
        parser.error("give exactly two --api hosts")
    cluster = Cluster(hosts=args.api, kill_pid_files=args.kill_pid_file)
    started = time.monotonic()
    sign_in_admin(cluster)
    for check in CHECKS:
        check(cluster)
    print(f"all {len(CHECKS)} checks passed in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
