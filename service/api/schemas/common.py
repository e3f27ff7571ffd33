"""Schemas shared by several resources: paging, reasons, open-ended JSON objects."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_PER_PAGE = 200


class PageArgs(Schema):
    """Offset paging of a list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageSchema(Schema):
    """A page of a list: `items`, how many match in all, which page."""

    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class ReasonSchema(Schema):
    """Why an action is taken; it goes into the audit trail."""

    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class RequiredReasonSchema(Schema):
    """Why an action is taken (required); it goes into the audit trail."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def data_field(required: bool = False) -> fields.Dict:
    """A JSON object with text keys (task or instance data)."""
    if required:
        return fields.Dict(keys=fields.String(), required=True)
    return fields.Dict(keys=fields.String(), load_default=dict)
