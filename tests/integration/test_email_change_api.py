"""Changing the email address over HTTP, on both backends (on PostgreSQL + Redis the emails
are sent by a real `shop worker`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update

from shop.adapters.sql.account_tables import link_tokens
from tests.integration.apps import PASSWORD, Api, bearer
from tests.integration.mailbox import Mailbox
from tests.integration.personal_data import tables_holding

CHANGE = "Confirm your new email address"
NOTICE = "A change of your email address was asked for"


def ask(api: Api, headers: dict[str, str], new_email: str, password: str = PASSWORD) -> Any:
    return api.client.post(
        "/api/v1/me/email-change",
        json={"password": password, "new_email": new_email},
        headers=headers,
    )


def confirm(api: Api, token: str) -> Any:
    return api.client.post("/api/v1/me/email-change/confirm", json={"token": token})


def test_the_new_address_is_used_once_its_link_is_followed(api: Api, mailbox: Mailbox) -> None:
    old, new = api.new_email("before"), api.new_email("after")
    api.register(old)
    first, second = api.login(old), api.login(old)
    headers = bearer(first["access_token"])

    asked = ask(api, headers, new.upper())
    assert asked.status_code == 202
    assert api.client.get("/api/v1/auth/me", headers=headers).json["email"] == old
    token = mailbox.token(new, CHANGE)
    [notice] = mailbox.to(old, NOTICE)
    assert "token=" not in notice
    assert new not in notice
    assert mailbox.to(old, CHANGE) == []

    assert confirm(api, token).status_code == 204
    again = confirm(api, token)
    assert again.status_code == 400
    assert again.headers["Content-Type"] == "application/problem+json"
    # Every session is signed out (their tokens name the old address); the new one signs in.
    for session in (first, second):
        signed_in = api.client.get("/api/v1/auth/me", headers=bearer(session["access_token"]))
        assert signed_in.status_code == 401
        refresh = bearer(session["refresh_token"])
        assert api.client.post("/api/v1/auth/refresh", headers=refresh).status_code == 401
    old_login = api.client.post("/api/v1/auth/login", json={"email": old, "password": PASSWORD})
    assert old_login.status_code == 401
    me = api.client.get("/api/v1/auth/me", headers=bearer(api.login(new)["access_token"])).json
    assert (me["email"], me["email_verified"]) == (new, True)
    api.register(old)  # the old address is free again


def test_a_taken_address_gets_the_same_answer_and_no_link(api: Api, mailbox: Mailbox) -> None:
    taken, free = api.new_email("taken"), api.new_email("free")
    api.register(taken)
    mine = api.new_email("mine")
    api.register(mine)
    headers = bearer(api.login(mine)["access_token"])

    to_taken, to_free = ask(api, headers, taken), ask(api, headers, free)
    assert (to_taken.status_code, to_taken.json) == (to_free.status_code, to_free.json)
    assert to_taken.status_code == 202
    assert mailbox.to(free, CHANGE)
    assert mailbox.to(taken, CHANGE) == []
    assert len(mailbox.to(mine, NOTICE)) == 2


def test_bad_requests_change_nothing(api: Api, mailbox: Mailbox) -> None:
    email = api.new_email("careful")
    api.register(email)
    headers = bearer(api.login(email)["access_token"])
    path = "/api/v1/me/email-change"

    assert ask(api, headers, api.new_email(), password="not-the-password").status_code == 403
    assert ask(api, headers, "no-at-sign").status_code == 422
    assert ask(api, headers, email).status_code == 422
    assert ask(api, {}, api.new_email()).status_code == 401
    no_password = api.client.post(path, json={"new_email": api.new_email()}, headers=headers)
    assert no_password.status_code == 422
    malformed = api.client.post(
        path, data="{not json", content_type="application/json", headers=headers
    )
    assert malformed.status_code == 400
    assert confirm(api, "not-a-token").status_code == 400
    assert mailbox.to(email, NOTICE) == []
    assert api.client.get("/api/v1/auth/me", headers=headers).json["email"] == email


def test_an_erasure_leaves_no_trace_of_a_pending_new_address(api: Api, mailbox: Mailbox) -> None:
    old, new = api.new_email("leaving"), api.new_email("pending")
    api.register(old)
    headers = bearer(api.login(old)["access_token"])
    assert ask(api, headers, new).status_code == 202
    token = mailbox.token(new, CHANGE)
    user_id = api.client.get("/api/v1/auth/me", headers=headers).json["id"]

    erased = api.client.post(f"/api/v1/admin/users/{user_id}/erasure", headers=api.admin_headers())
    assert erased.status_code == 204
    assert confirm(api, token).status_code == 400
    assert tables_holding(api.adapters.settings.database_url, [old, new]) == {}


def test_the_maintenance_forgets_the_address_of_an_expired_link(api: Api, mailbox: Mailbox) -> None:
    old, new = api.new_email("slow"), api.new_email("never-confirmed")
    api.register(old)
    headers = bearer(api.login(old)["access_token"])
    assert ask(api, headers, new).status_code == 202
    token = mailbox.token(new, CHANGE)
    api.adapters.ordering.maintain()
    assert "link_tokens.new_email" in _holding(api, new)  # the link still works: kept
    with api.adapters.engine.begin() as connection:  # the day passes
        connection.execute(update(link_tokens).values(expires_at=datetime.now(UTC)))
    api.adapters.ordering.maintain()
    assert "link_tokens.new_email" not in _holding(api, new)
    assert confirm(api, token).status_code == 400


def _holding(api: Api, needle: str) -> list[str]:
    return tables_holding(api.adapters.settings.database_url, [needle]).get(needle, [])
