"""A restart of the embedded default loses no refresh-token state and no guest cart."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.integration.apps import Api, AppFactory, bearer
from tests.integration.catalog_data import build_sample

REFRESH, ME = "/api/v1/auth/refresh", "/api/v1/auth/me"


def _restart(make_app: AppFactory, app: Flask, database_url: str) -> Api:
    app.extensions["shop"].close()
    again = make_app("embedded", database_url=database_url)
    return Api(again.test_client(), again)


def test_refresh_tokens_and_revocations_survive_a_restart(
    make_app: AppFactory, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'restart.sqlite3'}"
    app = make_app("embedded", database_url=url)
    api = Api(app.test_client(), app)
    email = api.new_email()
    api.register(email)
    kept = api.login(email)
    spent = api.login(email)
    assert api.client.post(REFRESH, headers=bearer(spent["refresh_token"])).status_code == 200
    logged_out = api.login(email)
    assert (
        api.client.post("/api/v1/auth/logout", headers=bearer(logged_out["access_token"]))
    ).status_code == 204

    api = _restart(make_app, app, url)
    assert api.client.post(REFRESH, headers=bearer(kept["refresh_token"])).status_code == 200
    assert api.client.post(REFRESH, headers=bearer(spent["refresh_token"])).status_code == 401
    assert api.client.get(ME, headers=bearer(logged_out["access_token"])).status_code == 401


def test_a_guest_cart_survives_a_restart(make_app: AppFactory, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'restart.sqlite3'}"
    app = make_app("embedded", database_url=url)
    api = Api(app.test_client(), app)
    catalog = build_sample(api)
    variant = catalog.ids["NOVA-BLU-128"]
    added = api.client.post("/api/v1/cart/items", json={"variant_id": variant, "quantity": 2})
    assert added.status_code == 200, added.json
    token = added.headers["X-Cart-Token"]

    api = _restart(make_app, app, url)
    cart = api.client.get("/api/v1/cart", headers={"X-Cart-Token": token})
    assert cart.status_code == 200
    assert [(i["variant_id"], i["quantity"]) for i in cart.json["items"]] == [(variant, 2)]
