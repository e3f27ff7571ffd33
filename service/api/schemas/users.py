"""Bodies of the account and token endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class UserSchema(Schema):
    """An account with its roles in the admin's agency."""

    username = fields.String(required=True)
    display_name = fields.String(required=True)
    active = fields.Boolean(required=True)
    roles = fields.List(fields.String(), required=True)


class NewUserSchema(Schema):
    """A new account."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))
    roles = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True,
                        validate=validate.Length(min=1, max=20))
    display_name = fields.String(load_default="", validate=validate.Length(max=200))


class NewTokenArgs(Schema):
    """A new API token of the signed-in admin, and a name to recognise it by.

    `username`, when sent, must be the admin's own: a token acts for whoever creates it.
    """

    username = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class TokenSchema(Schema):
    """An API token (never the token itself)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    username = fields.String(required=True)
    agency = fields.String(required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class NewTokenSchema(Schema):
    """A token just created: `token` is shown this once."""

    info = fields.Nested(TokenSchema, required=True)
    token = fields.String(required=True)
