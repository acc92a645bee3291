"""Response bodies through orjson read back exactly as Flask's default provider's do."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from shop.entrypoints.web.json_provider import OrjsonProvider


@dataclasses.dataclass
class Point:
    x: int
    label: str


VALUES: list[Any] = [
    {"price": Decimal("1299.00"), "currency": "USD", "b": 1, "a": [1, 2.5, None, True]},
    {"when": datetime(2026, 11, 24, 10, 0, tzinfo=UTC), "day": date(2026, 11, 24)},
    {"id": uuid.UUID(int=7), "point": Point(1, "é ☃")},
    {"ids": {2: "two", 1: "one"}, "z": {"nested": ["ünïcode", "\u2028"]}},
    {"huge": 10**30, "surrogate": "\ud800"},
    [],
]


@pytest.mark.parametrize("value", VALUES)
def test_orjson_bodies_parse_to_what_the_default_provider_gives(value: Any) -> None:
    app = Flask(__name__)
    ours, default = OrjsonProvider(app), DefaultJSONProvider(app)
    assert json.loads(ours.dumps(value)) == json.loads(default.dumps(value))
    # Keys stay sorted, as the default provider sorts them.
    assert list(json.loads(ours.dumps({"b": 1, "a": 2}))) == ["a", "b"]


def test_a_response_is_utf8_json() -> None:
    app = Flask(__name__)
    with app.app_context():
        response = OrjsonProvider(app).response(VALUES[0])
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data()) == {
        "a": [1, 2.5, None, True],
        "b": 1,
        "currency": "USD",
        "price": "1299.00",
    }
