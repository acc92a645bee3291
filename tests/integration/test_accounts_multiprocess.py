"""Two real gunicorn servers sharing one PostgreSQL and one Redis behave as one API."""

from __future__ import annotations

import requests
from sqlalchemy import create_engine, text

from tests.integration.apps import PASSWORD, fresh_server_env
from tests.integration.gunicorn import run_gunicorn

ADMIN = "boss@example.com"


def test_a_token_revoked_through_one_process_is_refused_by_the_other(
    migrated_postgres_url: str, redis_url: str
) -> None:
    env = fresh_server_env(
        migrated_postgres_url,
        redis_url,
        SHOP_ADMIN_EMAIL=ADMIN,
        SHOP_ADMIN_PASSWORD=PASSWORD,
    )
    with run_gunicorn(env, workers=2, threads=2) as one, run_gunicorn(env, workers=1) as other:
        email = "shared@example.com"
        registered = requests.post(
            f"{one}/api/v1/auth/register", json={"email": email, "password": PASSWORD}, timeout=10
        )
        assert registered.status_code == 201
        tokens = requests.post(
            f"{one}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
        ).json()
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert requests.get(f"{other}/api/v1/auth/me", headers=auth, timeout=10).ok

        rotated = requests.post(
            f"{other}/api/v1/auth/refresh",
            headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
            timeout=10,
        )
        assert rotated.status_code == 200
        replayed = requests.post(
            f"{one}/api/v1/auth/refresh",
            headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
            timeout=10,
        )
        assert replayed.status_code == 401
        # The replay revoked the whole login, its access token included, in every process.
        assert requests.get(f"{other}/api/v1/auth/me", headers=auth, timeout=10).status_code == 401

        again = requests.post(
            f"{other}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
        ).json()
        auth = {"Authorization": f"Bearer {again['access_token']}"}
        assert requests.get(f"{other}/api/v1/auth/me", headers=auth, timeout=10).ok
        assert (
            requests.post(f"{one}/api/v1/auth/logout", headers=auth, timeout=10).status_code == 204
        )
        for _ in range(5):
            refused = requests.get(f"{other}/api/v1/auth/me", headers=auth, timeout=10)
            assert refused.status_code == 401
            assert refused.headers["Content-Type"] == "application/problem+json"

        admin = requests.post(
            f"{other}/api/v1/auth/login", json={"email": ADMIN, "password": PASSWORD}, timeout=10
        )
        assert admin.status_code == 200

    # Three processes started with the same admin settings created it once.
    engine = create_engine(migrated_postgres_url)
    with engine.connect() as connection:
        admins = connection.execute(
            text("SELECT count(*) FROM users WHERE email = :e AND role = 'admin'"), {"e": ADMIN}
        ).scalar_one()
    engine.dispose()
    assert admins == 1
