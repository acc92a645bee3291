"""Accounts as such: registration, the admin account, looking an account up."""

from __future__ import annotations

from shop.domain.accounts.users import Role, User, check_password_rules, normalise_email
from shop.domain.errors import Conflict, NotFound
from shop.services.accounts.ports import (
    AccountsUnitOfWorkFactory,
    PasswordHasher,
)
from shop.services.common import Clock


def register(
    uow_factory: AccountsUnitOfWorkFactory,
    hasher: PasswordHasher,
    clock: Clock,
    email: str,
    password: str,
    full_name: str = "",
    role: Role = Role.CUSTOMER,
) -> User:
    """Create an account. Raises ValidationFailed for bad input, Conflict if the email exists."""
    email = normalise_email(email)
    check_password_rules(password)
    with uow_factory() as uow:
        if uow.users.get_by_email(email) is not None:
            raise Conflict("An account with this email already exists.")
        user = User(
            email=email,
            password_hash=hasher.hash(password),
            full_name=full_name.strip(),
            role=role,
            created_at=clock.now(),
        )
        uow.users.add(user)
        uow.commit()
    return user


def get_user(uow_factory: AccountsUnitOfWorkFactory, user_id: int) -> User:
    """Raises NotFound when the account no longer exists."""
    with uow_factory() as uow:
        user = uow.users.get(user_id)
        if user is None:
            raise NotFound("No such account.")
        return user


def ensure_admin(
    uow_factory: AccountsUnitOfWorkFactory,
    hasher: PasswordHasher,
    clock: Clock,
    email: str,
    password: str,
) -> User:
    """Create the admin `email`, or promote and re-password that account; idempotent.

    Several processes starting at once create it once: the loser of the race sees Conflict
    from the unique email and retries as an update.
    """
    email = normalise_email(email)
    check_password_rules(password)
    for _ in range(2):
        try:
            with uow_factory() as uow:
                user = uow.users.get_by_email(email)
                if user is None:
                    user = User(
                        email=email,
                        password_hash=hasher.hash(password),
                        full_name="Administrator",
                        role=Role.ADMIN,
                        created_at=clock.now(),
                    )
                    uow.users.add(user)
                else:
                    user.role = Role.ADMIN
                    if not hasher.verify(user.password_hash, password):
                        user.password_hash = hasher.hash(password)
                uow.commit()
                return user
        except Conflict:
            continue
    raise Conflict("Could not create the admin account; retry.")
