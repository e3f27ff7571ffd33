"""A petition's files: list, upload (multipart) and download."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from flask import Request, Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from ..domain import attachments
from ..files.download import download_headers
from .common import PREFIX, actor, context
from .schemas.attachments import AttachmentSchema, AttachmentUploadSchema


class _MultipartParser(FlaskParser):
    """webargs' parser with a `multipart` location: a multipart body's form fields and files together."""


_PARSER = _MultipartParser()


@_PARSER.location_loader("multipart")
def _load_multipart(req: Request, schema: Schema) -> Any:
    return _PARSER._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class _FileBlueprint(Blueprint):  # type: ignore[misc]
    """A blueprint whose `multipart` arguments are documented as one multipart/form-data request body."""

    ARGUMENTS_PARSER = _PARSER
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING: ClassVar[dict[str, str]] = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "multipart": "multipart/form-data"}


blp = _FileBlueprint("attachments", __name__, url_prefix=f"{PREFIX}/petitions", description="Attachments")


@blp.route("/<uuid:petition_id>/attachments")
class AttachmentList(MethodView):
    """Scanned letters, evidence, signed replies and minutes of a petition."""

    accepts = ("multipart/form-data",)

    @blp.response(200, AttachmentSchema(many=True))
    def get(self, petition_id: uuid.UUID) -> Any:
        """Files of a petition the caller may see, oldest first (a confidential one's: 404 to others)."""
        return attachments.list_for_petition(context(), actor(), petition_id)

    @blp.arguments(AttachmentUploadSchema, location="multipart")
    @blp.response(201, AttachmentSchema)
    def post(self, sent: dict[str, Any], petition_id: uuid.UUID) -> Any:
        """Add a file; its kind is judged by its content (HTML is refused), its size by the setting."""
        upload = attachments.Upload(sent["file"].filename or "", sent["file"].read())
        return attachments.add(context(), actor(), petition_id, [upload], sent["task_id"], sent["document_id"])[0]


@blp.route("/<uuid:petition_id>/attachments/<uuid:attachment_id>")
class AttachmentFile(MethodView):
    """One file, as a download."""

    @blp.response(200, content_type="application/octet-stream", description="the file, as a download (attachment)")
    def get(self, petition_id: uuid.UUID, attachment_id: uuid.UUID) -> Any:
        """Download the file with the type its content was checked to be; never shown inline."""
        found = attachments.download(context(), actor(), petition_id, attachment_id)
        return Response(found.data, mimetype=found.content_type, headers=download_headers(found.name))
