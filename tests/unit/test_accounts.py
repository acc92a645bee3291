"""Account rules and use cases, with in-memory fakes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.domain.accounts.users import Role, normalise_email
from shop.domain.errors import Conflict, RateLimited, Unauthorized, ValidationFailed
from shop.services.accounts import registration, sign_in
from tests.unit.fakes import CLOCK, FakeHasher, FakeThrottle, FakeUnitOfWork

PASSWORD = "long-enough"


@given(st.sampled_from(["Ada@Example.COM", " ada@example.com ", "ADA@EXAMPLE.COM"]))
def test_emails_compare_case_insensitively(email: str) -> None:
    assert normalise_email(email) == "ada@example.com"


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "two@@example.com", "sp ace@x.io"])
def test_malformed_emails_are_refused(email: str) -> None:
    with pytest.raises(ValidationFailed):
        normalise_email(email)


def test_register_stores_a_hash_never_the_password(uow: FakeUnitOfWork) -> None:
    user = registration.register(uow, FakeHasher(), CLOCK, "Ada@Example.com", PASSWORD, " Ada ")
    assert user.email == "ada@example.com"
    assert user.full_name == "Ada"
    assert user.role == Role.CUSTOMER
    assert user.password_hash == f"hashed:{PASSWORD}"
    assert uow.committed


def test_register_refuses_an_existing_email(uow: FakeUnitOfWork) -> None:
    registration.register(uow, FakeHasher(), CLOCK, "ada@example.com", PASSWORD)
    with pytest.raises(Conflict):
        registration.register(uow, FakeHasher(), CLOCK, "ADA@example.com", PASSWORD)


def test_register_refuses_a_short_password(uow: FakeUnitOfWork) -> None:
    with pytest.raises(ValidationFailed) as caught:
        registration.register(uow, FakeHasher(), CLOCK, "ada@example.com", "short")
    assert "password" in caught.value.errors
    assert not uow.committed


def test_unknown_email_still_verifies_a_hash(uow: FakeUnitOfWork) -> None:
    hasher = FakeHasher()
    with pytest.raises(Unauthorized) as unknown:
        sign_in.authenticate(uow, hasher, "nobody@example.com", PASSWORD)
    assert hasher.verifications == 1  # same work as a wrong password: no timing oracle
    registration.register(uow, hasher, CLOCK, "ada@example.com", PASSWORD)
    with pytest.raises(Unauthorized) as wrong:
        sign_in.authenticate(uow, hasher, "ada@example.com", "wrong-password")
    assert unknown.value.detail == wrong.value.detail


def test_sign_in_counts_failures_and_then_refuses_even_the_right_password(
    uow: FakeUnitOfWork,
) -> None:
    hasher, throttle = FakeHasher(), FakeThrottle(limit=2)
    registration.register(uow, hasher, CLOCK, "ada@example.com", PASSWORD)
    for _ in range(2):
        with pytest.raises(Unauthorized):
            sign_in.sign_in(uow, hasher, throttle, "ada@example.com", "wrong!!!", "10.0.0.1")
    with pytest.raises(RateLimited) as caught:
        sign_in.sign_in(uow, hasher, throttle, "ada@example.com", PASSWORD, "10.0.0.1")
    assert caught.value.retry_after > 0


def test_a_successful_sign_in_is_not_counted(uow: FakeUnitOfWork) -> None:
    hasher, throttle = FakeHasher(), FakeThrottle(limit=1)
    registration.register(uow, hasher, CLOCK, "ada@example.com", PASSWORD)
    for _ in range(3):
        sign_in.sign_in(uow, hasher, throttle, "ada@example.com", PASSWORD, "10.0.0.1")
    assert throttle.failures == {}


def test_ensure_admin_creates_then_promotes_idempotently(uow: FakeUnitOfWork) -> None:
    hasher = FakeHasher()
    registration.register(uow, hasher, CLOCK, "boss@example.com", PASSWORD)
    admin = registration.ensure_admin(uow, hasher, CLOCK, "Boss@example.com", "new-password")
    again = registration.ensure_admin(uow, hasher, CLOCK, "boss@example.com", "new-password")
    assert admin.id == again.id
    assert admin.role == Role.ADMIN
    assert admin.password_hash == "hashed:new-password"
    assert len(uow.users.rows) == 1


def test_rotation_spends_a_refresh_token_once() -> None:
    tokens = InMemoryTokenStore()
    tokens.remember_refresh("r1", "fam", 60)
    sign_in.rotate_refresh_token(tokens, "r1", "fam", 60)
    with pytest.raises(Unauthorized):
        sign_in.rotate_refresh_token(tokens, "r1", "fam", 60)
    assert tokens.is_family_revoked("fam")


def test_reuse_revokes_the_tokens_issued_after_it() -> None:
    tokens = InMemoryTokenStore()
    tokens.remember_refresh("r1", "fam", 60)
    sign_in.rotate_refresh_token(tokens, "r1", "fam", 60)
    tokens.remember_refresh("r2", "fam", 60)  # issued by the rotation
    with pytest.raises(Unauthorized):
        sign_in.rotate_refresh_token(tokens, "r1", "fam", 60)  # the stolen copy
    with pytest.raises(Unauthorized):
        sign_in.rotate_refresh_token(tokens, "r2", "fam", 60)


def test_logout_revokes_the_access_token_and_the_session() -> None:
    tokens = InMemoryTokenStore()
    sign_in.logout(tokens, "access-1", 60, "fam", 60)
    assert tokens.is_revoked("access-1")
    assert tokens.is_family_revoked("fam")
