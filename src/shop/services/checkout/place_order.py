"""Placing an order: all or nothing, never overselling, at most once per Idempotency-Key.

One transaction locks the cart's variants in ascending id order, builds the order (every
short line is reported), takes the stock with a guarded update, writes the order, its lines,
the confirmation's outbox entry and the idempotency record, and commits. Only then is the cart
emptied and the confirmation handed to a job; a failure there loses nothing (the outbox sweep
delivers the email, and the cart merely stays full).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shop.domain.cart.cart import CartOwner
from shop.domain.errors import DomainError, NotFound, ValidationFailed
from shop.domain.orders.checkout import build_order, sum_lines
from shop.domain.orders.model import Address, Buyer, Order
from shop.domain.orders.tokens import hash_token, new_order_token
from shop.services.cart.ports import CartStore
from shop.services.checkout import idempotency
from shop.services.checkout.idempotency import Claim, IdempotencyKey, Replay
from shop.services.checkout.ports import CheckoutUnitOfWork, CheckoutUnitOfWorkFactory
from shop.services.common import Clock, TransactionConflict, with_retries
from shop.services.notifications.ports import ORDER_CONFIRMATION, SWEEP_GRACE, OutboxDispatcher

log = logging.getLogger(__name__)

CREATED = 201
Presenter = Callable[[Order], dict[str, Any]]


@dataclass(frozen=True)
class Checkout:
    uow: CheckoutUnitOfWorkFactory
    carts: CartStore
    dispatcher: OutboxDispatcher
    clock: Clock
    currency: str
    pay_by: timedelta | None = None  # how long an order may stay unpaid (None: forever)


@dataclass(frozen=True)
class Contact:
    full_name: str
    phone: str
    address: Address
    email: str | None = None


@dataclass(frozen=True)
class Placed:
    """The response: `body` is the presented order (with `order_token` for a guest's first
    answer only); `replayed` when it is the stored answer to an earlier request."""

    status_code: int
    body: Mapping[str, Any]
    replayed: bool = False


def place_order(
    checkout: Checkout,
    owner: CartOwner,
    contact: Contact,
    present: Presenter,
    key: IdempotencyKey | None = None,
) -> Placed:
    """Turn the owner's cart into a pending order.

    Raises ValidationFailed (empty cart, a guest without an email, a key reused with another
    body), NotFound (a variant gone), Conflict (OutOfStock listing every short line, an
    inactive variant, the same key in flight), and ServiceUnavailable when the database keeps
    aborting the transaction. Nothing is written and the cart is untouched on any error.
    """
    wanted = sum_lines(_cart_lines(checkout, owner).items())
    held: Claim | None = None
    if key is not None:
        outcome = idempotency.claim(checkout.uow, key, checkout.clock.now())
        if isinstance(outcome, Replay):
            return Placed(outcome.status_code, outcome.body, replayed=True)
        held = outcome
    token = new_order_token() if owner.is_guest else None
    try:
        order, stored, entry_id = with_retries(
            lambda: _transaction(checkout, owner, contact, wanted, present, token, held)
        )
    except DomainError:
        idempotency.release(checkout.uow, held)
        raise
    _after_commit(checkout, owner, order, entry_id)
    body = stored if token is None else {**stored, "order_token": token}
    return Placed(CREATED, body)


def _cart_lines(checkout: Checkout, owner: CartOwner) -> dict[int, int]:
    if not owner.has_cart_name:
        return {}
    return checkout.carts.lines(owner) or {}


def _transaction(
    checkout: Checkout,
    owner: CartOwner,
    contact: Contact,
    wanted: dict[int, int],
    present: Presenter,
    token: str | None,
    held: Claim | None,
) -> tuple[Order, dict[str, Any], int]:
    with checkout.uow() as work:
        buyer = _buyer(work, owner, contact)
        now = checkout.clock.now()
        variants = work.stock.lock(sorted(wanted))
        order = build_order(wanted, variants, buyer, checkout.currency, now)
        order.token_hash = hash_token(token) if token is not None else None
        order.pay_by = now + checkout.pay_by if checkout.pay_by is not None else None
        if not work.stock.take(order.quantities):
            raise TransactionConflict()  # stock moved without a lock (SQLite): look again
        work.orders.add(order)
        assert order.id is not None
        entry_id = work.outbox.add(
            ORDER_CONFIRMATION, {"order_id": order.id}, now, now + SWEEP_GRACE
        )
        body = present(order)
        if held is not None and not work.idempotency.complete(
            held.record_id, held.lease, CREATED, json.dumps(body)
        ):
            raise TransactionConflict()  # our lease ran out and another request took the key
        work.commit()
    return order, body, entry_id


def _buyer(work: CheckoutUnitOfWork, owner: CartOwner, contact: Contact) -> Buyer:
    email = contact.email
    if owner.user_id is not None and not email:
        user = work.users.get(owner.user_id)
        if user is None:
            raise NotFound("The account no longer exists.")
        email = user.email
    if not email:
        raise ValidationFailed({"email": ["Guests must give an email address."]})
    return Buyer(
        email=email,
        full_name=contact.full_name,
        phone=contact.phone,
        address=contact.address,
        user_id=owner.user_id,
    )


def _after_commit(checkout: Checkout, owner: CartOwner, order: Order, entry_id: int) -> None:
    """Empty the cart and hand the email to a job. The order stands whatever fails here."""
    try:
        checkout.carts.clear(owner)
    except Exception:  # the store's connection errors: the order is placed regardless
        log.warning("order %s: the cart could not be emptied", order.id, exc_info=True)
    try:
        checkout.dispatcher.dispatch(entry_id)
    except Exception:  # the queue is down: the outbox sweep delivers the email later
        log.warning("order %s: confirmation left to the outbox sweep", order.id, exc_info=True)
