"""Bodies of the sign-in endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class LoginSchema(Schema):
    """Credentials."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024), load_only=True)
    agency = fields.String(validate=validate.Length(min=1, max=32), metadata={
        "description": "the agency to sign into; needed only by people who work in several"})


class MeSchema(Schema):
    """The signed-in actor."""

    username = fields.String(required=True)
    agency = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    csrf_token = fields.String(allow_none=True, metadata={
        "description": "send it back in X-CSRF-Token on every write made with the session cookie"})


class CsrfSchema(Schema):
    """The CSRF token of the session."""

    csrf_token = fields.String(required=True)
    header = fields.String(required=True)
