"""The catalog's read side: the product search and the queries that answer it, and the
console's overview."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from shop.services.common import Page, Row


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
