"""A review: one per user and product, a rating 1..5 and a plain-text comment."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from shop.domain.errors import ValidationFailed
from shop.domain.orders.status import OrderStatus

MIN_RATING = 1
MAX_RATING = 5
MAX_COMMENT_LENGTH = 2_000
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def check_rating(rating: int) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise ValidationFailed({"rating": ["Must be a whole number."]})
    if not MIN_RATING <= rating <= MAX_RATING:
        raise ValidationFailed({"rating": [f"Must be between {MIN_RATING} and {MAX_RATING}."]})
    return rating


def check_comment(comment: str) -> str:
    """Plain text, kept as written (never interpreted as HTML), trimmed at both ends.

    Line breaks and tabs are allowed; other control characters are refused.
    """
    text = comment.strip()
    if not text:
        raise ValidationFailed({"comment": ["Must not be empty."]})
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationFailed({"comment": [f"Use at most {MAX_COMMENT_LENGTH} characters."]})
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text):
        raise ValidationFailed({"comment": ["Must not contain control characters."]})
    return text


@dataclass(eq=False)
class Review:
    product_id: int
    user_id: int | None  # None once the author's account is anonymised
    rating: int
    comment: str
    created_at: datetime = field(kw_only=True)
    id: int | None = None

    def __post_init__(self) -> None:
        self.rating = check_rating(self.rating)
        self.comment = check_comment(self.comment)

    def may_be_deleted_by(self, user_id: int, is_admin: bool) -> bool:
        """Authors delete their own reviews; admins delete any."""
        return is_admin or (self.user_id is not None and self.user_id == user_id)


PURCHASE_STATUSES = tuple(
    str(status) for status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
)
"""Order statuses that verify a purchase (a pending or cancelled order does not)."""
