"""The part of a catalog read's cache key that comes from its query string."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from typing import Any

from flask import json, request
from marshmallow import EXCLUDE, Schema, fields
from werkzeug.exceptions import HTTPException

from shop.entrypoints.web.arguments import ShopArgumentsParser
from shop.entrypoints.web.recent_entries import MISSING, Lru

_PARSER = ShopArgumentsParser()


class _PageSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer()
    page_size = fields.Integer()


class CanonicalQuery:
    """The request's query as a view validates it, as canonical JSON; None when invalid.

    Only what the view's schemas accept counts, so an unknown parameter or another spelling
    of the same value never makes a new key, and one value holding `&` or `=` never shares
    a key with two parameters. An invalid query is not cached: the view answers its 422.
    The schemas are found and built once per view, not per request, and the answers for the
    most recent query strings are remembered (validation is a pure function of the query
    string), so a cache hit seldom pays for it.
    """

    MEMORY = 1024

    def __init__(self, view: Callable[..., Any]) -> None:
        parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
        self.schemas: list[Schema] = [_PageSchema()]
        for parameter in parameters:
            if parameter.get("in") == "query":
                schema = parameter["schema"]
                self.schemas.append(schema() if isinstance(schema, type) else schema)
        self._recent: Lru[bytes, str | None] = Lru(self.MEMORY)

    def __call__(self) -> str | None:
        raw = request.query_string
        if not raw:
            return "{}"
        remembered = self._recent.get(raw, MISSING)
        if remembered is not MISSING:
            return remembered
        canonical = self._validate()
        self._recent.put(raw, canonical)
        return canonical

    def _validate(self) -> str | None:
        validated: dict[str, Any] = {}
        try:
            for schema in self.schemas:
                loaded = _PARSER.parse(schema, request, location="query")
                # A schema may load its query into a value object (a ProductSearch).
                is_value = is_dataclass(loaded) and not isinstance(loaded, type)
                validated.update(asdict(loaded) if is_value else loaded)
        except HTTPException:
            return None
        return json.dumps(validated, sort_keys=True, default=str, separators=(",", ":"))
