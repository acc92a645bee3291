"""Money as an exact decimal amount with a currency, always rounded to two places."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shop.domain.errors import ValidationFailed

CENT = Decimal("0.01")


def to_amount(value: Decimal | int | str) -> Decimal:
    """Return `value` as a finite Decimal with exactly two places (half-up)."""
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationFailed({"amount": ["Not a valid amount."]}) from exc
    if not amount.is_finite():
        raise ValidationFailed({"amount": ["Not a valid amount."]})
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # too many digits to hold two places
        raise ValidationFailed({"amount": ["Not a valid amount."]}) from exc


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_amount(self.amount))
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValidationFailed({"currency": ["Use an ISO 4217 code such as USD."]})
        object.__setattr__(self, "currency", self.currency.upper())

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return self.with_amount(self.amount + other.amount)

    def __mul__(self, quantity: int) -> Money:
        return self.with_amount(self.amount * quantity)

    def with_amount(self, amount: Decimal | int | str) -> Money:
        """`amount` in this Money's currency, which is checked already: only the amount is
        checked and rounded (a cart's pricing makes three per line; the full check costs
        about as much again)."""
        money = object.__new__(type(self))
        object.__setattr__(money, "amount", to_amount(amount))
        object.__setattr__(money, "currency", self.currency)
        return money

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal("0"), currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
