"""An attacker at one address cannot lock a user out: the short lockout is per (account,
client address), with a much higher ceiling per account across all addresses."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.apps import PASSWORD, Api, AppFactory

LOGIN = "/api/v1/auth/login"
ATTACKER, USER = "203.0.113.9", "198.51.100.7"


def _login(client: FlaskClient, email: str, password: str, address: str) -> int:
    response = client.post(
        LOGIN, json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )
    return response.status_code


def test_ten_failures_from_one_address_do_not_lock_the_user_out(api: Api) -> None:
    email = api.new_email()
    api.register(email)
    assert {_login(api.client, email, "wrong-pass", ATTACKER) for _ in range(10)} == {401}
    assert _login(api.client, email, PASSWORD, ATTACKER) == 429
    assert _login(api.client, email, PASSWORD, USER) == 200


def test_the_per_account_ceiling_counts_every_address(make_app: AppFactory, backend: str) -> None:
    app = make_app(backend, login_failures_per_email="6 per 15 minutes")
    api = Api(app.test_client(), app)
    email = api.new_email()
    api.register(email)
    for n in range(6):
        assert _login(api.client, email, "wrong-pass", f"192.0.2.{n}") == 401
    assert _login(api.client, email, PASSWORD, USER) == 429
    other = api.new_email()
    api.register(other)
    assert _login(api.client, other, PASSWORD, USER) == 200
