"""Header arguments read without a schema load give exactly what webargs' load gives, and
only schemas whose load can do nothing but copy the headers are read so."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, pre_load, validate
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import UnprocessableEntity

from shop.entrypoints.api.cart.schemas import CartTokenHeaderSchema, MergeHeaderSchema
from shop.entrypoints.api.checkout.schemas import CheckoutHeadersSchema
from shop.entrypoints.api.orders.schemas import OrderTokenHeaderSchema
from shop.entrypoints.web.arguments import FORBIDDEN_MESSAGE, ShopArgumentsParser
from shop.entrypoints.web.header_arguments import plain_header_fields

PLAIN = [CartTokenHeaderSchema, CheckoutHeadersSchema, OrderTokenHeaderSchema]
parser = ShopArgumentsParser()
app = Flask(__name__)


class Validated(Schema):
    token = fields.String(data_key="X-Token", validate=validate.Length(max=3))


class Required(Schema):
    token = fields.String(data_key="X-Token", required=True)


class Defaulted(Schema):
    token = fields.String(data_key="X-Token", load_default="none")


class Numbered(Schema):
    count = fields.Integer(data_key="X-Count")


class Hooked(Schema):
    token = fields.String(data_key="X-Token")

    @pre_load
    def strip(self, data: Any, **_: Any) -> Any:
        return data


def test_the_token_headers_are_plain() -> None:
    assert plain_header_fields(CartTokenHeaderSchema()) == (("token", "X-Cart-Token"),)
    assert plain_header_fields(CheckoutHeadersSchema()) == (
        ("cart_token", "X-Cart-Token"),
        ("idempotency_key", "Idempotency-Key"),
    )


@pytest.mark.parametrize(
    "schema", [MergeHeaderSchema, Validated, Required, Defaulted, Numbered, Hooked]
)
def test_a_schema_whose_load_does_more_than_copy_is_loaded(schema: type[Schema]) -> None:
    assert plain_header_fields(schema()) is None


header_value = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x2FF, exclude_characters="\x7f"), max_size=8
)
header_names = st.sampled_from(
    ["X-Cart-Token", "x-cart-token", "X-CART-TOKEN", "Idempotency-Key", "X-Order-Token", "X-Other"]
)


@settings(max_examples=200)
@given(st.sampled_from(PLAIN), st.dictionaries(header_names, header_value, max_size=4))
def test_plain_headers_read_as_the_load_reads_them(
    schema: type[Schema], headers: dict[str, str]
) -> None:
    with app.test_request_context(headers=headers):
        assert parser.parse(schema, location="headers") == FlaskParser.parse(
            parser, schema, location="headers"
        )


@pytest.mark.parametrize(
    ("schema", "name"),
    [
        (CartTokenHeaderSchema, "X-Cart-Token"),
        (CheckoutHeadersSchema, "Idempotency-Key"),
        (OrderTokenHeaderSchema, "X-Order-Token"),
    ],
)
def test_a_header_the_checks_refuse_is_still_the_loads_422(schema: type[Schema], name: str) -> None:
    with (
        app.test_request_context(headers={name: "tok\x01en"}),
        pytest.raises(UnprocessableEntity) as refused,
    ):
        parser.parse(schema, location="headers")
    assert getattr(refused.value, "data", {})["messages"] == {
        "headers": {name: [FORBIDDEN_MESSAGE]}
    }
