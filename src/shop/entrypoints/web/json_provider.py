"""Response bodies through orjson: the same JSON as Flask's default provider (keys sorted,
non-string keys as strings, and Flask's own rendering of what JSON has no type for: Decimal
as a string, dates as HTTP dates, dataclasses as objects), serialised in native code.

The default provider's `json.dumps` with `sort_keys` and `ensure_ascii` is most of what a
response spends in Python; orjson writes UTF-8 instead of `\\uXXXX` escapes, which any
JSON parser reads as the same text (the API's bodies are UTF-8).
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider, _default

OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


class OrjsonProvider(DefaultJSONProvider):
    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self._flask = app

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return self.dump_bytes(obj).decode()

    def dump_bytes(self, obj: Any) -> bytes:
        """orjson, or the standard library for what orjson refuses (integers beyond 64 bits,
        lone surrogates in a string), so nothing that serialised before fails now."""
        try:
            return orjson.dumps(obj, default=_default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().dumps(obj).encode()

    def response(self, *args: Any, **kwargs: Any) -> Any:
        obj = self._prepare_response_obj(args, kwargs)
        return self._flask.response_class(self.dump_bytes(obj), mimetype=self.mimetype)


def use_orjson(app: Flask) -> None:
    app.json = OrjsonProvider(app)
