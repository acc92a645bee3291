"""Erasure: a deletion asked for with the password, confirmed from the emailed link.

The account is anonymised rather than deleted, so orders keep their lines and totals for the
books; what names the person (name, email, phone, address lines) is gone from every table.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.domain.accounts.link_tokens import InvalidLinkToken, LinkPurpose
from shop.domain.errors import Conflict, Forbidden, NotFound
from shop.services.accounts import links
from shop.services.accounts.ports import (
    AccountsUnitOfWork,
    AccountsUnitOfWorkFactory,
    PasswordHasher,
    TokenStore,
)
from shop.services.common import Clock


@dataclass(frozen=True)
class Erasure:
    uow: AccountsUnitOfWorkFactory
    hasher: PasswordHasher
    tokens: TokenStore
    clock: Clock
    session_ttl_seconds: int


def request_deletion(erasure: Erasure, user_id: int, password: str) -> None:
    """Email a confirmation link. Raises Forbidden for a wrong password, NotFound for an
    account that is gone."""
    with erasure.uow() as uow:
        user = uow.users.get(user_id)
        if user is None or user.is_deleted:
            raise NotFound("No such account.")
        if not erasure.hasher.verify(user.password_hash, password):
            raise Forbidden("The password is incorrect.")
        links.issue_and_email(uow, user_id, LinkPurpose.ACCOUNT_DELETION, erasure.clock.now())
        uow.commit()


def confirm_deletion(erasure: Erasure, raw_token: str) -> int:
    """Anonymise the account of the token and sign it out everywhere; the account's id.

    Raises InvalidLinkToken (400) for an unknown, used, expired or superseded token.
    """
    now = erasure.clock.now()
    with erasure.uow() as uow:
        token = links.redeem(uow, raw_token, LinkPurpose.ACCOUNT_DELETION, now)
        erasure.tokens.revoke_user(token.user_id, now.timestamp(), erasure.session_ttl_seconds)
        anonymise(uow, token.user_id, erasure.clock)
        uow.commit()
    return token.user_id


def erase_by_admin(erasure: Erasure, user_id: int) -> None:
    """An admin carries out an erasure request (made to the shop by other means) at once.

    Raises NotFound for an unknown or already erased account, Conflict for an admin's
    account (demote it first).
    """
    now = erasure.clock.now()
    with erasure.uow() as uow:
        user = uow.users.get(user_id)
        if user is None or user.is_deleted:
            raise NotFound("No such account.")
        if user.is_admin:
            raise Conflict("An administrator's account cannot be erased; demote it first.")
        erasure.tokens.revoke_user(user_id, now.timestamp(), erasure.session_ttl_seconds)
        anonymise(uow, user_id, erasure.clock)
        uow.commit()


def anonymise(uow: AccountsUnitOfWork, user_id: int, clock: Clock) -> None:
    """Erase the account's personal data in the caller's transaction (admins use it too)."""
    user = uow.users.get(user_id)
    if user is None or user.is_deleted:
        raise InvalidLinkToken()
    user.anonymise(clock.now())
    uow.addresses.delete_for_user(user_id)
    uow.personal_data.anonymise_orders(user_id)
    uow.personal_data.detach_reviews(user_id)
    uow.data_exports.delete_for_user(user_id)
    uow.link_tokens.delete_for_user(user_id)
