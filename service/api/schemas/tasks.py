"""Bodies of the task endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import PageArgs, PageSchema, data_field


class TaskListArgs(PageArgs):
    """Which tasks to list."""

    scope = fields.String(load_default="group", validate=validate.OneOf(("mine", "group", "all")), metadata={
        "description": "mine: claimed by me; group: in my lanes; all: every task (leads, admins, auditors)"})
    overdue = fields.Boolean(metadata={"description": "only overdue (true) or only on-time (false) tasks"})
    lane = fields.String(validate=validate.Length(min=1, max=64))
    sort = fields.String(load_default="due", validate=validate.OneOf(("due", "created")))


class TaskSchema(Schema):
    """A task of the task list."""

    id = fields.UUID(required=True)
    instance_id = fields.UUID(required=True)
    instance_version = fields.Integer(required=True, metadata={"description": "the ETag's version"})
    business_key = fields.String(allow_none=True)
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    lane = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    form_key = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    status = fields.String(required=True)
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    overdue = fields.Boolean(required=True)


class TaskPageSchema(PageSchema):
    """A page of tasks."""

    items = fields.List(fields.Nested(TaskSchema), required=True)


class TaskDetailSchema(Schema):
    """A task with its form (form-js JSON) and the data the form shows."""

    task = fields.Nested(TaskSchema, required=True)
    form = fields.Dict(allow_none=True)
    data = fields.Dict(required=True)


class AssignSchema(Schema):
    """Whom to give the task to."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))


class CompleteSchema(Schema):
    """The data the task's form collects."""

    data = data_field(required=True)


class OpenTaskSchema(Schema):
    """A task an instance opened."""

    id = fields.UUID(required=True)
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    lane = fields.String(allow_none=True)
    form_key = fields.String(allow_none=True)


class CompletionSchema(Schema):
    """The completed task, where its instance now stands, and the tasks it opened next."""

    task = fields.Nested(TaskSchema, required=True)
    instance_status = fields.String(required=True)
    next_tasks = fields.List(fields.Nested(OpenTaskSchema), required=True)
