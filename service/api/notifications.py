"""Notification endpoints: each user's preference, the admin's outbox and retry, an account's e-mail address."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..usecases import notification_admin
from .common import PREFIX, actor, context
from .schemas.notifications import EmailSchema, NotificationSchema, OutboxArgs, OutboxSchema, PreferenceSchema

blp = Blueprint("notifications", __name__, url_prefix=f"{PREFIX}/notifications",
                description="Notifications by e-mail (and SMS, Zalo): preferences and the outbox")


@blp.route("/preferences")
class Preferences(MethodView):
    """How the signed-in user hears of new tasks, tasks due soon and overdue ones."""

    @blp.response(200, PreferenceSchema)
    def get(self) -> Any:
        """The user's choice (`digest` when they made none) and e-mail address."""
        return notification_admin.get_preference(context(), actor())

    @blp.arguments(PreferenceSchema)
    @blp.response(200, PreferenceSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Choose `immediate`, `digest` (one daily digest; urgent tasks still at once) or `none`."""
        return notification_admin.set_preference(context(), actor(), body["mode"])


@blp.route("/outbox")
class OutboxView(MethodView):
    """The agency's notifications and their delivery state (admins)."""

    @blp.arguments(OutboxArgs, location="query")
    @blp.response(200, OutboxSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Newest first; `not_configured` are waiting for a channel's settings."""
        return asdict(notification_admin.outbox(context(), actor(), args["status"]))


@blp.route("/<int:notification_id>/retry")
class Retry(MethodView):
    """Sending a given-up notification again (admins)."""

    @blp.response(200, NotificationSchema)
    def post(self, notification_id: int) -> Any:
        """Queue a `failed` notification again; its attempts start afresh."""
        return notification_admin.retry(context(), actor(), notification_id)


@blp.route("/users/<string:username>/email")
class UserEmail(MethodView):
    """The e-mail address notifications of an account's tasks go to (admins)."""

    @blp.arguments(EmailSchema)
    @blp.response(200, PreferenceSchema)
    def post(self, body: dict[str, Any], username: str) -> Any:
        """Set the address (an empty one stops e-mail to the account)."""
        return notification_admin.set_email(context(), actor(), username, body["email"])
