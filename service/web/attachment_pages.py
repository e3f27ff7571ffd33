"""Files on the pages: adding them on a petition's page (also a document's signed copy) and on a task
page, downloading one; a refused file is named beside the file field in the page's language."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse

from ..domain import attachments
from ..files.download import download_headers
from ..usecases import files
from ..usecases.errors import Invalid
from . import security
from .i18n import format_number
from .i18n import translate as _
from .security import staff_required

bp = Blueprint("attachments", __name__)

_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"(?P<name>.+) is too large: at most (?P<max>\d+) bytes; this file has (?P<size>\d+)",
     "The file {name} is too large: at most {max} MB; this file has {size} MB."),
    (r"(?P<name>.+): the name ends in \.(?P<ext>\w+) but the file is (?P<kind>.+)",
     "The file {name} is named .{ext} but holds a {kind} file; it was not accepted."),
    (r"(?P<name>.+): the file is HTML, XML or SVG.*",
     "The file {name} is a web page (HTML, XML or SVG); such files are not accepted."),
    (r"(?P<name>.+): the file is empty", "The file {name} is empty."),
    (r"(?P<name>.+) holds a virus \((?P<signature>.*)\) and was refused",
     "The file {name} holds malware ({signature}) and was refused."),
    (r"(?P<name>.+) could not be scanned for viruses.*",
     "The file {name} could not be checked for malware just now; nothing was kept, try again later."),
    (r"at most (?P<n>\d+) files at once.*", "At most {n} files at once."),
    (r"required", "Choose a file."),
    (r"(?P<name>.+?): .*", "The file {name} is not of an accepted kind (PDF, JPEG, PNG, TIFF, Word, Excel, "
                           "OpenDocument or plain text)."),
)


def _mb(value: str) -> str:
    return format_number(round(int(value) / 1048576, 1))


def file_error(exc: Invalid) -> str:
    """Why a file was refused, in the page's language."""
    problem = " ".join(exc.fields.get(files.FIELD, [])) or str(exc)
    for pattern, text in _MESSAGES:
        match = re.fullmatch(pattern, problem.strip(), re.DOTALL)
        if match:
            found = match.groupdict()
            values = {k: _mb(v) if k in ("max", "size") else v for k, v in found.items()}
            return _(text, **values)
    return _("This value was refused.")


def uploads(storages: list[FileStorage]) -> list[files.Upload]:
    """The files a form sent (a file field left empty sends nothing)."""
    return [files.Upload(f.filename or "", f.read()) for f in storages if f.filename]


def _optional_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@bp.post("/petitions/<uuid:petition_id>/attachments")
@staff_required
def add_to_petition(petition_id: uuid.UUID) -> BaseResponse | tuple[str, int]:
    """Add files to the petition (with `document_id`: the signed, scanned copy of that document)."""
    from .petition_pages import render_with_files

    document_id = _optional_uuid(request.form.get("document_id"))
    try:
        added = attachments.add(security.context(), security.actor(), petition_id,
                                uploads(request.files.getlist(files.FIELD)), document_id=document_id)
    except Invalid as exc:
        return render_with_files(petition_id, {"error": file_error(exc), "document_id": document_id}, 422)
    return redirect(url_for("web.petitions.petition_page", petition_id=petition_id, attached=len(added),
                            _anchor="documents" if document_id else "attachments"))


@bp.post("/tasks/<uuid:task_id>/attachments")
@staff_required
def add_on_task(task_id: uuid.UUID) -> BaseResponse | tuple[str, int]:
    """Add files to the petition of a task, marked as added on this task."""
    from .task_pages import render_task

    try:
        attachments.add(security.context(), security.actor(), None, uploads(request.files.getlist(files.FIELD)),
                        task_id=task_id)
    except Invalid as exc:
        return render_task(task_id, attach={"error": file_error(exc)}, status=422)
    return redirect(url_for("web.tasks.task_page", task_id=task_id, attached=1, _anchor="attachments"))


@bp.get("/petitions/<uuid:petition_id>/attachments/<uuid:attachment_id>")
@staff_required
def download(petition_id: uuid.UUID, attachment_id: uuid.UUID) -> Response:
    """One file of the petition, as a download (never shown inline)."""
    found = attachments.download(security.context(), security.actor(), petition_id, attachment_id)
    return Response(found.data, mimetype=found.content_type, headers=download_headers(found.name))


def page_values(petition_id: uuid.UUID | None, attach: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the attachments card of a petition or task page shows."""
    ctx, actor = security.context(), security.actor()
    found = attachments.list_for_petition(ctx, actor, petition_id) if petition_id else []
    return {"attached": found, "may_attach": attachments.may_upload(actor), "attach": attach or {}}


@bp.app_context_processor
def _attachment_limit() -> dict[str, Any]:
    return {"max_attachment_mb": _mb(str(security.context().settings.max_attachment_bytes)),
            "attachment_field": files.FIELD}
