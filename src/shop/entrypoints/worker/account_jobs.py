"""RQ jobs of the accounts feature (thin: each calls one service)."""

from __future__ import annotations

from shop.bootstrap import Adapters, bootstrap
from shop.services.accounts import data_export, recovery
from shop.settings import Settings

_adapters: Adapters | None = None


def _wired() -> Adapters:
    global _adapters
    if _adapters is None:  # built once per worker process, from its environment
        _adapters = bootstrap(Settings.from_env())
    return _adapters


def build_data_export(export_id: int) -> bool:
    """Write the export and record its email; False when it was done already."""
    a = _wired()
    return data_export.build_export(a.accounts.uow, a.clock, export_id)


def send_password_reset(email: str) -> bool:
    """Issue a reset link for the account using `email`, if any, and record its email."""
    return recovery.send_reset_link(_wired().accounts.recovery, email)
