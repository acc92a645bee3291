"""A checkout on PostgreSQL costs a fixed, small number of SQL statements, whatever the number
of lines, and as PostgreSQL receives them (its statement log), a fixed number of round trips:
the Idempotency-Key's claim is one statement in autocommit (its own transaction), then one
transaction. (On the embedded default the email job's own statements run in a thread
meanwhile.)"""

from __future__ import annotations

import pytest

from tests.integration.apps import Api, AppFactory
from tests.integration.checkout_support import BODY, fill_cart, guest_cart
from tests.integration.factories import make_variant
from tests.integration.server_statements import received
from tests.integration.statement_count import statements
from tests.support.servers import PostgresServer

# With a key: claim + lock + take + order + lines + outbox + idempotency result = 7.
CHECKOUT_BUDGET = 7
# As the server receives them: the claim on its own, then one transaction.
ROUND_TRIPS = [
    "INSERT",  # the key's claim, in autocommit
    "BEGIN",
    "SELECT",  # the variants, locked
    "UPDATE",  # the stock taken
    "INSERT",  # the order
    "INSERT",  # its lines
    "INSERT",  # the confirmation's outbox entry
    "UPDATE",  # the key's stored answer
    "COMMIT",
]


@pytest.mark.parametrize("lines", [1, 3, 8])
def test_a_guest_checkout_costs_the_same_few_statements(make_app: AppFactory, lines: int) -> None:
    api = Api.of(make_app("postgres"))
    variants = [
        make_variant(api.adapters, stock=5, attributes={"Color": "Blue"}) for _ in range(lines)
    ]
    token = guest_cart(api.client, dict.fromkeys(variants, 1))
    headers = {"X-Cart-Token": token, "Idempotency-Key": f"cost-{lines}"}
    with statements(api.adapters.engine) as sent:
        response = api.client.post("/api/v1/checkout", json=BODY, headers=headers)
    assert response.status_code == 201, response.json
    assert len(sent) <= CHECKOUT_BUDGET, "\n".join(sent)


def test_a_user_checkout_adds_only_the_account_lookup(make_app: AppFactory) -> None:
    api = Api.of(make_app("postgres"))
    me = api.customer_headers()
    fill_cart(api.client, me, {make_variant(api.adapters, stock=5): 2})
    body = {k: v for k, v in BODY.items() if k != "email"}
    with statements(api.adapters.engine) as sent:
        response = api.client.post("/api/v1/checkout", json=body, headers=me)
    assert response.status_code == 201, response.json
    assert len(sent) <= CHECKOUT_BUDGET, "\n".join(sent)


def test_a_guest_checkout_is_one_claim_and_one_transaction_on_the_server(
    make_app: AppFactory, postgres_server: PostgresServer
) -> None:
    api = Api.of(make_app("postgres"))
    variants = [make_variant(api.adapters, stock=5) for _ in range(3)]
    first = guest_cart(api.client, dict.fromkeys(variants, 1))
    warm = {"X-Cart-Token": first, "Idempotency-Key": "warm"}  # the pools' first connections
    assert api.client.post("/api/v1/checkout", json=BODY, headers=warm).status_code == 201
    token = guest_cart(api.client, dict.fromkeys(variants, 1))
    headers = {"X-Cart-Token": token, "Idempotency-Key": "counted"}
    with received(api.adapters.engine, postgres_server) as sent:
        response = api.client.post("/api/v1/checkout", json=BODY, headers=headers)
    assert response.status_code == 201, response.json
    assert [statement.split()[0].upper() for statement in sent] == ROUND_TRIPS, sent
