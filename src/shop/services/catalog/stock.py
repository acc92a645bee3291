"""Stock adjustments: a relative change in one guarded update, with its ledger row and audit
entry in the same transaction. Concurrent adjustments and checkouts add up exactly."""

from __future__ import annotations

from shop.domain.audit import SYSTEM, Actor, Changes
from shop.domain.catalog.stock import StockAdjustment, check_adjustment
from shop.domain.errors import Conflict, NotFound
from shop.domain.limits import MAX_INTEGER
from shop.services.catalog.audit_fields import record
from shop.services.catalog.ports import CatalogQueries, StockUnitOfWorkFactory
from shop.services.common import Clock, Page


def adjust_stock(
    uow_factory: StockUnitOfWorkFactory,
    clock: Clock,
    variant_id: int,
    delta: int,
    reason: str,
    *,
    actor: Actor = SYSTEM,
) -> StockAdjustment:
    """Add `delta` (negative to remove) to the variant's stock, saying why.

    Stock-only: the catalog version is not bumped (cached reads may lag by the staleness
    setting). Raises ValidationFailed, NotFound, or Conflict (with `available`) when the
    stock would go below zero.
    """
    delta, reason = check_adjustment(delta, reason)
    with uow_factory() as uow:
        stock_after = uow.stock.apply_delta(variant_id, delta)
        if stock_after is None:
            available = uow.stock.stock_of(variant_id)
            if available is None:
                raise NotFound(f"No variant with id {variant_id}.")
            if delta > 0:
                raise Conflict(
                    f"{available} in stock; adding {delta} would pass the most a variant can "
                    f"hold ({MAX_INTEGER}).",
                    available=available,
                )
            raise Conflict(
                f"Only {available} in stock; removing {-delta} would go below zero.",
                available=available,
            )
        adjustment = StockAdjustment(
            variant_id=variant_id,
            delta=delta,
            reason=reason,
            stock_after=stock_after,
            actor_id=actor.user_id,
            created_at=clock.now(),
        )
        uow.stock.add(adjustment)
        uow.flush()
        changes: Changes = {"stock": [stock_after - delta, stock_after], "reason": [None, reason]}
        record(uow, actor, clock, "stock", "variant", variant_id, changes)
        uow.commit()
        return adjustment


def stock_ledger(queries: CatalogQueries, variant_id: int, page: int, page_size: int) -> Page:
    """The variant's adjustments, newest first. Raises NotFound for an unknown variant."""
    if queries.variant(variant_id, include_inactive=True) is None:
        raise NotFound(f"No variant with id {variant_id}.")
    return queries.stock_adjustments(variant_id, page, page_size)
