"""API token endpoints (admins): create (the token is shown once), list, revoke."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..usecases import tokens
from .common import PREFIX, actor, context
from .schemas.users import NewTokenArgs, NewTokenSchema, TokenSchema

blp = Blueprint("tokens", __name__, url_prefix=f"{PREFIX}/tokens", description="API tokens (admins)")


@blp.route("")
class TokenList(MethodView):
    """API tokens of the agency."""

    @blp.response(200, TokenSchema(many=True))
    def get(self) -> Any:
        """Every token of the admin's agency (never the tokens themselves)."""
        return tokens.list_tokens(context(), actor())

    @blp.arguments(NewTokenArgs)
    @blp.response(201, NewTokenSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a token acting as yourself (never as someone else); the response shows it this once."""
        return tokens.create_token(context(), actor(), body.get("username"), body["name"])


@blp.route("/<int(max=2147483647):token_id>")
class Token(MethodView):
    """One API token."""

    @blp.response(204)
    def delete(self, token_id: int) -> None:
        """Revoke a token: it stops working at once."""
        tokens.revoke_token(context(), actor(), token_id)
