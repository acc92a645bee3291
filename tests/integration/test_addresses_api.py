"""The address book over HTTP on both backends, and concurrent default changes on
PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import create_engine, text

from tests.integration.apps import Api, AppFactory

HOME = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "gb",
}
BOOK = "/api/v1/me/addresses"


def add(api: Api, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    response = api.client.post(BOOK, json={**HOME, **extra}, headers=headers)
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def test_crud_of_own_addresses(api: Api) -> None:
    headers = api.customer_headers()
    created = add(api, headers, phone="+44 20 7946 0000", is_default_shipping=True)
    assert created["country"] == "GB"
    assert created["is_default_shipping"] is True
    assert created["is_default_billing"] is False
    assert created["line2"] == ""

    changed = api.client.patch(f"{BOOK}/{created['id']}", json={"city": "Bath"}, headers=headers)
    assert changed.status_code == 200
    assert changed.json["city"] == "Bath"
    assert changed.json["is_default_shipping"] is True

    listed = api.client.get(BOOK, headers=headers)
    assert listed.status_code == 200
    assert [a["city"] for a in listed.json] == ["Bath"]
    assert "X-Pagination" in listed.headers

    assert api.client.delete(f"{BOOK}/{created['id']}", headers=headers).status_code == 204
    assert api.client.get(BOOK, headers=headers).json == []
    assert api.client.delete(f"{BOOK}/{created['id']}", headers=headers).status_code == 404


def test_nobody_sees_or_changes_anothers_address(api: Api) -> None:
    owner = api.customer_headers()
    stranger = api.customer_headers()
    mine = add(api, owner)
    assert api.client.get(BOOK, headers=stranger).json == []
    assert (
        api.client.patch(f"{BOOK}/{mine['id']}", json={"city": "X"}, headers=stranger).status_code
        == 404
    )
    assert api.client.delete(f"{BOOK}/{mine['id']}", headers=stranger).status_code == 404
    assert api.client.get(BOOK).status_code == 401


def test_bad_addresses_are_422(api: Api) -> None:
    headers = api.customer_headers()
    for body in (
        {**HOME, "country": "GBR"},
        {**HOME, "city": ""},
        {**HOME, "city": "x" * 101},
        {**HOME, "line1": "bad\u0000"},
        {**HOME, "is_default_billing": "maybe"},
        {**HOME, "owner_id": 1},
    ):
        response = api.client.post(BOOK, json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.headers["Content-Type"] == "application/problem+json"


def test_setting_a_default_moves_it(api: Api) -> None:
    headers = api.customer_headers()
    first = add(api, headers, is_default_shipping=True, is_default_billing=True)
    second = add(api, headers, is_default_shipping=True)
    book = {a["id"]: a for a in api.client.get(BOOK, headers=headers).json}
    assert book[first["id"]]["is_default_shipping"] is False
    assert book[first["id"]]["is_default_billing"] is True
    assert book[second["id"]]["is_default_shipping"] is True


def test_concurrent_default_changes_leave_exactly_one_of_each_kind(
    make_app: AppFactory, migrated_postgres_url: str
) -> None:
    apps = [make_app("postgres") for _ in range(2)]
    api = Api(client=apps[0].test_client(), app=apps[0])
    headers = api.customer_headers()
    ids = [add(api, headers)["id"] for _ in range(6)]
    barrier = threading.Barrier(len(ids))
    statuses: list[int] = []

    def make_default(index: int, address_id: int) -> None:
        client = apps[index % 2].test_client()
        barrier.wait()
        response = client.patch(
            f"{BOOK}/{address_id}",
            json={"is_default_shipping": True, "is_default_billing": True},
            headers=headers,
        )
        statuses.append(response.status_code)

    for _ in range(5):
        threads = [
            threading.Thread(target=make_default, args=(i, address_id))
            for i, address_id in enumerate(ids)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        barrier.reset()
        engine = create_engine(migrated_postgres_url)
        with engine.connect() as connection:
            counts = connection.execute(
                text(
                    "SELECT count(*) FILTER (WHERE is_default_shipping),"
                    " count(*) FILTER (WHERE is_default_billing) FROM addresses"
                )
            ).one()
        engine.dispose()
        assert tuple(counts) == (1, 1)
    assert set(statuses) == {200}
