"""Tables the web pages add: drafts of process models that designers edit before deploying."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base


class ModelDraft(Base):
    """A diagram with its forms and decision tables as a designer last saved it (not deployed)."""

    __tablename__ = "model_drafts"
    __table_args__ = (Index("ix_model_drafts_agency_key", "agency_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    key: Mapped[str] = mapped_column(String(100))
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_versions.id"))
    file_name: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    resources: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
