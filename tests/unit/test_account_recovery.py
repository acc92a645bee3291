"""Password reset, email verification and link tokens, with in-memory fakes."""

from __future__ import annotations

import pytest

from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.domain.accounts.link_tokens import InvalidLinkToken, LinkPurpose, hash_link_token
from shop.domain.errors import Forbidden, RateLimited, ValidationFailed
from shop.services.accounts import recovery, registration, sign_in, verification
from shop.services.accounts.ports import AccountEmailKind
from tests.unit.fakes import FakeClock, FakeHasher, FakeThrottle, FakeUnitOfWork

PASSWORD = "long-enough"
NEW_PASSWORD = "another-long-one"


class CountingThrottle:
    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self.hits: list[tuple[str, str]] = []

    def hit(self, subject: str, client: str) -> int:
        self.hits.append((subject, client))
        same = sum(1 for s, _ in self.hits if s == subject)
        return 60 if same > self.limit else 0


class InlineJobs:
    """Runs the reset job at once, as a worker would after the request."""

    def __init__(self) -> None:
        self.recovery: recovery.Recovery | None = None
        self.resets: list[str] = []

    def build_export(self, export_id: int) -> None:
        raise AssertionError("not expected here")

    def send_password_reset(self, email: str) -> None:
        self.resets.append(email)
        assert self.recovery is not None
        recovery.send_reset_link(self.recovery, email)


def recovery_with(
    uow: FakeUnitOfWork, clock: FakeClock, tokens: InMemoryTokenStore, throttle: CountingThrottle
) -> recovery.Recovery:
    jobs = InlineJobs()
    jobs.recovery = recovery.Recovery(uow, FakeHasher(), tokens, throttle, jobs, clock, 3600)
    return jobs.recovery


@pytest.fixture
def tokens() -> InMemoryTokenStore:
    return InMemoryTokenStore()


@pytest.fixture
def rec(uow: FakeUnitOfWork, clock: FakeClock, tokens: InMemoryTokenStore) -> recovery.Recovery:
    return recovery_with(uow, clock, tokens, CountingThrottle())


def last_link(uow: FakeUnitOfWork, kind: AccountEmailKind) -> str:
    emails = [e for e in uow.account_rows.emails if e.kind is kind]
    assert emails, f"no {kind} email was recorded"
    return emails[-1].secret


def register(uow: FakeUnitOfWork, clock: FakeClock, email: str = "ada@example.com") -> int:
    user = registration.register(uow, FakeHasher(), clock, email, PASSWORD)
    assert user.id is not None
    return user.id


def test_registration_records_a_verification_email_in_its_transaction(
    uow: FakeUnitOfWork, clock: FakeClock
) -> None:
    user_id = register(uow, clock)
    assert [(e.kind, e.user_id) for e in uow.account_rows.emails] == [
        (AccountEmailKind.EMAIL_VERIFICATION, user_id)
    ]
    raw = last_link(uow, AccountEmailKind.EMAIL_VERIFICATION)
    stored = list(uow.account_rows.link_tokens.values())
    assert [t.token_hash for t in stored] == [hash_link_token(raw)]
    assert raw not in {t.token_hash for t in stored}
    assert len(raw) >= 43  # 256 bits, URL-safe base64


def test_a_reset_token_works_once(
    uow: FakeUnitOfWork, clock: FakeClock, rec: recovery.Recovery
) -> None:
    register(uow, clock)
    recovery.request_reset(rec, "Ada@Example.com", "10.0.0.1")
    raw = last_link(uow, AccountEmailKind.PASSWORD_RESET)
    recovery.confirm_reset(rec, raw, NEW_PASSWORD)
    user = uow.users.get_by_email("ada@example.com")
    assert user is not None
    assert user.password_hash == f"hashed:{NEW_PASSWORD}"
    with pytest.raises(InvalidLinkToken):
        recovery.confirm_reset(rec, raw, "yet-another-one")


