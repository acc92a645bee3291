"""Shapes shared by every resource."""

from __future__ import annotations

from marshmallow import Schema, fields


class ProblemSchema(Schema):
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


class StrictSchema(Schema):
    """Request bodies: unknown fields are refused (422), so nothing unexpected is assigned."""
