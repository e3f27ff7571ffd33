"""What the information centre published on an agency's public pages (issue 14 point 6).

A row is written in the same transaction as the publishing step completes, with the content
already stripped of personal data; the public pages, the Atom feed and the JSON export read only
these rows, so nothing appears there that a step did not publish.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base


class Publication(Base):
    """One published item: a dialogue's plan and schedule, a dialogue's results, a petition's notice of results."""

    __tablename__ = "publications"
    __table_args__ = (Index("ix_publications_agency_published", "agency_id", "published_at"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(32))
    """What the step published, as its form's `publish` property names it."""
    instance_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The public fields only (dates, venue, topic, the notice's text with personal data removed)."""
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime]
