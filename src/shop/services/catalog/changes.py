"""What every catalog write shares: its commit, derived slugs, and partial updates.

Every write bumps the catalog version (the key of every cached catalog response) twice:
before the commit, so that a write is refused with nothing written while the shared version
store is down (ServiceUnavailable, a 503), and after it, so that entries cached while the
transaction was committing are retired too. Once the write has returned, every process
reads the new version and so the new data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import Final, Protocol, TypeVar

from shop.domain.catalog.rules import check_slug, slugify, unique_slug
from shop.domain.errors import Conflict
from shop.services.catalog.ports import CatalogVersion
from shop.services.common import ServiceUnavailable, UnitOfWork

log = logging.getLogger(__name__)

SLUG_ATTEMPTS = 3  # a derived slug taken by a concurrent write is derived again


class Unset(Enum):
    """A field a partial update leaves alone (unlike None, which may be a value)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET
T = TypeVar("T")


def commit_catalog_change(uow: UnitOfWork, version: CatalogVersion) -> None:
    """Commit a catalog write so that no process serves the old catalog afterwards."""
    version.bump()
    uow.commit()
    try:
        version.bump()
    except ServiceUnavailable:
        # The write is durable; entries cached during the commit expire within the
        # stock-staleness TTL at the latest.
        log.error("catalog version not bumped after a committed write; caches may lag")


def with_slug_retries(derived: bool, attempt: Callable[[], T]) -> T:
    """Run `attempt` again when a derived slug lost a race with a concurrent write."""
    for remaining in reversed(range(SLUG_ATTEMPTS)):
        try:
            return attempt()
        except Conflict:
            if not derived or remaining == 0:
                raise
    raise AssertionError("unreachable")


class _Slugs(Protocol):
    def slugs_like(self, base: str) -> set[str]: ...


def free_slug(slugs: _Slugs, wanted: str | None, name: str, current: str | None = None) -> str:
    """`wanted` if free (or already this entity's), else Conflict; without one, a slug derived
    from `name` and made unique."""
    if wanted is None:
        base = slugify(name)
        return unique_slug(base, slugs.slugs_like(base))
    wanted = check_slug(wanted)
    if wanted != current and wanted in slugs.slugs_like(wanted):
        raise Conflict(f"The slug {wanted!r} is already in use.")
    return wanted
