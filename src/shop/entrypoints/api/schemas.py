"""Shapes shared by every resource."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields


class ShopSchema(Schema):
    """The API's schemas: an instance deep-copies as itself.

    flask-smorest deep-copies a view's documentation, with the schema instances in it, at each
    of its decorators; the copies (368 instances of 42 schemas) are kept for as long as the
    process and cost it about a megabyte. A schema instance is not changed once the views are
    declared, so every copy can be the instance itself."""

    def __deepcopy__(self, memo: dict[int, Any]) -> ShopSchema:
        return self


class ProblemSchema(ShopSchema):
    """RFC 9457 problem details."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(metadata={"example": "Not Found"})
    status = fields.Integer(metadata={"example": 404})
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Field name -> messages (on 422 and some 409s)."},
    )
    available = fields.Integer(metadata={"description": "On a 409 about stock: units left."})
    current_version = fields.Integer(
        metadata={"description": "On a 409 about a stale version: the product's version now."}
    )


class StrictSchema(ShopSchema):
    """Request bodies: unknown fields are refused (422), so nothing unexpected is assigned."""
