"""A petition's files: adding them (on a task, at the petition, as a document's signed copy), listing
them, and handing one out as a download.

Every list, upload and download passes through one gate, `readable_petition`: the petition must be
of the actor's agency and one they may see (a confidential petition only to those handling it, as
`petitions.visible` rules), else it "does not exist" (404). Tightening who sees a petition's files
(a denunciation's, say) is done there and nowhere else. Uploads and downloads are events on the
agency's audit chain (`attachment_uploaded`, `attachment_downloaded`), like comments, so the open
task form of whoever works on the petition does not turn into a conflict.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from ..store.attachment_tables import Attachment
from ..store.document_tables import Document
from ..store.petition_tables import Petition
from ..store.tables import ProcessInstance
from ..usecases import access, audit, clock, files, task_queries
from ..usecases.context import Actor, Context
from ..usecases.errors import Forbidden, Invalid, NotFound
from ..usecases.files import Upload
from . import comments, petitions

__all__ = ["AttachmentInfo", "Download", "Upload", "add", "download", "list_for_instance", "list_for_petition",
           "may_upload", "readable_petition"]


@dataclass(frozen=True)
class AttachmentInfo:
    """A file of a petition as lists show it (never its bytes)."""

    id: uuid.UUID
    petition_id: uuid.UUID
    name: str
    size: int
    content_type: str
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    task_id: uuid.UUID | None
    document_id: uuid.UUID | None


@dataclass(frozen=True)
class Download:
    """A file handed out: its name, the content type its bytes were checked to be, and the bytes."""

    name: str
    content_type: str
    data: bytes


def _info(a: Attachment) -> AttachmentInfo:
    return AttachmentInfo(a.id, a.petition_id, a.name, a.size, a.content_type, a.sha256, a.uploaded_by,
                          a.uploaded_at, a.task_id, a.document_id)


def readable_petition(s: Session, actor: Actor, petition_id: uuid.UUID) -> Petition:
    """The one gate to a petition's files: the petition if the actor may see it, else `NotFound`."""
    petitions.require_reader(actor)
    found: Petition | None = s.execute(petitions.visible(s, actor, select(Petition))
                                       .where(Petition.id == petition_id)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"petition {petition_id} does not exist")
    return found


def may_upload(actor: Actor) -> bool:
    """Whether the actor adds files (staff handling petitions; auditors and designers only read)."""
    return comments.may_write(actor)


def add(ctx: Context, actor: Actor, petition_id: uuid.UUID | None, uploads: Sequence[Upload],
        task_id: uuid.UUID | None = None, document_id: uuid.UUID | None = None) -> list[AttachmentInfo]:
    """Add files to a petition the actor may see, on one of its tasks (`task_id`; the petition may then be
    left out, it is the task's) or as the signed, scanned copy of one of its documents (`document_id`);
    every file is checked before anything is stored."""
    if not may_upload(actor):
        raise Forbidden(f"{actor.username} reads petitions but does not add files to them")
    checked = files.check_all(ctx.settings, uploads)
    if not checked:
        raise Invalid("no file was sent", [f"{files.FIELD}: required"], fields={files.FIELD: ["required"]})
    with ctx.uow() as uow:
        s = uow.session
        task = task_queries.load_visible(s, actor, task_id)[0] if task_id is not None else None
        if petition_id is None and task is not None:
            petition_id = s.execute(select(Petition.id).where(Petition.instance_id == task.instance_id)).scalar()
        if petition_id is None:
            raise NotFound("the task belongs to no petition")
        p = readable_petition(s, actor, petition_id)
        if task is not None and task.instance_id != p.instance_id:
            raise NotFound(f"task {task_id} is not a task of petition {p.code}")
        if document_id is not None:
            document = s.get(Document, document_id)
            if document is None or document.petition_id != p.id:
                raise NotFound(f"document {document_id} is not a document of petition {p.code}")
        at = clock.now()
        rows = [files.store(s, c, p.agency_id, actor.agency, p.id, p.code, actor.username, at, task_id, document_id)
                for c in checked]
        _record_confidential(s, actor, p, "attachments added")
        found = [_info(r) for r in rows]
        uow.commit()
        return found


def _record_confidential(s: Session, actor: Actor, p: Petition, what: str) -> None:
    if p.confidential and p.instance_id is not None and not actor.system:
        inst = s.get(ProcessInstance, p.instance_id)
        if inst is not None:
            access.record_confidential_read(s, actor, inst, f"{what} of petition {p.code}")


def _listed(s: Session, p: Petition) -> list[AttachmentInfo]:
    rows = s.execute(select(Attachment).where(Attachment.petition_id == p.id)
                     .order_by(Attachment.uploaded_at, Attachment.name, Attachment.id)).scalars()
    return [_info(a) for a in rows]


def list_for_petition(ctx: Context, actor: Actor, petition_id: uuid.UUID) -> list[AttachmentInfo]:
    """The files of a petition the actor may see, oldest first."""
    with ctx.uow(write=False) as uow:
        return _listed(uow.session, readable_petition(uow.session, actor, petition_id))


def list_for_instance(ctx: Context, actor: Actor, instance_id: uuid.UUID) -> list[AttachmentInfo]:
    """The files of the petition an instance handles (a task page's list); none for other processes."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        petition_id = s.execute(select(Petition.id).where(Petition.instance_id == instance_id)).scalar_one_or_none()
        if petition_id is None:
            return []
        return _listed(s, readable_petition(s, actor, petition_id))


def download(ctx: Context, actor: Actor, petition_id: uuid.UUID, attachment_id: uuid.UUID) -> Download:
    """A file of a petition the actor may see, recorded as `attachment_downloaded`; `NotFound` otherwise."""
    with ctx.uow() as uow:
        s = uow.session
        p = readable_petition(s, actor, petition_id)
        row = s.execute(select(Attachment).options(undefer(Attachment.content))
                        .where(Attachment.id == attachment_id, Attachment.petition_id == p.id)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"attachment {attachment_id} does not exist")
        audit.append_to_agency(s, p.agency_id, audit.agency_chain(actor.agency), actor.username, clock.now(),
                               audit.Entry("attachment_downloaded", {
                                   "petition_id": str(p.id), "petition_code": p.code, "attachment_id": str(row.id),
                                   "name": row.name, "sha256": row.sha256}))
        _record_confidential(s, actor, p, f"file {row.name}")
        found = Download(row.name, row.content_type, bytes(row.content))
        uow.commit()
        return found
