"""Bodies of the reception book endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...domain.receptions import KINDS, MAX_TEXT


class ReceptionCreateSchema(Schema):
    """A reception session as the book records it."""

    received_on = fields.Date(required=True)
    kind = fields.String(load_default="periodic", validate=validate.OneOf(KINDS))
    receiver = fields.String(required=True, validate=validate.Length(min=1, max=200))
    receiver_title = fields.String(load_default="", validate=validate.Length(max=200))
    visitors = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))
    delegation = fields.Boolean(load_default=False)
    representatives = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))
    citizens = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))
    content = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    result = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))
    refused = fields.Boolean(load_default=False)
    refusal_reason = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))
    petition_codes = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                                 validate=validate.Length(max=100))


class LinkedPetitionSchema(Schema):
    """A petition the session produced."""

    id = fields.UUID(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)


class ReceptionSchema(ReceptionCreateSchema):
    """A session of the reception book."""

    id = fields.UUID(required=True)
    number = fields.Integer(required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)
    petitions = fields.List(fields.Nested(LinkedPetitionSchema), required=True)


class ReceptionListArgs(Schema):
    """The period of the book to read (this year when not given)."""

    from_ = fields.Date(data_key="from")
    to = fields.Date()


class CalendarArgs(Schema):
    """The year of the reception calendar."""

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class ReceptionDaySchema(Schema):
    """One of the director's periodic reception days."""

    day = fields.Date(required=True)
    receiver = fields.String(required=True)
    venue = fields.String(required=True)
    session = fields.String(required=True)
    assumed = fields.Boolean(required=True)
    sessions = fields.List(fields.UUID(), required=True)


class CalendarSchema(Schema):
    """The year's reception days from the agency's plan."""

    year = fields.Integer(required=True)
    plan_code = fields.String(allow_none=True, required=True)
    plan_title = fields.String(required=True)
    days = fields.List(fields.Nested(ReceptionDaySchema), required=True)
    note = fields.String(required=True)
