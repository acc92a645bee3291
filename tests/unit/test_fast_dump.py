"""A compiled dump gives exactly what marshmallow's dump gives, for every schema of the API,
whatever the values: of the field's own type, None, of other types, or missing."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from datetime import UTC
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields

import shop.entrypoints.api
from shop.entrypoints.web.fast_dump import compile_dump


def api_schemas() -> list[type[Schema]]:
    found: dict[str, type[Schema]] = {}
    package = shop.entrypoints.api
    for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value is not Schema:
                found[f"{value.__module__}.{name}"] = value
    return sorted(found.values(), key=lambda s: f"{s.__module__}.{s.__name__}")


SCHEMAS = api_schemas()


def well_typed(field: fields.Field[Any], depth: int) -> st.SearchStrategy[Any]:
    """Values of the type the field produces (what the read models hold), or None."""
    if isinstance(field, fields.Boolean):
        own: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(field, fields.Decimal):
        own = st.decimals(places=4, min_value=-(10**8), max_value=10**8)
    elif isinstance(field, fields.Float):
        own = st.floats(allow_nan=False)
    elif isinstance(field, fields.Integer):
        own = st.integers()
    elif isinstance(field, fields.DateTime):
        own = st.datetimes(timezones=st.just(UTC))
    elif isinstance(field, fields.Nested):
        nested = objects(field.schema, depth + 1, typed=True)
        own = st.lists(nested, max_size=2) if field.many else nested
    elif isinstance(field, fields.List):
        own = st.lists(values(field.inner, depth + 1, typed=True), max_size=3)
    elif isinstance(field, fields.Dict):
        own = st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2)
    else:
        own = st.text(max_size=5)
    return st.none() | own


def values(field: fields.Field[Any], depth: int = 0, typed: bool = False) -> st.SearchStrategy[Any]:
    """Well-typed values, or (unless `typed`) also values of other types."""
    if depth > 3:
        return st.none()
    if typed:
        return well_typed(field, depth)
    others = st.text(max_size=3) | st.integers(-5, 5) | st.booleans() | st.floats()
    others |= st.sampled_from(["false", "12", 3.7, Decimal("NaN"), Decimal("-Infinity")])
    return well_typed(field, depth) | others


def objects(
    schema: Schema, depth: int = 0, typed: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    keyed = {
        f.attribute or name: values(f, depth, typed) for name, f in schema.dump_fields.items()
    }
    if typed:
        return st.fixed_dictionaries(keyed)
    half = len(keyed) // 2
    names = list(keyed)
    return st.fixed_dictionaries(
        {n: keyed[n] for n in names[:half]}, optional={n: keyed[n] for n in names[half:]}
    ) | st.fixed_dictionaries(keyed)


def outcome(dump: Any, obj: Any) -> tuple[str, Any]:
    """The dump as JSON text (so that True and 1 differ), or the type of what it raised."""
    try:
        return "ok", json.dumps(dump(obj), default=repr, sort_keys=True)
    except Exception as exc:  # noqa: BLE001 - both paths must fail alike
        return "raised", type(exc)


@pytest.mark.parametrize("schema_class", SCHEMAS, ids=lambda s: s.__name__)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_compiled_dump_of_a_read_model_equals_marshmallows(
    schema_class: type[Schema], data: Any
) -> None:
    schema = schema_class()
    obj = data.draw(objects(schema, typed=True))
    assert outcome(compile_dump(schema), obj) == outcome(schema.dump, obj)


@pytest.mark.parametrize("schema_class", SCHEMAS, ids=lambda s: s.__name__)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_compiled_dump_of_anything_equals_marshmallows(
    schema_class: type[Schema], data: Any
) -> None:
    schema = schema_class()
    obj = data.draw(objects(schema))
    assert outcome(compile_dump(schema), obj) == outcome(schema.dump, obj)


def test_many_and_read_model_values_take_the_fast_path() -> None:
    from shop.entrypoints.api.catalog.schemas import ProductSummarySchema

    schema = ProductSummarySchema(many=True)
    row = {
        "id": 1,
        "name": "Phone",
        "slug": "phone",
        "category": {"id": 2, "name": "Phones", "slug": "phones"},
        "image_url": None,
        "price_from": Decimal("1299.5"),
        "currency": "USD",
        "in_stock": True,
        "is_active": True,
        "rating": {"average": 4.5, "count": 2},
        "version": 3,  # not in the schema: left out
    }
    assert compile_dump(schema)([row, row]) == schema.dump([row, row])
    assert compile_dump(schema)([row])[0]["price_from"] == "1299.50"
