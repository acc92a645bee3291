"""An admin's export and erasure of a customer's data are audited in their own transaction,
and the erasure's entry names what was erased without any of the erased values."""

from __future__ import annotations

import json

import pytest

from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.domain.accounts.users import Role
from shop.domain.audit import Actor, Source
from shop.domain.errors import Conflict, NotFound
from shop.services.accounts import address_book, data_export, erasure, registration
from shop.services.accounts.ports import AccountEmailKind
from tests.unit.account_fakes import QueuedJobs
from tests.unit.fakes import FakeClock, FakeHasher, FakeUnitOfWork

ADMIN = Actor(user_id=1, email="boss@example.com", source=Source.API)
EMAIL, NAME = "ada@example.com", "Ada Lovelace"
HOME = {
    "full_name": NAME,
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


@pytest.fixture
def user_id(uow: FakeUnitOfWork, clock: FakeClock) -> int:
    user = registration.register(uow, FakeHasher(), clock, EMAIL, "long-enough", NAME)
    assert user.id is not None
    return user.id


def erasure_of(uow: FakeUnitOfWork, clock: FakeClock) -> erasure.Erasure:
    return erasure.Erasure(uow, FakeHasher(), InMemoryTokenStore(), clock, 3600)


def test_an_admins_export_is_audited_with_the_export_it_queued(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    jobs = QueuedJobs()
    export_id = data_export.export_for_admin(uow, jobs, clock, ADMIN, user_id)
    assert jobs.queued == [export_id]
    [entry] = uow.audit_entries
    assert (entry.actor_id, entry.actor_email, entry.source) == (1, "boss@example.com", "api")
    assert (entry.action, entry.entity, entry.entity_id) == ("export", "user", str(user_id))
    assert entry.changes == {"data_export": [None, export_id]}
    assert entry.at == clock.now()


def test_a_refused_admin_export_writes_no_audit_entry(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    jobs = QueuedJobs()
    data_export.export_for_admin(uow, jobs, clock, ADMIN, user_id)
    with pytest.raises(Conflict):  # one export at a time
        data_export.export_for_admin(uow, jobs, clock, ADMIN, user_id)
    with pytest.raises(NotFound):
        data_export.export_for_admin(uow, jobs, clock, ADMIN, user_id + 99)
    assert len(uow.audit_entries) == 1


def test_a_customers_own_export_is_not_an_admin_change(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    data_export.request_export(uow, QueuedJobs(), clock, user_id)
    assert uow.audit_entries == []


def test_an_admins_erasure_is_audited_without_the_erased_values(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    address_book.add_address(uow, clock, user_id, HOME)
    address_book.add_address(uow, clock, user_id, {**HOME, "line1": "1 Other Road"})
    uow.account_rows.orders.append(
        {"id": 7, "user_id": user_id, "email": EMAIL, "full_name": NAME, "phone": "1"}
    )
    uow.account_rows.reviews.append({"id": 3, "user_id": user_id})
    clock.advance(60)

    erasure.erase_by_admin(erasure_of(uow, clock), ADMIN, user_id)

    [entry] = uow.audit_entries
    assert (entry.action, entry.entity, entry.entity_id) == ("erase", "user", str(user_id))
    assert (entry.actor_id, entry.source) == (1, "api")
    assert entry.changes == {
        "email": [erasure.ERASED, f"deleted-{user_id}@deleted.invalid"],
        "full_name": [erasure.ERASED, ""],
        "deleted_at": [None, clock.now().isoformat()],
        "addresses": [2, 0],
        "order_contacts": [1, 0],
        "reviews": [1, 0],
    }
    written = json.dumps(entry.changes).lower()
    for personal in (EMAIL, "ada", "lovelace", "st james", "london", "7946"):
        assert personal not in written


def test_an_erasure_an_admin_may_not_make_writes_no_audit_entry(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    flow = erasure_of(uow, clock)
    with uow:
        user = uow.users.get(user_id)
        assert user is not None
        user.role = Role.ADMIN
        uow.commit()
    with pytest.raises(Conflict):
        erasure.erase_by_admin(flow, ADMIN, user_id)
    with pytest.raises(NotFound):
        erasure.erase_by_admin(flow, ADMIN, user_id + 99)
    assert uow.audit_entries == []


def test_a_customers_confirmed_deletion_is_not_an_admin_change(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    flow = erasure_of(uow, clock)
    erasure.request_deletion(flow, user_id, "long-enough")
    [email] = [e for e in uow.account_rows.emails if e.kind is AccountEmailKind.ACCOUNT_DELETION]
    erasure.confirm_deletion(flow, email.secret)
    assert uow.audit_entries == []
