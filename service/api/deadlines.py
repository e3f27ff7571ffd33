"""Deadline endpoints: extending a petition's resolution deadline by a recorded decision, and the alerts
(reminders and "Cảnh báo quá hạn") for the caller's roles."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..domain import petition_deadlines
from .common import PREFIX, actor, context

blp = Blueprint("deadlines", __name__, url_prefix=PREFIX, description="Deadlines and their alerts")


class ExtensionBodySchema(Schema):
    """The director's decision extending a deadline."""

    decision_number = fields.String(required=True, validate=validate.Length(
        min=1, max=petition_deadlines.DECISION_LENGTH), metadata={"description": "number of the extension decision"})
    decided_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=petition_deadlines.REASON_LENGTH))


class ExtensionSchema(Schema):
    """A recorded extension."""

    petition_code = fields.String(required=True)
    number = fields.Integer(required=True, metadata={"description": "which extension this is (1, 2)"})
    allowed = fields.Integer(required=True, metadata={"description": "how many the petition's rule allows"})
    previous = fields.DateTime(required=True)
    deadline_at = fields.DateTime(required=True)
    decision_number = fields.String(required=True)


class AlertArgs(Schema):
    """Filters of the alert list."""

    all = fields.Boolean(load_default=False, metadata={"description": "also the alerts already read"})


class AlertSchema(Schema):
    """A reminder before a deadline or an overdue alert after it."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "`reminder` or `overdue`"})
    role = fields.String(required=True)
    title = fields.String(required=True)
    due_at = fields.DateTime(required=True)
    created_at = fields.DateTime(required=True)
    petition_id = fields.UUID(allow_none=True)
    task_id = fields.UUID(allow_none=True)
    read_at = fields.DateTime(allow_none=True)


@blp.route("/petitions/<uuid:petition_id>/extensions")
class Extensions(MethodView):
    """Extensions of a petition's resolution deadline."""

    @blp.arguments(ExtensionBodySchema)
    @blp.response(201, ExtensionSchema)
    def post(self, body: dict[str, Any], petition_id: uuid.UUID) -> Any:
        """Extend the deadline by the director's decision, as often as the petition's type allows."""
        return petition_deadlines.extend(context(), actor(), petition_id, body["decision_number"], body["decided_on"],
                                         body["reason"])


@blp.route("/alerts")
class Alerts(MethodView):
    """The caller's deadline alerts."""

    @blp.arguments(AlertArgs, location="query")
    @blp.response(200, AlertSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Unread alerts for the caller's roles, newest first (`all=true`: the read ones too)."""
        return petition_deadlines.list_alerts(context(), actor(), unread_only=not args["all"])


@blp.route("/alerts/<int:alert_id>/read")
class AlertRead(MethodView):
    """Marking an alert read."""

    @blp.response(200, AlertSchema)
    def post(self, alert_id: int) -> Any:
        """Mark one of the caller's alerts read; it stays on record."""
        return petition_deadlines.mark_read(context(), actor(), alert_id)
