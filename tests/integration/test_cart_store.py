"""The cart stores against the real thing: RedisCartStore on the session's redis-server, and the
in-process twin the embedded default uses. Both must behave exactly as the domain's `Cart`."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis import Redis

from shop.adapters.memory.cart_store import InMemoryCartStore
from shop.adapters.redis.cart_store import RedisCartStore
from shop.adapters.redis.catalog_version import RedisCatalogVersion
from shop.adapters.redis.client import make_redis
from shop.domain.cart.cart import Cart, CartOwner, MergedLine, new_guest_token
from shop.services.cart.ports import CartStore, MergeResult

pytestmark = pytest.mark.timeout(120)

STORES = ("redis", "memory")
_user_ids = itertools.count(1)


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[Redis]:
    client = make_redis(redis_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(params=STORES)
def make_store(
    request: pytest.FixtureRequest,
) -> Callable[[int], CartStore]:
    def factory(ttl: int = 3600) -> CartStore:
        if request.param == "redis":
            return RedisCartStore(request.getfixturevalue("redis_client"), ttl)
        return InMemoryCartStore(ttl)

    return factory


def guest() -> CartOwner:
    return CartOwner.guest(new_guest_token())


# -- the same rules as the domain ---------------------------------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(1, 6), st.integers(1, 5), st.integers(0, 12)),
        st.tuples(st.just("set"), st.integers(1, 6), st.integers(0, 9), st.just(0)),
        st.tuples(st.just("clear"), st.just(0), st.just(0), st.just(0)),
    ),
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_a_store_applies_every_operation_as_the_domain_cart_does(
    make_store: Callable[[int], CartStore], ops: list[tuple[str, int, int, int]]
) -> None:
    store = make_store(3600)
    owner = CartOwner.user(next(_user_ids))
    model = Cart()
    for kind, variant_id, quantity, cap in ops:
        if kind == "add":
            result = store.add(owner, variant_id, quantity, cap, create=True)
            assert result is not None
            applied = model.add(variant_id, quantity, cap)
            assert result.applied == applied
            assert result.quantity == model.quantity(variant_id)
            assert dict(result.lines) == model.lines
        elif kind == "set":
            lines = store.set_quantity(owner, variant_id, quantity, create=True)
            model.set_quantity(variant_id, quantity)
            assert lines == model.lines
        else:
            store.clear(owner)
            model.clear()
        assert store.lines(owner) == model.lines


carts = st.dictionaries(st.integers(1, 8), st.integers(1, 20), max_size=6)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(user_lines=carts, guest_lines=carts, data=st.data())
def test_a_store_merges_as_the_domain_cart_does(
    make_store: Callable[[int], CartStore],
    user_lines: dict[int, int],
    guest_lines: dict[int, int],
    data: st.DataObject,
) -> None:
    caps = {v: data.draw(st.integers(0, 25)) for v in guest_lines}
    store = make_store(3600)
    user_id = next(_user_ids)
    token = new_guest_token()
    for variant_id, quantity in user_lines.items():
        store.set_quantity(CartOwner.user(user_id), variant_id, quantity, create=True)
    store.add(CartOwner.guest(token), 99, 1, 1, create=True)
    store.set_quantity(CartOwner.guest(token), 99, 0, create=False)  # empty, but known
    for variant_id, quantity in guest_lines.items():
        store.set_quantity(CartOwner.guest(token), variant_id, quantity, create=False)
    assert store.lines(CartOwner.guest(token)) == guest_lines

    result = store.merge(token, user_id, caps)
    model = Cart(user_lines)
    expected = model.merge(guest_lines, caps)
    assert result is not None
    assert sorted(result.merged, key=lambda m: m.variant_id) == expected
    assert result.lines == model.lines
    assert store.lines(CartOwner.user(user_id)) == model.lines
    assert store.lines(CartOwner.guest(token)) is None


# -- guest carts: known, unknown, emptied ------------------------------------------------------


def test_an_unknown_guest_cart_is_never_created_by_a_write_that_says_not_to(
    make_store: Callable[[int], CartStore],
) -> None:
    store, owner = make_store(3600), guest()
    assert store.lines(owner) is None
    assert store.add(owner, 1, 1, 5, create=False) is None
    assert store.set_quantity(owner, 1, 2, create=False) is None
    assert store.set_quantity(owner, 1, 0, create=True) == {}
    assert store.clear(owner) is False
    store.discard(owner, [1, 2])
    assert store.lines(owner) is None


def test_an_emptied_guest_cart_stays_known(make_store: Callable[[int], CartStore]) -> None:
    store, owner = make_store(3600), guest()
    store.add(owner, 1, 2, 5, create=True)
    assert store.set_quantity(owner, 1, 0, create=False) == {}
    assert store.lines(owner) == {}
    assert store.add(owner, 2, 1, 5, create=False) is not None
    assert store.clear(owner) is True
    assert store.lines(owner) == {}


def test_a_refused_add_changes_nothing_and_creates_nothing(
    make_store: Callable[[int], CartStore],
) -> None:
    store, owner = make_store(3600), guest()
    refused = store.add(owner, 1, 6, 5, create=True)
    assert refused is not None
    assert not refused.applied
    assert store.lines(owner) is None
    store.add(owner, 1, 5, 5, create=True)
    refused = store.add(owner, 1, 1, 5, create=False)
    assert refused is not None
    assert (refused.applied, refused.quantity) == (False, 5)


def test_discarding_lines_keeps_the_rest(make_store: Callable[[int], CartStore]) -> None:
    store, owner = make_store(3600), CartOwner.user(1)
    for variant_id in (1, 2, 3):
        store.add(owner, variant_id, 1, 5, create=True)
    store.discard(owner, [1, 3])
    assert store.lines(owner) == {2: 1}


def test_a_merge_with_a_line_lacking_a_cap_changes_nothing(
    make_store: Callable[[int], CartStore],
) -> None:
    store, owner = make_store(3600), guest()
    assert owner.token is not None
    store.set_quantity(owner, 1, 1, create=True)
    store.set_quantity(owner, 2, 1, create=False)
    result = store.merge(owner.token, 5, {1: 9})
    assert result is not None
    assert result.missing == (2,)
    assert store.lines(owner) == {1: 1, 2: 1}
    assert store.lines(CartOwner.user(5)) == {}


# -- expiry -------------------------------------------------------------------------------------


def test_a_cart_expires_after_its_ttl_without_writes_and_every_write_renews_it(
    make_store: Callable[[int], CartStore],
) -> None:
    store, owner = make_store(1), guest()
    store.add(owner, 1, 1, 5, create=True)
    for write in (
        lambda: store.add(owner, 1, 1, 5, create=False),
        lambda: store.set_quantity(owner, 2, 1, create=False),
        lambda: store.clear(owner),
    ):
        time.sleep(0.6)
        write()
    time.sleep(0.6)
    assert store.lines(owner) == {}
    time.sleep(0.7)
    assert store.lines(owner) is None


def test_the_redis_hash_carries_the_configured_ttl(redis_client: Redis) -> None:
    store = RedisCartStore(redis_client, ttl_seconds=7 * 24 * 3600)
    owner = guest()
    store.add(owner, 1, 1, 5, create=True)
    key = store.key(owner)
    assert 7 * 24 * 3600 - 5 <= redis_client.ttl(key) <= 7 * 24 * 3600
    redis_client.expire(key, 100)
    store.lines(owner)
    assert redis_client.ttl(key) <= 100  # reads do not renew
    store.set_quantity(owner, 1, 2, create=False)
    assert redis_client.ttl(key) > 100
    assert redis_client.hgetall(key) == {"1": "2", "_": "1"}


def test_user_and_guest_carts_never_share_a_key(redis_client: Redis) -> None:
    store = RedisCartStore(redis_client, 60)
    assert store.key(CartOwner.user(1)) != store.key(CartOwner.guest("1" * 43))
    assert store.key(CartOwner.user(1)).startswith("shop:cart:user:")


# -- concurrency --------------------------------------------------------------------------------


def test_concurrent_adds_to_one_line_never_pass_the_cap(
    make_store: Callable[[int], CartStore],
) -> None:
    store, owner = make_store(3600), CartOwner.user(42)
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: store.add(owner, 1, 1, 50, create=True), range(200)))
    assert sum(1 for r in results if r is not None and r.applied) == 50
    assert store.lines(owner) == {1: 50}


def test_concurrent_merges_of_one_guest_cart_move_its_lines_once(
    make_store: Callable[[int], CartStore],
) -> None:
    store = make_store(3600)
    for round_ in range(20):
        token, user_id = new_guest_token(), 1000 + round_
        store.set_quantity(CartOwner.guest(token), 1, 2, create=True)
        store.set_quantity(CartOwner.guest(token), 2, 3, create=False)
        start = threading.Barrier(6)

        def merge(
            _: int, token: str = token, user_id: int = user_id, start: threading.Barrier = start
        ) -> MergeResult | None:
            start.wait()
            return store.merge(token, user_id, {1: 99, 2: 99})

        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(merge, range(6)))
        winners = [r for r in results if r is not None]
        assert len(winners) == 1
        assert sorted(winners[0].merged, key=lambda m: m.variant_id) == [
            MergedLine(1, 2, 2),
            MergedLine(2, 3, 3),
        ]
        assert store.lines(CartOwner.user(user_id)) == {1: 2, 2: 3}


def test_lines_read_with_the_catalog_version_are_the_same_lines(
    make_store: Callable[[int], CartStore],
) -> None:
    store, owner, user = make_store(3600), guest(), CartOwner.user(next(_user_ids))
    assert store.lines_and_catalog_version(owner)[0] is None
    assert store.lines_and_catalog_version(user)[0] == {}
    store.add(owner, 1, 2, 5, create=True)
    store.add(owner, 3, 1, 5, create=True)
    assert store.lines_and_catalog_version(owner)[0] == store.lines(owner) == {1: 2, 3: 1}


def test_the_redis_store_reads_the_catalog_version_it_shares(redis_client: Redis) -> None:
    version = RedisCatalogVersion(redis_client)
    store = RedisCartStore(redis_client, 3600)
    assert store.lines_and_catalog_version(guest()) == (None, None)  # not set yet
    current = version.current()
    assert store.lines_and_catalog_version(guest())[1] == current
    version.bump()
    assert store.lines_and_catalog_version(guest())[1] == version.current() != current
