"""What the catalog use cases need: repositories behind narrow units of work, the shared
catalog version, and the read-side queries with the search they answer."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.stock import StockAdjustment
from shop.domain.catalog.taxonomy import Attribute, Category
from shop.services.audit.ports import AuditedUnitOfWork
from shop.services.common import Page, Row, ServiceUnavailable, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


class CategoryRepository(Protocol):
    def add(self, category: Category) -> None: ...

    def get(self, category_id: int, *, for_update: bool = False) -> Category | None:
        """The category; `for_update` locks it until the commit (for a checked write)."""
        ...

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


class CategoriesUnitOfWork(AuditedUnitOfWork, Protocol):
    @property
    def categories(self) -> CategoryRepository: ...


class AttributesUnitOfWork(AuditedUnitOfWork, Protocol):
    @property
    def attributes(self) -> AttributeRepository: ...


class ProductsUnitOfWork(AuditedUnitOfWork, Protocol):
    @property
    def products(self) -> ProductRepository: ...

    @property
    def categories(self) -> CategoryRepository: ...


class VariantsUnitOfWork(AuditedUnitOfWork, Protocol):
    @property
    def products(self) -> ProductRepository: ...

    @property
    def variants(self) -> VariantRepository: ...

    @property
    def attributes(self) -> AttributeRepository: ...


class StockLedger(Protocol):
    """Relative stock changes and their ledger."""

    def apply_delta(self, variant_id: int, delta: int) -> int | None:
        """Add `delta` to the stock in one guarded update; the new stock, or None when the
        variant does not exist or the stock would leave 0..MAX_INTEGER (nothing changed)."""
        ...

    def stock_of(self, variant_id: int) -> int | None: ...

    def add(self, adjustment: StockAdjustment) -> None: ...


class StockUnitOfWork(AuditedUnitOfWork, Protocol):
    @property
    def stock_ledger(self) -> StockLedger: ...


class CatalogUnitOfWork(
    CategoriesUnitOfWork,
    AttributesUnitOfWork,
    ProductsUnitOfWork,
    VariantsUnitOfWork,
    StockUnitOfWork,
    Protocol,
):
    """Every catalog repository: what the composition root hands the catalog's use cases."""


CatalogUnitOfWorkFactory = UnitOfWorkFactory[CatalogUnitOfWork]
CategoriesUnitOfWorkFactory = UnitOfWorkFactory[CategoriesUnitOfWork]
AttributesUnitOfWorkFactory = UnitOfWorkFactory[AttributesUnitOfWork]
ProductsUnitOfWorkFactory = UnitOfWorkFactory[ProductsUnitOfWork]
VariantsUnitOfWorkFactory = UnitOfWorkFactory[VariantsUnitOfWork]
StockUnitOfWorkFactory = UnitOfWorkFactory[StockUnitOfWork]


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


def commit_catalog_change(uow: UnitOfWork, version: CatalogVersion) -> None:
    """Commit a catalog write so that no process serves the old catalog afterwards.

    The version (the key of every cached catalog response) is bumped twice: before the
    commit, so that a write is refused with nothing written while the shared version store is
    down (ServiceUnavailable, a 503), and after it, so that entries cached while the
    transaction was committing are retired too. Once the write has returned, every process
    reads the new version and so the new data.
    """
    version.bump()
    uow.commit()
    try:
        version.bump()
    except ServiceUnavailable:
        # The write is durable; entries cached during the commit expire within the
        # stock-staleness TTL at the latest.
        log.error("catalog version not bumped after a committed write; caches may lag")


class ProductSort(StrEnum):
    """What a product list can be sorted by (ascending; `-` in front for descending)."""

    NAME = "name"
    CREATED_AT = "created_at"
    PRICE = "price"
    RATING = "rating"


PRODUCT_SORTS = tuple(f"{sign}{key}" for key in ProductSort for sign in ("", "-"))
DEFAULT_PRODUCT_SORT = "-created_at"


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
    min_rating: float | None = None  # the exact average rating at least this (1..5)
    sort: str = DEFAULT_PRODUCT_SORT
    include_inactive: bool = False

    def __post_init__(self) -> None:
        if self.sort not in PRODUCT_SORTS:
            raise ValueError(f"unknown product sort {self.sort!r}; one of {PRODUCT_SORTS}")

    @property
    def sort_key(self) -> ProductSort:
        return ProductSort(self.sort.lstrip("-"))

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


class CatalogQueries(Protocol):
    """The read side of the catalog: plain dicts shaped like the API's responses.

    Each method costs a fixed number of SQL statements, whatever the page size.
    """

    def products(self, search: ProductSearch, page: int, page_size: int) -> Page:
        """One page of product summaries, and the number of matching products."""
        ...

    def product(self, product_id: int, include_inactive: bool) -> Row | None:
        """The product with its variants (inactive ones only when `include_inactive`)."""
        ...

    def variant(self, variant_id: int, include_inactive: bool) -> Row | None: ...

    def categories(self, page: int, page_size: int) -> Page: ...

    def attributes(self, page: int, page_size: int) -> Page: ...

    def stock_adjustments(self, variant_id: int, page: int, page_size: int) -> Page:
        """The variant's stock ledger, newest first."""
        ...


LOW_STOCK = 5
"""A variant with at most this many units left is low on stock (the console's dashboard)."""


class StockLevel(StrEnum):
    OUT = "out"  # some active variant has none left
    LOW = "low"  # some active variant has at most LOW_STOCK left
    IN = "in"  # every active variant has more than LOW_STOCK


@dataclass(frozen=True)
class ProductOverviewFilter:
    """The admin product list's filters (inactive products included)."""

    q: str | None = None
    category_id: int | None = None
    active: bool | None = None
    stock: StockLevel | None = None


class CatalogOverview(Protocol):
    """Admin reads of the catalog for the console."""

    def product_overview(self, filters: ProductOverviewFilter, page: int, page_size: int) -> Page:
        """Products with their category, variant count and stock range, newest first."""
        ...

    def low_stock(self, limit: int) -> list[Row]:
        """Active variants with at most LOW_STOCK units, fewest first."""
        ...
