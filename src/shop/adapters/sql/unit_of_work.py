"""The SQLAlchemy unit of work: one session per use case, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shop.adapters.sql.engine import DATABASE, DATABASE_DOWN
from shop.adapters.sql.repositories.accounts import SqlUserRepository
from shop.adapters.sql.repositories.catalog import (
    SqlAttributeRepository,
    SqlCategoryRepository,
    SqlProductRepository,
    SqlVariantRepository,
)
from shop.adapters.sql.repositories.reviews import SqlProductRatings, SqlReviewRepository
from shop.domain.errors import Conflict
from shop.services.common import ServiceUnavailable


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self.users = SqlUserRepository(self.session)
        self.categories = SqlCategoryRepository(self.session)
        self.attributes = SqlAttributeRepository(self.session)
        self.products = SqlProductRepository(self.session)
        self.variants = SqlVariantRepository(self.session)
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
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise Conflict("The change conflicts with existing data.") from exc

    def flush(self) -> None:
        """Send pending changes now, to learn generated ids before the commit."""
        try:
            self.session.flush()
        except IntegrityError as exc:
            self.session.rollback()
            raise Conflict("The change conflicts with existing data.") from exc

    def rollback(self) -> None:
        self.session.rollback()


class SqlAlchemyUnitOfWorkFactory:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory)
