"""The account emails: what they are, the links they carry, and the outbox they wait in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class AccountEmailKind(StrEnum):
    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFICATION = "email_verification"
    ACCOUNT_DELETION = "account_deletion"
    DATA_EXPORT_READY = "data_export_ready"
    EMAIL_CHANGE = "email_change"
    EMAIL_CHANGE_NOTICE = "email_change_notice"


@dataclass(frozen=True)
class AccountEmail:
    """An email about an account, written in the same transaction as what it announces.

    `secret` is the link's raw token (or the export's id, or for an email change's notice
    the address it goes to); the email carries only the link.
    """

    kind: AccountEmailKind
    user_id: int
    secret: str


class AccountLinks(Protocol):
    def link_for(self, kind: AccountEmailKind, secret: str) -> str:
        """The URL an email of `kind` carries (an export's is signed and expires)."""
        ...

    def export_id(self, signed: str) -> int | None:
        """The export a download link names; None when forged or expired."""
        ...


class SecretSealer(Protocol):
    """Keeps a link's token unreadable while its email waits in the outbox."""

    def seal(self, secret: str) -> str: ...

    def open(self, sealed: str) -> str: ...


class AccountEmailOutbox(Protocol):
    def add(self, email: AccountEmail, now: datetime) -> None:
        """Record the email in the caller's transaction; it is sent after the commit."""
        ...
