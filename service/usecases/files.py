"""Checking and storing a petition's files inside the transaction of the step that adds them.

`check` judges a file before any transaction opens (its kind by content, its size against
`PETITIONFLOW_MAX_ATTACHMENT_BYTES`, and the virus scanner when one is configured); `store` writes a
checked file and its `attachment_uploaded` event in the caller's session, so a submission, an
intake or an upload either keeps its files or keeps nothing. This module knows no petitions' rules
of access (`attachments` does) so that `petitions.submit` can store the files it receives.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..config import Settings
from ..files import clamd, sniff
from ..store.attachment_tables import Attachment
from . import audit
from .errors import Invalid

MAX_FILES = 10
"""Most files one request may hand in."""
FIELD = "attachments"
"""The name of the file field on the pages and of the refused input in errors."""


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the sender gave it and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    """A file that passed every check: its clean name, the content type its bytes show, its digest."""

    name: str
    content_type: str
    data: bytes
    sha256: str


def _refuse(message: str) -> Invalid:
    return Invalid(f"the file was not accepted: {message}", [f"{FIELD}: {message}"], fields={FIELD: [message]})


def check(settings: Settings, upload: Upload) -> Checked:
    """The file, checked; `Invalid` (field `attachments`) saying why it is refused."""
    name = sniff.clean_name(upload.name)
    limit = settings.max_attachment_bytes
    if len(upload.data) > limit:
        raise _refuse(f"{name} is too large: at most {limit} bytes; this file has {len(upload.data)}")
    try:
        kind = sniff.check(name, upload.data)
    except sniff.Refused as exc:
        raise _refuse(f"{name}: {exc}") from None
    if settings.clamd_address:
        try:
            verdict = clamd.scan(settings.clamd_address, upload.data, float(settings.clamd_timeout_s))
        except clamd.ScanFailed as exc:
            raise _refuse(f"{name} could not be scanned for viruses ({exc}); nothing was kept, try again later"
                          ) from None
        if not verdict.clean:
            raise _refuse(f"{name} holds a virus ({verdict.signature}) and was refused")
    return Checked(name, kind.content_type, upload.data, hashlib.sha256(upload.data).hexdigest())


def check_all(settings: Settings, uploads: Sequence[Upload]) -> list[Checked]:
    """Every file checked (empty file fields of a form are skipped); at most `MAX_FILES`."""
    present = [u for u in uploads if u.data or u.name]
    if len(present) > MAX_FILES:
        raise _refuse(f"at most {MAX_FILES} files at once; {len(present)} were sent")
    return [check(settings, u) for u in present]


def store(s: Session, checked: Checked, agency_id: int, agency_code: str, petition_id: uuid.UUID,
          petition_code: str, actor: str, at: datetime, task_id: uuid.UUID | None = None,
          document_id: uuid.UUID | None = None) -> Attachment:
    """Write the file and its `attachment_uploaded` event (agency chain) in the caller's transaction."""
    row = Attachment(id=uuid.uuid4(), agency_id=agency_id, petition_id=petition_id, task_id=task_id,
                     document_id=document_id, name=checked.name, content_type=checked.content_type,
                     size=len(checked.data), sha256=checked.sha256, content=checked.data,
                     uploaded_by=actor[:64], uploaded_at=at)
    s.add(row)
    audit.append_to_agency(s, agency_id, audit.agency_chain(agency_code), actor, at, audit.Entry(
        "attachment_uploaded", {"petition_id": str(petition_id), "petition_code": petition_code,
                                "attachment_id": str(row.id), "name": row.name, "size": row.size,
                                "content_type": row.content_type, "sha256": row.sha256,
                                "task_id": str(task_id) if task_id else None,
                                "document_id": str(document_id) if document_id else None}))
    return row
