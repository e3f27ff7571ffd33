"""Petitions for staff: the register, recording one at the reception, and one petition's page with
its status, deadlines, path on the diagram, history and documents (print-friendly)."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ..domain import case_file, comments, documents, petitions, web_queries
from ..usecases import files
from ..usecases.errors import Conflict, Invalid
from . import attachment_pages, security
from .diagram import element_names
from .i18n import translate as _
from .names import field_codes
from .security import staff_required

bp = Blueprint("petitions", __name__)

INTAKE_CHECKS = ("petition_type", "petition_date", "identity_document", "signer_count", "representatives")
"""The reception form's fields of a petition's kind and conditions, as typed (the use case checks them)."""
FIELDS = ("science", "technology", "standards", "ip", "administration", "personnel", "other")


def intake_data(form: MultiDict[str, str], public: bool) -> dict[str, Any]:
    """The petition fields of a posted intake form."""
    data: dict[str, Any] = {key: form.get(key, "").strip() for key in (
        "source", "field", "title", "petitioner_name", "petitioner_contact")}
    data["content"] = form.get("content", "")
    data["channel"] = "electronic" if public else form.get("channel", "reception")
    data["confidential"] = False if public else form.get("confidential") == "on"
    if not public:  # the reception records the petition's kind and conditions (`intake_checks`)
        data |= {key: form.get(key, "").strip() for key in INTAKE_CHECKS if form.get(key, "").strip()}
        if form.get("signed") in ("yes", "no"):
            data["signed"] = form.get("signed") == "yes"
    return data


def submission_token(form: MultiDict[str, str] | None = None) -> str:
    """The one-time token of an intake form (its idempotency key): the posted one when the form is shown
    again, else a new one. Posting the same form twice receives the petition once."""
    sent = (form or MultiDict()).get("submission", "")
    return sent if 16 <= len(sent) <= 64 and sent.isascii() and sent.isprintable() else secrets.token_urlsafe(24)


def posted_token(form: MultiDict[str, str]) -> str | None:
    """The one-time token a posted intake form carries (None on a form without one)."""
    sent = form.get("submission", "")
    return sent[:petitions.MAX_KEY] if sent else None


def field_errors(exc: Invalid) -> dict[str, list[str]]:
    """The use case's problems ('key: what') as translated messages by field."""
    found: dict[str, list[str]] = {}
    if files.FIELD in exc.fields:
        return {files.FIELD: [attachment_pages.file_error(exc)]}
    for problem in exc.problems:
        key, _sep, what = problem.partition(":")
        longer = re.search(r"at most (\d+) characters; this text has (\d+)", what)
        message = (_("At most {n} characters; this text has {m}.", n=longer.group(1), m=longer.group(2)) if longer
                   else _("This field is required.") if "required" in what else _("This value was refused."))
        found.setdefault(key.strip() if _sep else "", []).append(message)
    return found


@bp.get("/petitions")
@staff_required
def petition_list() -> str:
    """The petitions the signed-in person may see, newest first, filtered."""
    args = request.args
    found = petitions.list_petitions(
        security.context(), security.actor(), stage=args.get("stage") or None, field=args.get("field") or None,
        urgency=args.get("urgency") or None, source=args.get("source") or None, text=args.get("q") or None,
        limit=100)
    return render_template("petitions/list.html", items=found, fields=field_codes(FIELDS), args=args)


@bp.route("/petitions/new", methods=["GET", "POST"])
@staff_required
def intake() -> Response | str | tuple[str, int]:
    """Record a petition received at the reception, by letter, through a unit or at the conference."""
    values: dict[str, Any] = {"source": "citizen", "channel": "reception", "field": field_codes(FIELDS)[0]}
    if request.method == "POST":
        values = intake_data(request.form, public=False)
        try:
            info = petitions.submit(security.context(), security.actor(), values,
                                    idempotency_key=posted_token(request.form),
                                    attachments=attachment_pages.uploads(request.files.getlist(files.FIELD)))
        except Invalid as exc:
            return render_template("petitions/new.html", v=values, errors=field_errors(exc), fields=field_codes(FIELDS),
                                   channels=petitions.CHANNELS, submission=submission_token(request.form)), 422
        return redirect(url_for("web.petitions.petition_page", petition_id=info.id, received=1))
    return render_template("petitions/new.html", v=values, errors={}, fields=field_codes(FIELDS),
                           channels=petitions.CHANNELS, submission=submission_token())


