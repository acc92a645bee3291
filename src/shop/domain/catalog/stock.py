"""Stock adjustments: relative changes of a variant's stock, each with who, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shop.domain.errors import ValidationFailed
from shop.domain.limits import MAX_INTEGER

MAX_REASON = 200


def check_adjustment(delta: int, reason: str) -> tuple[int, str]:
    """A non-zero delta within the stock bound, and a reason of 1 to 200 characters."""
    errors: dict[str, list[str]] = {}
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        errors["delta"] = ["Give a non-zero whole number."]
    elif abs(delta) > MAX_INTEGER:
        errors["delta"] = [f"Use at most {MAX_INTEGER} units either way."]
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON:
        errors["reason"] = [f"Say why in 1 to {MAX_REASON} characters."]
    if errors:
        raise ValidationFailed(errors)
    return delta, reason


@dataclass(eq=False)
class StockAdjustment:
    variant_id: int
    delta: int
    reason: str
    stock_after: int
    actor_id: int | None
    created_at: datetime
    id: int | None = None
