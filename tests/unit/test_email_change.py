"""Changing an account's email, with in-memory fakes: nothing changes until the link sent to
the new address is followed; the answer never tells whether the address has an account."""

from __future__ import annotations

import pytest

from shop.adapters.account_links import SignedAccountLinks
from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.adapters.sealing import Sealer
from shop.domain.accounts.link_tokens import InvalidLinkToken, LinkPurpose
from shop.domain.errors import Conflict, Forbidden, RateLimited, ValidationFailed
from shop.services.accounts import email_change, recovery, registration
from shop.services.accounts.ports import AccountEmail, AccountEmailKind
from shop.services.notifications import account_emails
from tests.unit.fakes import FakeClock, FakeHasher, FakeUnitOfWork
from tests.unit.test_account_recovery import CountingThrottle, InlineJobs

PASSWORD = "long-enough"
OLD, NEW = "ada@example.com", "countess@example.org"


@pytest.fixture
def tokens() -> InMemoryTokenStore:
    return InMemoryTokenStore()


@pytest.fixture
def change(
    uow: FakeUnitOfWork, clock: FakeClock, tokens: InMemoryTokenStore
) -> email_change.EmailChange:
    return email_change.EmailChange(uow, FakeHasher(), tokens, CountingThrottle(), clock, 3600)


@pytest.fixture
def user_id(uow: FakeUnitOfWork, clock: FakeClock) -> int:
    user = registration.register(uow, FakeHasher(), clock, OLD, PASSWORD, "Ada")
    assert user.id is not None
    return user.id


def sent(uow: FakeUnitOfWork, kind: AccountEmailKind) -> list[AccountEmail]:
    return [e for e in uow.account_rows.emails if e.kind is kind]


def email_of(uow: FakeUnitOfWork, user_id: int) -> tuple[str, bool]:
    user = uow.users.get(user_id)
    assert user is not None
    return user.email, user.email_verified


def test_the_address_changes_only_when_the_link_to_it_is_followed(
    uow: FakeUnitOfWork,
    change: email_change.EmailChange,
    clock: FakeClock,
    tokens: InMemoryTokenStore,
    user_id: int,
) -> None:
    uow.account_rows.orders.append({"id": 9, "user_id": None, "email": NEW})  # as a guest
    email_change.request_change(change, user_id, PASSWORD, " Countess@Example.org ", "1")
    assert email_of(uow, user_id) == (OLD, False)
    [link] = sent(uow, AccountEmailKind.EMAIL_CHANGE)
    [notice] = sent(uow, AccountEmailKind.EMAIL_CHANGE_NOTICE)
    assert notice.secret == OLD  # the notice goes to the address in use when asked
    issued_before = clock.now().timestamp()
    clock.advance(1)

    assert email_change.confirm_change(change, link.secret) == user_id

    assert email_of(uow, user_id) == (NEW, True)
    assert uow.account_rows.orders[0]["user_id"] == user_id  # verified: its guest orders join
    assert tokens.is_token_revoked("jti", None, user_id, issued_before)
    assert uow.users.get_by_email(OLD) is None
    with pytest.raises(InvalidLinkToken):
        email_change.confirm_change(change, link.secret)
    assert all(t.new_email is None for t in uow.account_rows.link_tokens.values())


def test_a_wrong_password_or_a_bad_address_changes_and_sends_nothing(
    uow: FakeUnitOfWork, change: email_change.EmailChange, user_id: int
) -> None:
    with pytest.raises(Forbidden):
        email_change.request_change(change, user_id, "wrong password", NEW, "1")
    with pytest.raises(ValidationFailed) as invalid:
        email_change.request_change(change, user_id, PASSWORD, "not an address", "1")
    assert list(invalid.value.errors) == ["new_email"]
    with pytest.raises(ValidationFailed):
        email_change.request_change(change, user_id, PASSWORD, OLD.upper(), "1")
    assert uow.account_rows.emails[1:] == []  # only the registration's verification


def test_a_taken_address_gets_the_same_answer_and_no_link(
    uow: FakeUnitOfWork, change: email_change.EmailChange, clock: FakeClock, user_id: int
) -> None:
    registration.register(uow, FakeHasher(), clock, NEW, PASSWORD)
    email_change.request_change(change, user_id, PASSWORD, NEW, "1")  # no error either
    assert sent(uow, AccountEmailKind.EMAIL_CHANGE) == []
    assert [n.secret for n in sent(uow, AccountEmailKind.EMAIL_CHANGE_NOTICE)] == [OLD]
    assert email_of(uow, user_id) == (OLD, False)


