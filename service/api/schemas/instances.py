"""Bodies of the instance endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import PageArgs, PageSchema, data_field
from .tasks import TaskSchema


class StartSchema(Schema):
    """Which deployed model to start, with which data."""

    model_key = fields.String(required=True, validate=validate.Length(min=1, max=100))
    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "default: the latest"})
    business_key = fields.String(validate=validate.Length(min=1, max=100))
    data = data_field()


class InstanceListArgs(PageArgs):
    """Filters of the instance list."""

    status = fields.String(validate=validate.OneOf(("running", "suspended", "completed", "terminated")))
    model_key = fields.String(validate=validate.Length(min=1, max=100))
    business_key = fields.String(validate=validate.Length(min=1, max=100))


class InstanceSchema(Schema):
    """An instance."""

    id = fields.UUID(required=True)
    model_key = fields.String(required=True)
    model_version = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "the ETag's version"})
    confidential = fields.Boolean(required=True)
    started_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(allow_none=True)
    next_timer_at = fields.DateTime(allow_none=True)


class InstancePageSchema(PageSchema):
    """A page of instances."""

    items = fields.List(fields.Nested(InstanceSchema), required=True)


class InstanceDetailSchema(Schema):
    """An instance with its open tasks."""

    instance = fields.Nested(InstanceSchema, required=True)
    open_tasks = fields.List(fields.Nested(TaskSchema), required=True)


class GatewaySchema(Schema):
    """A gateway and the paths it chose."""

    element_id = fields.String(required=True)
    targets = fields.List(fields.String(), required=True)


class DiagramStateSchema(Schema):
    """What to paint on the diagram."""

    instance_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    completed = fields.List(fields.String(), required=True)
    active = fields.List(fields.String(), required=True)
    overdue = fields.List(fields.String(), required=True)
    path = fields.List(fields.String(), required=True, metadata={"description": "elements in the order they finished"})
    gateways = fields.List(fields.Nested(GatewaySchema), required=True)
