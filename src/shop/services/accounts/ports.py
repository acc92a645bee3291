"""What the account use cases need from the outside world."""

from __future__ import annotations

from typing import Protocol

from shop.domain.accounts.users import User
from shop.services.audit.ports import AuditedUnitOfWork
from shop.services.common import Page, UnitOfWork, UnitOfWorkFactory


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


class AccountsUnitOfWork(UnitOfWork, Protocol):
    @property
    def users(self) -> UserRepository: ...


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

    def ping(self) -> None:
        """Raise ServiceUnavailable when the backing store does not answer."""
        ...


class LoginThrottle(Protocol):
    """Counts failed sign-ins per account and address, per account, and per address."""

    def retry_after(self, email: str, client: str) -> int:
        """Seconds until another attempt is allowed; 0 when one is allowed now."""
        ...

    def record_failure(self, email: str, client: str) -> None: ...
