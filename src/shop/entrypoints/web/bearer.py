"""The `Bearer` scheme of an Authorization header is case-insensitive (RFC 9110 §11.1).

flask-jwt-extended compares it exactly, so the header is put in canonical form before any
view sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

SCHEME = "Bearer"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def canonical_authorization(value: str) -> str:
    scheme, space, credentials = value.partition(" ")
    if space and scheme.lower() == SCHEME.lower():
        return f"{SCHEME} {credentials.lstrip(' ')}"
    return value


class CanonicalBearerScheme:
    """WSGI middleware: `bearer x` / `BEARER x` -> `Bearer x`."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        header = environ.get("HTTP_AUTHORIZATION")
        if header:
            environ["HTTP_AUTHORIZATION"] = canonical_authorization(header)
        return self.app(environ, start_response)
