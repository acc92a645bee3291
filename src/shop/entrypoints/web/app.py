"""The Flask application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from shop.bootstrap import Adapters, bootstrap, ensure_admin_at_start
from shop.bootstrap_bundles import RateLimitStorage
from shop.entrypoints.admin_console import init_admin_console
from shop.entrypoints.api import ShopApi, health
from shop.entrypoints.api.accounts import admin as accounts_admin
from shop.entrypoints.api.accounts import me, recovery
from shop.entrypoints.api.accounts import views as accounts
from shop.entrypoints.api.admin import audit, catalog_csv
from shop.entrypoints.api.cart import views as cart
from shop.entrypoints.api.catalog import attributes, categories, products, stock, variants
from shop.entrypoints.api.checkout import views as checkout
from shop.entrypoints.api.notifications import views as outbox
from shop.entrypoints.api.orders import views as orders
from shop.entrypoints.api.orders.schemas import ORDER_TOKEN_HEADER
from shop.entrypoints.api.payments import views as payments
from shop.entrypoints.api.reviews import views as reviews
from shop.entrypoints.web import auth, metrics_view
from shop.entrypoints.web.bearer import CanonicalBearerScheme
from shop.entrypoints.web.cart_fast_path import install_cart_fast_path
from shop.entrypoints.web.catalog_cache import init_catalog_cache
from shop.entrypoints.web.catalog_fast_path import install_catalog_fast_path
from shop.entrypoints.web.converters import IdConverter
from shop.entrypoints.web.cors import init_cors
from shop.entrypoints.web.json_provider import use_orjson
from shop.entrypoints.web.metrics import BacklogCollector, record_payment
from shop.entrypoints.web.problems import register_error_handlers
from shop.entrypoints.web.request_log import init_request_log
from shop.entrypoints.web.responses import init_responses
from shop.settings import Settings

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
MAX_BODY_BYTES = 1024 * 1024
UNLIMITED_PATHS = ("/healthz", "/readyz", "/metrics")


def create_app(settings: Settings | None = None, adapters: Adapters | None = None) -> Flask:
    """Build the app for `settings` (default: from the environment)."""
    settings = (settings or Settings.from_env()).with_secrets()
    settings.validate()
    settings.validate_payments()
    app = Flask("shop", static_folder=str(STATIC_DIR), static_url_path="/static")
    app.url_map.converters["int"] = IdConverter
    use_orjson(app)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_SORT_KEYS=False,
        **_openapi_config(),
    )
    wired = adapters or bootstrap(settings)
    app.extensions["shop"] = wired
    init_request_log(app)
    operations = wired.operations
    metrics_view.init_metrics(
        app, BacklogCollector(operations.queues, operations.outbox), settings.metrics_token
    )
    register_error_handlers(app, wired.driver_errors_down)
    init_cors(app, settings.cors_origins)
    init_responses(app)
    auth.configure_jwt(app, settings)
    _configure_rate_limits(app, settings, wired.rate_limits)
    cache = init_catalog_cache(
        app, wired.catalog.responses, wired.catalog.version, settings.stock_staleness
    )
    if not settings.rate_limit:  # a limit counts every request: Flask's limiter must see it
        install_catalog_fast_path(app, cache)
        down = tuple(kind for kinds in wired.driver_errors_down.values() for kind in kinds)
        install_cart_fast_path(app, wired.cart, down)
    app.wsgi_app = CanonicalBearerScheme(app.wsgi_app)  # type: ignore[method-assign]
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )

    api = ShopApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    for blueprint in (
        accounts.blp,
        recovery.blp,
        me.blp,
        accounts_admin.blp,
        cart.blp,
        categories.blp,
        attributes.blp,
        products.blp,
        variants.blp,
        stock.blp,
        audit.blp,
        catalog_csv.blp,
        reviews.blp,
        health.blp,
        checkout.blp,
        orders.blp,
        payments.blp,
        payments.admin_blp,
        outbox.blp,
        metrics_view.blp,
    ):
        api.register_blueprint(blueprint)
    api.spec.components.security_scheme(
        "orderToken", {"type": "apiKey", "in": "header", "name": ORDER_TOKEN_HEADER}
    )
    cart.document_line_limit(api, settings.max_line_quantity)
    init_admin_console(app)

    ensure_admin_at_start(wired, settings)
    wired.ordering.observer.target = lambda event: record_payment(event)  # type: ignore[arg-type]
    wired.ordering.start_background_work()
    return app


def _openapi_config() -> dict[str, object]:
    return {
        "API_TITLE": "Shop API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/swagger-ui",
        "OPENAPI_SWAGGER_UI_URL": "/static/swagger-ui/",
        "OPENAPI_REDOC_PATH": "/redoc",
        "OPENAPI_REDOC_URL": "/static/redoc/redoc.standalone.js",
        "API_SPEC_OPTIONS": {
            "info": {
                "description": "Catalog, carts, checkout and orders. Errors are RFC 9457 "
                "problem details (application/problem+json).",
            },
        },
    }


def _configure_rate_limits(app: Flask, settings: Settings, storage: RateLimitStorage) -> None:
    """flask-limiter with `SHOP_RATE_LIMIT` as every endpoint's default limit. Without a limit
    it would do nothing, so it is not even imported (0.3 MB of each server process)."""
    if not settings.rate_limit:
        return
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app.config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_DEFAULT=settings.rate_limit,
        RATELIMIT_STORAGE_URI=storage.uri,
        RATELIMIT_STORAGE_OPTIONS=storage.options,
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_KEY_PREFIX="shop-rate",
    )
    Limiter(
        key_func=get_remote_address,
        app=app,
        default_limits_exempt_when=lambda: request.path in UNLIMITED_PATHS,
    )
