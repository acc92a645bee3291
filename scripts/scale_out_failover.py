"""Killing an API host in the middle of a burst of writes loses nothing it acknowledged."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from scale_out_cluster import (
    Cluster,
    all_orders,
    buyer_email,
    check_out,
    guest_cart,
    kill_host,
    new_variant,
    stock_of,
)

WRITES = 240  # a third each: cart adds, product creations, checkouts of filled carts
STOCK = 1000
KILL_AFTER = 3  # checkouts acknowledged by host 1: the burst is under way, kill it now
KILL_WAIT_SECONDS = 30


@dataclass
class Burst:
    """What each host acknowledged: (id or cart token, host index)."""

    products: list[tuple[int, int]] = field(default_factory=list)
    carts: list[tuple[str, int]] = field(default_factory=list)
    orders: list[tuple[int, int]] = field(default_factory=list)
    failed_on: list[int] = field(default_factory=lambda: [0, 0])
    lock: threading.Lock = field(default_factory=threading.Lock)
    progress: threading.Condition = field(init=False)
    killed: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.progress = threading.Condition(self.lock)

    def checkouts_by_host_1(self) -> int:
        return sum(1 for _, host in self.orders if host == 0)

    def by_host_1(self) -> int:
        return sum(host == 0 for _, host in [*self.products, *self.carts, *self.orders])


def no_acknowledged_write_is_lost_when_a_host_dies(cluster: Cluster) -> None:
    """Product creations (PostgreSQL), cart writes (Redis) and checkouts (PostgreSQL, one
    transaction each) spread over both hosts; host 1 is killed once it has acknowledged a few
    checkouts, with requests still in flight. Every write that got its 2xx must be there."""
    _, variant_id = new_variant(cluster, 1, stock=STOCK)
    category = cluster.ok(
        1, "POST", "/categories", 201, json={"name": f"Burst {uuid.uuid4().hex[:6]}"},
        headers=cluster.admin,
    )
    email = buyer_email("burst")
    with ThreadPoolExecutor(max_workers=8) as pool:  # the carts the burst checks out
        checkouts = range(2, WRITES, 3)
        tokens = pool.map(lambda n: guest_cart(cluster, n % 2, variant_id), checkouts)
        filled = dict(zip(checkouts, tokens, strict=True))
    burst = Burst()
    write = _one_write(cluster, burst, Targets(variant_id, category["id"], email, filled))

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(write, n) for n in range(WRITES)]
        with burst.progress:
            burst.progress.wait_for(
                lambda: burst.checkouts_by_host_1() >= KILL_AFTER, timeout=KILL_WAIT_SECONDS
            )
        kill_host(cluster)
        burst.killed.set()
        done_before_kill = sum(f.done() for f in futures)
        for future in futures:
            future.result()

    _assert_host_1_is_gone(cluster)
    for product_id, _ in burst.products:
        cluster.ok(1, "GET", f"/products/{product_id}")
    for token, _ in burst.carts:
        cart = cluster.ok(1, "GET", "/cart", headers={"X-Cart-Token": token})
        assert cart["count"] == 1, (token[:6], cart)
    for order_id, _ in burst.orders:
        order = cluster.ok(1, "GET", f"/orders/{order_id}", headers=cluster.admin)
        assert [(li["variant_id"], li["quantity"]) for li in order["lines"]] == [(variant_id, 1)]
    stored = all_orders(cluster, 1, email)
    assert {order_id for order_id, _ in burst.orders} <= {o["id"] for o in stored}
    left = stock_of(cluster, 1, variant_id)
    assert left == STOCK - len(stored), f"stock {left}, {len(stored)} orders of one unit each"
    assert burst.checkouts_by_host_1() >= KILL_AFTER, "host 1 was killed before it had checked out"
    assert done_before_kill < WRITES, "the burst was over before host 1 was killed"
    assert burst.failed_on[1] == 0, f"{burst.failed_on[1]} writes to host 2 failed"
    print(
        f"ok: host 1 killed mid-burst: all {len(burst.orders)} acknowledged orders "
        f"({burst.checkouts_by_host_1()} by host 1), {len(burst.products)} products and "
        f"{len(burst.carts)} carts are there through host 2 ({burst.by_host_1()} acknowledged by "
        f"host 1); {burst.failed_on[0]} writes to host 1 failed unacknowledged; stock matches "
        f"the {len(stored)} orders stored"
    )


@dataclass(frozen=True)
class Targets:
    """What the burst writes to: cart adds of the variant, products in the category, and
    checkouts of the carts filled beforehand (write number -> cart token)."""

    variant_id: int
    category_id: int
    email: str
    filled: dict[int, str]

    def send(self, cluster: Cluster, host: int, n: int) -> requests.Response:
        if n % 3 == 0:
            cart_add = {"variant_id": self.variant_id, "quantity": 1}
            return cluster.call(host, "POST", "/cart/items", json=cart_add)
        if n % 3 == 1:
            product = {"name": f"Burst {n}", "category_id": self.category_id}
            return cluster.call(host, "POST", "/products", json=product, headers=cluster.admin)
        return check_out(cluster, host, self.filled[n], self.email)


def _one_write(cluster: Cluster, burst: Burst, targets: Targets) -> Callable[[int], None]:
    def one_write(n: int) -> None:
        host = n % 2
        if host == 0 and burst.killed.is_set():
            host = 1  # a load balancer stops sending to a dead host
        try:
            response: requests.Response | None = targets.send(cluster, host, n)
        except requests.RequestException:
            response = None
        with burst.progress:
            if response is None or response.status_code not in (200, 201):
                burst.failed_on[host] += 1
            elif n % 3 == 0:
                burst.carts.append((response.json()["token"], host))
            elif n % 3 == 1:
                burst.products.append((response.json()["id"], host))
            else:
                burst.orders.append((response.json()["id"], host))
            burst.progress.notify_all()

    return one_write


def _assert_host_1_is_gone(cluster: Cluster) -> None:
    try:
        cluster.call(0, "GET", "/categories", timeout=2)
    except requests.RequestException:
        return
    raise AssertionError("host 1 still answers after being killed")
