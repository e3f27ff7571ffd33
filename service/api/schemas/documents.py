"""Bodies of the petition documents endpoints."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields


class DocumentSchema(Schema):
    """An official document a petition's steps issued, with its two downloads."""

    id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"description": "receipt, acceptance, refusal, forwarding, "
                         "guidance, invitation, minutes, written_reply, notice_of_results"})
    number = fields.String(dump_only=True, metadata={"description": "number and symbol, e.g. 12/TB-SKHCN"})
    title = fields.String(dump_only=True)
    issued_at = fields.DateTime(dump_only=True)
    template_version = fields.String(dump_only=True, metadata={"description": "SHA-256 of the template file"})
    docx_url = fields.Method("_docx")
    pdf_url = fields.Method("_pdf")

    def _url(self, document: Any, fmt: str) -> str:
        return url_for("documents.DocumentFile", petition_id=document.petition_id, document_id=document.id, fmt=fmt)

    def _docx(self, document: Any) -> str:
        return self._url(document, "docx")

    def _pdf(self, document: Any) -> str:
        return self._url(document, "pdf")
