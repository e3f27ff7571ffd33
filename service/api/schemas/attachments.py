"""Bodies of the petition attachments endpoints."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import Schema, fields


class AttachmentSchema(Schema):
    """A file of a petition (never its bytes: fetch `download_url`)."""

    id = fields.UUID(dump_only=True)
    name = fields.String(dump_only=True, metadata={"description": "the file name the sender gave, cleaned"})
    size = fields.Integer(dump_only=True, metadata={"description": "bytes"})
    content_type = fields.String(dump_only=True, metadata={"description": "the type its content was checked to be"})
    sha256 = fields.String(dump_only=True)
    uploaded_by = fields.String(dump_only=True)
    uploaded_at = fields.DateTime(dump_only=True)
    task_id = fields.UUID(dump_only=True, allow_none=True, metadata={"description": "the task it was added on"})
    document_id = fields.UUID(dump_only=True, allow_none=True, metadata={
        "description": "the official document it is the signed, scanned copy of"})
    download_url = fields.Method("_download")

    def _download(self, item: Any) -> str:
        return url_for("attachments.AttachmentFile", petition_id=item.petition_id, attachment_id=item.id)


class AttachmentUploadSchema(Schema):
    """A multipart upload: the file, and where it belongs when not to the petition at large."""

    file = Upload(required=True, metadata={"description": "PDF, JPEG, PNG, TIFF, .docx, .xlsx, .odt, .ods or "
                                           "UTF-8 text; at most PETITIONFLOW_MAX_ATTACHMENT_BYTES"})

    task_id = fields.UUID(load_default=None, metadata={"description": "a task of the petition it is added on"})
    document_id = fields.UUID(load_default=None, metadata={
        "description": "an issued document of the petition this file is the signed, scanned copy of"})
