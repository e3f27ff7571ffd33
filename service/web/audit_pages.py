"""The auditor's pages: search the trail, export it as CSV, check its hash chains, and follow one
instance's timeline beside its diagram with the path taken, waiting and overdue elements marked."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, redirect, render_template, request, stream_with_context, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..domain import web_queries
from ..usecases import audit_queries, instance_queries, models
from ..usecases.audit_queries import AuditFilter
from . import security
from .diagram import element_names
from .security import staff_required

bp = Blueprint("audit", __name__)

EVENT_TYPES = ("instance_started", "task_created", "task_claimed", "task_unclaimed", "task_assigned",
               "task_completed", "element_completed", "gateway_taken", "timer_fired", "message_delivered",
               "message_thrown", "escalation_thrown", "instance_completed", "model_deployed", "login_failed",
               "confidential_read", "confidential_listed", "user_created", "task_moved", "dialogue_cancelled",
               "user_roles_changed", "attachment_uploaded", "attachment_downloaded", "group_created",
               "group_granted", "group_revoked")


def _day(text: str | None, end: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    zone = ZoneInfo(security.context().settings.timezone)
    return datetime.combine(day + timedelta(days=1) if end else day, time.min, zone)


def _filter() -> AuditFilter:
    args = request.args
    try:
        instance_id = uuid.UUID(args.get("instance", "")) if args.get("instance") else None
    except ValueError:
        instance_id = None
    return AuditFilter(instance_id=instance_id, business_key=args.get("petition") or None,
                       actor=args.get("actor") or None, event_type=args.get("type") or None,
                       since=_day(args.get("since")), until=_day(args.get("until"), end=True),
                       after_id=int(args["after"]) if args.get("after", "").isdigit() else None)


@bp.get("/audit")
@staff_required
def search() -> str:
    """Search the agency's audit trail by instance, petition, actor, event type and time."""
    ctx, actor = security.context(), security.actor()
    page = audit_queries.list_events(ctx, actor, _filter(), limit=100)
    check = audit_queries.last_verification(ctx, actor)  # the worker checks periodically; not on every view
    names: dict[str, str] = {}
    for xml in models.newest_diagrams(ctx, actor):
        names = {**element_names(xml), **names}
    return render_template("audit/search.html", page=page, check=check, args=request.args, types=EVENT_TYPES,
                           names=names)


@bp.post("/audit/verify")
@staff_required
def verify_now() -> BaseResponse:
    """Check the agency's chains now (from the last checkpoint on) and show the result."""
    audit_queries.verify(security.context(), security.actor())
    return redirect(url_for("web.audit.search"))


@bp.get("/audit/export.csv")
@staff_required
def export() -> Response:
    """The events matching the search, as CSV."""
    lines = audit_queries.export_events(security.context(), security.actor(), _filter(), "csv")
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-trail.csv"})


@bp.get("/audit/instances/<uuid:instance_id>")
@staff_required
def timeline(instance_id: uuid.UUID) -> str:
    """One instance's timeline beside its diagram: path taken, waiting and overdue elements."""
    ctx, actor = security.context(), security.actor()
    state = instance_queries.diagram_state(ctx, actor, instance_id)
    story = web_queries.history(ctx, actor, instance_id)
    marks = {"done": state.completed, "active": state.active, "late": state.overdue}
    petition = web_queries.petition_of_instance(ctx, actor, instance_id)
    return render_template("audit/timeline.html", state=state, story=story, marks=marks, petition=petition,
                           names=element_names(story.bpmn_xml))
