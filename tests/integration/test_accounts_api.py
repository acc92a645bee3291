"""The account endpoints of API.md, on the embedded default and on PostgreSQL + Redis."""

from __future__ import annotations

import re
import time

import jwt as pyjwt
import pytest
from flask import Flask

from tests.integration.apps import PASSWORD, Api, AppFactory, bearer

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/auth/me"


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body  # type: ignore[no-any-return]


def test_register_returns_the_account_without_its_password(api: Api) -> None:
    response = api.client.post(
        REGISTER, json={"email": "Ada@Example.com", "password": PASSWORD, "full_name": "Ada"}
    )
    assert response.status_code == 201
    assert response.json == {
        "id": response.json["id"],
        "email": "ada@example.com",
        "full_name": "Ada",
        "role": "customer",
    }


def test_register_refuses_an_email_that_exists_in_any_case(api: Api) -> None:
    api.register("grace@example.com")
    response = api.client.post(REGISTER, json={"email": "GRACE@example.com", "password": PASSWORD})
    assert_problem(response, 409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "short@example.com", "password": "1234567"}, "password"),
        ({"password": PASSWORD}, "email"),
        ({"email": "x@example.com", "password": PASSWORD, "role": "admin"}, "role"),
    ],
)
def test_register_validates_its_body(api: Api, body: dict, field: str) -> None:
    problem = assert_problem(api.client.post(REGISTER, json=body), 422)
    assert field in problem["errors"]


def test_a_customer_cannot_register_as_admin(api: Api) -> None:
    response = api.client.post(
        REGISTER, json={"email": "eve@example.com", "password": PASSWORD, "role": "admin"}
    )
    assert_problem(response, 422)
    assert_problem(
        api.client.post(LOGIN, json={"email": "eve@example.com", "password": PASSWORD}), 401
    )


