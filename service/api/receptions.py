"""Citizen reception endpoints: the reception book, its sessions, the reception calendar, the xlsx book."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..domain import reception_export, receptions
from .common import PREFIX, actor, context
from .schemas.receptions import (
    CalendarArgs,
    CalendarSchema,
    ReceptionCreateSchema,
    ReceptionListArgs,
    ReceptionSchema,
)

blp = Blueprint("receptions", __name__, url_prefix=f"{PREFIX}/receptions", description="Citizen reception")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("")
class ReceptionList(MethodView):
    """The agency's reception book."""

    @blp.arguments(ReceptionListArgs, location="query")
    @blp.response(200, ReceptionSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Sessions of the period (this year when not given), by date."""
        return receptions.list_sessions(context(), actor(), args.get("from_"), args.get("to"))

    @blp.arguments(ReceptionCreateSchema)
    @blp.response(201, ReceptionSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Record a reception session (reception, Office, Inspectorate, director)."""
        return receptions.record(context(), actor(), **body)


@blp.route("/calendar")
class Calendar(MethodView):
    """The director's periodic reception days."""

    @blp.arguments(CalendarArgs, location="query")
    @blp.response(200, CalendarSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """The year's reception days from the agency's plan, each with the sessions recorded on it."""
        return receptions.calendar(context(), actor(), args["year"])


@blp.route("/export.xlsx")
class Export(MethodView):
    """The reception book as a workbook."""

    @blp.arguments(ReceptionListArgs, location="query")
    @blp.response(200, content_type=XLSX, description="the book, as a download (attachment)")
    def get(self, args: dict[str, Any]) -> Any:
        """The sessions of the period as an Excel workbook (sổ tiếp công dân)."""
        data, name = reception_export.book_xlsx(context(), actor(), args.get("from_"), args.get("to"))
        return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


@blp.route("/<uuid:reception_id>")
class Reception(MethodView):
    """One session of the book."""

    @blp.response(200, ReceptionSchema)
    def get(self, reception_id: uuid.UUID) -> Any:
        """A session with the petitions it produced."""
        return receptions.get(context(), actor(), reception_id)
