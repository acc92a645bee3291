"""The SQL unit of work of checkout and orders on PostgreSQL: a deadlock PostgreSQL breaks
leaves as TransactionConflict (which the use cases retry), and nothing of it is kept."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from shop.services.common import TransactionConflict
from tests.integration.apps import Api, AppFactory
from tests.integration.factories import make_variant


def test_a_deadlock_becomes_a_transaction_conflict_and_is_rolled_back(
    make_app: AppFactory,
) -> None:
    api = Api.of(make_app("postgres"))
    a, b = make_variant(api.adapters, stock=5), make_variant(api.adapters, stock=5)
    uow = api.adapters.ordering.uow
    both_hold_one = threading.Barrier(2, timeout=10)
    outcomes: dict[str, BaseException | None] = {}

    def lock_then_take(first: int, second: int, name: str) -> None:
        try:
            with uow() as work:
                work.stock.lock([first])
                both_hold_one.wait()
                work.stock.lock([second])  # each waits for the other: PostgreSQL picks one
                assert work.stock.take({first: 1, second: 1})
                work.commit()
            outcomes[name] = None
        except BaseException as exc:  # noqa: BLE001 (recorded for the assertions below)
            outcomes[name] = exc

    threads = [
        threading.Thread(target=lock_then_take, args=(a, b, "ab")),
        threading.Thread(target=lock_then_take, args=(b, a, "ba")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    failures = [exc for exc in outcomes.values() if exc is not None]
    assert len(outcomes) == 2
    assert len(failures) == 1, outcomes
    assert isinstance(failures[0], TransactionConflict)
    with uow() as work:
        stock = {vid: s.stock for vid, s in work.stock.lock([a, b]).items()}
    assert stock == {a: 4, b: 4}


def test_the_stock_check_constraint_is_not_mistaken_for_a_conflict(make_app: AppFactory) -> None:
    api = Api.of(make_app("postgres"))
    variant = make_variant(api.adapters, stock=1)

    def below_zero() -> None:
        with api.adapters.ordering.uow() as work:
            work.stock.give_back({variant: -5})  # CHECK (stock >= 0) refuses it
            work.commit()

    with pytest.raises(IntegrityError):
        below_zero()
