"""Body of the message endpoint."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import data_field


class MessageSchema(Schema):
    """A message for whichever instance waits for it."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"description": "the message name of the diagram's catching event"})
    correlations = data_field()
    payload = data_field()
