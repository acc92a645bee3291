"""What the account use cases need from the outside world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from shop.domain.accounts.addresses import Address, AddressKind
from shop.domain.accounts.link_tokens import LinkPurpose, LinkToken
from shop.domain.accounts.users import User
from shop.services.audit.ports import AuditedUnitOfWork
from shop.services.common import Page, UnitOfWorkFactory


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True when `password` matches; never raises for a wrong password."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...

    def get(self, user_id: int) -> User | None: ...

    def get_by_email(self, email: str) -> User | None: ...

    def lock_admins(self) -> list[int]:
        """The ids of every admin, locked until the commit (role changes take turns)."""
        ...


class LinkTokenRepository(Protocol):
    def add(self, token: LinkToken) -> None:
        """Store the token (its hash) and give it an id."""
        ...

    def supersede(self, user_id: int, purpose: LinkPurpose, now: datetime) -> None:
        """Mark every unused token of that account and purpose superseded."""
        ...

    def find(self, token_hash: str, purpose: LinkPurpose) -> LinkToken | None: ...

    def is_newest(self, token: LinkToken) -> bool:
        """No later token of the same account and purpose exists (also one issued
        concurrently, which `supersede` could not see)."""
        ...

    def mark_used(self, token_id: int, now: datetime) -> bool:
        """Spend the token; False when another request spent it first."""
        ...

    def delete_for_user(self, user_id: int) -> None: ...

    def forget_expired_addresses(self, now: datetime) -> int:
        """Forget the new address of every email change whose link expired by `now`; how
        many were forgotten."""
        ...


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


class AddressRepository(Protocol):
    def list_for(self, user_id: int) -> list[Address]: ...

    def get(self, user_id: int, address_id: int) -> Address | None:
        """The address, only when it belongs to `user_id`."""
        ...

    def add(self, address: Address) -> None: ...

    def save(self, address: Address) -> None:
        """Write the address's text fields (not its default flags)."""
        ...

    def delete(self, address: Address) -> None: ...

    def lock_book(self, user_id: int) -> None:
        """Hold the account's address book until the commit (concurrent default changes
        of one account run one after the other)."""
        ...

    def set_default(self, user_id: int, address_id: int | None, kind: AddressKind) -> None:
        """Clear the account's default of `kind`, then make `address_id` it (None: none)."""
        ...

    def delete_for_user(self, user_id: int) -> None: ...


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


class AccountsUnitOfWork(AuditedUnitOfWork, Protocol):
    """The accounts' repositories; what an admin does to an account is audited."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def link_tokens(self) -> LinkTokenRepository: ...

    @property
    def account_emails(self) -> AccountEmailOutbox: ...

    @property
    def addresses(self) -> AddressRepository: ...

    @property
    def personal_data(self) -> PersonalDataRepository: ...

    @property
    def data_exports(self) -> DataExportRepository: ...


class RolesUnitOfWork(AuditedUnitOfWork, Protocol):
    @property
    def users(self) -> UserRepository: ...


AccountsUnitOfWorkFactory = UnitOfWorkFactory[AccountsUnitOfWork]
RolesUnitOfWorkFactory = UnitOfWorkFactory[RolesUnitOfWork]


class CustomerQueries(Protocol):
    def customers(self, q: str | None, page: int, page_size: int) -> Page:
        """Accounts matching `q` (email or name), newest first, with their order count and
        lifetime value (the total of their orders that were paid and not cancelled)."""
        ...


class TokenStore(Protocol):
    """Revocation and refresh-token state shared by every API process."""

    def revoke(self, jti: str, ttl_seconds: int) -> None:
        """Reject the token `jti` from now on (until it would have expired anyway)."""
        ...

    def is_revoked(self, jti: str, family: str | None = None) -> bool:
        """Is the token `jti` revoked, or its login `family`? One round trip to the store."""
        ...

    def remember_refresh(self, jti: str, family: str, ttl_seconds: int) -> None:
        """Record a freshly issued, unused refresh token of a login `family`."""
        ...

    def consume_refresh(self, jti: str) -> bool:
        """Atomically mark the refresh token used; False if it was used or unknown already."""
        ...

    def revoke_family(self, family: str, ttl_seconds: int) -> None: ...

    def is_family_revoked(self, family: str) -> bool: ...

    def revoke_user(self, user_id: int, not_before: float, ttl_seconds: int) -> None:
        """Refuse every token of the account issued before `not_before` (epoch seconds)."""
        ...

    def is_token_revoked(
        self, jti: str, family: str | None, user_id: int, issued_at: float
    ) -> bool:
        """`is_revoked`, and also when the account's tokens issued before `issued_at` were
        revoked: one round trip to the store."""
        ...

    def ping(self) -> None:
        """Raise ServiceUnavailable when the backing store does not answer."""
        ...


class LoginThrottle(Protocol):
    """Counts failed sign-ins per account and address, per account, and per address."""

    def retry_after(self, email: str, client: str) -> int:
        """Seconds until another attempt is allowed; 0 when one is allowed now."""
        ...

    def record_failure(self, email: str, client: str) -> None: ...


class RequestThrottle(Protocol):
    """Counts every request of one kind per subject (an email, an account) and per address."""

    def hit(self, subject: str, client: str) -> int:
        """Count this request; 0 when it is allowed, else the seconds to wait."""
        ...
