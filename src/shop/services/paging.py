"""Paging rules shared by list use cases (API.md "pagination")."""

from __future__ import annotations

from shop.domain.errors import ValidationFailed

MAX_WINDOW = 10_000  # a page may not reach past the 10,000th match


def check_window(page: int, page_size: int) -> None:
    """Raise ValidationFailed when the page reaches past MAX_WINDOW matches."""
    if page * page_size > MAX_WINDOW:
        raise ValidationFailed(
            {"page": [f"Pages stop at match {MAX_WINDOW}; narrow the filters."]},
            "The page is beyond the first 10,000 matches.",
        )
