"""Password reset: a request that never tells whether the account exists, and a confirm
that sets the new password and signs the account out everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from shop.domain.accounts.link_tokens import InvalidLinkToken, LinkPurpose
from shop.domain.accounts.users import check_password_rules, normalise_email
from shop.domain.errors import RateLimited, ValidationFailed
from shop.services.accounts import links
from shop.services.accounts.ports import (
    AccountJobs,
    AccountsUnitOfWorkFactory,
    PasswordHasher,
    RequestThrottle,
    TokenStore,
)
from shop.services.common import Clock


@dataclass(frozen=True)
class Recovery:
    uow: AccountsUnitOfWorkFactory
    hasher: PasswordHasher
    tokens: TokenStore
    throttle: RequestThrottle
    jobs: AccountJobs
    clock: Clock
    session_ttl_seconds: int  # the longest any token lives (the refresh token's lifetime)


def request_reset(recovery: Recovery, email: str, client: str) -> None:
    """Have a reset link emailed when an account uses `email`; nothing tells whether one does.

    The request only counts and hands the email to a job, the same work either way, so
    it also takes the same time. Raises RateLimited per email and per client address
    (counted whether or not the account exists); a malformed email is an unknown one.
    """
    try:
        email = normalise_email(email)
    except ValidationFailed:
        email = ""
    wait = recovery.throttle.hit(email, client)
    if wait:
        raise RateLimited("Too many password reset requests; wait before trying again.", wait)
    if email:
        recovery.jobs.send_password_reset(email)


def send_reset_link(recovery: Recovery, email: str) -> bool:
    """The job: issue a reset token and record its email, superseding older tokens; False
    when no (live) account uses `email`."""
    with recovery.uow() as uow:
        user = uow.users.get_by_email(email)
        if user is None or user.id is None or user.is_deleted:
            return False
        links.issue_and_email(uow, user.id, LinkPurpose.PASSWORD_RESET, recovery.clock.now())
        uow.commit()
    return True


def confirm_reset(recovery: Recovery, raw_token: str, new_password: str) -> None:
    """Set the password and revoke every token of the account on every process.

    Raises ValidationFailed for a password that breaks the rules, InvalidLinkToken (400)
    for a token that is unknown, used, expired or superseded.
    """
    check_password_rules(new_password)
    now = recovery.clock.now()
    with recovery.uow() as uow:
        token = links.redeem(uow, raw_token, LinkPurpose.PASSWORD_RESET, now)
        user = uow.users.get(token.user_id)
        if user is None or user.is_deleted:
            raise InvalidLinkToken()
        user.password_hash = recovery.hasher.hash(new_password)
        if not user.email_verified:  # the link proved the mailbox, as verification does
            user.email_verified = True
            uow.personal_data.claim_guest_orders(token.user_id, user.email)
        # Signed out first: should the commit fail, the old password still works and the
        # token is unspent, so nothing is half done.
        recovery.tokens.revoke_user(token.user_id, now.timestamp(), recovery.session_ttl_seconds)
        uow.commit()
