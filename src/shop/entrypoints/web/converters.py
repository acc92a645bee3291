"""URL converters: a path id outside what the database can hold names nothing (404)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from shop.domain.limits import MAX_INTEGER

MAX_ID = MAX_INTEGER  # ids are INTEGER columns


class IdConverter(IntegerConverter):
    """`<int:...>` limited to 1..MAX_ID, so an id like 2**64 is a 404, never a driver
    overflow; flask-smorest documents the bounds in the OpenAPI parameter."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
