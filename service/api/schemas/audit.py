"""Bodies of the audit endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class AuditFilterArgs(Schema):
    """Which events: by instance, petition (business key), actor, type, time range; keyset paging."""

    instance_id = fields.UUID()
    business_key = fields.String(validate=validate.Length(min=1, max=100))
    actor = fields.String(validate=validate.Length(min=1, max=64))
    event_type = fields.String(validate=validate.Length(min=1, max=64))
    since = fields.AwareDateTime(metadata={"description": "from this moment (inclusive)"})
    until = fields.AwareDateTime(metadata={"description": "up to this moment (exclusive)"})
    after_id = fields.Integer(validate=validate.Range(min=0), metadata={
        "description": "continue after this event id (the previous page's next_after_id)"})


class AuditListArgs(AuditFilterArgs):
    """Filters and page size."""

    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditExportArgs(AuditFilterArgs):
    """Filters and file format."""

    format = fields.String(load_default="csv", validate=validate.OneOf(("csv", "jsonl")))


class EventSchema(Schema):
    """One audit event."""

    id = fields.Integer(required=True)
    chain = fields.String(required=True)
    seq = fields.Integer(required=True)
    event_type = fields.String(required=True)
    actor = fields.String(required=True)
    at = fields.DateTime(required=True)
    instance_id = fields.UUID(allow_none=True)
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    data = fields.Dict(required=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)


class EventPageSchema(Schema):
    """A page of events, oldest first."""

    items = fields.List(fields.Nested(EventSchema), required=True)
    next_after_id = fields.Integer(allow_none=True, required=True)


class ChainProblemSchema(Schema):
    """One thing wrong with a chain."""

    chain = fields.String(required=True)
    reason = fields.String(required=True)
    event_id = fields.Integer(allow_none=True)


class VerificationSchema(Schema):
    """The outcome of checking the agency's hash chains (from the last checkpoint on)."""

    ok = fields.Boolean(required=True)
    events_checked = fields.Integer(required=True)
    chains_checked = fields.Integer(required=True)
    broken_event_id = fields.Integer(allow_none=True)
    broken_chain = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    problems = fields.List(fields.Nested(ChainProblemSchema), required=True)
    checkpoint = fields.Integer(allow_none=True, metadata={"description": "the sealed checkpoint compared with"})
    kind = fields.String(required=True, metadata={"description": "`incremental` or `full`"})
    at = fields.DateTime(allow_none=True)
