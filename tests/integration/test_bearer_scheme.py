"""The Authorization scheme is case-insensitive (RFC 9110 §11.1)."""

from __future__ import annotations

import pytest

from tests.integration.apps import Api


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer", "bEaReR"])
def test_any_case_of_the_bearer_scheme_is_accepted(api: Api, scheme: str) -> None:
    email = api.new_email()
    api.register(email)
    token = api.login(email)["access_token"]
    response = api.client.get("/api/v1/auth/me", headers={"Authorization": f"{scheme} {token}"})
    assert response.status_code == 200, response.json


def test_another_scheme_is_still_401(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    token = api.login(email)["access_token"]
    response = api.client.get("/api/v1/auth/me", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401
