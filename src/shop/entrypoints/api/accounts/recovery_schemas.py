"""Bodies of password reset, email verification, email change and the personal-data
endpoints."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from shop.domain.accounts.addresses import FIELD_LIMITS
from shop.domain.accounts.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from shop.entrypoints.api.schemas import StrictSchema


def _link_token() -> fields.String:
    # A link token is 43 URL-safe characters; anything much longer is not one.
    return fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class PasswordResetRequestSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class PasswordResetConfirmSchema(StrictSchema):
    token = _link_token()
    new_password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
    )


class LinkTokenSchema(StrictSchema):
    token = _link_token()


class PasswordSchema(StrictSchema):
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH)
    )


class EmailChangeSchema(PasswordSchema):
    new_email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class AcceptedSchema(StrictSchema):
    detail = fields.String(required=True)


def _address_fields(*, required: bool) -> dict[str, fields.Field[Any]]:
    """The address's input fields; an update names only those it changes."""

    def text(name: str, needed: bool) -> fields.String:
        low = 1 if needed and required else 0
        return fields.String(
            required=needed and required, validate=validate.Length(min=low, max=FIELD_LIMITS[name])
        )

    return {
        "full_name": text("full_name", True),
        "line1": text("line1", True),
        "line2": text("line2", False),
        "city": text("city", True),
        "postal_code": text("postal_code", True),
        "country": fields.String(
            required=required,
            validate=validate.Regexp(r"^[A-Za-z]{2}$", error="An ISO 3166-1 alpha-2 code."),
            metadata={"example": "DE"},
        ),
        "phone": text("phone", False),
        "is_default_shipping": fields.Boolean(),
        "is_default_billing": fields.Boolean(),
    }


AddressInSchema = StrictSchema.from_dict(_address_fields(required=True), name="AddressIn")
AddressPatchSchema = StrictSchema.from_dict(_address_fields(required=False), name="AddressPatch")


class SavedAddressSchema(StrictSchema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    line1 = fields.String(required=True)
    line2 = fields.String(required=True)
    city = fields.String(required=True)
    postal_code = fields.String(required=True)
    country = fields.String(required=True)
    phone = fields.String(required=True)
    is_default_shipping = fields.Boolean(required=True)
    is_default_billing = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
