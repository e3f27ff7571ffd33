"""Counters of failed attempts (sign-in, tracking lookups) shared by every web worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base


class ThrottleBucket(Base):
    """Attempts counted for one key (`login:user:<name>`, `login:addr:<ip>`, `track:addr:<ip>`)."""

    __tablename__ = "throttle_buckets"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    """Attempts counted while they came less than a window apart."""
    last_at: Mapped[datetime]
    """When the last attempt was counted; the count starts again after a quiet window."""
    blocked_until: Mapped[datetime | None]
    """While in the future, further attempts for this key are refused (429)."""
    audited_until: Mapped[datetime | None]
    """The block whose refusals were already put on the audit trail (one event per block)."""
