"""Every DomainError leaves through the one handler as a well-formed problem."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from shop.domain import errors
from shop.entrypoints.web.problems import handle_domain_error, status_of
from shop.services.common import ServiceUnavailable
from tests.integration.apps import AppFactory

STANDARD = {"type", "title", "status", "detail"}


def _every_subclass(kind: type[errors.DomainError]) -> list[type[errors.DomainError]]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *_every_subclass(sub)]
    return found


def _example(kind: type[errors.DomainError]) -> errors.DomainError:
    if issubclass(kind, errors.ValidationFailed):
        return kind({"field": ["bad"]})
    if issubclass(kind, ServiceUnavailable):
        return kind("database")
    if issubclass(kind, errors.RateLimited):
        return kind("slow down", 3)
    return kind("what happened")


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    return make_app("embedded")


def _body(app: Flask, exc: errors.DomainError) -> tuple[int, dict[str, Any]]:
    with app.test_request_context("/api/v1/anything"):
        response = handle_domain_error(exc)
    return response.status_code, json.loads(response.get_data())


@pytest.mark.parametrize("kind", _every_subclass(errors.DomainError), ids=lambda k: k.__name__)
def test_every_domain_error_has_a_4xx_or_503_problem(app: Flask, kind: type) -> None:
    exc = _example(kind)
    status, body = _body(app, exc)
    assert status == status_of(exc)
    assert 400 <= status < 500 or status == 503
    assert STANDARD <= set(body)
    assert body["status"] == status


def test_an_unmapped_domain_error_is_a_logged_500_not_a_crash(app: Flask) -> None:
    class Unmapped(errors.DomainError):
        pass

    status, body = _body(app, Unmapped("surprise"))
    assert status == 500
    assert body["detail"] == "An unexpected error occurred; it has been logged."


def test_facts_of_an_error_never_replace_the_standard_members(app: Flask) -> None:
    status, body = _body(app, errors.Conflict("Only 2 left.", available=2, in_cart=1))
    assert status == 409
    assert body["available"] == 2
    assert body["in_cart"] == 1
    assert body["title"] == "Conflict"
    assert body["type"] == "about:blank"
