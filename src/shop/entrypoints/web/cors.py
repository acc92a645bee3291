"""Cross-origin access for browsers (flask-cors), for the origins of SHOP_CORS_ORIGINS only.

Unset: no cross-origin access at all. `*`: any origin, never with credentials (a browser
refuses the pair, and allowing it would let any site act with a user's cookies). Listed
origins may send credentials. Preflight (OPTIONS) requests are answered for the whole API.
"""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-Cart-Token", "If-None-Match"]
EXPOSED_HEADERS = ["X-Cart-Token", "X-Pagination", "ETag", "Retry-After", "Location"]
PREFLIGHT_MAX_AGE_SECONDS = 600


def init_cors(app: Flask, origins: tuple[str, ...]) -> None:
    if not origins:
        return
    any_origin = origins == ("*",)
    CORS(
        app,
        resources={r"/api/*": {"origins": "*" if any_origin else list(origins)}},
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        supports_credentials=not any_origin,
        send_wildcard=any_origin,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
        vary_header=True,
    )
