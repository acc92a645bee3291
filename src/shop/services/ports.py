"""The ports: what use cases need from the outside world, as Protocols adapters implement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from shop.domain.accounts import User
from shop.domain.cart import AddResult, CartOwner, MergeResult, VariantSnapshot
from shop.domain.catalog import Attribute, Category, Product, Variant
from shop.services.transactions import Transaction


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


class UnitOfWork(Transaction, Protocol):
    """One business transaction: everything commits together or nothing does.

    Leaving the `with` block without `commit()` rolls back.
    """

    users: UserRepository
    categories: CategoryRepository
    attributes: AttributeRepository
    products: ProductRepository
    variants: VariantRepository

    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


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
        """Raise when the backing store does not answer."""
        ...


class LoginThrottle(Protocol):
    """Counts failed sign-ins per account and address, per account, and per address."""

    def retry_after(self, email: str, client: str) -> int:
        """Seconds until another attempt is allowed; 0 when one is allowed now."""
        ...

    def record_failure(self, email: str, client: str) -> None: ...


class CatalogVersion(Protocol):
    """A number shared by every process that changes whenever the catalog does.

    Cached catalog responses are keyed by it, so one bump retires every cached entry at once.
    """

    def current(self) -> str:
        """The version now. Raises ServiceUnavailable when the backing store does not answer."""
        ...

    def bump(self) -> None:
        """Move to a new version. Raises ServiceUnavailable when the store does not answer."""
        ...


PRODUCT_SORTS = ("name", "-name", "created_at", "-created_at", "price", "-price")


@dataclass(frozen=True)
class ProductSearch:
    """What a product list asks for. The variant conditions (price range, attributes and
    in_stock=True) must all hold for one and the same active variant."""

    q: str | None = None
    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    in_stock: bool | None = None
    sort: str = "-created_at"
    include_inactive: bool = False


Row = dict[str, Any]


class CatalogQueries(Protocol):
    """The read side of the catalog: plain dicts shaped like the API's responses.

    Each method costs a fixed number of SQL statements, whatever the page size.
    """

    def products(self, search: ProductSearch, page: int, page_size: int) -> tuple[list[Row], int]:
        """One page of product summaries, and the number of matching products."""
        ...

    def product(self, product_id: int, include_inactive: bool) -> Row | None:
        """The product with its variants (inactive ones only when `include_inactive`)."""
        ...

    def variant(self, variant_id: int, include_inactive: bool) -> Row | None: ...

    def categories(self, page: int, page_size: int) -> tuple[list[Row], int]: ...

    def attributes(self, page: int, page_size: int) -> tuple[list[Row], int]: ...


class CartStore(Protocol):
    """Carts (`{variant_id: quantity}`) shared by every API process, expiring after a TTL.

    Every method is one atomic operation, and every write renews the cart's TTL, so two
    concurrent writes to one cart never lose an update. A guest cart that does not exist
    (never created, expired, or merged away) makes a method given `create=False` return None
    and change nothing. An emptied cart still exists (its token stays known) until it expires.
    Methods raise the backing store's connection errors when it does not answer.
    """

    def lines(self, owner: CartOwner) -> dict[int, int] | None:
        """The cart's lines; None for a guest cart that does not exist, {} for an empty one."""
        ...

    def add(
        self, owner: CartOwner, variant_id: int, quantity: int, cap: int, *, create: bool
    ) -> AddResult | None:
        """Add units to a line unless its total would exceed `cap` (then nothing changes)."""
        ...

    def set_quantity(
        self, owner: CartOwner, variant_id: int, quantity: int, *, create: bool
    ) -> dict[int, int] | None:
        """Set a line's quantity (0 removes it, and never creates a cart); the lines after."""
        ...

    def clear(self, owner: CartOwner) -> bool:
        """Remove every line, keeping the (empty) cart; False when there was no cart."""
        ...

    def discard(self, owner: CartOwner, variant_ids: Iterable[int]) -> None:
        """Drop lines of deleted variants: housekeeping that neither renews nor creates."""
        ...

    def merge(self, token: str, user_id: int, caps: Mapping[int, int]) -> MergeResult | None:
        """Move the guest cart `token` into the user's cart, then delete the guest cart.

        Each guest line is summed with the user's line and cut to its cap. None when the guest
        cart does not exist (so of two concurrent merges of one cart, only one moves lines);
        a result with `missing` ids, changing nothing, when a guest line has no cap.
        """
        ...

    def ping(self) -> None: ...


class VariantLookup(Protocol):
    """Live catalog data for the variants of a cart."""

    def many(self, variant_ids: Iterable[int]) -> dict[int, VariantSnapshot]:
        """The variants that exist (active or not) among `variant_ids`, in one query."""
        ...
