"""Commands sent packed on a pooled connection (`round_trip`, `run_script`) answer what
redis-py's own calls answer, survive a Redis that forgot the scripts, and leave no reply
behind on a connection for the next command to read."""

from __future__ import annotations

import pytest
from redis import Redis
from redis.exceptions import ResponseError

from shop.adapters.redis.cart_store import RedisCartStore
from shop.adapters.redis.client import round_trip
from shop.domain.cart.cart import CartOwner, new_guest_token
from tests.integration.test_cart_store import redis_client  # noqa: F401 (a fixture)

pytestmark = pytest.mark.timeout(60)


def test_a_cart_write_reloads_a_script_redis_forgot(redis_client: Redis) -> None:  # noqa: F811
    store = RedisCartStore(redis_client, 3600)
    owner = CartOwner.guest(new_guest_token())
    first = store.add(owner, 7, 2, 10, create=True)
    assert first is not None
    redis_client.script_flush()  # as a restarted or flushed Redis
    added = store.add(owner, 7, 3, 10, create=True)
    assert added is not None
    assert (added.applied, added.quantity, added.lines) == (True, 5, {7: 5})
    assert store.set_quantity(owner, 8, 1, create=False) == {7: 5, 8: 1}
    redis_client.script_flush()
    assert store.set_quantity(owner, 7, 0, create=False) == {8: 1}
    assert store.lines(owner) == {8: 1}


def test_packed_replies_are_redis_pys_raw_replies(redis_client: Redis) -> None:  # noqa: F811
    redis_client.hset("h", mapping={"1": "2", "_": "1"})
    redis_client.set("v", "42")
    flat, version, missing = round_trip(
        redis_client,
        lambda c: c.pack_commands([("HGETALL", "h"), ("GET", "v"), ("GET", "nothing")]),
        3,
    )
    pairs = flat.items() if isinstance(flat, dict) else zip(flat[::2], flat[1::2], strict=True)
    assert dict(pairs) == redis_client.hgetall("h")
    assert (version, missing) == ("42", None)


def test_an_error_reply_leaves_nothing_to_read(redis_client: Redis) -> None:  # noqa: F811
    redis_client.mset({"text": "not a hash", "left": "left behind", "v": "1"})
    for _ in range(3):  # every connection of the pool this may take
        with pytest.raises(ResponseError):
            round_trip(
                redis_client, lambda c: c.pack_commands([("HGETALL", "text"), ("GET", "left")]), 2
            )
        assert round_trip(redis_client, lambda c: c.pack_command("GET", "v"), 1) == ["1"]
        assert redis_client.get("v") == "1"
