"""Erasure: a deletion asked for with the password, confirmed from the emailed link.

The account is anonymised rather than deleted, so orders keep their lines and totals for the
books; what names the person (name, email, phone, address lines) is gone from every table.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.domain.accounts.link_tokens import InvalidLinkToken, LinkPurpose
from shop.domain.accounts.users import User
from shop.domain.audit import Actor, AuditEntry, Changes, changes_between
from shop.domain.errors import Conflict, NotFound
from shop.services.accounts import links
from shop.services.accounts.password_check import account_with_password
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
        account_with_password(uow, erasure.hasher, user_id, password)
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


def erase_by_admin(erasure: Erasure, actor: Actor, user_id: int) -> None:
    """An admin carries out an erasure request (made to the shop by other means) at once,
    audited with what was erased but none of the erased values.

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
        changes = anonymise(uow, user_id, erasure.clock)
        uow.audit.record(AuditEntry.of(actor, now, "erase", "user", user_id, changes))
        uow.commit()


ERASED = "[erased]"
"""What the audit log shows in place of an erased personal value."""

PERSONAL_FIELDS = ("email", "full_name")


def anonymise(uow: AccountsUnitOfWork, user_id: int, clock: Clock) -> Changes:
    """Erase the account's personal data in the caller's transaction (admins use it too).

    Returns the changes for the audit log: the account's fields, with ERASED in place of
    the old personal values, and how many addresses, orders (their contact details) and
    reviews (their author) held the person's data before and after.
    """
    user = uow.users.get(user_id)
    if user is None or user.is_deleted:
        raise InvalidLinkToken()
    before = _account_fields(user)
    addresses = len(uow.addresses.list_for(user_id))
    user.anonymise(clock.now())
    uow.addresses.delete_for_user(user_id)
    orders = uow.personal_data.anonymise_orders(user_id)
    reviews = uow.personal_data.detach_reviews(user_id)
    uow.data_exports.delete_for_user(user_id)
    uow.link_tokens.delete_for_user(user_id)
    changes = changes_between(before, _account_fields(user))
    for name in PERSONAL_FIELDS:
        if name in changes:
            changes[name][0] = ERASED
    holding = {"addresses": addresses, "order_contacts": orders, "reviews": reviews}
    changes.update({name: [count, 0] for name, count in holding.items() if count})
    return changes


def _account_fields(user: User) -> dict[str, object]:
    """The account as the API shows it, with when it was erased."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "email_verified": user.email_verified,
        "deleted_at": None if user.deleted_at is None else user.deleted_at.isoformat(),
    }
