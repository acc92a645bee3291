"""Driving the admin console through the Flask test client, as a browser would: a signed-in
admin whose forms carry the CSRF token read from the page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from shop.bootstrap import Adapters
from shop.services.accounts.registration import ensure_admin, register
from tests.integration.apps import PASSWORD

_CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def make_admin(adapters: Adapters, email: str) -> None:
    ensure_admin(adapters.accounts.uow, adapters.accounts.hasher, adapters.clock, email, PASSWORD)


def make_customer(adapters: Adapters, email: str) -> None:
    register(adapters.accounts.uow, adapters.accounts.hasher, adapters.clock, email, PASSWORD)


@dataclass
class Console:
    app: Flask
    client: FlaskClient
    csrf: str = ""

    @property
    def adapters(self) -> Adapters:
        return self.app.extensions["shop"]  # type: ignore[no-any-return]

    def sign_in(self, email: str, password: str = PASSWORD) -> TestResponse:
        page = self.client.get("/admin/login")
        response = self.client.post(
            "/admin/login",
            data={"email": email, "password": password, "_csrf": csrf_of(page.text)},
        )
        if response.status_code == 302:
            self.csrf = csrf_of(self.client.get("/admin").text)
        return response

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """A form post with this session's CSRF token (unless `data` names its own)."""
        return self.client.post(path, data={"_csrf": self.csrf, **(data or {})}, **kwargs)


def signed_in_console(app: Flask, email: str = "boss@example.com") -> Console:
    console = Console(app, app.test_client())
    make_admin(console.adapters, email)
    response = console.sign_in(email)
    assert response.status_code == 302, response.text
    return console
