"""Tables of notifications: the outbox of e-mails (and SMS, Zalo) to people, and each user's preference.

A notification row is written in the same transaction as the step that causes it (a petition recorded,
a document issued, a task created) and sent later by the worker, which moves it through
`pending` → `sending` → `sent` (or back to `pending` with a later `next_attempt_at` after a failure,
or `failed` after the last attempt).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, BigId


class Notification(Base):
    """One message to one person over one channel, with its delivery state."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_agency", "agency_id", "id"),
        Index("ix_notifications_petition", "petition_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    channel: Mapped[str] = mapped_column(String(16))
    """`email`, `sms` or `zalo`: the adapter that sends it."""
    recipient: Mapped[str] = mapped_column(String(200))
    """The address on that channel (an e-mail address, a phone number)."""
    username: Mapped[str | None] = mapped_column(String(64))
    """The staff member it is for; NULL for a petitioner."""
    kind: Mapped[str] = mapped_column(String(64))
    """What it tells: `document:<kind>` (a petition's document), `task_new`, `task_due_soon`, `task_overdue`,
    `digest`, or a kind another module names through `notify_user`."""
    petition_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    instance_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    """The process instance whose audit chain records the sends (NULL: the agency's chain)."""
    document_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    """The document whose PDF goes with it, when there is one."""
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    """Makes a notification that must exist once (a task's overdue notice, a user's digest of a day) unique."""
    message_id: Mapped[str] = mapped_column(String(200))
    """The stable Message-ID every attempt carries, so a resent copy is recognisably the same message."""
    status: Mapped[str] = mapped_column(String(16))
    """`pending`, `sending` (claimed by a worker, maybe in flight), `sent`, `failed` (given up)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """How a staff member wants to hear of tasks: `immediate`, `digest` (daily, the default) or `none`."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    last_digest_at: Mapped[datetime | None]
    """When the last digest was written for this user; the next lists the tasks new since then."""
    updated_at: Mapped[datetime]
