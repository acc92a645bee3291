"""The client side of scripts/scale-out: what must hold across two API hosts.

    python scripts/scale_out_checks.py --api http://A:8000 --api http://B:8000 \
        --mail-spool DIR --kill-pid-file FILE [--kill-pid-file FILE...]

SHOP_ADMIN_EMAIL and SHOP_ADMIN_PASSWORD name the admin the hosts created at start; DIR is where
the SMTP sink both hosts' workers send to writes each message. Each check prints one "ok" line
or raises. The failover check kills the first host (SIGKILL to the process groups whose leader
pids are in the --kill-pid-file files, its gunicorn and its worker) in the middle of a burst of
writes; the checks after it use the second host only.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from scale_out_checkout import (
    cart_moves_between_hosts_to_its_order,
    concurrent_checkouts_sell_exactly_the_stock,
)
from scale_out_cluster import Cluster, bearer, new_variant, sign_in_admin
from scale_out_failover import no_acknowledged_write_is_lost_when_a_host_dies
from scale_out_mail import every_order_is_emailed_once


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


CHECKS: list[Callable[[Cluster], None]] = [
    catalog_write_shows_on_the_other_host,
    cart_moves_between_hosts_to_its_order,
    revocation_holds_on_both_hosts,
    concurrent_checkouts_sell_exactly_the_stock,
    every_order_is_emailed_once,  # both workers up: the orders so far
    no_acknowledged_write_is_lost_when_a_host_dies,  # kills host 1
    every_order_is_emailed_once,  # host 2's worker alone: also the burst's orders
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", action="append", required=True, help="an API host's base URL")
    parser.add_argument("--mail-spool", type=Path, required=True)
    parser.add_argument("--kill-pid-file", action="append", type=Path, default=[])
    args = parser.parse_args(argv)
    if len(args.api) != 2:
        parser.error("give exactly two --api hosts")
    cluster = Cluster(
        hosts=args.api, kill_pid_files=args.kill_pid_file, mail_spool=args.mail_spool
    )
    started = time.monotonic()
    sign_in_admin(cluster)
    for check in CHECKS:
        check(cluster)
    print(f"all {len(CHECKS)} checks passed in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
