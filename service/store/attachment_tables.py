"""Files handed in with a petition: scanned letters, evidence, signed replies, minutes.

The bytes live in the database, in the row beside the facts about them. A file is then written
in the same transaction as the step that adds it (a submission with its scanned letter either
both exist or neither does), `petitionflow backup`/`restore` carry files with everything else in
one consistent copy, and a deployment has nothing more to mount, share between web workers or
back up. Files of petitions are a few megabytes each; `content` is loaded only for a download.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .tables import Base


class Attachment(Base):
    """One file of a petition; `task_id` names the task it was added on, `document_id` the official
    document it is the signed, scanned copy of."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_petition", "petition_id", "uploaded_at"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    petition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("petitions.id"))
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]
