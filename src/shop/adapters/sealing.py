"""Sealing a link token while it waits in the outbox, so that the database never holds one
in the clear: XOR with an HMAC-SHA256 keystream of SECRET_KEY and a random nonce per entry.
Only a process with SECRET_KEY (the worker sending the email) can open it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

NONCE_BYTES = 16


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range((length + 31) // 32):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


class Sealer:
    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), b"shop.outbox-seal", hashlib.sha256).digest()

    def seal(self, secret: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        data = secret.encode()
        sealed = bytes(
            a ^ b for a, b in zip(data, _keystream(self._key, nonce, len(data)), strict=True)
        )
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str) -> str:
        raw = base64.urlsafe_b64decode(sealed.encode())
        nonce, data = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        stream = _keystream(self._key, nonce, len(data))
        return bytes(a ^ b for a, b in zip(data, stream, strict=True)).decode()
