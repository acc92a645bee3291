"""The part of a catalog read's cache key that comes from its query string."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import json, request
from marshmallow import EXCLUDE, Schema, fields
from werkzeug.exceptions import HTTPException

from shop.entrypoints.web.arguments import ShopArgumentsParser

_PARSER = ShopArgumentsParser()


class _PageSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer()
    page_size = fields.Integer()


def canonical_query(view: Callable[..., Any]) -> str | None:
    """The request's query as `view` validates it, as canonical JSON; None when invalid.

    Only what the view's schemas accept counts, so an unknown parameter or another spelling
    of the same value never makes a new key, and one value holding `&` or `=` never shares
    a key with two parameters. An invalid query is not cached: the view answers its 422.
    """
    schemas: list[Schema] = [_PageSchema()]
    for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        if parameter.get("in") == "query":
            schemas.append(parameter["schema"])
    validated: dict[str, Any] = {}
    try:
        for schema in schemas:
            validated.update(_PARSER.parse(schema, request, location="query"))
    except HTTPException:
        return None
    return json.dumps(validated, sort_keys=True, default=str, separators=(",", ":"))
