"""Email verification: a link sent at registration and on request; following it verifies the
address and attaches the guest orders placed with it."""

from __future__ import annotations

from shop.domain.accounts.link_tokens import InvalidLinkToken, LinkPurpose
from shop.domain.errors import NotFound, RateLimited
from shop.services.accounts import links
from shop.services.accounts.ports import (
    AccountsUnitOfWork,
    AccountsUnitOfWorkFactory,
    RequestThrottle,
)
from shop.services.common import Clock


def start_verification(uow: AccountsUnitOfWork, user_id: int, clock: Clock) -> None:
    """Issue a verification link in the caller's transaction (registration's)."""
    links.issue_and_email(uow, user_id, LinkPurpose.EMAIL_VERIFICATION, clock.now())


def resend(
    uow_factory: AccountsUnitOfWorkFactory,
    throttle: RequestThrottle,
    clock: Clock,
    user_id: int,
    client: str,
) -> None:
    """A new link (superseding the older ones) unless the email is verified already.

    Raises RateLimited per account and client address, NotFound for a deleted account.
    """
    wait = throttle.hit(f"user:{user_id}", client)
    if wait:
        raise RateLimited("Too many verification emails; wait before asking again.", wait)
    with uow_factory() as uow:
        user = uow.users.get(user_id)
        if user is None or user.is_deleted:
            raise NotFound("No such account.")
        if user.email_verified:
            return
        start_verification(uow, user_id, clock)
        uow.commit()


def verify(uow_factory: AccountsUnitOfWorkFactory, clock: Clock, raw_token: str) -> int:
    """Mark the account's email verified and attach its guest orders; their number.

    Raises InvalidLinkToken (400) for an unknown, used, expired or superseded token.
    """
    now = clock.now()
    with uow_factory() as uow:
        token = links.redeem(uow, raw_token, LinkPurpose.EMAIL_VERIFICATION, now)
        user = uow.users.get(token.user_id)
        if user is None or user.is_deleted:
            raise InvalidLinkToken()
        user.email_verified = True
        claimed = uow.personal_data.claim_guest_orders(token.user_id, user.email)
        uow.commit()
    return claimed
