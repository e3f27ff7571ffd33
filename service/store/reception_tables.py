"""The reception book (sổ tiếp công dân): one row per reception session, and the petitions it produced.

Luật Tiếp công dân 2013 and Thông tư 04/2021/TT-TTCP: the head of the department receives citizens on
fixed days and when needed; each session is written in the book with the date, who received, who was
received (a delegation of many people through its representatives), the content, what came of it
(the petitions received, linked here) or the refusal to receive with its reason.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base


class ReceptionSession(Base):
    """One session of citizen reception, as the book records it."""

    __tablename__ = "reception_sessions"
    __table_args__ = (Index("ix_reception_sessions_agency_day", "agency_id", "received_on"),
                      Index("ux_reception_sessions_submission", "agency_id", "submission_key", unique=True))
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    number: Mapped[int] = mapped_column(Integer)
    """The session's number in the agency's book for its year (1, 2, ...)."""
    received_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    """`periodic` (the head's fixed day), `adhoc` (đột xuất) or `regular` (thường xuyên, at the office)."""
    receiver: Mapped[str] = mapped_column(String(200))
    receiver_title: Mapped[str] = mapped_column(String(200), default="")
    visitors: Mapped[int] = mapped_column(Integer)
    delegation: Mapped[bool] = mapped_column(Boolean, default=False)
    representatives: Mapped[str] = mapped_column(Text, default="")
    citizens: Mapped[str] = mapped_column(Text, default="")
    """Names, addresses and identity papers of the citizens received (or of the representatives)."""
    content: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text, default="")
    """What the receiver did: guided, received the petition, answered on the spot..."""
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    submission_key: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    """The one-time token of the form that recorded the session: posted again, it records nothing new."""
    recorded_at: Mapped[datetime]


class ReceptionPetition(Base):
    """A petition a reception session produced (the link between the book and the register)."""

    __tablename__ = "reception_petitions"
    reception_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reception_sessions.id"), primary_key=True)
    petition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("petitions.id"), primary_key=True, index=True)
