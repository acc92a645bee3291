"""Tokens carried by emailed links: password reset, email verification, account deletion,
and the confirmation of a new email address.

A link token is 256 random bits; only its SHA-256 is stored. It expires, works once, and a
newer token of the same purpose supersedes every older one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from shop.domain.errors import BadRequest

TOKEN_BYTES = 32


class LinkPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFICATION = "email_verification"
    ACCOUNT_DELETION = "account_deletion"
    EMAIL_CHANGE = "email_change"


LIFETIME = {
    LinkPurpose.PASSWORD_RESET: timedelta(hours=1),
    LinkPurpose.EMAIL_VERIFICATION: timedelta(hours=24),
    LinkPurpose.ACCOUNT_DELETION: timedelta(hours=24),
    LinkPurpose.EMAIL_CHANGE: timedelta(hours=24),
}


class InvalidLinkToken(BadRequest):
    """The link is unknown, used, expired or superseded (one answer for all four)."""

    title = "Invalid or expired link"

    def __init__(
        self, detail: str = "This link is invalid, expired or was already used; ask for a new one."
    ) -> None:
        super().__init__(detail)


def new_link_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_link_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class LinkToken:
    user_id: int
    purpose: LinkPurpose
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    superseded_at: datetime | None = None
    id: int | None = None
    new_email: str | None = field(default=None, kw_only=True)
    """The address an email change moves to once this token confirms it (that purpose only)."""

    @classmethod
    def issue(
        cls, user_id: int, purpose: LinkPurpose, now: datetime, new_email: str | None = None
    ) -> tuple[LinkToken, str]:
        """A new token row and the raw token for the link (never stored)."""
        raw = new_link_token()
        expires_at = now + LIFETIME[purpose]
        token = cls(user_id, purpose, hash_link_token(raw), now, expires_at, new_email=new_email)
        return token, raw

    def check_usable(self, now: datetime) -> None:
        """Raises InvalidLinkToken when used, superseded or expired."""
        if self.used_at is not None or self.superseded_at is not None or now >= self.expires_at:
            raise InvalidLinkToken()