def test_an_expired_reset_token_is_refused(
    uow: FakeUnitOfWork, clock: FakeClock, rec: recovery.Recovery
) -> None:
    register(uow, clock)
    recovery.request_reset(rec, "ada@example.com", "10.0.0.1")
    raw = last_link(uow, AccountEmailKind.PASSWORD_RESET)
    clock.advance(3600)
    with pytest.raises(InvalidLinkToken):
        recovery.confirm_reset(rec, raw, NEW_PASSWORD)


def test_a_newer_reset_token_supersedes_the_older(
    uow: FakeUnitOfWork, clock: FakeClock, rec: recovery.Recovery
) -> None:
    register(uow, clock)
    recovery.request_reset(rec, "ada@example.com", "10.0.0.1")
    older = last_link(uow, AccountEmailKind.PASSWORD_RESET)
    recovery.request_reset(rec, "ada@example.com", "10.0.0.1")
    newer = last_link(uow, AccountEmailKind.PASSWORD_RESET)
    with pytest.raises(InvalidLinkToken):
        recovery.confirm_reset(rec, older, NEW_PASSWORD)
    recovery.confirm_reset(rec, newer, NEW_PASSWORD)


def test_a_token_of_another_purpose_or_a_forged_one_is_refused(
    uow: FakeUnitOfWork, clock: FakeClock, rec: recovery.Recovery
) -> None:
    register(uow, clock)
    verification_link = last_link(uow, AccountEmailKind.EMAIL_VERIFICATION)
    with pytest.raises(InvalidLinkToken):
        recovery.confirm_reset(rec, verification_link, NEW_PASSWORD)
    with pytest.raises(InvalidLinkToken):
        recovery.confirm_reset(rec, "x" * 43, NEW_PASSWORD)


def test_a_reset_request_only_hands_the_email_to_a_job(
    uow: FakeUnitOfWork, clock: FakeClock, rec: recovery.Recovery
) -> None:
    register(uow, clock)
    before = list(uow.account_rows.emails)
    recovery.request_reset(rec, "Nobody@Example.com", "10.0.0.1")
    recovery.request_reset(rec, "not an email", "10.0.0.1")
    assert isinstance(rec.jobs, InlineJobs)
    assert rec.jobs.resets == ["nobody@example.com"]
    assert uow.account_rows.emails == before
    assert not recovery.send_reset_link(rec, "nobody@example.com")


def test_reset_requests_are_counted_for_unknown_emails_too(
    uow: FakeUnitOfWork, clock: FakeClock, tokens: InMemoryTokenStore
) -> None:
    throttle = CountingThrottle(limit=2)
    rec = recovery_with(uow, clock, tokens, throttle)
    for _ in range(2):
        recovery.request_reset(rec, "nobody@example.com", "10.0.0.1")
    with pytest.raises(RateLimited):
        recovery.request_reset(rec, "nobody@example.com", "10.0.0.1")


def test_the_new_password_follows_the_registration_rules(
    uow: FakeUnitOfWork, clock: FakeClock, rec: recovery.Recovery
) -> None:
    register(uow, clock)
    recovery.request_reset(rec, "ada@example.com", "10.0.0.1")
    raw = last_link(uow, AccountEmailKind.PASSWORD_RESET)
    with pytest.raises(ValidationFailed):
        recovery.confirm_reset(rec, raw, "short")
    recovery.confirm_reset(rec, raw, NEW_PASSWORD)  # the failed attempt did not spend it


def test_a_reset_revokes_every_token_issued_before_it(
    uow: FakeUnitOfWork, clock: FakeClock, rec: recovery.Recovery, tokens: InMemoryTokenStore
) -> None:
    user_id = register(uow, clock)
    issued_before = clock.now().timestamp()
    clock.advance(1)
    recovery.request_reset(rec, "ada@example.com", "10.0.0.1")
    recovery.confirm_reset(rec, last_link(uow, AccountEmailKind.PASSWORD_RESET), NEW_PASSWORD)
    assert tokens.is_token_revoked("any-jti", "any-family", user_id, issued_before)
    assert not tokens.is_token_revoked("any-jti", None, user_id, clock.now().timestamp() + 1)
    assert not tokens.is_token_revoked("any-jti", None, user_id + 1, issued_before)


