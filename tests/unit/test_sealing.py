"""Link tokens are sealed in the outbox: only SECRET_KEY opens them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shop.adapters.sealing import Sealer


@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", max_size=200
    )
)
def test_a_sealed_secret_opens_with_the_same_key(secret: str) -> None:
    sealer = Sealer("key-one")
    assert sealer.open(sealer.seal(secret)) == secret


def test_the_sealed_text_shows_nothing_and_differs_each_time() -> None:
    sealer = Sealer("key-one")
    token = "XF3Y8iUBmetixSJVHYa-PIgUEucZBVkxWCPHNkKmpt8"
    first, second = sealer.seal(token), sealer.seal(token)
    assert first != second
    assert token not in first
    try:
        opened = Sealer("another-key").open(first)
    except UnicodeDecodeError:
        opened = None
    assert opened != token
