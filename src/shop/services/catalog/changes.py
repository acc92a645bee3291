"""What every catalog write shares: derived slugs and partial updates (and its commit,
`commit_catalog_change`, which lives with the CatalogVersion port because reviews commit
through it too)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Final, Protocol, TypeVar

from shop.domain.catalog.rules import check_slug, slugify, unique_slug
from shop.domain.errors import Conflict

SLUG_ATTEMPTS = 3  # a derived slug taken by a concurrent write is derived again


class Unset(Enum):
    """A field a partial update leaves alone (unlike None, which may be a value)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET
T = TypeVar("T")


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
