"""Idempotency-Key rules (after the IETF draft and Stripe): scope, fingerprint, claim, replay."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shop.domain.cart.cart import CartOwner
from shop.domain.errors import Conflict, ValidationFailed
from shop.services.checkout.ports import (
    CheckoutUnitOfWork,
    CheckoutUnitOfWorkFactory,
    IdempotencyRecord,
)

MAX_KEY_LENGTH = 255
LEASE = timedelta(seconds=30)  # a request that crashed holds its key this long at most


@dataclass(frozen=True)
class IdempotencyKey:
    scope: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Claim:
    record_id: int
    lease: str


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: Mapping[str, Any]


def check_key(key: str) -> str:
    """1..255 printable ASCII characters, or ValidationFailed."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        raise ValidationFailed({"Idempotency-Key": ["Use 1 to 255 printable ASCII characters."]})
    return key


def caller_scope(owner: CartOwner) -> str | None:
    """Keys are scoped to the caller: a user, or a guest's cart token (hashed, never stored)."""
    if not owner.is_guest:
        return f"user:{owner.user_id}"
    if owner.token is None:
        return None
    return "cart:" + hashlib.sha256(owner.token.encode()).hexdigest()


def fingerprint(method: str, path: str, body: Mapping[str, Any]) -> str:
    """The request's identity: method, path and the body in canonical JSON."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def claim(uow: CheckoutUnitOfWorkFactory, key: IdempotencyKey, now: datetime) -> Claim | Replay:
    """Mark the key in flight for this request, or the stored response to replay.

    Raises ValidationFailed when the key was used with another request, and Conflict while
    the first request with the key is still in flight.
    """
    lease = secrets.token_hex(16)
    with uow() as work:
        record_id = work.idempotency.insert(
            key.scope, key.key, key.fingerprint, lease, now + LEASE, now
        )
        if record_id is not None:
            work.commit()
            return Claim(record_id, lease)
        record = work.idempotency.get(key.scope, key.key)
        if record is None:  # purged between the two statements: retry as new
            raise Conflict("The request with this Idempotency-Key is in flight; retry.")
        outcome = _existing(work, record, key, lease, now)
        work.commit()
        return outcome


def _existing(
    work: CheckoutUnitOfWork,
    record: IdempotencyRecord,
    key: IdempotencyKey,
    lease: str,
    now: datetime,
) -> Claim | Replay:
    if record.fingerprint != key.fingerprint:
        raise ValidationFailed(
            {"Idempotency-Key": ["This key was used with a different request."]},
            "The Idempotency-Key was already used with a different request.",
        )
    if record.status_code is not None and record.body is not None:
        return Replay(record.status_code, json.loads(record.body))
    if work.idempotency.take_over(record.id, lease, now + LEASE, now):
        return Claim(record.id, lease)
    raise Conflict("A request with this Idempotency-Key is still in flight.")


def release(uow: CheckoutUnitOfWorkFactory, held: Claim | None) -> None:
    if held is None:
        return
    with uow() as work:
        work.idempotency.release(held.record_id, held.lease)
        work.commit()
