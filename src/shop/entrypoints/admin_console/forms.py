"""Reading console forms and reporting what a use case said, as flash messages."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from flask import flash, request

from shop.domain.errors import DomainError, ValidationFailed
from shop.services.common import ServiceUnavailable

T = TypeVar("T")


def text(name: str, default: str = "") -> str:
    return request.form.get(name, default).strip()


def optional_int(value: str | None) -> int | None:
    """A whole number, or None when blank; ValidationFailed otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed({"number": [f"{value!r} is not a whole number."]}) from None


def integer(name: str) -> int:
    value = optional_int(request.form.get(name))
    if value is None:
        raise ValidationFailed({name: ["Give a whole number."]})
    return value


def amount(name: str) -> Decimal:
    value = request.form.get(name, "").strip()
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValidationFailed({name: [f"{value!r} is not an amount such as 12.50."]}) from None


def describe(error: DomainError) -> str:
    if isinstance(error, ValidationFailed):
        details = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.errors.items()
        )
        return f"{error.detail} {details}".strip()
    return error.detail


def attempt(change: Callable[[], T], success: str) -> T | None:
    """Run a use case; flash `success`, or what went wrong (the domain's message). A backing
    service that is down is not caught: it becomes the console's 503 page."""
    try:
        result = change()
    except ServiceUnavailable:
        raise
    except DomainError as error:
        flash(describe(error), "error")
        return None
    flash(success, "success")
    return result


MAX_PAGE = 10_000


def page_number() -> int:
    """The `page` query argument, within 1..MAX_PAGE (a bad or missing one is the first)."""
    try:
        page = optional_int(request.args.get("page")) or 1
    except ValidationFailed:
        page = 1
    return max(1, min(page, MAX_PAGE))


def page_count(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))
