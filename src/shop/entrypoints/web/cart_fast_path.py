"""A guest's cart GET answered in front of Flask (WSGI), with the same bytes.

Through Flask, the request context, the hooks, flask-smorest's decorators and a Response cost
a guest's cart GET about as much CPU as reading and pricing the cart. This middleware answers
`GET /api/v1/cart` with an `X-Cart-Token` and nothing else that could change the answer (no
credentials, `Origin`, body or query string; a token the argument checks would refuse is
Flask's 422) by calling the same use case (`items.view_cart`: one Redis round trip, live
prices, a deleted variant's line dropped) and rendering the same body (`cart_body`, the app's
JSON provider). A backing service that does not answer leaves the request to Flask with the
error noted in the environ: the view raises it, so Flask answers its 503 without a second
wait for a Redis that hangs. Any other error leaves the request to Flask too, whose error
handling answers it (a problem+json 500 if the same error recurs there).

The headers Flask's hooks add to every such answer (CORS headers, for one) are learnt from
Flask's own answer to one, checked header by header against what this path builds: until
Flask has answered a guest's cart GET the way this path would, every one goes to Flask. Each
answer is counted and logged as Flask would have (`shop_http_requests`, the `shop.request`
line).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from shop.domain.cart.cart import CartOwner
from shop.entrypoints.api.cart.rendering import cart_body
from shop.entrypoints.api.cart.schemas import CART_TOKEN_HEADER
from shop.entrypoints.web import front_answers as front
from shop.entrypoints.web.arguments import has_forbidden_characters
from shop.entrypoints.web.json_provider import OrjsonProvider
from shop.entrypoints.web.request_log import REQUEST_ID_HEADER, request_id_from
from shop.services.cart import items
from shop.services.cart.ports import CartDependencies
from shop.services.common import ServiceUnavailable

EXTENSION = "shop_cart_fast_path"
CART_PATH = "/api/v1/cart"
TOKEN_ENVIRON_KEY = "HTTP_" + CART_TOKEN_HEADER.upper().replace("-", "_")
JSON = "application/json"
# The error of this path's read, for the cart view to raise rather than read again.
FAILED_READ_ENVIRON_KEY = "shop.cart_fast_path.failed_read"


def cart_headers(
    length: int, token: str | None, extra: Iterable[tuple[str, str]], request_id: str
) -> front.Headers:
    """The headers Flask gives a cart of `length` bytes, in Flask's order."""
    headers = [("Content-Type", JSON), ("Content-Length", str(length))]
    if token is not None:
        headers.append((CART_TOKEN_HEADER, token))
    headers.extend(extra)
    headers.append((REQUEST_ID_HEADER, request_id))
    return headers


class CartFastPath:
    """WSGI middleware in front of Flask (`app`): see the module's docstring."""

    def __init__(
        self,
        app: front.WsgiApp,
        cart: CartDependencies,
        dump: Callable[[Any], bytes],
        down: tuple[type[Exception], ...],
    ) -> None:
        self.app = app
        self.cart = cart
        self.dump = dump
        self.down: tuple[type[Exception], ...] = (ServiceUnavailable, *down)
        self.extra_headers: tuple[tuple[str, str], ...] | None = None  # learnt from Flask

    def __call__(
        self, environ: front.Environ, start_response: front.StartResponse
    ) -> Iterable[bytes]:
        if not _guest_cart_read(environ):
            return self.app(environ, start_response)
        if self.extra_headers is None:
            return self._through_flask(environ, start_response)
        started = time.perf_counter()
        try:
            view = items.view_cart(self.cart, CartOwner.guest(environ[TOKEN_ENVIRON_KEY]))
            body = self.dump(cart_body(view))
        except self.down as exc:  # Flask answers it (a 503), without waiting a second time
            environ[FAILED_READ_ENVIRON_KEY] = exc
            return self.app(environ, start_response)
        except Exception:  # a bug: Flask's own error handling answers (and logs) it
            return self.app(environ, start_response)
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        start_response(
            front.OK, cart_headers(len(body), view.token, self.extra_headers, request_id)
        )
        front.observe(CART_PATH, 200, started, request_id)
        return [body]

    def _through_flask(
        self, environ: front.Environ, start_response: front.StartResponse
    ) -> Iterable[bytes]:
        """Flask's answer, which teaches this path the headers Flask's hooks add."""

        def noting_start_response(status: str, headers: front.Headers, *args: Any) -> Any:
            if status == front.OK:
                self._learn(headers)
            return start_response(status, headers, *args)

        return self.app(environ, noting_start_response)

    def _learn(self, headers: front.Headers) -> None:
        found = dict(headers[:3])
        if len(headers) < 3 or headers[-1][0] != REQUEST_ID_HEADER:
            return
        token = found.get(CART_TOKEN_HEADER)
        start = 3 if token is not None else 2
        extra = tuple(headers[start:-1])
        length = int(found.get("Content-Length", "-1"))
        if cart_headers(length, token, extra, headers[-1][1]) == list(headers):
            self.extra_headers = extra


def _guest_cart_read(environ: front.Environ) -> bool:
    if environ.get("PATH_INFO") != CART_PATH or environ.get("REQUEST_METHOD") != "GET":
        return False
    token = environ.get(TOKEN_ENVIRON_KEY)
    return (
        token is not None
        and not environ.get("QUERY_STRING")
        and front.without_flask_only_headers(environ)
        and not has_forbidden_characters(token)
    )


def install_cart_fast_path(
    app: Flask, cart: CartDependencies, down: tuple[type[Exception], ...]
) -> None:
    """Put the fast path in front of Flask's WSGI app (inside other middleware, so it sees
    the environ Flask sees). Not when bodies are not rendered by the app's orjson provider."""
    if not isinstance(app.json, OrjsonProvider):
        return
    fast_path = CartFastPath(app.wsgi_app, cart, app.json.dump_bytes, down)
    app.extensions[EXTENSION] = fast_path
    app.wsgi_app = fast_path  # type: ignore[method-assign]
