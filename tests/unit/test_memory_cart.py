"""The embedded cart store: atomic under threads, expiring, and keeping emptied carts known."""

from __future__ import annotations

import threading

from shop.adapters.memory.cart_store import InMemoryCartStore
from shop.domain.cart.cart import CartOwner, MergedLine, new_guest_token


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guest() -> CartOwner:
    return CartOwner.guest(new_guest_token())


def test_a_cart_expires_ttl_seconds_after_its_last_write() -> None:
    clock = FakeClock()
    store = InMemoryCartStore(ttl_seconds=10, clock=clock)
    owner = guest()
    store.add(owner, 1, 2, cap=9, create=True)
    clock.now += 9
    store.add(owner, 1, 1, cap=9, create=False)  # renews
    clock.now += 9
    assert store.lines(owner) == {1: 3}
    clock.now += 1.5
    assert store.lines(owner) is None
    assert store.add(owner, 1, 1, cap=9, create=False) is None


def test_reading_a_cart_does_not_renew_it() -> None:
    clock = FakeClock()
    store = InMemoryCartStore(ttl_seconds=10, clock=clock)
    owner = guest()
    store.set_quantity(owner, 1, 2, create=True)
    for _ in range(3):
        clock.now += 4
        store.lines(owner)
    assert store.lines(owner) is None


def test_every_kind_of_write_renews_the_ttl() -> None:
    clock = FakeClock()
    store = InMemoryCartStore(ttl_seconds=10, clock=clock)
    owner = guest()
    store.set_quantity(owner, 1, 2, create=True)
    for write in (
        lambda: store.add(owner, 2, 1, cap=5, create=False),
        lambda: store.set_quantity(owner, 2, 3, create=False),
        lambda: store.set_quantity(owner, 2, 0, create=False),
        lambda: store.clear(owner),
    ):
        clock.now += 8
        write()
    clock.now += 8
    assert store.lines(owner) == {}


def test_an_emptied_guest_cart_is_still_known_until_it_expires() -> None:
    store = InMemoryCartStore(ttl_seconds=10)
    owner = guest()
    store.add(owner, 1, 1, cap=5, create=True)
    assert store.set_quantity(owner, 1, 0, create=False) == {}
    assert store.lines(owner) == {}
    assert store.clear(owner)
    assert store.add(owner, 2, 1, cap=5, create=False) is not None


def test_an_unknown_guest_cart_is_never_created_by_accident() -> None:
    store = InMemoryCartStore(ttl_seconds=10)
    owner = guest()
    assert store.lines(owner) is None
    assert store.add(owner, 1, 1, cap=5, create=False) is None
    assert store.set_quantity(owner, 1, 3, create=False) is None
    assert store.set_quantity(owner, 1, 0, create=True) == {}  # a removal creates nothing
    assert not store.clear(owner)
    store.discard(owner, [1])
    assert store.lines(owner) is None


def test_a_user_cart_exists_from_the_start() -> None:
    store = InMemoryCartStore(ttl_seconds=10)
    assert store.lines(CartOwner.user(1)) == {}


def test_an_add_over_the_cap_changes_nothing_and_reports_the_line() -> None:
    store = InMemoryCartStore(ttl_seconds=10)
    owner = CartOwner.user(1)
    store.add(owner, 1, 4, cap=5, create=True)
    result = store.add(owner, 1, 2, cap=5, create=True)
    assert result is not None
    assert not result.applied
    assert result.quantity == 4
    assert store.lines(owner) == {1: 4}


def test_a_refused_add_does_not_create_a_new_guest_cart() -> None:
    store = InMemoryCartStore(ttl_seconds=10)
    owner = guest()
    result = store.add(owner, 1, 6, cap=5, create=True)
    assert result is not None
    assert not result.applied
    assert store.lines(owner) is None


def test_concurrent_adds_from_many_threads_lose_nothing() -> None:
    store = InMemoryCartStore(ttl_seconds=60)
    owner = CartOwner.user(7)
    start = threading.Barrier(8)

    def worker(n: int) -> None:
        start.wait()
        for i in range(250):
            store.add(owner, (n + i) % 5, 1, cap=10**6, create=True)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = store.lines(owner)
    assert lines is not None
    assert sum(lines.values()) == 8 * 250


def test_a_merge_moves_the_guest_lines_capped_and_deletes_the_guest_cart() -> None:
    store = InMemoryCartStore(ttl_seconds=10)
    owner = guest()
    assert owner.token is not None
    store.set_quantity(owner, 1, 3, create=True)
    store.set_quantity(owner, 2, 1, create=False)
    store.set_quantity(CartOwner.user(9), 1, 4, create=True)
    result = store.merge(owner.token, 9, {1: 5, 2: 0})
    assert result is not None
    assert sorted(result.merged, key=lambda m: m.variant_id) == [
        MergedLine(1, 7, 5),
        MergedLine(2, 1, 0),
    ]
    assert store.lines(CartOwner.user(9)) == {1: 5}
    assert store.lines(owner) is None
    assert store.merge(owner.token, 9, {1: 5, 2: 0}) is None  # a second merge finds nothing


def test_a_merge_without_a_cap_for_every_line_changes_nothing() -> None:
    store = InMemoryCartStore(ttl_seconds=10)
    owner = guest()
    assert owner.token is not None
    store.set_quantity(owner, 1, 3, create=True)
    store.set_quantity(owner, 2, 1, create=False)
    result = store.merge(owner.token, 9, {1: 5})
    assert result is not None
    assert result.missing == (2,)
    assert store.lines(owner) == {1: 3, 2: 1}
    assert store.lines(CartOwner.user(9)) == {}
