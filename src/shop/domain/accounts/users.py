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
    email_verified: bool = field(default=False, kw_only=True)
    deleted_at: datetime | None = field(default=None, kw_only=True)
    id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def anonymise(self, now: datetime) -> None:
        """Erase what names the person; the row stays, so orders keep their owner id.

        The email becomes unique and undeliverable, and no password matches the hash.
        """
        assert self.id is not None
        self.email = anonymous_email(self.id)
        self.full_name = ""
        self.password_hash = UNUSABLE_PASSWORD
        self.email_verified = False
        self.deleted_at = now


UNUSABLE_PASSWORD = "!"


def anonymous_email(user_id: int) -> str:
    return f"deleted-{user_id}@deleted.invalid"
