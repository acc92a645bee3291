from __future__ import annotations

from marshmallow import fields, validate

from shop.domain.accounts.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, Role
from shop.entrypoints.api.schemas import StrictSchema


class RegisterSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
    )
    full_name = fields.String(load_default="", validate=validate.Length(max=200))


class LoginSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH)
    )


class LogoutSchema(StrictSchema):
    refresh_token = fields.String(load_default=None, validate=validate.Length(max=4096))


class UserSchema(StrictSchema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.Enum(Role, by_value=True, required=True)


class AccountSchema(UserSchema):
    """The signed-in account, as /auth/me shows it."""

    email_verified = fields.Boolean(required=True)


class TokenPairSchema(StrictSchema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds."})
