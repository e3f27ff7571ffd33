"""Dialogue endpoints: decide one, set its agenda, record its outcomes, call it off; and the periodic report."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..domain import dialogues, reports
from .common import PREFIX, actor, context
from .schemas.petitions import (
    AgendaSchema,
    CancelSchema,
    DialogueCreateSchema,
    DialogueListArgs,
    DialogueSchema,
    FiguresSchema,
    OutcomesSchema,
    ReportArgs,
)

blp = Blueprint("dialogues", __name__, url_prefix=f"{PREFIX}/dialogues", description="Dialogue conferences")
report_blp = Blueprint("reports", __name__, url_prefix=f"{PREFIX}/reports", description="Reports")


@blp.route("")
class DialogueList(MethodView):
    """The agency's dialogues."""

    @blp.arguments(DialogueListArgs, location="query")
    @blp.response(200, DialogueSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Dialogues, newest first."""
        return dialogues.list_dialogues(context(), actor(), args.get("status"))

    @blp.arguments(DialogueCreateSchema)
    @blp.response(201, DialogueSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Decide a periodic (Office) or ad-hoc (director, where the plan allows) dialogue."""
        return dialogues.create(context(), actor(), **body)


@blp.route("/<uuid:dialogue_id>")
class Dialogue(MethodView):
    """One dialogue."""

    @blp.response(200, DialogueSchema)
    def get(self, dialogue_id: uuid.UUID) -> Any:
        """A dialogue with its agenda."""
        return dialogues.get(context(), actor(), dialogue_id)


@blp.route("/<uuid:dialogue_id>/agenda")
class Agenda(MethodView):
    """The agenda of a dialogue."""

    @blp.arguments(AgendaSchema)
    @blp.response(200, DialogueSchema)
    def post(self, body: dict[str, Any], dialogue_id: uuid.UUID) -> Any:
        """Put consolidated petitions on the agenda (each on one open dialogue only)."""
        return dialogues.set_agenda(context(), actor(), dialogue_id, body["petition_ids"], body["chair"], body["note"])


@blp.route("/<uuid:dialogue_id>/outcomes")
class Outcomes(MethodView):
    """The outcomes of a conference."""

    @blp.arguments(OutcomesSchema)
    @blp.response(200, DialogueSchema)
    def post(self, body: dict[str, Any], dialogue_id: uuid.UUID) -> Any:
        """Record one outcome per agenda item; each petition then receives its outcome."""
        return dialogues.record_outcomes(context(), actor(), dialogue_id, body["outcomes"], body["held_on"],
                                         body["minutes"])


@blp.route("/<uuid:dialogue_id>/cancel")
class Cancel(MethodView):
    """Calling a dialogue off."""

    @blp.arguments(CancelSchema)
    @blp.response(200, DialogueSchema)
    def post(self, body: dict[str, Any], dialogue_id: uuid.UUID) -> Any:
        """Call off a dialogue not yet held (Office, director): its agenda's petitions wait for another one."""
        return dialogues.cancel(context(), actor(), dialogue_id, body["reason"])


@report_blp.route("/periodic")
class Periodic(MethodView):
    """The periodic report."""

    @report_blp.arguments(ReportArgs, location="query")
    @report_blp.response(200, FiguresSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Counts by source, field, urgency and outcome, open and overdue, median days to answer."""
        return reports.periodic(context(), actor(), args["from_"], args["to"])
