"""Deadline alerts: a reminder before a task's or a petition's deadline, a "Cảnh báo quá hạn" after it.

Each alert names the role (or `unit:<code>`) that must act on it, so it reaches a person's task list,
not only the log; a notifier (e-mail, another channel) may read the unread rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, BigId


class DeadlineAlert(Base):
    """One reminder or overdue alert about one task or one petition, for one role of its agency."""

    __tablename__ = "deadline_alerts"
    __table_args__ = (
        UniqueConstraint("subject", "kind", "due_at", name="uq_deadline_alerts_subject_kind_due"),
        Index("ix_deadline_alerts_agency_role", "agency_id", "role", "read_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    petition_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    subject: Mapped[str] = mapped_column(String(80))
    """`task:<id>` or `petition:<id>`: with `kind` and `due_at`, an alert is raised once per deadline."""
    kind: Mapped[str] = mapped_column(String(16))
    """`reminder` (the deadline is near) or `overdue` (it has passed)."""
    role: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(400))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    read_by: Mapped[str | None] = mapped_column(String(64))
    days_late: Mapped[int] = mapped_column(Integer, default=0)
