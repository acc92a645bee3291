"""User accounts and their rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shop.domain.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(StrEnum):
    CUSTOMER = "customer"
    ADMIN = "admin"


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively: store and look them up in one canonical form."""
    canonical = email.strip().lower()
    if len(canonical) > 254 or not _EMAIL.match(canonical):
        raise ValidationFailed({"email": ["Not a valid email address."]})
    return canonical


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": [f"Use at least {MIN_PASSWORD_LENGTH} characters."]})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed({"password": [f"Use at most {MAX_PASSWORD_LENGTH} characters."]})


@dataclass(eq=False)
class User:
    email: str
    password_hash: str
    full_name: str = ""
    role: Role = Role.CUSTOMER
    created_at: datetime = field(kw_only=True)
    id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
