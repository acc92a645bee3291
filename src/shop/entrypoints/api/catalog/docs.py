"""Decorators shared by the catalog blueprints: who may call, what is cached, what is
documented (bearer security and the problem+json responses each operation can give)."""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any, TypeVar

from shop.entrypoints.api import BEARER, Blueprint
from shop.entrypoints.web.auth import admin_required
from shop.entrypoints.web.catalog_cache import catalog_read

F = TypeVar("F", bound=Callable[..., Any])


def _alt_responses(blp: Blueprint, view: F, statuses: tuple[int, ...]) -> F:
    for status in statuses:
        view = blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
    return view


def admin_only(blp: Blueprint, *errors: int) -> Callable[[F], F]:
    """An admin write: 401 without a valid token, 403 for a customer, checked before the body."""

    def decorator(view: F) -> F:
        view = _alt_responses(blp, view, (401, 403, *errors))
        view = blp.doc(security=BEARER)(view)
        return admin_required(view)

    return decorator


def public_read(blp: Blueprint, *errors: int) -> Callable[[F], F]:
    """A public read, cached for guests and customers, with an ETag (If-None-Match: 304).

    An admin's token is optional: with it, inactive items are shown and nothing is cached.
    """

    def decorator(view: F) -> F:
        view = _alt_responses(blp, view, (304, 401, *errors))
        view = blp.doc(security=[{}, *BEARER])(view)
        return catalog_read(view)

    return decorator
