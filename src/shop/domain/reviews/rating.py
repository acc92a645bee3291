"""A product's rating summary, from the running sum and count of its reviews' ratings."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

ONE_DECIMAL = Decimal("0.1")


class RatingSummary(TypedDict):
    average: float | None
    count: int


def rating_summary(rating_sum: int, rating_count: int) -> RatingSummary:
    """The average rounded half-up to one decimal (None without reviews), and the count."""
    if rating_count <= 0:
        return {"average": None, "count": 0}
    average = (Decimal(rating_sum) / Decimal(rating_count)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return {"average": float(average), "count": rating_count}
