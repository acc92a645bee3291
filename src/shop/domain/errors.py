"""The domain's error family. Entry points map each kind to a response status in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Base of every error a use case raises on purpose.

    `available` and `in_cart` tell a client what a refused quantity could have been;
    `current_version` what a write based on an older reading should reload.
    """

    title = "Domain error"

    def __init__(
        self,
        detail: str = "",
        *,
        available: int | None = None,
        in_cart: int | None = None,
        current_version: int | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.available = available
        self.in_cart = in_cart
        self.current_version = current_version

    def extensions(self) -> dict[str, object]:
        """The error's facts beyond its detail, by name (those that are set)."""
        facts = {
            "available": self.available,
            "in_cart": self.in_cart,
            "current_version": self.current_version,
        }
        return {name: value for name, value in facts.items() if value is not None}


class NotFound(DomainError):
    title = "Not found"


class Conflict(DomainError):
    title = "Conflict"


class Forbidden(DomainError):
    title = "Forbidden"


class Unauthorized(DomainError):
    title = "Unauthorized"


class TokenRevoked(Unauthorized):
    """The caller's token (or its login, or every token of its account) was revoked."""

    def __init__(self, detail: str = "The token has been revoked.") -> None:
        super().__init__(detail)


class ValidationFailed(DomainError):
    """Input broke a rule; `errors` maps a field name to its messages."""

    title = "Validation failed"

    def __init__(
        self,
        errors: Mapping[str, Sequence[str]],
        detail: str = "",
        *,
        available: int | None = None,
        in_cart: int | None = None,
    ) -> None:
        super().__init__(
            detail or "The request is not valid.", available=available, in_cart=in_cart
        )
        self.errors = {field: list(messages) for field, messages in errors.items()}


class TooLarge(DomainError):
    """Something uploaded is larger than its limit."""

    title = "Content too large"


class BadRequest(DomainError):
    """A request that cannot be used: a webhook whose signature does not verify, an invalid link
    token."""

    title = "Bad request"


class InvalidTransition(Conflict):
    title = "Invalid status transition"


class RateLimited(DomainError):
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
