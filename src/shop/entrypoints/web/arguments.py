"""One gate for every request argument (JSON body, query string, headers).

flask-smorest hands each location's raw data to this parser before the schema sees it, so
the rules below hold for every endpoint at once:

* text may not carry control characters (other than tab, newline and carriage return) or
  lone surrogates: PostgreSQL refuses NUL and cannot encode a surrogate, and none of them
  means anything in a name, an email or a search. 422 names the field;
* a JSON body may nest at most `MAX_JSON_DEPTH` levels; deeper (or too deep to parse at all)
  is 400, never a RecursionError.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, NoReturn

import flask
import marshmallow as ma
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import MultiDict

from shop.domain.errors import ValidationFailed
from shop.entrypoints.web.header_arguments import plain_header_fields, read_plain_headers

MAX_JSON_DEPTH = 32
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
FORBIDDEN_MESSAGE = "Must not contain control characters."


def has_forbidden_characters(text: str) -> bool:
    return FORBIDDEN_CHARACTERS.search(text) is not None


def check_text(name: str, value: str | None) -> None:
    """For text read outside a schema: ValidationFailed (422) naming `name` if it is unfit."""
    if value is not None and has_forbidden_characters(value):
        raise ValidationFailed({name: [FORBIDDEN_MESSAGE]})


def _strings_of(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every string in a parsed JSON value, keys included; iterative."""
    stack: list[tuple[str, Any, int]] = [(path, value, 0)]
    while stack:
        where, item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            _too_deep()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, Mapping):
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                yield child_path, str(key)
                stack.append((child_path, child, depth + 1))
        elif isinstance(item, list):
            stack.extend((where, child, depth + 1) for child in item)


def _too_deep() -> NoReturn:
    abort(400, message=f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")
    raise AssertionError("abort() raises")  # flask-smorest's abort is not typed NoReturn


def _declared_names(schema: ma.Schema) -> frozenset[str]:
    """The names the schema reads, lower-cased (header names ignore case)."""
    names = _DECLARED.get(schema)
    if names is None:
        names = frozenset((f.data_key or name).lower() for name, f in schema.fields.items())
        _DECLARED[schema] = names
    return names


_DECLARED: weakref.WeakKeyDictionary[ma.Schema, frozenset[str]] = weakref.WeakKeyDictionary()


class ShopArgumentsParser(FlaskParser):
    """webargs' Flask parser with the checks above, loading with one instance of each schema
    class (webargs builds one per request, and copying the fields cost more than the load)."""

    _instances: ClassVar[dict[type[ma.Schema], ma.Schema]] = {}

    def _get_schema(self, argmap: Any, req: flask.Request) -> ma.Schema:
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = self._instances.get(argmap)
            if schema is None:
                schema = self._instances.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def parse(
        self,
        argmap: Any,
        req: Any = None,
        *,
        location: str | None = None,
        unknown: Any = core._UNKNOWN_DEFAULT_PARAM,
        validate: Any = None,
        **kwargs: Any,
    ) -> Any:
        """webargs' parse, but headers of a plain schema (see `header_arguments`) are read
        without a load when they pass the checks (else the load answers, as before)."""
        if location == "headers" and validate is None and self._excludes(unknown):
            req = flask.request if req is None else req
            fields = plain_header_fields(self._get_schema(argmap, req))
            if fields is not None:
                values = read_plain_headers(fields, req.headers)
                if not any(map(has_forbidden_characters, values.values())):
                    return values
        return super().parse(
            argmap, req, location=location, unknown=unknown, validate=validate, **kwargs
        )

    def _excludes(self, unknown: Any) -> bool:
        """Does a headers load ignore the headers the schema does not declare (webargs'
        precedence: the argument, the parser's setting, the location's default)?"""
        for setting in (unknown, self.unknown):
            if setting is not core._UNKNOWN_DEFAULT_PARAM:
                return bool(setting == ma.EXCLUDE)
        return self.DEFAULT_UNKNOWN_BY_LOCATION.get("headers") == ma.EXCLUDE

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        try:
            return core.parse_json(req.get_data(cache=True))
        except RecursionError:
            _too_deep()

    def pre_load(
        self, location_data: Mapping[str, Any], *, schema: ma.Schema, req: Any, location: str
    ) -> Mapping[str, Any]:
        if location == "json":
            found = {
                where or "_body": [FORBIDDEN_MESSAGE]
                for where, text in _strings_of(location_data, "")
                if has_forbidden_characters(text)
            }
        else:
            raw = getattr(location_data, "data", location_data)
            pairs = raw.items(multi=True) if isinstance(raw, MultiDict) else raw.items()
            declared = _declared_names(schema)
            found = {
                name: [FORBIDDEN_MESSAGE]
                for name, value in pairs
                if name.lower() in declared
                and isinstance(value, str)
                and has_forbidden_characters(value)
            }
        if found:
            raise ma.ValidationError(found)
        return location_data
