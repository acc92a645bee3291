"""Stock for checkout and cancel: rows locked in id order, relative guarded updates (and,
being the same column, the catalog's ledgered adjustments)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from shop.adapters.sql import tables as orm
from shop.adapters.sql.queries.cart_variants import SNAPSHOTS, snapshots, valid_ids
from shop.adapters.sql.repositories.audit import SqlStockLedger
from shop.domain.cart.pricing import VariantSnapshot

# FOR UPDATE OF variants: the joined product and attribute rows stay unlocked. The sort runs
# before the locking, so the rows are locked in ascending id order.
LOCKED_SNAPSHOTS = SNAPSHOTS.with_for_update(of=orm.variants)


class SqlStockRepository(SqlStockLedger):
    """Checkout's stock (locks, takes, gives back) and the catalog's ledger of adjustments."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, variant_ids: Sequence[int]) -> dict[int, VariantSnapshot]:
        ids = valid_ids(variant_ids)
        if not ids:
            return {}
        return snapshots(self.session.execute(LOCKED_SNAPSHOTS, {"ids": ids}).all())

    def take(self, quantities: Mapping[int, int]) -> bool:
        """One UPDATE for every line: `stock - q` only where `stock >= q`."""
        if not quantities:
            return True
        v = orm.variants
        by_id = case(dict(quantities), value=v.c.id)
        statement = (
            update(v)
            .where(v.c.id.in_(list(quantities)), v.c.stock >= by_id)
            .values(stock=v.c.stock - by_id)
        )
        result = self.session.execute(statement, execution_options={"synchronize_session": False})
        return bool(result.rowcount == len(quantities))  # type: ignore[attr-defined]

    def give_back(self, quantities: Mapping[int, int]) -> None:
        known = dict(quantities)
        if not known:
            return
        v = orm.variants
        self.session.execute(
            update(v)
            .where(v.c.id.in_(sorted(known)))
            .values(stock=v.c.stock + case(known, value=v.c.id)),
            execution_options={"synchronize_session": False},
        )
