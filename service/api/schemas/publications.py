"""Bodies of the public publication export (no personal data in any field)."""

from __future__ import annotations

from marshmallow import Schema, fields


class PublishedPlanSchema(Schema):
    """The year's plan as its dialogues' publication carried it."""

    code = fields.String()
    title = fields.String()
    year = fields.Integer()
    periodic_quarter = fields.Integer(allow_none=True)
    venue = fields.String(allow_none=True)
    adhoc_allowed = fields.Boolean(allow_none=True)


class PublishedItemSchema(Schema):
    """One published item: a dialogue's schedule (`plan`) or a notice of results (`results`)."""

    id = fields.UUID(required=True)
    kind = fields.String(required=True, metadata={"description": "`plan` or `results`"})
    subject = fields.String(required=True, metadata={"description": "`dialogue` or `petition`"})
    title = fields.String(required=True)
    year = fields.Integer(required=True)
    published_at = fields.DateTime(required=True)
    planned_on = fields.Date(allow_none=True, metadata={"description": "the dialogue's date"})
    venue = fields.String(attribute="content.venue", allow_none=True)
    topic = fields.String(attribute="content.topic", allow_none=True)
    dialogue_kind = fields.String(attribute="content.dialogue_kind", allow_none=True)
    code = fields.String(attribute="content.code", allow_none=True, metadata={"description": "a petition's number"})
    field = fields.String(attribute="content.field", allow_none=True)
    outcome = fields.String(attribute="content.outcome", allow_none=True)
    text = fields.String(attribute="content.text", allow_none=True,
                         metadata={"description": "the notice's text, personal data removed"})


class PublicationListingSchema(Schema):
    """An agency's public pages as data."""

    agency_code = fields.String(required=True)
    agency_name = fields.String(required=True)
    updated_at = fields.DateTime(allow_none=True)
    plans = fields.List(fields.Nested(PublishedPlanSchema), required=True)
    upcoming = fields.List(fields.Nested(PublishedItemSchema), required=True)
    past = fields.List(fields.Nested(PublishedItemSchema), required=True)
    notices = fields.List(fields.Nested(PublishedItemSchema), required=True)
