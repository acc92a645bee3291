"""A revoked login (refresh reuse, logout with its refresh token) revokes its access tokens too,
on every process, at the cost of one Redis round trip per authenticated request."""

from __future__ import annotations

from typing import Any

from redis import Redis

from tests.integration.apps import Api, AppFactory, bearer

ME, REFRESH, LOGOUT = "/api/v1/auth/me", "/api/v1/auth/refresh", "/api/v1/auth/logout"


def _two_processes(make_app: AppFactory, backend: str) -> tuple[Api, Api]:
    first = make_app(backend)
    # The embedded default is one process by rule; PostgreSQL + Redis share state.
    second = make_app(backend) if backend == "postgres" else first
    return Api(first.test_client(), first), Api(second.test_client(), second)


def _signed_in(api: Api) -> dict[str, Any]:
    email = api.new_email()
    api.register(email)
    return api.login(email)


def test_refresh_reuse_revokes_the_logins_access_tokens_everywhere(
    make_app: AppFactory, backend: str
) -> None:
    one, other = _two_processes(make_app, backend)
    first = _signed_in(one)
    second = one.client.post(REFRESH, headers=bearer(first["refresh_token"]))
    assert second.status_code == 200
    assert other.client.get(ME, headers=bearer(second.json["access_token"])).status_code == 200
    assert one.client.post(REFRESH, headers=bearer(first["refresh_token"])).status_code == 401
    for access in (first["access_token"], second.json["access_token"]):
        assert other.client.get(ME, headers=bearer(access)).status_code == 401
        assert one.client.get(ME, headers=bearer(access)).status_code == 401


def test_logout_with_the_refresh_token_revokes_every_access_token_of_the_login(
    make_app: AppFactory, backend: str
) -> None:
    one, other = _two_processes(make_app, backend)
    first = _signed_in(one)
    second = one.client.post(REFRESH, headers=bearer(first["refresh_token"])).json
    response = one.client.post(
        LOGOUT,
        headers=bearer(second["access_token"]),
        json={"refresh_token": second["refresh_token"]},
    )
    assert response.status_code == 204
    assert other.client.get(ME, headers=bearer(first["access_token"])).status_code == 401


def _redis_calls(client: Redis) -> int:
    stats = client.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k not in ("cmdstat_info",))


def test_an_authenticated_request_costs_one_redis_round_trip(
    make_app: AppFactory, redis_url: str
) -> None:
    app = make_app("postgres")
    api = Api(app.test_client(), app)
    tokens = _signed_in(api)
    client = Redis.from_url(redis_url)
    before = _redis_calls(client)
    assert api.client.get(ME, headers=bearer(tokens["access_token"])).status_code == 200
    assert _redis_calls(client) - before == 1
