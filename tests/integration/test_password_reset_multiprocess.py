"""A password reset confirmed through one server process revokes the account's tokens in
another (two gunicorn servers and a worker on one PostgreSQL and Redis)."""

from __future__ import annotations

import re

import requests

from tests.integration.apps import PASSWORD, fresh_server_env
from tests.integration.gunicorn import TEST_SECRETS, gunicorn_server
from tests.integration.shop_command import shop

TOKEN = re.compile(r"reset-password\?token=([A-Za-z0-9_\-%]+)")


def test_a_reset_on_one_process_signs_the_account_out_on_the_other(
    migrated_postgres_url: str, redis_url: str
) -> None:
    env = fresh_server_env(migrated_postgres_url, redis_url)
    with (
        gunicorn_server(env, workers=1, threads=2) as one,
        gunicorn_server(env, workers=1, threads=2) as other,
    ):
        email = "reset-everywhere@example.com"
        account = {"email": email, "password": PASSWORD}
        assert requests.post(f"{one.url}/api/v1/auth/register", json=account, timeout=10).ok
        tokens = requests.post(f"{other.url}/api/v1/auth/login", json=account, timeout=10).json()
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert requests.get(f"{other.url}/api/v1/auth/me", headers=auth, timeout=10).ok

        asked = requests.post(
            f"{other.url}/api/v1/auth/password-reset", json={"email": email}, timeout=10
        )
        assert asked.status_code == 202
        # The link is issued and emailed by a job: a worker process sends it.
        worker = shop("worker", "--burst", env={**env, **TEST_SECRETS})
        assert worker.returncode == 0, worker.stderr[-2000:]
        found = TOKEN.findall(worker.stderr)
        assert found, worker.stderr[-2000:]
        confirmed = requests.post(
            f"{one.url}/api/v1/auth/password-reset/confirm",
            json={"token": found[-1], "new_password": "a-new-long-password"},
            timeout=10,
        )
        assert confirmed.status_code == 204

        for server in (other, one):
            me = requests.get(f"{server.url}/api/v1/auth/me", headers=auth, timeout=10)
            assert me.status_code == 401
            refresh = requests.post(
                f"{server.url}/api/v1/auth/refresh",
                headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
                timeout=10,
            )
            assert refresh.status_code == 401
        fresh = requests.post(
            f"{other.url}/api/v1/auth/login",
            json={"email": email, "password": "a-new-long-password"},
            timeout=10,
        ).json()
        me = requests.get(
            f"{one.url}/api/v1/auth/me",
            headers={"Authorization": f"Bearer {fresh['access_token']}"},
            timeout=10,
        )
        assert me.status_code == 200
