"""Bodies of the version comparison and instance migration endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .models import VersionSchema


class ElementChangeSchema(Schema):
    """An element that differs between two versions."""

    element_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "`added`, `removed` or `changed`"})
    process = fields.String(required=True, metadata={"description": "the process or sub-process it is in"})
    attributes = fields.List(fields.String(), required=True, metadata={"description": "what changed"})


class ComparisonSchema(Schema):
    """What differs from one version of a model to another."""

    key = fields.String(required=True)
    old = fields.Nested(VersionSchema, required=True)
    new = fields.Nested(VersionSchema, required=True)
    added = fields.List(fields.Nested(ElementChangeSchema), required=True)
    removed = fields.List(fields.Nested(ElementChangeSchema), required=True)
    changed = fields.List(fields.Nested(ElementChangeSchema), required=True)
    resources_added = fields.List(fields.String(), attribute="diff.resources_added", required=True)
    resources_removed = fields.List(fields.String(), attribute="diff.resources_removed", required=True)
    resources_changed = fields.List(fields.String(), attribute="diff.resources_changed", required=True)


class MoveResultSchema(Schema):
    """One instance's move or dry run."""

    instance_id = fields.UUID(required=True)
    business_key = fields.String(allow_none=True)
    from_version = fields.Integer(required=True)
    to_version = fields.Integer(required=True)
    movable = fields.Boolean(required=True)
    moved = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True, metadata={"description": "why it cannot move"})
    at = fields.List(fields.String(), required=True, metadata={"description": "elements it is at"})
    reset = fields.List(fields.String(), required=True,
                        metadata={"description": "elements it is at that changed (their tasks are re-predicted)"})


class BulkMoveSchema(Schema):
    """A bulk move or its dry run."""

    key = fields.String(required=True)
    from_version = fields.Integer(required=True)
    to_version = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)
    results = fields.List(fields.Nested(MoveResultSchema), required=True)
    blocked = fields.List(fields.Nested(MoveResultSchema), required=True)


_VERSION = validate.Range(min=1, max=2147483647)


class BulkMoveBodySchema(Schema):
    """Move every running instance of this version to `to_version`; `dry_run` (the default) only checks."""

    to_version = fields.Integer(required=True, validate=_VERSION)
    dry_run = fields.Boolean(load_default=True)


class MigrateBodySchema(Schema):
    """Move this instance to version `to_version` of its process; `dry_run` only checks."""

    to_version = fields.Integer(required=True, validate=_VERSION)
    dry_run = fields.Boolean(load_default=False)


class DraftSchema(Schema):
    """A saved draft of a model: edited freely, run only once published."""

    id = fields.Integer(required=True)
    key = fields.String(required=True)
    file_name = fields.String(required=True)
    bpmn_xml = fields.String(required=True)
    resources = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    updated_by = fields.String(required=True)
    updated_at = fields.DateTime(required=True)
