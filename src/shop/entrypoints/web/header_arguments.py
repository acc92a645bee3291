"""Header arguments read without a schema load, where the load can only copy the values.

A header schema of optional, unvalidated string fields and no hooks (the cart token's, the
order token's, the checkout's) loads each declared header's text as it is: webargs and
marshmallow spend about 20 µs a request finding that out (a cart GET's largest piece after
Redis). `plain_header_fields` says, once per schema, whether that holds and which headers to
read; anything else, and any value the argument checks would refuse, takes the full load,
which then answers exactly as before.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping

import marshmallow as ma

# (attribute, header name) of each field; None: the schema needs its full load.
PlainFields = tuple[tuple[str, str], ...] | None

_PLAIN: weakref.WeakKeyDictionary[ma.Schema, PlainFields] = weakref.WeakKeyDictionary()


def plain_header_fields(schema: ma.Schema) -> PlainFields:
    if schema not in _PLAIN:
        _PLAIN[schema] = _plain_fields_of(schema)
    return _PLAIN[schema]


def _plain_fields_of(schema: ma.Schema) -> PlainFields:
    if any(schema._hooks.values()) or schema.many:
        return None
    plain = []
    for name, field in schema.load_fields.items():
        if (
            type(field) is not ma.fields.String
            or field.required
            or field.validators
            or field.load_default is not ma.missing
        ):
            return None
        plain.append((field.attribute or name, field.data_key or name))
    return tuple(plain)


def read_plain_headers(
    fields: tuple[tuple[str, str], ...], headers: Mapping[str, str]
) -> dict[str, str]:
    """What the schema's load gives for these headers (each one present, as sent)."""
    return {attribute: headers[name] for attribute, name in fields if name in headers}
