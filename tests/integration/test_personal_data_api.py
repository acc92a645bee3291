"""Data export and erasure over HTTP, on both backends (the export job on PostgreSQL runs in
a real `shop worker`)."""

from __future__ import annotations

import re
import time
from typing import Any

from tests.integration.apps import PASSWORD, Api, AppFactory, bearer
from tests.integration.mailbox import DELETION, EXPORT, Mailbox
from tests.integration.personal_data import tables_holding

NAME = "Augusta Ada King"
HOME = {
    "full_name": NAME,
    "line1": "12 Uniquely Named Square",
    "city": "Londonderrytown",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
    "phone": "+44 20 7946 0123",
}


def customer(api: Api) -> tuple[str, dict[str, str]]:
    email = api.new_email("augusta")
    response = api.client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": NAME}
    )
    assert response.status_code == 201
    headers = bearer(api.login(email)["access_token"])
    saved = api.client.post("/api/v1/me/addresses", json=HOME, headers=headers)
    assert saved.status_code == 201
    return email, headers


def export_link(email: str, mailbox: Mailbox) -> str:
    """Wait for the export job (a thread of the app, or a worker) and return the link."""
    deadline = time.monotonic() + 20
    while not mailbox.to(email, EXPORT) and time.monotonic() < deadline:
        time.sleep(0.05)
    return mailbox.export_path(email)


def test_an_export_holds_the_accounts_data_and_nobody_elses(
    api: Api, backend: str, mailbox: Mailbox
) -> None:
    other_email, other = customer(api)
    email, headers = customer(api)
    queued = api.client.post("/api/v1/me/data-export", headers=headers)
    assert queued.status_code == 202
    link = export_link(email, mailbox)

    download = api.client.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("application/json")
    document: dict[str, Any] = download.json
    assert document["account"]["email"] == email
    assert [a["line1"] for a in document["addresses"]] == [HOME["line1"]]
    assert other_email not in download.get_data(as_text=True)

    forged = re.sub(r"\.[^.]+$", ".AAAAAAAA", link)
    assert api.client.get(forged).status_code == 404
    assert api.client.get("/api/v1/me/data-export/not-a-link").status_code == 404
    assert api.client.post("/api/v1/me/data-export").status_code == 401


def test_a_second_export_while_one_is_queued_is_409(make_app: AppFactory) -> None:
    # On PostgreSQL + Redis the job waits for a worker (none runs here), so it stays queued.
    app = make_app("postgres")
    api = Api(client=app.test_client(), app=app)
    _, headers = customer(api)
    assert api.client.post("/api/v1/me/data-export", headers=headers).status_code == 202
    second = api.client.post("/api/v1/me/data-export", headers=headers)
    assert second.status_code == 409
    assert second.headers["Content-Type"] == "application/problem+json"


def test_deletion_anonymises_the_account_everywhere(api: Api, mailbox: Mailbox) -> None:
    email, headers = customer(api)
    refresh = api.login(email)["refresh_token"]
    wrong = api.client.post(
        "/api/v1/me/deletion-request", json={"password": "not-the-password"}, headers=headers
    )
    assert wrong.status_code == 403
    asked = api.client.post(
        "/api/v1/me/deletion-request", json={"password": PASSWORD}, headers=headers
    )
    assert asked.status_code == 202
    token = mailbox.token(email, DELETION)

    assert api.client.post("/api/v1/me/deletion/confirm", json={"token": token}).status_code == 204
    assert api.client.post("/api/v1/me/deletion/confirm", json={"token": token}).status_code == 400

    assert api.client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert api.client.post("/api/v1/auth/refresh", headers=bearer(refresh)).status_code == 401
    login = api.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 401
    leftovers = tables_holding(
        api.adapters.settings.database_url,
        [email, NAME, HOME["line1"], HOME["city"], HOME["phone"]],
    )
    assert leftovers == {}
    # The email can be used for a new account.
    api.register(email)
