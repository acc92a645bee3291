"""What an account's data export and erasure need: the rest of the shop's data about the
person, the exports, and the jobs that build them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class PersonalDataRepository(Protocol):
    """What the rest of the shop holds about a person, for export and erasure."""

    def orders_of(self, user_id: int) -> list[dict[str, Any]]: ...

    def reviews_of(self, user_id: int) -> list[dict[str, Any]]: ...

    def anonymise_orders(self, user_id: int) -> int:
        """Remove name, email, phone and address lines from the account's orders, keeping
        the country, the postal code's prefix, the lines and the totals; how many orders."""
        ...

    def detach_reviews(self, user_id: int) -> int:
        """The account's reviews lose their author; how many."""
        ...

    def claim_guest_orders(self, user_id: int, email: str) -> int:
        """Attach the guest orders placed with `email` to the account; how many."""
        ...


class ExportState(StrEnum):
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class DataExport:
    id: int
    user_id: int
    state: ExportState
    created_at: datetime
    expires_at: datetime | None
    content: str | None


class DataExportRepository(Protocol):
    def start(self, user_id: int, now: datetime) -> int:
        """A queued export of the account; Conflict while another one is queued."""
        ...

    def get(self, export_id: int) -> DataExport | None: ...

    def finish(self, export_id: int, content: str, now: datetime, expires_at: datetime) -> None: ...

    def fail(self, export_id: int, now: datetime) -> None: ...

    def delete_for_user(self, user_id: int) -> None: ...

    def purge_expired(self, now: datetime) -> int: ...


class AccountJobs(Protocol):
    """Work the requests hand over to a job (never done inside the request)."""

    def build_export(self, export_id: int) -> None:
        """Have the export built soon."""
        ...

    def send_password_reset(self, email: str) -> None:
        """Have a reset link sent to `email` if an account uses it."""
        ...
