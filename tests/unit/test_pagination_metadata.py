"""The X-Pagination header's metadata: flask-smorest's, capped at the 10,000 window."""

from __future__ import annotations

from flask_smorest.pagination import PaginationMixin
from hypothesis import given
from hypothesis import strategies as st

from shop.entrypoints.api.pagination import windowed_pagination_metadata
from shop.services.common import MAX_WINDOW


@given(
    page=st.integers(1, 600),
    page_size=st.integers(1, 100),
    item_count=st.integers(0, 3 * MAX_WINDOW),
)
def test_the_metadata_is_flask_smorest_s_of_the_capped_total(
    page: int, page_size: int, item_count: int
) -> None:
    expected = PaginationMixin._make_pagination_metadata(
        page, page_size, min(item_count, MAX_WINDOW)
    )
    expected["total_relation"] = "gte" if item_count > MAX_WINDOW else "eq"
    assert windowed_pagination_metadata(page, page_size, item_count) == expected
