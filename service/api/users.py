"""Account endpoints (admins): list, create, disable."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..usecases import accounts
from .common import PREFIX, actor, context
from .schemas.users import NewUserSchema, UserSchema

blp = Blueprint("users", __name__, url_prefix=f"{PREFIX}/users", description="Accounts (admins)")


def _view(info: accounts.UserInfo) -> dict[str, Any]:
    return {"username": info.username, "display_name": info.display_name, "active": info.active,
            "roles": [r for roles in info.roles.values() for r in roles]}


@blp.route("")
class UserList(MethodView):
    """Accounts of the agency."""

    @blp.response(200, UserSchema(many=True))
    def get(self) -> Any:
        """Every account with roles in the admin's agency."""
        return [_view(u) for u in accounts.agency_users(context(), actor())]

    @blp.arguments(NewUserSchema)
    @blp.response(201, UserSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create an account with roles in the admin's agency (password: at least 8 characters, argon2-hashed)."""
        return _view(accounts.create_user(context(), actor(), body["username"], body["password"], body["roles"],
                                          body["display_name"]))


@blp.route("/<string:username>/disable")
class UserDisable(MethodView):
    """Disabling an account."""

    @blp.response(200, UserSchema)
    def post(self, username: str) -> Any:
        """Disable an account: it can no longer sign in, and its API tokens stop working."""
        return _view(accounts.disable_user(context(), actor(), username))
