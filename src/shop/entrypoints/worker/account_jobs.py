"""RQ jobs of the accounts feature (thin: each calls one service)."""

from __future__ import annotations

from shop.entrypoints.worker.jobs import wired
from shop.services.accounts import data_export, recovery


def build_data_export(export_id: int) -> bool:
    """Write the export and record its email; False when it was done already."""
    a = wired()
    return data_export.build_export(a.accounts.uow, a.clock, export_id)


def send_password_reset(email: str) -> bool:
    """Issue a reset link for the account using `email`, if any, and record its email."""
    return recovery.send_reset_link(wired().accounts.recovery, email)
