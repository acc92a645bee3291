"""The password asked for again before a change that could lock the owner out (deleting the
account, moving it to another email address)."""

from __future__ import annotations

from shop.domain.accounts.users import User
from shop.domain.errors import Forbidden, NotFound
from shop.services.accounts.ports import AccountsUnitOfWork, PasswordHasher


def account_with_password(
    uow: AccountsUnitOfWork, hasher: PasswordHasher, user_id: int, password: str
) -> User:
    """The live account, once `password` is its password.

    Raises NotFound for an unknown or erased account, Forbidden for a wrong password.
    """
    user = uow.users.get(user_id)
    if user is None or user.is_deleted:
        raise NotFound("No such account.")
    if not hasher.verify(user.password_hash, password):
        raise Forbidden("The password is incorrect.")
    return user
