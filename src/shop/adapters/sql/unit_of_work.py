"""The SQLAlchemy unit of work: one session per use case, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shop.adapters.sql.account_emails import EmailHandOver, OutboxAccountEmails
from shop.adapters.sql.engine import DATABASE, DATABASE_DOWN
from shop.adapters.sql.repositories.accounts import SqlUserRepository
from shop.adapters.sql.repositories.addresses import SqlAddressRepository
from shop.adapters.sql.repositories.audit import SqlAuditTrail, SqlStockLedger
from shop.adapters.sql.repositories.catalog import (
    SqlAttributeRepository,
    SqlCategoryRepository,
    SqlProductRepository,
    SqlVariantRepository,
)
from shop.adapters.sql.repositories.catalog_by_key import SqlCatalogByKey
from shop.adapters.sql.repositories.data_exports import SqlDataExportRepository
from shop.adapters.sql.repositories.link_tokens import SqlLinkTokenRepository
from shop.adapters.sql.repositories.personal_data import SqlPersonalDataRepository
from shop.adapters.sql.repositories.reviews import SqlProductRatings, SqlReviewRepository
from shop.domain.errors import Conflict
from shop.services.accounts.ports import SecretSealer
from shop.services.common import ServiceUnavailable


class SqlAlchemyUnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        hand_over: EmailHandOver | None = None,
        sealer: SecretSealer | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._hand_over = hand_over
        self._sealer = sealer

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self.users = SqlUserRepository(self.session)
        self.link_tokens = SqlLinkTokenRepository(self.session)
        self.addresses = SqlAddressRepository(self.session)
        self.personal_data = SqlPersonalDataRepository(self.session)
        self.data_exports = SqlDataExportRepository(self.session)
        self.account_emails = OutboxAccountEmails(self.session, self._sealer, self._hand_over)
        self.categories = SqlCategoryRepository(self.session)
        self.attributes = SqlAttributeRepository(self.session)
        self.products = SqlProductRepository(self.session)
        self.variants = SqlVariantRepository(self.session)
        self.stock_ledger = SqlStockLedger(self.session)
        self.audit = SqlAuditTrail(self.session)
        self.catalog_by_key = SqlCatalogByKey(self.session)
        self.reviews = SqlReviewRepository(self.session)
        self.ratings = SqlProductRatings(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing rolls back whatever was not committed, and (unlike rollback) keeps the loaded
        # state of returned entities readable after the block.
        self.session.close()
        if isinstance(exc, DATABASE_DOWN):
            # Only a pool timeout gets here: the engine's hook already turned the rest.
            raise ServiceUnavailable(DATABASE) from exc

    def commit(self) -> None:
        """Commit; a unique or foreign-key violation found by the database is a Conflict."""
        with self._refusals(undo=self.rollback):
            self.session.commit()
        self.account_emails.committed()

    def flush(self) -> None:
        """Send pending changes now, to learn generated ids before the commit."""
        with self._refusals(undo=self.session.rollback):
            self.session.flush()

    @contextmanager
    def _refusals(self, undo: Callable[[], None]) -> Iterator[None]:
        """What the database refuses while writing, as the use cases know it: a unique or
        foreign-key violation is a Conflict, once `undo` has rolled the transaction back.
        A subclass adds the refusals of its own kind (and keeps these)."""
        try:
            yield
        except IntegrityError as exc:
            undo()
            raise Conflict("The change conflicts with existing data.") from exc

    def rollback(self) -> None:
        self.session.rollback()
        self.account_emails.discard()


class SqlAlchemyUnitOfWorkFactory:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        hand_over: EmailHandOver | None = None,
        sealer: SecretSealer | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.hand_over = hand_over
        self.sealer = sealer

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory, self.hand_over, self.sealer)
