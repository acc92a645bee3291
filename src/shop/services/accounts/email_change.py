"""Changing the account's email: asked for with the password, it takes effect only when the
link emailed to the new address is followed. The old address is told of the request.

The answer to a request is the same whether or not another account uses the new address
(nothing is sent to a taken one), so the endpoint tells nobody who has an account.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.domain.accounts.link_tokens import InvalidLinkToken, LinkPurpose
from shop.domain.accounts.users import normalise_email
from shop.domain.errors import Conflict, RateLimited, ValidationFailed
from shop.services.accounts import links
from shop.services.accounts.password_check import account_with_password
from shop.services.accounts.ports import (
    AccountEmail,
    AccountEmailKind,
    AccountsUnitOfWorkFactory,
    PasswordHasher,
    RequestThrottle,
    TokenStore,
)
from shop.services.common import Clock

# Links sent to the old address stop working once it is no longer the account's.
OLD_ADDRESS_LINKS = (LinkPurpose.PASSWORD_RESET, LinkPurpose.EMAIL_VERIFICATION)


@dataclass(frozen=True)
class EmailChange:
    uow: AccountsUnitOfWorkFactory
    hasher: PasswordHasher
    tokens: TokenStore
    throttle: RequestThrottle
    clock: Clock
    session_ttl_seconds: int


def request_change(
    change: EmailChange, user_id: int, password: str, new_email: str, client: str
) -> None:
    """Email a confirmation link to `new_email` (unless another account uses it) and a
    notice to the current address; earlier change links stop working.

    Raises RateLimited per account and client address, ValidationFailed for an invalid
    address or the current one, Forbidden for a wrong password, NotFound for an erased
    account.
    """
    wait = change.throttle.hit(f"email-change:{user_id}", client)
    if wait:
        raise RateLimited("Too many email changes asked for; wait before asking again.", wait)
    try:
        new_email = normalise_email(new_email)
    except ValidationFailed:
        raise ValidationFailed({"new_email": ["Not a valid email address."]}) from None
    now = change.clock.now()
    with change.uow() as uow:
        user = account_with_password(uow, change.hasher, user_id, password)
        if new_email == user.email:
            raise ValidationFailed({"new_email": ["This is the account's address already."]})
        uow.link_tokens.supersede(user_id, LinkPurpose.EMAIL_CHANGE, now)
        if uow.users.get_by_email(new_email) is None:
            links.issue_and_email(uow, user_id, LinkPurpose.EMAIL_CHANGE, now, new_email)
        notice = AccountEmail(AccountEmailKind.EMAIL_CHANGE_NOTICE, user_id, user.email)
        uow.account_emails.add(notice, now)
        uow.commit()


def confirm_change(change: EmailChange, raw_token: str) -> int:
    """Move the account to the link's address, now verified, and sign it out everywhere
    (its tokens name the old address); the account's id. The guest orders placed with the
    new address join the account, as a verification does.

    Raises InvalidLinkToken (400) for an unknown, used, expired or superseded token,
    Conflict when another account took the address meanwhile.
    """
    now = change.clock.now()
    with change.uow() as uow:
        token = links.redeem(uow, raw_token, LinkPurpose.EMAIL_CHANGE, now)
        user = uow.users.get(token.user_id)
        if user is None or user.is_deleted or token.new_email is None:
            raise InvalidLinkToken()
        if uow.users.get_by_email(token.new_email) is not None:
            raise Conflict("Another account uses this address now.")
        user.email = token.new_email
        user.email_verified = True
        for purpose in OLD_ADDRESS_LINKS:
            uow.link_tokens.supersede(token.user_id, purpose, now)
        uow.personal_data.claim_guest_orders(token.user_id, user.email)
        # Signed out first: should the commit fail, the address is unchanged and the token
        # unspent, so nothing is half done.
        change.tokens.revoke_user(token.user_id, now.timestamp(), change.session_ttl_seconds)
        uow.commit()
    return token.user_id


def forget_expired_addresses(uow_factory: AccountsUnitOfWorkFactory, clock: Clock) -> int:
    """Forget the new addresses of email changes whose link expired unused (run by the
    maintenance): an address the account never confirmed is not kept longer than its link."""
    with uow_factory() as uow:
        forgotten = uow.link_tokens.forget_expired_addresses(clock.now())
        uow.commit()
    return forgotten
