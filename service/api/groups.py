"""Group endpoints (admins): the agency's groups, creating one, granting and revoking one to a user."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..usecases import groups
from .common import PREFIX, actor, context
from .schemas.groups import GrantSchema, GroupSchema, NewGroupSchema

blp = Blueprint("groups", __name__, url_prefix=f"{PREFIX}/groups", description="Groups working lanes (admins)")
grants = Blueprint("group_grants", __name__, url_prefix=f"{PREFIX}/users",
                   description="Groups granted to users (admins)")


def _view(info: groups.GroupInfo) -> dict[str, Any]:
    return {"key": info.key, "label": info.label, "default": info.default, "role": info.role,
            "members": list(info.members)}


@blp.route("")
class GroupList(MethodView):
    """Groups of the agency."""

    @blp.response(200, GroupSchema(many=True))
    def get(self) -> Any:
        """Every group of the agency (the default ones first) with its members."""
        return [_view(g) for g in groups.list_groups(context(), actor())]

    @blp.arguments(NewGroupSchema)
    @blp.response(201, GroupSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a group; a lane of the same name (in any letter case) is then worked by its members."""
        return _view(groups.create_group(context(), actor(), body["name"]))


@grants.route("/<string:username>/groups")
class UserGroups(MethodView):
    """The groups of one user."""

    @grants.arguments(GrantSchema)
    @grants.response(200, GroupSchema)
    def post(self, body: dict[str, Any], username: str) -> Any:
        """Grant a group of the agency to a user of the agency (granting it again changes nothing)."""
        return _view(groups.grant_group(context(), actor(), body["group"], username))


@grants.route("/<string:username>/groups/<string:group>")
class UserGroup(MethodView):
    """One group of one user."""

    @grants.response(204)
    def delete(self, username: str, group: str) -> None:
        """Revoke a group from a user (not their last role: disable the account instead)."""
        groups.revoke_group(context(), actor(), group, username)
