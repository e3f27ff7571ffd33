"""Tables of the petition domain: plans, petitions, dialogues and their agendas.

A petition's process instance holds the workflow; the `petitions` row is the register the
department keeps (what was received, from whom, where it stands, how it ended), updated in the
same transaction as every step of its instance, so lists and reports never read engine state.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base


class Plan(Base):
    """One department's plan for a year, as loaded from its plan file."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_by: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]


class Petition(Base):
    """A petition, recommendation or complaint, from intake to its recorded outcome."""

    __tablename__ = "petitions"
    __table_args__ = (
        Index("ix_petitions_agency_stage", "agency_id", "stage"),
        Index("ix_petitions_agency_submitted", "agency_id", "submitted_at"),
        Index("ix_petitions_agency_body", "agency_id", "body_key", "submitted_at"),
        Index("ix_petitions_dialogue", "dialogue_id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    tracking_code: Mapped[str] = mapped_column(String(40), unique=True)
    instance_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    source: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    petitioner_name: Mapped[str] = mapped_column(String(200))
    petitioner_contact: Mapped[str] = mapped_column(String(200))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    stage: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[str | None] = mapped_column(String(16))
    competence: Mapped[str | None] = mapped_column(String(16))
    petition_type: Mapped[str | None] = mapped_column(String(20))
    handling_result: Mapped[str | None] = mapped_column(String(20))
    assigned_unit: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(32))
    answer: Mapped[str | None] = mapped_column(Text)
    dialogue_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    search_head: Mapped[str] = mapped_column(Text, default="")
    """Number, title, petitioner's name and contact, folded (`service.search_text`)."""
    search_body: Mapped[str] = mapped_column(Text, default="")
    """The content, folded."""
    body_key: Mapped[str | None] = mapped_column(String(32))
    """`search_body`'s digest (`search_text.body_key`): intake finds an earlier petition of the same content by it."""
    petition_date: Mapped[date | None] = mapped_column(Date)
    """The date written on the petition (intake checks it is there)."""
    signed: Mapped[bool | None] = mapped_column(Boolean)
    """Whether the petition bears the petitioner's signature or fingerprint (None: not yet checked)."""
    identity_document: Mapped[str | None] = mapped_column(String(100))
    """The petitioner's identity document (kind and number), when one was shown or copied."""
    signer_count: Mapped[int | None] = mapped_column(Integer)
    """How many people signed it (NĐ 124/2020 art. 7: several petitioners name representatives)."""
    representatives: Mapped[str | None] = mapped_column(String(500))
    """The representatives' names, when several people signed."""
    evidence_clear: Mapped[bool | None] = mapped_column(Boolean)
    """For an anonymous denunciation: its content is clear and backed by evidence (Luật Tố cáo art. 25)."""
    duplicate_of: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    """The earlier petition of the same petitioner with the same content, found at intake."""
    intake_flags: Mapped[list[str] | None] = mapped_column(JSON)
    """The conditions intake found unmet (`service.domain.intake_checks`), for the handling decision."""
    deadline_at: Mapped[datetime | None]
    """The petition's statutory deadline: the handling decision's (10 working days from receipt) until it is
    accepted, then the resolution deadline its type sets, moved on by each recorded extension."""
    deadline_extensions: Mapped[int] = mapped_column(Integer, default=0)
    """How many times the resolution deadline was extended by a recorded decision."""
    deadline_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The rule the deadline came from (the decision table's outputs: duration, extensions allowed, length)."""
    forwarded_to_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    """The petition this one became in the agency it was forwarded to, on this deployment (chuyển đơn)."""
    forwarded_from_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    """The petition of another agency on this deployment that was forwarded here as this one."""


class PetitionComment(Base):
    """A note a member of staff writes on a petition without completing a task."""

    __tablename__ = "petition_comments"
    __table_args__ = (Index("ix_petition_comments_petition", "petition_id", "created_at"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    petition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("petitions.id"))
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class PetitionCounter(Base):
    """The last petition number an agency gave out in a year; incremented in each submission's transaction."""

    __tablename__ = "petition_counters"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Dialogue(Base):
    """A direct dialogue conference: periodic (planned quarter) or ad-hoc (one urgent content)."""

    __tablename__ = "dialogues"
    __table_args__ = (Index("ix_dialogues_agency_status", "agency_id", "status"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(Text, default="")
    quarter: Mapped[int | None] = mapped_column(Integer)
    planned_on: Mapped[date | None] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16))
    instance_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    held_at: Mapped[datetime | None]


class IdempotencyKey(Base):
    """A submission's idempotency key (API header or a page form's one-time token) and the petition
    it made, kept per agency and submitter: a retry with the same key returns that petition."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("agency_id", "submitter", "key",
                                       name="uq_idempotency_keys_agency_submitter_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    submitter: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    petition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("petitions.id"))
    created_at: Mapped[datetime]
