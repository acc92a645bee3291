"""Checkout across the two API hosts: a cart moves between them to its order, and concurrent
checkouts through both never sell more than the stock."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scale_out_cluster import (
    Cluster,
    all_orders,
    buyer_email,
    check_out,
    guest_cart,
    new_variant,
    stock_of,
)

RUSH_STOCK = 10
RUSH_BUYERS = 40


def cart_moves_between_hosts_to_its_order(cluster: Cluster) -> None:
    _, variant_id = new_variant(cluster, 0, stock=5)
    cart_token = guest_cart(cluster, 0, variant_id)
    token = {"X-Cart-Token": cart_token}
    seen = cluster.ok(1, "GET", "/cart", headers=token)
    assert [(i["variant_id"], i["quantity"]) for i in seen["items"]] == [(variant_id, 1)], seen
    cluster.ok(1, "PUT", f"/cart/items/{variant_id}", json={"quantity": 3}, headers=token)
    again = cluster.ok(0, "GET", "/cart", headers=token)
    assert again["count"] == 3, again
    response = check_out(cluster, 1, cart_token, buyer_email("moved"))
    assert response.status_code == 201, (response.status_code, response.text[:300])
    order = response.json()
    assert [(li["variant_id"], li["quantity"]) for li in order["lines"]] == [(variant_id, 3)]
    assert order["total"] == "28.50", order["total"]
    emptied = cluster.ok(0, "GET", "/cart", headers=token)
    assert emptied["count"] == 0, emptied
    assert stock_of(cluster, 0, variant_id) == 2
    read_back = cluster.ok(0, "GET", f"/orders/{order['id']}", headers=cluster.admin)
    assert read_back["lines"] == order["lines"], read_back
    print(
        "ok: a cart filled through host 1 is read and changed through host 2, checked out "
        "through host 2 (its order read through host 1, the cart empty on both)"
    )


def concurrent_checkouts_sell_exactly_the_stock(cluster: Cluster) -> None:
    """RUSH_BUYERS guests, each with one unit in a cart, check out at the same instant, half
    through each host, on a variant of RUSH_STOCK units."""
    _, variant_id = new_variant(cluster, 1, stock=RUSH_STOCK)
    email = buyer_email("rush")
    with ThreadPoolExecutor(max_workers=8) as pool:
        carts = list(pool.map(lambda n: guest_cart(cluster, n % 2, variant_id), range(RUSH_BUYERS)))
    start = threading.Barrier(RUSH_BUYERS)

    def buy(n: int) -> tuple[int, int, Any]:
        start.wait(timeout=30)
        response = check_out(cluster, n % 2, carts[n], email)
        return n % 2, response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=RUSH_BUYERS) as pool:
        answers = list(pool.map(buy, range(RUSH_BUYERS)))
    statuses = Counter(status for _, status, _ in answers)
    sold_out = RUSH_BUYERS - RUSH_STOCK
    assert statuses == {201: RUSH_STOCK, 409: sold_out}, statuses
    for _, status, body in answers:
        if status == 409:
            lines = body["errors"]["lines"]
            assert lines == [{"variant_id": variant_id, "requested": 1, "available": 0}], body
    assert stock_of(cluster, 0, variant_id) == 0
    placed = {body["id"] for _, status, body in answers if status == 201}
    listed = all_orders(cluster, 0, email)
    assert {o["id"] for o in listed} == placed, (sorted(o["id"] for o in listed), sorted(placed))
    by_host = Counter(host for host, status, _ in answers if status == 201)
    print(
        f"ok: {RUSH_BUYERS} simultaneous checkouts through both hosts on stock {RUSH_STOCK}: "
        f"{RUSH_STOCK} orders ({by_host[0]} through host 1, {by_host[1]} through host 2), "
        f"{sold_out} answered 409 out of stock, stock 0, the admin API lists exactly those "
        f"{RUSH_STOCK} orders"
    )
