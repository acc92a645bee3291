"""Password reset and email verification over HTTP, on both backends."""

from __future__ import annotations

from typing import Any

from tests.integration.apps import PASSWORD, Api, AppFactory, bearer
from tests.integration.mailbox import RESET, VERIFY, Mailbox

NEW_PASSWORD = "a-brand-new-password"


def reset(api: Api, email: str) -> Any:
    return api.client.post("/api/v1/auth/password-reset", json={"email": email})


def confirm(api: Api, token: str, password: str = NEW_PASSWORD) -> Any:
    return api.client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": password}
    )


def test_a_reset_link_works_once_and_signs_the_account_out(api: Api, mailbox: Mailbox) -> None:
    email = api.new_email()
    api.register(email)
    tokens = api.login(email)
    assert reset(api, email.upper()).status_code == 202
    token = mailbox.token(email, RESET)

    assert confirm(api, token).status_code == 204
    again = confirm(api, token, "yet-another-password")
    assert again.status_code == 400
    assert again.headers["Content-Type"] == "application/problem+json"

    # Every token issued before the reset is refused; the new password signs in.
    assert (
        api.client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).status_code == 401
    )
    refreshed = api.client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert refreshed.status_code == 401
    bad = api.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert bad.status_code == 401
    fresh = api.login(email, NEW_PASSWORD)
    assert (
        api.client.get("/api/v1/auth/me", headers=bearer(fresh["access_token"])).status_code == 200
    )


def test_known_and_unknown_emails_get_the_same_answer(api: Api, mailbox: Mailbox) -> None:
    email = api.new_email()
    api.register(email)
    known = reset(api, email)
    unknown = reset(api, "nobody-here@example.com")
    malformed = reset(api, "not-an-email")
    assert known.status_code == unknown.status_code == malformed.status_code == 202
    assert known.get_data() == unknown.get_data() == malformed.get_data()
    assert sorted(known.headers.keys()) == sorted(unknown.headers.keys())
    assert mailbox.to("nobody-here@example.com", RESET) == []


def test_a_superseded_and_a_forged_token_are_400(api: Api, mailbox: Mailbox) -> None:
    email = api.new_email()
    api.register(email)
    reset(api, email)
    older = mailbox.token(email, RESET)
    reset(api, email)
    newer = mailbox.token(email, RESET)
    assert older != newer
    assert confirm(api, older).status_code == 400
    assert confirm(api, "A" * 43).status_code == 400
    assert confirm(api, "\u0000bad").status_code == 422
    assert confirm(api, newer).status_code == 204


def test_the_new_password_follows_the_registration_rules(api: Api, mailbox: Mailbox) -> None:
    email = api.new_email()
    api.register(email)
    reset(api, email)
    token = mailbox.token(email, RESET)
    assert confirm(api, token, "short").status_code == 422
    assert confirm(api, token).status_code == 204


def test_reset_requests_are_limited_per_email_whether_or_not_it_exists(
    make_app: AppFactory, backend: str
) -> None:
    app = make_app(backend, password_resets_per_email="2 per hour")
    api = Api(client=app.test_client(), app=app)
    for email in ("ghost@example.com", api.new_email()):
        statuses = [reset(api, email).status_code for _ in range(3)]
        assert statuses == [202, 202, 429]
    limited = reset(api, "ghost@example.com")
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["Content-Type"] == "application/problem+json"


def test_verification_sets_email_verified_on_me(api: Api, mailbox: Mailbox) -> None:
    email = api.new_email()
    api.register(email)
    headers = bearer(api.login(email)["access_token"])
    assert api.client.get("/api/v1/auth/me", headers=headers).json["email_verified"] is False
    first = mailbox.token(email, VERIFY)

    assert api.client.post("/api/v1/auth/verify-email/resend", headers=headers).status_code == 202
    second = mailbox.token(email, VERIFY)
    verify = "/api/v1/auth/verify-email"
    assert api.client.post(verify, json={"token": first}).status_code == 400
    assert api.client.post(verify, json={"token": second}).status_code == 204
    assert api.client.post(verify, json={"token": second}).status_code == 400
    assert api.client.get("/api/v1/auth/me", headers=headers).json["email_verified"] is True
    assert api.client.post("/api/v1/auth/verify-email/resend").status_code == 401


def test_sign_in_can_require_a_verified_email(
    make_app: AppFactory, backend: str, mailbox: Mailbox
) -> None:
    app = make_app(backend, require_email_verification=True)
    api = Api(client=app.test_client(), app=app)
    email = api.new_email()
    api.register(email)
    refused = api.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert refused.status_code == 403
    assert "Verify your email" in refused.json["detail"]
    wrong = api.client.post("/api/v1/auth/login", json={"email": email, "password": "wrong-one"})
    assert wrong.status_code == 401  # the right password is needed to learn even that
    token = mailbox.token(email, VERIFY)
    assert api.client.post("/api/v1/auth/verify-email", json={"token": token}).status_code == 204
    api.login(email)


def test_the_openapi_document_describes_every_account_endpoint(api: Api) -> None:
    spec = api.client.get("/openapi.json").json
    expected = {
        "/api/v1/auth/password-reset": {"post"},
        "/api/v1/auth/password-reset/confirm": {"post"},
        "/api/v1/auth/verify-email": {"post"},
        "/api/v1/auth/verify-email/resend": {"post"},
        "/api/v1/me/addresses": {"get", "post"},
        "/api/v1/me/addresses/{address_id}": {"patch", "delete"},
        "/api/v1/me/data-export": {"post"},
        "/api/v1/me/data-export/{signed}": {"get"},
        "/api/v1/me/deletion-request": {"post"},
        "/api/v1/me/deletion/confirm": {"post"},
    }
    for path, methods in expected.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path
    account = spec["components"]["schemas"]["Account"]
    assert "email_verified" in account["properties"]
    assert "400" in spec["paths"]["/api/v1/auth/password-reset/confirm"]["post"]["responses"]
