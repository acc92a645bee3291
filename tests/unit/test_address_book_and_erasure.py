"""The address book, erasure and data export use cases, with in-memory fakes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.domain.accounts.addresses import Address
from shop.domain.accounts.link_tokens import InvalidLinkToken
from shop.domain.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from shop.services.accounts import address_book, data_export, erasure, registration, sign_in
from shop.services.accounts.ports import AccountEmailKind
from tests.unit.account_fakes import QueuedJobs
from tests.unit.fakes import FakeClock, FakeHasher, FakeThrottle, FakeUnitOfWork

PASSWORD = "long-enough"
HOME = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "gb",
    "phone": "+44 20 7946 0000",
}


@pytest.fixture
def user_id(uow: FakeUnitOfWork, clock: FakeClock) -> int:
    user = registration.register(uow, FakeHasher(), clock, "ada@example.com", PASSWORD, "Ada")
    assert user.id is not None
    return user.id


def defaults(uow: FakeUnitOfWork, user_id: int) -> tuple[list[int | None], list[int | None]]:
    book = address_book.list_addresses(uow, user_id)
    return (
        [a.id for a in book if a.is_default_shipping],
        [a.id for a in book if a.is_default_billing],
    )


def test_an_address_is_checked_and_its_country_upper_cased(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    address = address_book.add_address(uow, clock, user_id, HOME)
    assert address.country == "GB"
    with pytest.raises(ValidationFailed) as refused:
        address_book.add_address(uow, clock, user_id, {**HOME, "country": "GBR", "city": " "})
    assert set(refused.value.errors) == {"country", "city"}


def test_one_default_of_each_kind_moves_to_the_newest_choice(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    first = address_book.add_address(
        uow, clock, user_id, {**HOME, "is_default_shipping": True, "is_default_billing": True}
    )
    second = address_book.add_address(uow, clock, user_id, {**HOME, "is_default_shipping": True})
    assert defaults(uow, user_id) == ([second.id], [first.id])
    address_book.update_address(uow, clock, user_id, first.id or 0, {"is_default_shipping": True})
    assert defaults(uow, user_id) == ([first.id], [first.id])
    address_book.update_address(uow, clock, user_id, first.id or 0, {"is_default_billing": False})
    assert defaults(uow, user_id) == ([first.id], [])


def test_nobody_reads_changes_or_deletes_anothers_address(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    mine = address_book.add_address(uow, clock, user_id, HOME)
    stranger = user_id + 1
    with pytest.raises(NotFound):
        address_book.get_address(uow, stranger, mine.id or 0)
    with pytest.raises(NotFound):
        address_book.update_address(uow, clock, stranger, mine.id or 0, {"city": "Paris"})
    with pytest.raises(NotFound):
        address_book.delete_address(uow, stranger, mine.id or 0)
    assert address_book.get_address(uow, user_id, mine.id or 0).city == "London"


def test_an_address_snapshot_is_a_copy() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    address = Address(1, "Ada", "1 Lane", "London", "N1", "GB", created_at=now, updated_at=now)
    snapshot = address.snapshot()
    address.change({"city": "Paris"}, now)
    assert snapshot["city"] == "London"
    assert "full_name" not in snapshot


def erasure_of(
    uow: FakeUnitOfWork, clock: FakeClock, tokens: InMemoryTokenStore
) -> erasure.Erasure:
    return erasure.Erasure(uow, FakeHasher(), tokens, clock, 3600)


def test_deletion_needs_the_password_then_the_emailed_link(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    tokens = InMemoryTokenStore()
    flow = erasure_of(uow, clock, tokens)
    with pytest.raises(Forbidden):
        erasure.request_deletion(flow, user_id, "wrong password")
    erasure.request_deletion(flow, user_id, PASSWORD)
    [email] = [e for e in uow.account_rows.emails if e.kind is AccountEmailKind.ACCOUNT_DELETION]
    address_book.add_address(uow, clock, user_id, HOME)
    uow.account_rows.orders.append(
        {"id": 7, "user_id": user_id, "email": "ada@example.com", "full_name": "Ada", "phone": "1"}
    )
    uow.account_rows.reviews.append({"id": 3, "user_id": user_id})
    issued_before = clock.now().timestamp()
    clock.advance(1)

    erasure.confirm_deletion(flow, email.secret)

    user = uow.users.get(user_id)
    assert user is not None
    assert user.is_deleted
    assert "ada" not in user.email
    assert user.full_name == ""
    assert uow.users.get_by_email("ada@example.com") is None
    assert address_book.list_addresses(uow, user_id) == []
    assert uow.account_rows.orders[0]["email"] == ""
    assert uow.account_rows.reviews[0]["user_id"] is None
    assert uow.account_rows.link_tokens == {}
    assert tokens.is_token_revoked("jti", None, user_id, issued_before)
    with pytest.raises(Unauthorized):
        sign_in.sign_in(uow, FakeHasher(), FakeThrottle(), "ada@example.com", PASSWORD, "1")
    with pytest.raises(InvalidLinkToken):
        erasure.confirm_deletion(flow, email.secret)


def test_an_export_is_one_at_a_time_and_holds_the_accounts_data(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    jobs = QueuedJobs()
    address_book.add_address(uow, clock, user_id, HOME)
    uow.account_rows.orders += [
        {"id": 1, "user_id": user_id, "email": "ada@example.com"},
        {"id": 2, "user_id": user_id + 1, "email": "bob@example.com"},
    ]
    export_id = data_export.request_export(uow, jobs, clock, user_id)
    assert jobs.queued == [export_id]
    with pytest.raises(Conflict):
        data_export.request_export(uow, jobs, clock, user_id)
    with pytest.raises(NotFound):
        data_export.download(uow, clock, export_id)  # not ready yet

    assert data_export.build_export(uow, clock, export_id)
    assert not data_export.build_export(uow, clock, export_id)  # a second run does nothing

    document = json.loads(data_export.download(uow, clock, export_id))
    assert document["account"]["email"] == "ada@example.com"
    assert [o["id"] for o in document["orders"]] == [1]
    assert [a["city"] for a in document["addresses"]] == ["London"]
    ready = [e for e in uow.account_rows.emails if e.kind is AccountEmailKind.DATA_EXPORT_READY]
    assert [e.secret for e in ready] == [str(export_id)]
    clock.advance(24 * 3600)
    with pytest.raises(NotFound):
        data_export.download(uow, clock, export_id)
    data_export.request_export(uow, jobs, clock, user_id)  # the finished one no longer blocks


def test_expired_exports_are_purged(uow: FakeUnitOfWork, clock: FakeClock, user_id: int) -> None:
    export_id = data_export.request_export(uow, QueuedJobs(), clock, user_id)
    data_export.build_export(uow, clock, export_id)
    assert data_export.purge_expired(uow, clock) == 0
    clock.advance(24 * 3600)
    assert data_export.purge_expired(uow, clock) == 1
    assert uow.account_rows.exports == {}
