"""Bodies of the process model endpoints."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


class UploadSchema(Schema):
    """A bundle as files: one .bpmn diagram plus its .form.json forms and .dmn decision tables."""

    bpmn = Upload(required=True, metadata={"description": "the .bpmn file"})
    resources = fields.List(Upload(), load_default=list, metadata={"description": ".dmn and .form.json files"})


class BundleSchema(Schema):
    """A bundle as JSON: the diagram's XML and its resources' texts by file name."""

    file_name = fields.String(load_default="diagram.bpmn", validate=validate.Length(min=1, max=200))
    bpmn_xml = fields.String(required=True, validate=validate.Length(min=1))
    resources = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=200)), values=fields.String(),
                            load_default=dict)


class ModelListArgs(Schema):
    """Filter of the model list."""

    key = fields.String(validate=validate.Length(min=1, max=100))


class VersionSchema(Schema):
    """A deployed version."""

    id = fields.Integer(required=True)
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    sha256 = fields.String(required=True)
    deployed_by = fields.String(required=True)
    deployed_at = fields.DateTime(required=True)
    created = fields.Boolean(required=True, metadata={"description": "false when the same bundle was there already"})


class VersionDetailSchema(Schema):
    """A deployed version with its diagram."""

    info = fields.Nested(VersionSchema, required=True)
    bpmn_xml = fields.String(required=True)
    resources = fields.List(fields.String(), required=True)


class ProblemItemSchema(Schema):
    """One problem of a bundle."""

    message = fields.String(required=True)
    element_id = fields.String(allow_none=True)
    file_name = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)


class CheckReportSchema(Schema):
    """The outcome of validating a bundle."""

    valid = fields.Boolean(required=True)
    process_key = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    lanes = fields.List(fields.String(), required=True)
    human_tasks = fields.List(fields.String(), required=True)
    problems = fields.List(fields.Nested(ProblemItemSchema), required=True)
