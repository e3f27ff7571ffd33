"""Petition endpoints: submit (staff or public), list, read, withdraw, and public tracking."""

from __future__ import annotations

import uuid
from typing import Any

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..domain import comments, petition_tracking, petitions
from ..usecases.context import Actor
from .common import PREFIX, actor, context, public
from .schemas.petitions import (
    CommentBodySchema,
    CommentSchema,
    IdempotencySchema,
    PetitionListArgs,
    PetitionPageSchema,
    PetitionSchema,
    PublicStatusSchema,
    ReceiptSchema,
    SubmitSchema,
    WithdrawSchema,
)

blp = Blueprint("petitions", __name__, url_prefix=f"{PREFIX}/petitions", description="Petitions")
tracking = Blueprint("public", __name__, url_prefix=f"{PREFIX}/public", description="Public tracking")


def _submitter(body: dict[str, Any]) -> Actor:
    """The signed-in staff member, or the public addressing the agency named in the body."""
    signed_in: Actor | None = g.get("actor")
    if signed_in is not None:
        return signed_in
    return Actor("public", body.get("agency") or context().settings.default_agency)


@blp.route("")
@public
class PetitionList(MethodView):
    """The petitions register."""

    @blp.arguments(PetitionListArgs, location="query")
    @blp.response(200, PetitionPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Petitions the caller may see, newest first (confidential ones only to those handling them)."""
        page, per_page = args.pop("page"), args.pop("per_page")
        args["dialogue_id"], args["stage"] = args.pop("dialogue", None), args.pop("status", None)
        items = petitions.list_petitions(context(), actor(), limit=per_page, offset=(page - 1) * per_page, **args)
        return {"items": items, "page": page, "per_page": per_page}

    @blp.arguments(SubmitSchema)
    @blp.arguments(IdempotencySchema, location="headers")
    @blp.response(201, ReceiptSchema)
    def post(self, body: dict[str, Any], headers: dict[str, Any]) -> Any:
        """Submit a petition; anyone may, staff record what they receive. Keep the tracking code.

        Send an `Idempotency-Key` header to retry safely: the same key returns the first petition.
        """
        who = _submitter(body)
        body.pop("agency", None)
        return petitions.submit(context(), who, body, idempotency_key=headers.get("idempotency_key"))


@blp.route("/<uuid:petition_id>")
class Petition(MethodView):
    """One petition."""

    @blp.response(200, PetitionSchema)
    def get(self, petition_id: uuid.UUID) -> Any:
        """A petition the caller may see."""
        return petitions.get(context(), actor(), petition_id)


@blp.route("/<uuid:petition_id>/withdraw")
class Withdraw(MethodView):
    """Withdrawing a petition."""

    @blp.arguments(WithdrawSchema)
    @blp.response(200, PetitionSchema)
    def post(self, body: dict[str, Any], petition_id: uuid.UUID) -> Any:
        """Record the petitioner's withdrawal with its reason; the petition closes, nothing is deleted."""
        return petitions.withdraw(context(), actor(), petition_id, body["reason"])


@blp.route("/<uuid:petition_id>/comments")
class Comments(MethodView):
    """Comments staff write on a petition without completing a task."""

    @blp.response(200, CommentSchema(many=True))
    def get(self, petition_id: uuid.UUID) -> Any:
        """The comments on a petition the caller may see, oldest first."""
        return comments.list_comments(context(), actor(), petition_id)

    @blp.arguments(CommentBodySchema)
    @blp.response(201, CommentSchema)
    def post(self, body: dict[str, Any], petition_id: uuid.UUID) -> Any:
        """Write a comment; everyone who may see the petition reads it, and it is in the audit trail."""
        return comments.add(context(), actor(), petition_id, body["body"])


@tracking.route("/petitions/<string:tracking_code>")
@public
class Tracking(MethodView):
    """A petition as its submitter follows it."""

    @tracking.response(200, PublicStatusSchema)
    def get(self, tracking_code: str) -> Any:
        """Status, dates and final answer; never internal notes, names or confidential content.

        Any case, spaces and dashes are accepted. Only failed lookups count against the caller's address;
        too many answer 429 with `Retry-After`.
        """
        return petition_tracking.track(context(), tracking_code, address=request.remote_addr or "unknown")
