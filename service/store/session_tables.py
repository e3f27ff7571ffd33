"""Tables of signing in: the deployment's kept secrets and the server-side sessions of the pages and the API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .tables import Base


class AppSecret(Base):
    """A secret the deployment draws once and keeps (`session_key`: signs every worker's cookies)."""

    __tablename__ = "app_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class WebSession(Base):
    """A signed-in browser (or API cookie client): the cookie carries a random id, only its SHA-256 is kept.

    A session ends when revoked (sign-out, password change, account disabled), when idle longer than
    `session_idle_s`, or `session_max_s` after it began.
    """

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user", "user_id", "revoked_at"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 (hex) of the id the cookie carries."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    """Moved forward at most once a minute (`sessions.TOUCH_EVERY`), so most requests only read."""
    revoked_at: Mapped[datetime | None]
    revoked_why: Mapped[str | None] = mapped_column(String(32))


def revoke_user_sessions(session: Session, user_id: int, why: str, now: datetime, agency_id: int | None = None) -> int:
    """End every open session of a user (in one agency when given); returns how many were open."""
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    if agency_id is not None:
        query = query.where(WebSession.agency_id == agency_id)
    result = session.execute(query.values(revoked_at=now, revoked_why=why[:32]))
    return int(getattr(result, "rowcount", 0) or 0)