WITHDRAWERS = ("reception", "office", "inspectorate", "admin")
"""Who records a petitioner's withdrawal (the use case says the same)."""


def _page(petition_id: uuid.UUID, template: str, comment: dict[str, Any] | None = None,
          withdrawal: dict[str, Any] | None = None, attach: dict[str, Any] | None = None) -> str:
    ctx, actor = security.context(), security.actor()
    petition = petitions.get(ctx, actor, petition_id)
    story = web_queries.history(ctx, actor, petition.instance_id) if petition.instance_id else None
    cf = case_file.of_instance(ctx, actor, petition.instance_id) if petition.instance_id else None
    names = element_names(story.bpmn_xml) if story else {}
    marks = {"done": story.completed, "active": story.active, "late": story.overdue} if story else {}
    issued = documents.list_for_petition(ctx, actor, petition_id)
    return render_template(template, p=petition, story=story, names=names, marks=marks, cf=cf, documents=issued,
                           stage=names.get(petition.stage), comment=comment, may_comment=comments.may_write(actor),
                           may_withdraw=petition.closed_at is None and petition.instance_id is not None
                           and actor.has(*WITHDRAWERS), withdrawal=withdrawal or {},
                           **attachment_pages.page_values(petition_id, attach))


def render_with_files(petition_id: uuid.UUID, attach: dict[str, Any], status: int) -> tuple[str, int]:
    """The petition page with the refusal of a file beside the file field."""
    return _page(petition_id, "petitions/page.html", attach=attach), status


def render_petition(petition_id: uuid.UUID, comment: dict[str, Any] | None = None,
                    status: int = 200) -> tuple[str, int]:
    """The petition page, with the comment form showing what was typed and its error."""
    return _page(petition_id, "petitions/page.html", comment), status


@bp.get("/petitions/<uuid:petition_id>")
@staff_required
def petition_page(petition_id: uuid.UUID) -> str:
    """One petition: status, deadlines, the path on the diagram, its documents, thread and history."""
    return _page(petition_id, "petitions/page.html")


@bp.get("/petitions/<uuid:petition_id>/print")
@staff_required
def petition_print(petition_id: uuid.UUID) -> str:
    """The petition's record, documents and thread, laid out for printing."""
    return _page(petition_id, "petitions/print.html")


@bp.get("/petitions/<uuid:petition_id>/documents/<uuid:document_id>.<any(docx, pdf):fmt>")
@staff_required
def document_file(petition_id: uuid.UUID, document_id: uuid.UUID, fmt: str) -> Response:
    """One of the petition's official documents, downloaded (never shown inline)."""
    name, content_type, content = documents.render(security.context(), security.actor(), document_id, fmt,
                                                   petition_id)
    return Response(content, mimetype=content_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})


@bp.post("/petitions/<uuid:petition_id>/withdraw")
@staff_required
def withdraw(petition_id: uuid.UUID) -> Response | tuple[str, int]:
    """Record the petitioner's withdrawal with its reason; the petition closes, nothing is deleted."""
    reason = request.form.get("reason", "")
    try:
        petitions.withdraw(security.context(), security.actor(), petition_id, reason)
    except Invalid as exc:
        error = (_("Give the reason the petitioner gave.") if "required" in " ".join(exc.problems) else
                 _("At most {n} characters; this text has {m}.", n=petitions.WITHDRAWAL_REASON_LENGTH,
                   m=len(reason.strip())))
        return _page(petition_id, "petitions/page.html", withdrawal={"reason": reason, "error": error}), 422
    except Conflict:
        return _page(petition_id, "petitions/page.html", withdrawal={
            "reason": reason, "error": _("This petition can no longer be withdrawn.")}), 409
    return redirect(url_for("web.petitions.petition_page", petition_id=petition_id, withdrawn=1))
