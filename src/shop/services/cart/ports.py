"""What the cart use cases need: the shared cart store and live variant data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from shop.domain.cart.cart import CartOwner, MergedLine
from shop.domain.cart.pricing import VariantSnapshot


@dataclass(frozen=True)
class AddResult:
    """What a cart store did with an add: `applied` False means nothing changed because the
    line would have exceeded its cap; `quantity` is the line's quantity afterwards."""

    applied: bool
    quantity: int
    lines: Mapping[int, int]


@dataclass(frozen=True)
class MergeResult:
    """A finished merge (`merged`, and the user's `lines` after it), or, when the guest cart
    holds variants no cap was given for (it changed meanwhile), those `missing` ids and no
    change at all."""

    merged: tuple[MergedLine, ...] = ()
    lines: Mapping[int, int] | None = None
    missing: tuple[int, ...] = ()


@dataclass(frozen=True)
class Credential:
    """A signed-in caller's token (signature and expiry already verified) whose revocation
    is still to be checked: a store checks it in the same round trip as the cart read."""

    jti: str
    family: str | None
    user_id: int
    issued_at: float  # epoch seconds


class CartStore(Protocol):
    """Carts (`{variant_id: quantity}`) shared by every API process, expiring after a TTL.

    Every method is one atomic operation, and every write renews the cart's TTL, so two
    concurrent writes to one cart never lose an update. A guest cart that does not exist
    (never created, expired, or merged away) makes a method given `create=False` return None
    and change nothing. An emptied cart still exists (its token stays known) until it expires.
    Methods raise ServiceUnavailable when the backing store does not answer.
    """

    def lines(self, owner: CartOwner) -> dict[int, int] | None:
        """The cart's lines; None for a guest cart that does not exist, {} for an empty one."""
        ...

    def lines_and_catalog_version(
        self, owner: CartOwner
    ) -> tuple[dict[int, int] | None, str | None]:
        """`lines(owner)` and the catalog version read with them in the same round trip, or
        None for the version when this store cannot read it (or it is not set yet)."""
        ...

    def checked_lines_and_catalog_version(
        self, owner: CartOwner, credential: Credential
    ) -> tuple[dict[int, int] | None, str | None] | None:
        """`lines_and_catalog_version(owner)` with the credential's revocation checked in the
        same round trip: None, and nothing of the cart, when the credential is revoked."""
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
    """Catalog data for the variants of a cart."""

    def many(self, variant_ids: Iterable[int]) -> dict[int, VariantSnapshot]:
        """The variants that exist (active or not) among `variant_ids`, in one query."""
        ...


class ShownVariantLookup(VariantLookup, Protocol):
    """A lookup whose answers depend on the catalog version (a version-keyed copy)."""

    def at_version(self, catalog_version: str | None) -> VariantLookup:
        """This lookup, given the catalog version the caller already read (None: it reads
        the version itself)."""
        ...


@dataclass(frozen=True)
class CartRules:
    max_line_quantity: int
    currency: str


@dataclass(frozen=True)
class CartDependencies:
    """What the cart use cases are wired with, once per process.

    Showing a cart prices it from `shown_variants`, which may be a short-lived copy (stock
    moved by orders may lag a second); every write and merge checks `live_variants`.
    """

    store: CartStore
    live_variants: VariantLookup
    shown_variants: ShownVariantLookup
    rules: CartRules
