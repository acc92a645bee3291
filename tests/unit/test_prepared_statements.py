"""How a psycopg2 statement becomes a PREPARE and an EXECUTE (shop.adapters.sql.prepared)."""

from __future__ import annotations

from shop.adapters.sql.prepared import forms


def test_each_named_parameter_becomes_one_numbered_parameter() -> None:
    name, prepare, execute = forms(
        "SELECT a FROM t WHERE b = %(b)s AND c LIKE %(c)s AND d = %(b)s AND e LIKE 'x%%'"
    )
    assert name.startswith("shop_")
    assert prepare == (
        f"PREPARE {name} AS SELECT a FROM t WHERE b = $1 AND c LIKE $2 AND d = $1 AND e LIKE 'x%'"
    )
    assert execute == f"EXECUTE {name} (%(b)s, %(c)s)"


def test_a_statement_without_parameters_is_executed_bare() -> None:
    name, prepare, execute = forms("SELECT count(*) FROM t LIMIT 10001")
    assert (prepare, execute) == (
        f"PREPARE {name} AS SELECT count(*) FROM t LIMIT 10001",
        f"EXECUTE {name}",
    )


def test_the_name_is_the_statement_s_own() -> None:
    assert forms("SELECT 1")[0] == forms("SELECT 1")[0] != forms("SELECT 2")[0]
