"""A petition's official documents: the list and the .docx/PDF downloads."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..domain import documents
from .common import PREFIX, actor, context
from .schemas.documents import DocumentSchema

blp = Blueprint("documents", __name__, url_prefix=f"{PREFIX}/petitions", description="Official documents")


@blp.route("/<uuid:petition_id>/documents")
class DocumentList(MethodView):
    """The documents a petition's steps issued."""

    @blp.response(200, DocumentSchema(many=True))
    def get(self, petition_id: uuid.UUID) -> Any:
        """Documents of a petition the caller may see, in the order issued (the receipt first)."""
        return documents.list_for_petition(context(), actor(), petition_id)


@blp.route("/<uuid:petition_id>/documents/<uuid:document_id>.<any(docx, pdf):fmt>")
class DocumentFile(MethodView):
    """One document as an editable .docx or a PDF."""

    @blp.response(200, content_type="application/pdf", description="the file, as a download (attachment)")
    def get(self, petition_id: uuid.UUID, document_id: uuid.UUID, fmt: str) -> Any:
        """Download the document; the same number and content each time, in the current template."""
        name, content_type, content = documents.render(context(), actor(), document_id, fmt, petition_id)
        return Response(content, mimetype=content_type, headers={
            "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store"})
