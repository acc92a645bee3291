"""The domain's error family. Entry points map each kind to a response status in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """Base of every error a use case raises on purpose."""

    title = "Domain error"

    def __init__(self, detail: str = "", **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra


class NotFound(DomainError):
    title = "Not found"


class Conflict(DomainError):
    title = "Conflict"


class Forbidden(DomainError):
    title = "Forbidden"


class Unauthorized(DomainError):
    title = "Unauthorized"


class ValidationFailed(DomainError):
    """Input broke a rule; `errors` maps a field name to its messages."""

    title = "Validation failed"

    def __init__(self, errors: Mapping[str, Sequence[str]], detail: str = "") -> None:
        super().__init__(detail or "The request is not valid.")
        self.errors = {field: list(messages) for field, messages in errors.items()}


class TooLarge(DomainError):
    """Something uploaded is larger than its limit."""

    title = "Content too large"


class InvalidTransition(Conflict):
    title = "Invalid status transition"


class RateLimited(DomainError):
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
