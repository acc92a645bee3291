"""What the catalog use cases need: repositories behind narrow units of work and the shared
catalog version; the read-side queries with the search they answer are in `queries`, and
named here too."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.stock import StockAdjustment
from shop.domain.catalog.taxonomy import Attribute, Category
from shop.services.audit.ports import AuditedUnitOfWork
from shop.services.catalog.ports.queries import (
    DEFAULT_PRODUCT_SORT,
    LOW_STOCK,
    PRODUCT_SORTS,
    CatalogOverview,
    CatalogQueries,
    ProductOverviewFilter,
    ProductSearch,
    ProductSort,
    StockLevel,
)
from shop.services.common import ServiceUnavailable, UnitOfWork, UnitOfWorkFactory

__all__ = [
    "AttributeRepository",
    "AttributesUnitOfWork",
    "AttributesUnitOfWorkFactory",
    "CatalogOverview",
    "CatalogQueries",
    "CatalogUnitOfWork",
    "CatalogUnitOfWorkFactory",
    "CatalogVersion",
    "CategoriesUnitOfWork",
    "CategoriesUnitOfWorkFactory",
    "CategoryRepository",
    "DEFAULT_PRODUCT_SORT",
    "LOW_STOCK",
    "PRODUCT_SORTS",
    "ProductOverviewFilter",
    "ProductRepository",
    "ProductSearch",
    "ProductSort",
    "ProductsUnitOfWork",
    "ProductsUnitOfWorkFactory",
    "StockLedger",
    "StockLevel",
    "StockUnitOfWork",
    "StockUnitOfWorkFactory",
    "VariantRepository",
    "VariantsUnitOfWork",
    "VariantsUnitOfWorkFactory",
    "commit_catalog_change",
]

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
