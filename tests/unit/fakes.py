"""In-memory fakes of the service ports, for unit tests of the use cases (no database)."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Self

from shop.domain.accounts.users import Role, User
from shop.domain.audit import AuditEntry
from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.stock import StockAdjustment
from shop.domain.catalog.taxonomy import Attribute, Category
from shop.domain.errors import Conflict
from shop.domain.limits import MAX_INTEGER
from shop.services.accounts.ports import (
    AccountsUnitOfWorkFactory,
    LoginThrottle,
    PasswordHasher,
    RolesUnitOfWorkFactory,
)
from shop.services.catalog.ports import CatalogUnitOfWorkFactory, CatalogVersion
from shop.services.common import Clock, ServiceUnavailable
from tests.unit.account_fakes import (
    AccountRows,
    FakeAccountEmails,
    FakeAddresses,
    FakeDataExports,
    FakeLinkTokens,
    FakePersonalData,
)

_ids = itertools.count(1)


class FakeUserRepository:
    def __init__(self, rows: dict[int, User]) -> None:
        self.rows = rows

    def add(self, user: User) -> None:
        if self.get_by_email(user.email) is not None:
            raise Conflict("duplicate email")
        user.id = next(_ids)
        self.rows[user.id] = user

    def get(self, user_id: int) -> User | None:
        return self.rows.get(user_id)

    def get_by_email(self, email: str) -> User | None:
        return next((u for u in self.rows.values() if u.email == email), None)

    def lock_admins(self) -> list[int]:
        return sorted(u.id for u in self.rows.values() if u.role == Role.ADMIN and u.id)


class FakeCategoryRepository:
    def __init__(self, rows: dict[int, Category], used: set[int]) -> None:
        self.rows = rows
        self.used = used  # ids of categories that have products (set by tests)

    def add(self, category: Category) -> None:
        category.id = next(_ids)
        self.rows[category.id] = category

    def get(self, category_id: int, *, for_update: bool = False) -> Category | None:
        return self.rows.get(category_id)

    def delete(self, category: Category) -> None:
        self.rows.pop(category.id or 0, None)

    def slugs_like(self, base: str) -> set[str]:
        return {c.slug for c in self.rows.values() if c.slug.startswith(base)}

    def in_use(self, category_id: int) -> bool:
        return category_id in self.used


class FakeAttributeRepository:
    def __init__(self, rows: dict[int, Attribute]) -> None:
        self.rows = rows

    def add(self, attribute: Attribute) -> None:
        attribute.id = next(_ids)
        self.rows[attribute.id] = attribute

    def get(self, attribute_id: int) -> Attribute | None:
        return self.rows.get(attribute_id)

    def get_by_name(self, name: str) -> Attribute | None:
        return self.by_names([name]).get(name.strip().lower())

    def by_names(self, names: Iterable[str]) -> dict[str, Attribute]:
        wanted = {n.strip().lower() for n in names}
        return {a.name.lower(): a for a in self.rows.values() if a.name.lower() in wanted}


class FakeProductRepository:
    def __init__(self, rows: dict[int, Product], ordered: set[int]) -> None:
        self.rows = rows
        self.ordered = ordered  # ids of products that were ever ordered (set by tests)

    def add(self, product: Product) -> None:
        product.id = next(_ids)
        self.rows[product.id] = product

    def get(self, product_id: int) -> Product | None:
        return self.rows.get(product_id)

    def delete(self, product: Product) -> None:
        self.rows.pop(product.id or 0, None)

    def slugs_like(self, base: str) -> set[str]:
        return {p.slug for p in self.rows.values() if p.slug.startswith(base)}

    def ever_ordered(self, product_id: int) -> bool:
        return product_id in self.ordered


class FakeVariantRepository:
    def __init__(self, products: FakeProductRepository) -> None:
        self._products = products

    def _all(self) -> list[Variant]:
        return [v for p in self._products.rows.values() for v in p.variants]

    def get(self, variant_id: int) -> Variant | None:
        return next((v for v in self._all() if v.id == variant_id), None)

    def sku_taken(self, sku: str, except_id: int | None = None) -> bool:
        return any(v.sku == sku and v.id != except_id for v in self._all())


class FakeAuditTrail:
    def __init__(self, rows: list[AuditEntry]) -> None:
        self.rows = rows

    def record(self, entry: AuditEntry) -> None:
        self.rows.append(entry)


class FakeStockLedger:
    def __init__(self, products: FakeProductRepository, rows: list[StockAdjustment]) -> None:
        self._variants = FakeVariantRepository(products)
        self.rows = rows

    def apply_delta(self, variant_id: int, delta: int) -> int | None:
        variant = self._variants.get(variant_id)
        if variant is None or not 0 <= variant.stock + delta <= MAX_INTEGER:
            return None
        variant.stock += delta
        return variant.stock

    def stock_of(self, variant_id: int) -> int | None:
        variant = self._variants.get(variant_id)
        return None if variant is None else variant.stock

    def add(self, adjustment: StockAdjustment) -> None:
        self.rows.append(adjustment)


@dataclass
class _Tables:
    users: dict[int, User] = field(default_factory=dict)
    categories: dict[int, Category] = field(default_factory=dict)
    attributes: dict[int, Attribute] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    stock_adjustments: list[StockAdjustment] = field(default_factory=list)
    accounts: AccountRows = field(default_factory=AccountRows)


class FakeUnitOfWork:
    """A database in memory, with transactions: inside a `with` block the repositories work
    on a copy of the committed rows, which `commit()` makes the committed rows; leaving the
    block (or `rollback()`) drops whatever was not committed. Outside a block they read the
    committed rows. `commits` counts commits."""

    def __init__(self) -> None:
        self._committed = _Tables()
        self._working: _Tables | None = None
        self._used_categories: set[int] = set()
        self._ordered_products: set[int] = set()
        self.commits = 0

    def _tables(self) -> _Tables:
        return self._committed if self._working is None else self._working

    @property
    def users(self) -> FakeUserRepository:
        return FakeUserRepository(self._tables().users)

    @property
    def categories(self) -> FakeCategoryRepository:
        return FakeCategoryRepository(self._tables().categories, self._used_categories)

    @property
    def attributes(self) -> FakeAttributeRepository:
        return FakeAttributeRepository(self._tables().attributes)

    @property
    def products(self) -> FakeProductRepository:
        return FakeProductRepository(self._tables().products, self._ordered_products)

    @property
    def variants(self) -> FakeVariantRepository:
        return FakeVariantRepository(self.products)

    @property
    def stock_ledger(self) -> FakeStockLedger:
        return FakeStockLedger(self.products, self._tables().stock_adjustments)

    @property
    def audit(self) -> FakeAuditTrail:
        return FakeAuditTrail(self._tables().audit)

    @property
    def audit_entries(self) -> list[AuditEntry]:
        """The committed audit entries, oldest first."""
        return self._committed.audit

    @property
    def link_tokens(self) -> FakeLinkTokens:
        return FakeLinkTokens(self._tables().accounts)

    @property
    def addresses(self) -> FakeAddresses:
        return FakeAddresses(self._tables().accounts)

    @property
    def personal_data(self) -> FakePersonalData:
        return FakePersonalData(self._tables().accounts)

    @property
    def data_exports(self) -> FakeDataExports:
        return FakeDataExports(self._tables().accounts)

    @property
    def account_emails(self) -> FakeAccountEmails:
        return FakeAccountEmails(self._tables().accounts)

    @property
    def account_rows(self) -> AccountRows:
        """The committed rows of the accounts feature (for assertions)."""
        return self._committed.accounts

    def __call__(self) -> Self:
        """The fake is its own factory: services call `uow_factory()`."""
        return self

    def __enter__(self) -> Self:
        assert self._working is None, "one unit of work at a time"
        self._working = copy.deepcopy(self._committed)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = None

    @property
    def committed(self) -> bool:
        return self.commits > 0

    def commit(self) -> None:
        assert self._working is not None, "commit inside the with block"
        self.flush()
        self._committed = copy.deepcopy(self._working)
        self.commits += 1

    def flush(self) -> None:
        """Give new rows their ids, as the database does on flush (or commit)."""
        tables = self._tables()
        for product in tables.products.values():
            for variant in product.variants:
                if variant.id is None:
                    variant.id = next(_ids)
                    variant.product_id = product.id
        for attribute in tables.attributes.values():
            for value in attribute.values:
                if value.id is None:
                    value.id = next(_ids)
                    value.attribute_id = attribute.id
        for entry in tables.audit:
            entry.id = entry.id or next(_ids)
        for adjustment in tables.stock_adjustments:
            adjustment.id = adjustment.id or next(_ids)

    def rollback(self) -> None:
        if self._working is not None:
            self._working = copy.deepcopy(self._committed)


class FakeHasher:
    """Reversible 'hashing' so tests can see what was stored; counts verifications."""

    def __init__(self) -> None:
        self.verifications = 0

    def hash(self, password: str) -> str:
        return f"hashed:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        return password_hash == f"hashed:{password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return False


class FakeThrottle:
    def __init__(self, limit: int = 3) -> None:
        self.limit = limit
        self.failures: dict[str, int] = {}

    def retry_after(self, email: str, client: str) -> int:
        return 60 if self.failures.get(email, 0) >= self.limit else 0

    def record_failure(self, email: str, client: str) -> None:
        self.failures[email] = self.failures.get(email, 0) + 1


class FakeCatalogVersion:
    """Counts bumps; `down` makes it fail like Redis during an outage."""

    def __init__(self) -> None:
        self.bumps = 0
        self.down = False

    def current(self) -> str:
        if self.down:
            raise ServiceUnavailable("redis")
        return str(self.bumps)

    def bump(self) -> None:
        if self.down:
            raise ServiceUnavailable("redis")
        self.bumps += 1


class FakeClock:
    """A clock that stands still until moved."""

    def __init__(self, now: datetime = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


CLOCK = FakeClock()


if TYPE_CHECKING:  # mypy checks the fakes against the ports the services declare
    _accounts_uow: AccountsUnitOfWorkFactory = FakeUnitOfWork()
    _catalog_uow: CatalogUnitOfWorkFactory = FakeUnitOfWork()
    _roles_uow: RolesUnitOfWorkFactory = FakeUnitOfWork()
    _hasher: PasswordHasher = FakeHasher()
    _throttle: LoginThrottle = FakeThrottle()
    _version: CatalogVersion = FakeCatalogVersion()
    _clock: Clock = FakeClock()
