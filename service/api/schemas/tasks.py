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


class ChoiceSchema(Schema):
    """One value a choice allows, with its label."""

    value = fields.Raw(required=True)
    label = fields.String(required=True)


class FormFieldSchema(Schema):
    """One value a task's form collects, named as the submitted data names it."""

    name = fields.String(required=True, metadata={"description": "the key in `data` (a component's key or path)"})
    type = fields.String(required=True, metadata={"description": "the form-js type: textfield, textarea, "
                                                  "number, select, radio, checkbox, checklist, taglist, "
                                                  "datetime, dynamiclist (a list of objects), group"})
    label = fields.String(required=True)
    required = fields.Boolean(required=True, metadata={"description": "required for the task's current data"})
    hidden = fields.Boolean(required=True, metadata={"description": "hidden by the form's condition now"})
    multiple = fields.Boolean(required=True, metadata={"description": "the value is a list"})
    options = fields.List(fields.Nested(ChoiceSchema), metadata={
        "description": "select, radio, checklist, taglist: the only values allowed, each with its label"})
    components = fields.List(fields.Nested(lambda: FormFieldSchema()), metadata={
        "description": "for a dynamic list or group: the fields of each entry"})
    hide_when = fields.String(metadata={"description": "the form-js (FEEL) condition that hides the field; a hidden "
                                                      "field is never required (`required` and `hidden` are "
                                                      "evaluated on the task's data as it is now)"})
    subtype = fields.String(metadata={"description": "datetime: date, time or datetime (ISO 8601)"})
    min_length = fields.Integer()
    max_length = fields.Integer()
    pattern = fields.String()
    min = fields.Raw()
    max = fields.Raw()
    default = fields.Raw()


class TaskDetailSchema(Schema):
    """A task with its form (form-js JSON), the fields that form collects, and the data it shows."""

    task = fields.Nested(TaskSchema, required=True)
    form = fields.Dict(allow_none=True)
    data = fields.Dict(required=True)
    form_fields = fields.List(fields.Nested(FormFieldSchema), required=True, attribute="fields", data_key="fields",
                              metadata={
        "description": "what `POST .../complete` takes in `data`; entries of a dynamic list already in `data` "
                       "(one per agenda item, say) are completed and sent back whole"})


class AssignSchema(Schema):
    """Whom to give the task to."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))


class MoveSchema(Schema):
    """The unit a unit's task moves to, and why."""

    unit = fields.String(required=True, validate=validate.Length(min=1, max=64))
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


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
