"""Bodies of the notification endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...usecases.notifications import MODES


class PreferenceSchema(Schema):
    """How the signed-in user hears of tasks, and the address notifications go to."""

    username = fields.String(dump_only=True)
    email = fields.String(dump_only=True, allow_none=True)
    mode = fields.String(required=True, validate=validate.OneOf(MODES),
                         metadata={"description": "immediate, digest (one daily digest; the default) or none"})


class EmailSchema(Schema):
    """An account's e-mail address (empty: none)."""

    email = fields.String(required=True, validate=validate.Length(max=200))


class NotificationSchema(Schema):
    """One notification of the outbox."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True)
    username = fields.String(allow_none=True)
    subject = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "pending, sending, sent, failed, digest (held for the daily digest), digested, or "
                       "not_configured (pending on a channel with no settings)"})
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    sent_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    urgent = fields.Boolean(required=True)


class OutboxSchema(Schema):
    """The agency's outbox: channels configured, counts by state, newest notifications."""

    channels = fields.List(fields.String(), required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    items = fields.List(fields.Nested(NotificationSchema), required=True)


class OutboxArgs(Schema):
    """Filter of the outbox."""

    status = fields.String(load_default=None, validate=validate.OneOf(
        ("pending", "sending", "sent", "failed", "digest", "digested", "not_configured")))