def test_login_then_me(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    tokens = api.login(email.upper())
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] > 0
    me = api.client.get(ME, headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json["email"] == email


def test_login_fails_alike_for_unknown_email_and_wrong_password(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    wrong = assert_problem(
        api.client.post(LOGIN, json={"email": email, "password": "nope-nope"}), 401
    )
    unknown = assert_problem(
        api.client.post(LOGIN, json={"email": "nobody@example.com", "password": "nope-nope"}), 401
    )
    assert wrong == unknown


def test_failed_logins_are_limited_per_account(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    for _ in range(10):
        assert (
            api.client.post(LOGIN, json={"email": email, "password": "wrong-pass"}).status_code
            == 401
        )
    limited = api.client.post(LOGIN, json={"email": email, "password": PASSWORD})
    assert_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    other = api.new_email()
    api.register(other)
    api.login(other)  # another account from the same address is not affected


def test_failed_logins_are_limited_per_client_address(make_app: AppFactory, backend: str) -> None:
    app = make_app(backend, login_failures_per_address="5 per minute")
    client = app.test_client()
    for n in range(5):
        client.post(LOGIN, json={"email": f"x{n}@example.com", "password": "wrong-pass"})
    assert_problem(client.post(LOGIN, json={"email": "y@example.com", "password": "p"}), 429)
    elsewhere = client.post(
        LOGIN,
        json={"email": "y@example.com", "password": "wrong-pass"},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert_problem(elsewhere, 401)


def test_refresh_rotates_and_reuse_revokes_the_whole_login(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    first = api.login(email)
    second = api.client.post(REFRESH, headers=bearer(first["refresh_token"]))
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    assert_problem(api.client.post(REFRESH, headers=bearer(first["refresh_token"])), 401)
    # The thief replayed the old token: the legitimate newer one is now useless too.
    assert_problem(api.client.post(REFRESH, headers=bearer(second.json["refresh_token"])), 401)
    # Another login of the same account is a different family and still works.
    other = api.login(email)
    assert api.client.post(REFRESH, headers=bearer(other["refresh_token"])).status_code == 200


def test_access_and_refresh_tokens_are_not_interchangeable(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    tokens = api.login(email)
    assert_problem(api.client.post(REFRESH, headers=bearer(tokens["access_token"])), 401)
    assert_problem(api.client.get(ME, headers=bearer(tokens["refresh_token"])), 401)


def test_logout_revokes_the_access_token_and_the_given_refresh_token(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    tokens = api.login(email)
    response = api.client.post(
        LOGOUT,
        headers=bearer(tokens["access_token"]),
        json={"refresh_token": tokens["refresh_token"]},
    )
    assert response.status_code == 204
    assert_problem(api.client.get(ME, headers=bearer(tokens["access_token"])), 401)
    assert_problem(api.client.post(REFRESH, headers=bearer(tokens["refresh_token"])), 401)


def test_logout_refuses_someone_elses_refresh_token(api: Api) -> None:
    mine, theirs = api.new_email(), api.new_email()
    api.register(mine)
    api.register(theirs)
    my_tokens, their_tokens = api.login(mine), api.login(theirs)
    response = api.client.post(
        LOGOUT,
        headers=bearer(my_tokens["access_token"]),
        json={"refresh_token": their_tokens["refresh_token"]},
    )
    assert_problem(response, 401)
    assert (
        api.client.post(REFRESH, headers=bearer(their_tokens["refresh_token"])).status_code == 200
    )


def _forge(app: Flask, payload: dict, key: str, algorithm: str = "HS256") -> str:
    now = int(time.time())
    claims = {
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "j",
        "type": "access",
        "sub": "1",
        "role": "admin",
        "fam": "f",
        **payload,
    }
    return pyjwt.encode(claims, key, algorithm=algorithm)


@pytest.mark.parametrize(
    "token_kind", ["missing", "garbage", "forged", "alg-none", "expired", "no-bearer"]
)
def test_every_jwt_problem_is_a_401_problem(api: Api, token_kind: str) -> None:
    key = api.app.config["JWT_SECRET_KEY"]
    headers = {
        "missing": {},
        "garbage": bearer("abc.def.ghi"),
        "forged": bearer(_forge(api.app, {}, "another-secret-of-sufficient-length-32")),
        "alg-none": bearer(_forge(api.app, {}, "", algorithm="none")),
        "expired": bearer(_forge(api.app, {"exp": int(time.time()) - 10}, key)),
        "no-bearer": {"Authorization": "Token abc"},
    }[token_kind]
    problem = assert_problem(api.client.get(ME, headers=headers), 401)
    assert "Traceback" not in problem["detail"]


def test_malformed_json_is_400(api: Api) -> None:
    response = api.client.post(REGISTER, data="{not json", content_type="application/json")
    assert_problem(response, 400)


def test_unknown_route_is_404_and_wrong_method_is_405_with_allow(api: Api) -> None:
    assert_problem(api.client.get("/api/v1/nothing-here"), 404)
    response = api.client.get(LOGIN)
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_a_body_over_one_mebibyte_is_413(api: Api) -> None:
    big = '{"email": "' + "a" * (1024 * 1024) + '"}'
    assert_problem(api.client.post(REGISTER, data=big, content_type="application/json"), 413)


def test_health_and_readiness(api: Api) -> None:
    assert api.client.get("/healthz").json == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.status_code == 200
    assert set(ready.json["checks"].values()) == {"ok"}


def test_docs_are_served_without_any_cdn(api: Api) -> None:
    spec = api.client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/auth/login" in spec["paths"]
    for page in ("/swagger-ui", "/redoc"):
        html = api.client.get(page).get_data(as_text=True)
        assert "https://" not in html.replace("https://github.com", ""), page
        assets = _asset_urls(html)
        assert assets, f"{page} loads no asset from the app"
        for asset in assets:
            assert api.client.get(asset).status_code == 200, asset


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_the_admin_from_settings_exists_at_start(make_app: AppFactory, backend: str) -> None:
    app = make_app(backend, admin_email="Boss@Example.com", admin_password=PASSWORD)
    api = Api(client=app.test_client(), app=app)
    tokens = api.login("boss@example.com")
    me = api.client.get(ME, headers=bearer(tokens["access_token"]))
    assert me.json["role"] == "admin"


def test_the_operator_rate_limit_covers_the_api_but_not_the_probes(
    make_app: AppFactory, backend: str
) -> None:
    app = make_app(backend, rate_limit="3/minute")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/categories").status_code == 200
    limited = client.get("/api/v1/categories")
    assert_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) >= 1
    other_client = client.get("/api/v1/categories", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_client.status_code == 200
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
