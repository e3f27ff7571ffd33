"""Tables of the official documents a petition's steps issue (Nghị định 30/2020/NĐ-CP, art. 8)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base


class DocumentCounter(Base):
    """The last number an agency gave a kind of document in a year; incremented in the issuing step's transaction."""

    __tablename__ = "document_counters"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Document(Base):
    """An issued document: its number is given once and kept; the file is rendered again from `data`."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "kind", "number", name="uq_documents_agency_year_kind_number"),
        Index("ix_documents_petition", "petition_id", "issued_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    petition_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("petitions.id"))
    kind: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    template_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the template file the document was rendered with."""
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The values the template was filled with, kept so the same document renders again identically."""
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]
