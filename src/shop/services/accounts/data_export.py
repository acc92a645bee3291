"""Personal-data export: a job writes a JSON file of everything the shop holds about the
account; an email brings the expiring link to it. One export at a time per account."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from shop.domain.accounts.addresses import Address
from shop.domain.audit import Actor, AuditEntry
from shop.domain.errors import NotFound
from shop.services.accounts.ports import (
    AccountEmail,
    AccountEmailKind,
    AccountJobs,
    AccountsUnitOfWorkFactory,
    ExportState,
)
from shop.services.common import Clock

EXPORT_LIFETIME = timedelta(hours=24)


def request_export(
    uow_factory: AccountsUnitOfWorkFactory, jobs: AccountJobs, clock: Clock, user_id: int
) -> int:
    """Queue an export of the account; its id. Raises Conflict while one is being made."""
    return _queue_export(uow_factory, jobs, clock, user_id, admin=None)


def export_for_admin(
    uow_factory: AccountsUnitOfWorkFactory,
    jobs: AccountJobs,
    clock: Clock,
    actor: Actor,
    user_id: int,
) -> int:
    """An admin asks for an account's export (audited); the link goes to the account's own
    email. Its id.

    Raises NotFound for an unknown or erased account, Conflict while one is being made.
    """
    return _queue_export(uow_factory, jobs, clock, user_id, admin=actor)


def _queue_export(
    uow_factory: AccountsUnitOfWorkFactory,
    jobs: AccountJobs,
    clock: Clock,
    user_id: int,
    admin: Actor | None,
) -> int:
    """Queue the export, and audit it in the same transaction when an admin asked for it."""
    with uow_factory() as uow:
        now = clock.now()
        if admin is not None:
            user = uow.users.get(user_id)
            if user is None or user.is_deleted:
                raise NotFound("No such account.")
        export_id = uow.data_exports.start(user_id, now)
        if admin is not None:
            changes = {"data_export": [None, export_id]}
            uow.audit.record(AuditEntry.of(admin, now, "export", "user", user_id, changes))
        uow.commit()
    jobs.build_export(export_id)
    return export_id


def build_export(uow_factory: AccountsUnitOfWorkFactory, clock: Clock, export_id: int) -> bool:
    """The job: write the export and record the email with its link; False when the export
    is gone or done already (a job may run twice)."""
    with uow_factory() as uow:
        export = uow.data_exports.get(export_id)
        if export is None or export.state is not ExportState.QUEUED:
            return False
        user = uow.users.get(export.user_id)
        if user is None or user.is_deleted:
            uow.data_exports.fail(export_id, clock.now())
            uow.commit()
            return False
        document: dict[str, Any] = {
            "account": {
                "id": user.id,
                "email": user.email,
                "full_name": user.full_name,
                "role": str(user.role),
                "email_verified": user.email_verified,
                "created_at": user.created_at.isoformat(),
            },
            "addresses": [_address(a) for a in uow.addresses.list_for(export.user_id)],
            "orders": uow.personal_data.orders_of(export.user_id),
            "reviews": uow.personal_data.reviews_of(export.user_id),
            "exported_at": clock.now().isoformat(),
        }
        now = clock.now()
        content = json.dumps(document, default=str, ensure_ascii=False, indent=2)
        uow.data_exports.finish(export_id, content, now, now + EXPORT_LIFETIME)
        uow.account_emails.add(
            AccountEmail(AccountEmailKind.DATA_EXPORT_READY, export.user_id, str(export_id)), now
        )
        uow.commit()
    return True


def download(uow_factory: AccountsUnitOfWorkFactory, clock: Clock, export_id: int) -> str:
    """The export's JSON. Raises NotFound when it is unknown, not ready or expired."""
    with uow_factory() as uow:
        export = uow.data_exports.get(export_id)
    if (
        export is None
        or export.state is not ExportState.DONE
        or export.content is None
        or export.expires_at is None
        or export.expires_at <= clock.now()
    ):
        raise NotFound("No such export, or it has expired; ask for a new one.")
    return export.content


def _address(address: Address) -> dict[str, Any]:
    row = asdict(address)
    row.pop("user_id")
    for name in ("created_at", "updated_at"):
        row[name] = row[name].isoformat()
    return row


def purge_expired(uow_factory: AccountsUnitOfWorkFactory, clock: Clock) -> int:
    """Delete the exports whose link has expired (their personal data with them)."""
    with uow_factory() as uow:
        purged = uow.data_exports.purge_expired(clock.now())
        uow.commit()
    return purged
