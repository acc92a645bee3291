"""The address book: a customer's saved addresses, one default of each kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum

from shop.domain.errors import ValidationFailed

_COUNTRY = re.compile(r"^[A-Z]{2}$")
FIELD_LIMITS = {
    "full_name": 200,
    "line1": 200,
    "line2": 200,
    "city": 100,
    "postal_code": 20,
    "country": 2,
    "phone": 40,
}
REQUIRED = ("full_name", "line1", "city", "postal_code", "country")


class AddressKind(StrEnum):
    SHIPPING = "shipping"
    BILLING = "billing"


@dataclass
class Address:
    user_id: int
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    phone: str = ""
    is_default_shipping: bool = False
    is_default_billing: bool = False
    created_at: datetime = field(kw_only=True)
    updated_at: datetime = field(kw_only=True)
    id: int | None = None

    def change(self, values: dict[str, str], now: datetime) -> None:
        """Apply new text values (the default flags are set through the book)."""
        for name, value in values.items():
            if name not in FIELD_LIMITS:
                raise ValidationFailed({name: ["Unknown field."]})
            setattr(self, name, value)
        self.validate()
        self.updated_at = now

    def validate(self) -> None:
        self.country = self.country.strip().upper()
        errors: dict[str, list[str]] = {}
        for name, limit in FIELD_LIMITS.items():
            value = getattr(self, name).strip()
            setattr(self, name, value)
            if name in REQUIRED and not value:
                errors[name] = ["Required."]
            elif len(value) > limit:
                errors[name] = [f"At most {limit} characters."]
        if "country" not in errors and not _COUNTRY.match(self.country):
            errors["country"] = ["An ISO 3166-1 alpha-2 code, e.g. DE."]
        if errors:
            raise ValidationFailed(errors)

    def snapshot(self) -> dict[str, str]:
        """The address as an order keeps it: later edits never change that copy."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name in ("line1", "line2", "city", "postal_code", "country")
        }
