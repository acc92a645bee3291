"""Order tokens: a guest's proof of an order, shown once and stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ORDER_TOKEN_BYTES = 32  # 256 random bits


def new_order_token() -> str:
    return secrets.token_urlsafe(ORDER_TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 is enough: the token is random, so there is nothing to brute-force."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str | None, token_hash: str | None) -> bool:
    if not token or not token_hash:
        return False
    return hmac.compare_digest(hash_token(token), token_hash)
