"""Reviews: the domain rules, and the use cases on in-memory fakes."""

from __future__ import annotations

import pytest

from shop.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shop.domain.reviews.authors import author_name, mask_email
from shop.domain.reviews.rating import rating_summary
from shop.domain.reviews.reviews import MAX_COMMENT_LENGTH, Review
from shop.services.common import ServiceUnavailable
from shop.services.reviews import reading, writing
from tests.unit.fakes import FakeCatalogVersion, FakeClock
from tests.unit.review_fakes import (
    FakePurchaseRecords,
    FakeReviewQueries,
    FakeReviewsUnitOfWorkFactory,
    Store,
)

PRODUCT = 7
ALICE, BOB = 1, 2


@pytest.fixture
def store() -> Store:
    store = Store()
    store.add_product(PRODUCT)
    store.authors[ALICE] = ("", "alice@example.com")
    store.authors[BOB] = ("Bob Builder", "bob@example.com")
    return store


@pytest.fixture
def uow(store: Store) -> FakeReviewsUnitOfWorkFactory:
    return FakeReviewsUnitOfWorkFactory(store)


@pytest.fixture
def version() -> FakeCatalogVersion:
    return FakeCatalogVersion()


@pytest.fixture
def purchases() -> FakePurchaseRecords:
    return FakePurchaseRecords()


def _write(
    uow: FakeReviewsUnitOfWorkFactory,
    version: FakeCatalogVersion,
    clock: FakeClock,
    user_id: int = ALICE,
    rating: int = 5,
    product_id: int = PRODUCT,
) -> int:
    clock.advance(1)
    return writing.write_review(
        uow, version, clock, product_id=product_id, user_id=user_id, rating=rating, comment="Ok"
    )


# The domain --------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 6, -1, True, 4.5, "5"])
def test_a_rating_is_a_whole_number_from_1_to_5(rating: object) -> None:
    with pytest.raises(ValidationFailed) as raised:
        Review(PRODUCT, ALICE, rating, "fine", created_at=FakeClock().now())  # type: ignore[arg-type]
    assert list(raised.value.errors) == ["rating"]


