"""Access to the process-wide adapters from inside a request or CLI command."""

from __future__ import annotations

from flask import current_app, request

from shop.bootstrap import Adapters


def adapters() -> Adapters:
    return current_app.extensions["shop"]  # type: ignore[no-any-return]


def client_address() -> str:
    return request.remote_addr or "unknown"