def test_a_newer_request_supersedes_the_older_link(
    uow: FakeUnitOfWork, change: email_change.EmailChange, user_id: int
) -> None:
    email_change.request_change(change, user_id, PASSWORD, "first@example.org", "1")
    email_change.request_change(change, user_id, PASSWORD, NEW, "1")
    first, second = sent(uow, AccountEmailKind.EMAIL_CHANGE)
    with pytest.raises(InvalidLinkToken):
        email_change.confirm_change(change, first.secret)
    email_change.confirm_change(change, second.secret)
    assert email_of(uow, user_id) == (NEW, True)


def test_an_address_taken_before_the_confirmation_is_a_conflict(
    uow: FakeUnitOfWork, change: email_change.EmailChange, clock: FakeClock, user_id: int
) -> None:
    email_change.request_change(change, user_id, PASSWORD, NEW, "1")
    [link] = sent(uow, AccountEmailKind.EMAIL_CHANGE)
    registration.register(uow, FakeHasher(), clock, NEW, PASSWORD)
    with pytest.raises(Conflict):
        email_change.confirm_change(change, link.secret)
    assert email_of(uow, user_id) == (OLD, False)


def test_links_sent_to_the_old_address_stop_working(
    uow: FakeUnitOfWork, change: email_change.EmailChange, clock: FakeClock, user_id: int
) -> None:
    reset_flow = recovery.Recovery(
        uow, FakeHasher(), InMemoryTokenStore(), CountingThrottle(), InlineJobs(), clock, 3600
    )
    recovery.send_reset_link(reset_flow, OLD)
    email_change.request_change(change, user_id, PASSWORD, NEW, "1")
    [link] = sent(uow, AccountEmailKind.EMAIL_CHANGE)
    email_change.confirm_change(change, link.secret)
    for purpose in (LinkPurpose.PASSWORD_RESET, LinkPurpose.EMAIL_VERIFICATION):
        old_links = [t for t in uow.account_rows.link_tokens.values() if t.purpose is purpose]
        assert old_links
        assert all(t.superseded_at is not None for t in old_links)


def test_requests_are_rate_limited_per_account(
    uow: FakeUnitOfWork, clock: FakeClock, user_id: int
) -> None:
    throttle = CountingThrottle(limit=1)
    limited = email_change.EmailChange(
        uow, FakeHasher(), InMemoryTokenStore(), throttle, clock, 3600
    )
    email_change.request_change(limited, user_id, PASSWORD, NEW, "1")
    with pytest.raises(RateLimited):
        email_change.request_change(limited, user_id, PASSWORD, NEW, "1")
    assert throttle.hits[0] == (f"email-change:{user_id}", "1")


def test_the_link_goes_to_the_new_address_and_the_notice_to_the_old_one(
    uow: FakeUnitOfWork, change: email_change.EmailChange, user_id: int
) -> None:
    sealer = Sealer("a-secret-key-for-tests-only-0123456789")
    links = SignedAccountLinks("https://shop.example", "a-secret-key-for-tests-only-0123456789")
    mail = account_emails.AccountMail(uow, links, sealer, "shop@shop.example")
    email_change.request_change(change, user_id, PASSWORD, NEW, "1")
    [link] = sent(uow, AccountEmailKind.EMAIL_CHANGE)
    [notice] = sent(uow, AccountEmailKind.EMAIL_CHANGE_NOTICE)

    stored = account_emails.outbox_payload(sealer, notice)
    assert OLD not in str(stored)  # the outbox holds the old address sealed only
    told = account_emails.compose(mail, 1, stored)
    assert told is not None
    assert told["To"] == OLD
    told_text = told.get_body(preferencelist=("plain",))
    assert told_text is not None
    assert "http" not in told_text.get_content()
    assert NEW not in told_text.get_content()

    asked = account_emails.compose(mail, 2, account_emails.outbox_payload(sealer, link))
    assert asked is not None
    assert asked["To"] == NEW
    asked_text = asked.get_body(preferencelist=("plain",))
    assert asked_text is not None
    assert "/account/confirm-email-change?token=" in asked_text.get_content()

    email_change.request_change(change, user_id, PASSWORD, "other@example.org", "1")
    superseded = account_emails.outbox_payload(sealer, link)
    assert account_emails.compose(mail, 3, superseded) is None  # not worth sending any more


def test_the_maintenance_forgets_a_new_address_once_its_link_expired_unused(
    uow: FakeUnitOfWork, change: email_change.EmailChange, clock: FakeClock, user_id: int
) -> None:
    def pending() -> list[str | None]:
        tokens = uow.account_rows.link_tokens.values()
        return [t.new_email for t in tokens if t.purpose is LinkPurpose.EMAIL_CHANGE]

    email_change.request_change(change, user_id, PASSWORD, NEW, "1")
    clock.advance(24 * 3600 - 1)
    assert email_change.forget_expired_addresses(uow, clock) == 0
    assert pending() == [NEW]  # the link still works: kept
    clock.advance(1)
    assert email_change.forget_expired_addresses(uow, clock) == 1
    assert pending() == [None]
    assert email_change.forget_expired_addresses(uow, clock) == 0
