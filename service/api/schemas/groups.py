"""Bodies of the group endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class GroupSchema(Schema):
    """A group of the agency: who works the lanes of its name."""

    key = fields.String(required=True, metadata={"description": "the name folded: what lanes and grants match"})
    label = fields.String(required=True, metadata={"description": "the name as the admin wrote it"})
    default = fields.Boolean(required=True, metadata={"description": "one of the groups every agency has"})
    role = fields.String(required=True, metadata={"description": "the role a member holds"})
    members = fields.List(fields.String(), required=True)


class NewGroupSchema(Schema):
    """A new group: any name, Vietnamese included (`Phòng Pháp chế`), unique in the agency in any letter case."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class GrantSchema(Schema):
    """The group to grant a user, by name (in any letter case) or key."""

    group = fields.String(required=True, validate=validate.Length(min=1, max=200))
