"""Messages from outside: deliver a message by name and correlation to the instance waiting for it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..usecases import messages
from .common import PREFIX, actor, context, with_etag
from .schemas.instances import InstanceDetailSchema
from .schemas.messages import MessageSchema
from .tasks import ETAG_HEADER

blp = Blueprint("messages", __name__, url_prefix=f"{PREFIX}/messages", description="Messages from outside")


@blp.route("")
class Messages(MethodView):
    """Delivering a message."""

    @blp.arguments(MessageSchema)
    @blp.response(200, InstanceDetailSchema, headers=ETAG_HEADER)
    @blp.alt_response(404, description="No running instance of the agency waits for this message; `expected` "
                                       "lists the message names and correlation values that are waited for")
    def post(self, body: dict[str, Any]) -> Any:
        """Deliver message `name` to the oldest running instance of the caller's agency that waits for it with
        these correlation values (office, director, admin); recorded on that instance's audit chain."""
        detail = messages.deliver(context(), actor(), body["name"], body["correlations"], body["payload"])
        return with_etag(detail, detail.instance.id, detail.instance.version)
