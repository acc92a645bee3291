"""Order confirmations as the SMTP sink on the data host received them.

The sink (`python -m tests.support.smtp_sink --spool DIR`) writes each message to
DIR/<n>-<sender's address>.eml; the sender's address says which API host's worker sent it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from email import message_from_bytes, policy
from pathlib import Path

from scale_out_cluster import Cluster, all_orders

# A worker SIGKILLed in the middle of a job: RQ hands the job to another worker within about
# a minute and a half (the worker's heartbeat expires, then a maintenance pass requeues it).
DEADLINE_SECONDS = 150
SETTLE_SECONDS = 6  # then a sweep and a maintenance pass more, to see no second copy arrive


def order_emails(spool: Path) -> dict[str, list[str]]:
    """Order id -> the address of each sender of its confirmation (one entry per message)."""
    senders: dict[str, list[str]] = defaultdict(list)
    for path in sorted(spool.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        order_id = message.get("X-Shop-Order-Id")
        if order_id is not None:
            senders[str(order_id)].append(path.stem.split("-", 1)[1])
    return senders


def _wait_for_each(spool: Path, order_ids: set[str]) -> dict[str, list[str]]:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        sent = order_emails(spool)
        missing = order_ids - sent.keys()
        if not missing:
            return sent
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{len(missing)} of {len(order_ids)} orders have no confirmation after "
                f"{DEADLINE_SECONDS}s: {sorted(missing, key=int)[:20]}"
            )
        time.sleep(0.5)


def every_order_is_emailed_once(cluster: Cluster) -> None:
    """Every order in the database (the admin API lists them, through host 2: host 1 may be
    dead) has exactly one confirmation, and none was sent for an order that does not exist."""
    started = time.monotonic()
    order_ids = {str(order["id"]) for order in all_orders(cluster, 1)}
    assert order_ids, "no orders to check"
    _wait_for_each(cluster.mail_spool, order_ids)
    waited = time.monotonic() - started
    time.sleep(SETTLE_SECONDS)
    sent = order_emails(cluster.mail_spool)
    twice = {order: senders for order, senders in sent.items() if len(senders) != 1}
    assert not twice, f"orders emailed more than once: {twice}"
    unknown = sent.keys() - order_ids
    assert not unknown, f"confirmations of orders that do not exist: {sorted(unknown)}"
    by_sender: dict[str, int] = defaultdict(int)
    for order in order_ids:
        by_sender[sent[order][0]] += 1
    split = ", ".join(f"{n} from {address}" for address, n in sorted(by_sender.items()))
    print(
        f"ok: each of the {len(order_ids)} orders got exactly one confirmation ({split}), "
        f"all in within {waited:.1f}s"
    )