def test_verification_marks_the_email_and_claims_the_guest_orders(
    uow: FakeUnitOfWork, clock: FakeClock
) -> None:
    rows = uow.account_rows
    rows.orders += [
        {"id": 1, "user_id": None, "email": "ada@example.com"},
        {"id": 2, "user_id": None, "email": "bob@example.com"},
    ]
    user_id = register(uow, clock)
    claimed = verification.verify(uow, clock, last_link(uow, AccountEmailKind.EMAIL_VERIFICATION))
    assert claimed == 1
    user = uow.users.get(user_id)
    assert user is not None
    assert user.email_verified
    assert [o["user_id"] for o in uow.account_rows.orders] == [user_id, None]
    with pytest.raises(InvalidLinkToken):
        verification.verify(uow, clock, last_link(uow, AccountEmailKind.EMAIL_VERIFICATION))


def test_a_verification_link_expires_after_a_day(uow: FakeUnitOfWork, clock: FakeClock) -> None:
    register(uow, clock)
    clock.advance(24 * 3600)
    with pytest.raises(InvalidLinkToken):
        verification.verify(uow, clock, last_link(uow, AccountEmailKind.EMAIL_VERIFICATION))


def test_resend_supersedes_the_first_link_and_does_nothing_once_verified(
    uow: FakeUnitOfWork, clock: FakeClock
) -> None:
    user_id = register(uow, clock)
    first = last_link(uow, AccountEmailKind.EMAIL_VERIFICATION)
    verification.resend(uow, CountingThrottle(), clock, user_id, "10.0.0.1")
    second = last_link(uow, AccountEmailKind.EMAIL_VERIFICATION)
    with pytest.raises(InvalidLinkToken):
        verification.verify(uow, clock, first)
    verification.verify(uow, clock, second)
    count = len(uow.account_rows.emails)
    verification.resend(uow, CountingThrottle(), clock, user_id, "10.0.0.1")
    assert len(uow.account_rows.emails) == count


def test_sign_in_may_require_a_verified_email(uow: FakeUnitOfWork, clock: FakeClock) -> None:
    register(uow, clock)
    hasher = FakeHasher()
    sign_in.sign_in(uow, hasher, FakeThrottle(), "ada@example.com", PASSWORD, "10.0.0.1")
    with pytest.raises(Forbidden, match="Verify your email"):
        sign_in.sign_in(
            uow,
            hasher,
            FakeThrottle(),
            "ada@example.com",
            PASSWORD,
            "10.0.0.1",
            require_verified_email=True,
        )
    verification.verify(uow, clock, last_link(uow, AccountEmailKind.EMAIL_VERIFICATION))
    sign_in.sign_in(
        uow, hasher, FakeThrottle(), "ada@example.com", PASSWORD, "1", require_verified_email=True
    )


def test_a_password_reset_verifies_the_email_too(
    uow: FakeUnitOfWork, clock: FakeClock, rec: recovery.Recovery
) -> None:
    user_id = register(uow, clock)
    recovery.request_reset(rec, "ada@example.com", "10.0.0.1")
    recovery.confirm_reset(rec, last_link(uow, AccountEmailKind.PASSWORD_RESET), NEW_PASSWORD)
    user = uow.users.get(user_id)
    assert user is not None
    assert user.email_verified


def test_a_token_purpose_is_part_of_its_lookup() -> None:
    assert {p.value for p in LinkPurpose} == {
        "password_reset",
        "email_verification",
        "account_deletion",
        "email_change",
    }
