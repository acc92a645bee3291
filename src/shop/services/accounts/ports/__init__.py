"""What the account use cases need from the outside world: here the repositories and their
units of work; the emails, personal data and security ports are in modules of their own,
and named here too."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shop.domain.accounts.addresses import Address, AddressKind
from shop.domain.accounts.link_tokens import LinkPurpose, LinkToken
from shop.domain.accounts.users import User
from shop.services.accounts.ports.emails import (
    AccountEmail,
    AccountEmailKind,
    AccountEmailOutbox,
    AccountLinks,
    SecretSealer,
)
from shop.services.accounts.ports.personal_data import (
    AccountJobs,
    DataExport,
    DataExportRepository,
    ExportState,
    PersonalDataRepository,
)
from shop.services.accounts.ports.security import (
    LoginThrottle,
    PasswordHasher,
    RequestThrottle,
    TokenStore,
)
from shop.services.audit.ports import AuditedUnitOfWork
from shop.services.common import Page, UnitOfWorkFactory

__all__ = [
    "AccountEmail",
    "AccountEmailKind",
    "AccountEmailOutbox",
    "AccountJobs",
    "AccountLinks",
    "AccountsUnitOfWork",
    "AccountsUnitOfWorkFactory",
    "AddressRepository",
    "CustomerQueries",
    "DataExport",
    "DataExportRepository",
    "ExportState",
    "LinkTokenRepository",
    "LoginThrottle",
    "PasswordHasher",
    "PersonalDataRepository",
    "RequestThrottle",
    "RolesUnitOfWork",
    "RolesUnitOfWorkFactory",
    "SecretSealer",
    "TokenStore",
    "UserRepository",
]


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