@pytest.mark.parametrize("comment", ["", "   \n ", "x" * (MAX_COMMENT_LENGTH + 1), "a\x00b"])
def test_a_comment_has_1_to_2000_characters_and_no_control_characters(comment: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        Review(PRODUCT, ALICE, 3, comment, created_at=FakeClock().now())
    assert list(raised.value.errors) == ["comment"]


def test_a_comment_is_kept_as_written_but_trimmed() -> None:
    text = "<b>Great</b> & cheap\n\tsecond line"
    review = Review(PRODUCT, ALICE, 3, f"  {text}  ", created_at=FakeClock().now())
    assert review.comment == text
    assert Review(PRODUCT, ALICE, 3, "x" * MAX_COMMENT_LENGTH, created_at=FakeClock().now())


def test_an_author_is_named_by_full_name_else_by_a_masked_email() -> None:
    assert author_name("Ada Lovelace", "ada@example.com") == "Ada Lovelace"
    assert author_name("", "alice@example.com") == "a***@example.com"
    assert author_name("  ", "z@shop.example") == "z***@shop.example"
    assert author_name(None, None) == "Anonymous"
    assert mask_email("not-an-email") == "Anonymous"


@pytest.mark.parametrize(
    ("total", "count", "average"),
    [(0, 0, None), (4, 1, 4.0), (13, 3, 4.3), (17, 4, 4.3), (9, 2, 4.5), (7, 3, 2.3), (5, 3, 1.7)],
)
def test_the_average_is_rounded_half_up_to_one_decimal(
    total: int, count: int, average: float | None
) -> None:
    assert rating_summary(total, count) == {"average": average, "count": count}


# Writing -----------------------------------------------------------------------------------


def test_a_review_counts_in_the_rating_and_bumps_the_catalog_version(
    uow: FakeReviewsUnitOfWorkFactory, version: FakeCatalogVersion, clock: FakeClock, store: Store
) -> None:
    _write(uow, version, clock, ALICE, 5)
    _write(uow, version, clock, BOB, 2)
    assert store.ratings[PRODUCT] == (7, 2)
    assert version.bumps == 4  # before and after each commit


def test_a_second_review_by_the_same_user_is_a_conflict_and_changes_nothing(
    uow: FakeReviewsUnitOfWorkFactory, version: FakeCatalogVersion, clock: FakeClock, store: Store
) -> None:
    _write(uow, version, clock, ALICE, 5)
    with pytest.raises(Conflict, match="already reviewed"):
        _write(uow, version, clock, ALICE, 1)
    assert store.ratings[PRODUCT] == (5, 1)
    assert len(store.reviews) == 1


@pytest.mark.parametrize("active", [False, None])
def test_an_inactive_or_unknown_product_cannot_be_reviewed(
    uow: FakeReviewsUnitOfWorkFactory,
    version: FakeCatalogVersion,
    clock: FakeClock,
    store: Store,
    active: bool | None,
) -> None:
    product_id = 99 if active is None else store.add_product(8, active=False)
    with pytest.raises(NotFound):
        _write(uow, version, clock, product_id=product_id)
    assert not any(made.committed for made in uow.made)
    assert version.bumps == 0


def test_a_bad_review_is_refused_before_any_unit_of_work(
    uow: FakeReviewsUnitOfWorkFactory, version: FakeCatalogVersion, clock: FakeClock
) -> None:
    with pytest.raises(ValidationFailed):
        _write(uow, version, clock, rating=9)
    assert uow.made == []


def test_a_write_while_the_version_store_is_down_writes_nothing(
    uow: FakeReviewsUnitOfWorkFactory, version: FakeCatalogVersion, clock: FakeClock, store: Store
) -> None:
    version.down = True
    with pytest.raises(ServiceUnavailable):
        _write(uow, version, clock)
    assert store.reviews == {}
    assert store.ratings[PRODUCT] == (0, 0)


# Deleting ----------------------------------------------------------------------------------


def test_the_author_deletes_a_review_and_its_rating_leaves_the_product(
    uow: FakeReviewsUnitOfWorkFactory, version: FakeCatalogVersion, clock: FakeClock, store: Store
) -> None:
    review_id = _write(uow, version, clock, ALICE, 4)
    writing.delete_review(uow, version, review_id, user_id=ALICE, is_admin=False)
    assert store.reviews == {}
    assert store.ratings[PRODUCT] == (0, 0)


def test_somebody_else_may_not_delete_a_review_but_an_admin_may(
    uow: FakeReviewsUnitOfWorkFactory, version: FakeCatalogVersion, clock: FakeClock, store: Store
) -> None:
    review_id = _write(uow, version, clock, ALICE, 4)
    with pytest.raises(Forbidden):
        writing.delete_review(uow, version, review_id, user_id=BOB, is_admin=False)
    assert review_id in store.reviews
    writing.delete_review(uow, version, review_id, user_id=BOB, is_admin=True)
    assert store.reviews == {}


def test_a_review_that_is_not_visible_is_not_found(
    uow: FakeReviewsUnitOfWorkFactory, version: FakeCatalogVersion, clock: FakeClock, store: Store
) -> None:
    review_id = _write(uow, version, clock, ALICE, 4)
    store.active[PRODUCT] = False
    with pytest.raises(NotFound):
        writing.delete_review(uow, version, review_id, user_id=ALICE, is_admin=False)
    with pytest.raises(NotFound):
        writing.delete_review(uow, version, 12345, user_id=ALICE, is_admin=True)
    writing.delete_review(uow, version, review_id, user_id=ALICE, is_admin=True)
    assert store.ratings[PRODUCT] == (0, 0)


# Reading -----------------------------------------------------------------------------------


def _page(
    store: Store,
    purchases: FakePurchaseRecords,
    product_id: int = PRODUCT,
    *,
    verified_only: bool = False,
    include_inactive: bool = False,
) -> tuple[list[dict[str, object]], int]:
    return reading.list_reviews(
        FakeReviewQueries(store, purchases),
        purchases,
        product_id,
        verified_only=verified_only,
        include_inactive=include_inactive,
        page=1,
        page_size=20,
    )


def test_a_page_is_newest_first_and_looks_up_purchases_once(
    uow: FakeReviewsUnitOfWorkFactory,
    version: FakeCatalogVersion,
    clock: FakeClock,
    store: Store,
    purchases: FakePurchaseRecords,
) -> None:
    first = _write(uow, version, clock, ALICE, 5)
    second = _write(uow, version, clock, BOB, 3)
    purchases.bought.add((ALICE, PRODUCT))

    rows, total = _page(store, purchases)

    assert total == 2
    assert [(r["id"], r["author_name"], r["verified_purchase"]) for r in rows] == [
        (second, "Bob Builder", False),
        (first, "a***@example.com", True),
    ]
    assert purchases.calls == 1
    assert all("email" not in key for row in rows for key in row)


def test_a_review_becomes_verified_once_its_author_has_bought_the_product(
    uow: FakeReviewsUnitOfWorkFactory,
    version: FakeCatalogVersion,
    clock: FakeClock,
    store: Store,
    purchases: FakePurchaseRecords,
) -> None:
    review_id = _write(uow, version, clock, ALICE, 5)
    queries = FakeReviewQueries(store, purchases)
    assert reading.get_review(queries, purchases, review_id)["verified_purchase"] is False
    purchases.bought.add((ALICE, PRODUCT))
    assert reading.get_review(queries, purchases, review_id)["verified_purchase"] is True


def test_verified_only_lists_the_verified_purchases_without_another_lookup(
    uow: FakeReviewsUnitOfWorkFactory,
    version: FakeCatalogVersion,
    clock: FakeClock,
    store: Store,
    purchases: FakePurchaseRecords,
) -> None:
    _write(uow, version, clock, ALICE, 5)
    bob = _write(uow, version, clock, BOB, 3)
    purchases.bought.add((BOB, PRODUCT))
    rows, total = _page(store, purchases, verified_only=True)
    assert (total, [r["id"] for r in rows], rows[0]["verified_purchase"]) == (1, [bob], True)
    assert purchases.calls == 0


def test_reviews_of_an_inactive_product_are_shown_to_admins_only(
    store: Store, purchases: FakePurchaseRecords
) -> None:
    store.add_product(8, active=False)
    with pytest.raises(NotFound):
        _page(store, purchases, 8)
    assert _page(store, purchases, 8, include_inactive=True) == ([], 0)
    with pytest.raises(NotFound):
        reading.get_review(FakeReviewQueries(store, purchases), purchases, 4242)
