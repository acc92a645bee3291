"""Admins managing accounts: promote a customer to admin or demote an admin, never the last."""

from __future__ import annotations

from shop.domain.accounts.users import Role
from shop.domain.audit import Actor, AuditEntry
from shop.domain.errors import Conflict, NotFound
from shop.services.accounts.ports import CustomerQueries, RolesUnitOfWorkFactory
from shop.services.common import Clock, Page


def change_role(
    uow_factory: RolesUnitOfWorkFactory, clock: Clock, actor: Actor, user_id: int, role: Role
) -> None:
    """Give the account `role`, audited. Raises NotFound, or Conflict when it would leave the
    shop without an admin (the admins are locked, so two demotions cannot both pass)."""
    with uow_factory() as uow:
        admins = uow.users.lock_admins()
        user = uow.users.get(user_id)
        if user is None:
            raise NotFound(f"No account with id {user_id}.")
        if user.role == role:
            return
        if user.role == Role.ADMIN and admins == [user_id]:
            raise Conflict("This is the last admin; promote another account first.")
        before = str(user.role)
        user.role = role
        changes = {"role": [before, str(role)]}
        uow.audit.record(AuditEntry.of(actor, clock.now(), "update", "user", user_id, changes))
        uow.commit()


def list_customers(queries: CustomerQueries, q: str | None, page: int, page_size: int) -> Page:
    """Accounts with their order count and lifetime value, newest first."""
    return queries.customers(q, page, page_size)
