"""Passwords, tokens and throttles: what signing in and staying signed in rely on."""

from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True when `password` matches; never raises for a wrong password."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenStore(Protocol):
    """Revocation and refresh-token state shared by every API process."""

    def revoke(self, jti: str, ttl_seconds: int) -> None:
        """Reject the token `jti` from now on (until it would have expired anyway)."""
        ...

    def is_revoked(self, jti: str, family: str | None = None) -> bool:
        """Is the token `jti` revoked, or its login `family`? One round trip to the store."""
        ...

    def remember_refresh(self, jti: str, family: str, ttl_seconds: int) -> None:
        """Record a freshly issued, unused refresh token of a login `family`."""
        ...

    def consume_refresh(self, jti: str) -> bool:
        """Atomically mark the refresh token used; False if it was used or unknown already."""
        ...

    def revoke_family(self, family: str, ttl_seconds: int) -> None: ...

    def is_family_revoked(self, family: str) -> bool: ...

    def revoke_user(self, user_id: int, not_before: float, ttl_seconds: int) -> None:
        """Refuse every token of the account issued before `not_before` (epoch seconds)."""
        ...

    def is_token_revoked(
        self, jti: str, family: str | None, user_id: int, issued_at: float
    ) -> bool:
        """`is_revoked`, and also when the account's tokens issued before `issued_at` were
        revoked: one round trip to the store."""
        ...

    def ping(self) -> None:
        """Raise ServiceUnavailable when the backing store does not answer."""
        ...


class LoginThrottle(Protocol):
    """Counts failed sign-ins per account and address, per account, and per address."""

    def retry_after(self, email: str, client: str) -> int:
        """Seconds until another attempt is allowed; 0 when one is allowed now."""
        ...

    def record_failure(self, email: str, client: str) -> None: ...


class RequestThrottle(Protocol):
    """Counts every request of one kind per subject (an email, an account) and per address."""

    def hit(self, subject: str, client: str) -> int:
        """Count this request; 0 when it is allowed, else the seconds to wait."""
        ...
