"""The ports: what use cases need from the outside world, as Protocols adapters implement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from shop.domain.accounts import User
from shop.domain.catalog import Attribute, Category, Product, Variant


class Clock(Protocol):
    def now(self) -> datetime: ...


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


class CategoryRepository(Protocol):
    def add(self, category: Category) -> None: ...

    def get(self, category_id: int) -> Category | None: ...

    def delete(self, category: Category) -> None: ...

    def slugs_like(self, base: str) -> set[str]:
        """Slugs equal to `base` or of the form `base-N`."""
        ...

    def in_use(self, category_id: int) -> bool: ...


class AttributeRepository(Protocol):
    def add(self, attribute: Attribute) -> None: ...

    def get(self, attribute_id: int) -> Attribute | None: ...

    def get_by_name(self, name: str) -> Attribute | None:
        """Case-insensitive."""
        ...

    def by_names(self, names: Iterable[str]) -> dict[str, Attribute]:
        """Attributes keyed by lower-cased name; unknown names are absent."""
        ...


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...

    def get(self, product_id: int) -> Product | None: ...

    def delete(self, product: Product) -> None: ...

    def slugs_like(self, base: str) -> set[str]: ...

    def ever_ordered(self, product_id: int) -> bool:
        """True when any order line ever referenced one of the product's variants."""
        ...


class VariantRepository(Protocol):
    def get(self, variant_id: int) -> Variant | None: ...

    def sku_taken(self, sku: str, except_id: int | None = None) -> bool: ...


class UnitOfWork(Protocol):
    """One business transaction: everything commits together or nothing does.

    Leaving the `with` block without `commit()` rolls back.
    """

    users: UserRepository
    categories: CategoryRepository
    attributes: AttributeRepository
    products: ProductRepository
    variants: VariantRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class TokenStore(Protocol):
    """Revocation and refresh-token state shared by every API process."""

    def revoke(self, jti: str, ttl_seconds: int) -> None:
        """Reject the token `jti` from now on (until it would have expired anyway)."""
        ...

    def is_revoked(self, jti: str) -> bool: ...

    def remember_refresh(self, jti: str, family: str, ttl_seconds: int) -> None:
        """Record a freshly issued, unused refresh token of a login `family`."""
        ...

    def consume_refresh(self, jti: str) -> bool:
        """Atomically mark the refresh token used; False if it was used or unknown already."""
        ...

    def revoke_family(self, family: str, ttl_seconds: int) -> None: ...

    def is_family_revoked(self, family: str) -> bool: ...

    def ping(self) -> None:
        """Raise when the backing store does not answer."""
        ...


class LoginThrottle(Protocol):
    """Counts failed sign-ins per account and per client address."""

    def retry_after(self, email: str, client: str) -> int:
        """Seconds until another attempt is allowed; 0 when one is allowed now."""
        ...

    def record_failure(self, email: str, client: str) -> None: ...
