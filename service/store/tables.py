"""The tables: agencies and users, process versions, instances, the task list, audit, outbox.

Every petition-bearing row belongs to one agency (a department, Sở); a province runs one
deployment for all of its departments. A process version belongs to one agency, or (agency NULL) is
the shared pack every agency runs until it deploys its own; no agency can replace another's.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .db import UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of every petitionflow table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Agency(Base):
    """A department (Sở) of the province, owner of its petitions, plans and audit chains."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class User(Base):
    """A person who signs in; roles come from grants, per agency."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    email: Mapped[str | None] = mapped_column(String(200))
    """Where notifications of tasks are sent (issue 14 point 5); NULL: none are sent."""


class RoleGrant(Base):
    """One role of one user in one agency (`office`, `unit:science`, `auditor`, ...)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "agency_id", "role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(64))


class Group(Base):
    """A group of one agency that works the lanes of its name (`Phòng Pháp chế`); granted as `group:<key>`.

    The default groups (the lane roles) are not stored: every agency has them."""

    __tablename__ = "staff_groups"
    __table_args__ = (UniqueConstraint("agency_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    key: Mapped[str] = mapped_column(String(64))
    """The name folded (`roles.group_key`): what lanes and grants match."""
    label: Mapped[str] = mapped_column(String(200))
    """The name as the admin wrote it, shown on pages and in the task list."""
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ProcessVersion(Base):
    """One deployed version of a process model: the diagram and its forms and decision tables.

    The parsed spec is derived from these bytes (and cached by `sha256`); instances refer to the
    version instead of carrying the spec in their state.
    """

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("key", "version"), Index("ix_process_versions_agency_key", "agency_id", "key"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", name="fk_process_versions_agency"))
    """The agency that deployed it and alone runs it; NULL: the shared pack, deployed by the operator."""
    key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    resources: Mapped[dict[str, Any]] = mapped_column(JSON)
    deployed_by: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]


class ProcessInstance(Base):
    """One running (or finished) process instance and its engine state.

    `version` is the optimistic lock: every save checks it and bumps it. The head of the
    instance's audit chain lives here too, so it moves under the same lock as the state.
    """

    __tablename__ = "process_instances"
    __table_args__ = (
        Index("ix_instances_agency_status", "agency_id", "status"),
        Index("ix_instances_next_timer", "next_timer_at"),
        Index("ix_instances_business_key", "agency_id", "business_key"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    business_key: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    next_timer_at: Mapped[datetime | None]
    started_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    """Set at start from the data's `confidential`: only the people handling it see it."""

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)


class HumanTask(Base):
    """The task list: one row per human task, kept in step with the engine state."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_tasks_queue", "agency_id", "status", "candidate_role", "due_at"),
        Index("ix_tasks_assignee", "assignee", "status"),
        Index("ix_tasks_unit", "agency_id", "unit_code", "status"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    instance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("process_instances.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(64))
    candidate_role: Mapped[str | None] = mapped_column(String(64))
    form_key: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(64))
    """The unit the petition is assigned to (task data `assigned_unit`), for `unit:<code>` lanes."""


class MessageWait(Base):
    """A message an instance is waiting for, by name and correlation, for routing."""

    __tablename__ = "message_waits"
    __table_args__ = (Index("ix_message_waits_route", "agency_id", "name", "correlation"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    instance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("process_instances.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    name: Mapped[str] = mapped_column(String(200))
    correlation: Mapped[str] = mapped_column(String(500))


class AuditEvent(Base):
    """The append-only trail; each event carries the hash of the previous one in its chain.

    A chain is one instance's history (`instance:<id>`) or one agency's other events
    (`agency:<code>`); the database refuses UPDATE and DELETE on this table.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        Index("ix_audit_instance", "instance_id", "id"),
        Index("ix_audit_type_at", "agency_id", "event_type", "at"),
        Index("ix_audit_actor_at", "actor", "at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    chain: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    instance_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    task_id: Mapped[str | None] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChain(Base):
    """Head of every chain that is not an instance's (those keep their head on the instance)."""

    __tablename__ = "audit_chains"
    chain: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))


class AuditVerification(Base):
    """The result of one verification of an agency's chains (NULL agency: the whole deployment).

    The worker writes one with every checkpoint; the auditor's page shows the latest instead of
    recomputing the trail on every view.
    """

    __tablename__ = "audit_verifications"
    __table_args__ = (Index("ix_audit_verifications_agency", "agency_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    """`incremental` (from the last checkpoint) or `full` (every event from the first)."""
    ok: Mapped[bool] = mapped_column(Boolean)
    events_checked: Mapped[int] = mapped_column(Integer)
    chains_checked: Mapped[int] = mapped_column(Integer)
    checkpoint: Mapped[int | None] = mapped_column(Integer)
    """The number of the checkpoint the chains were checked against (None: there was none yet)."""
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class OutboxMessage(Base):
    """A message thrown by an instance, written with the state that threw it, delivered later."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    source_instance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("process_instances.id"))
    name: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    correlations: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    """When the worker tries an undelivered message again; NULL: at once (new) or never (given up)."""


class Incident(Base):
    """A failure the worker could not get past on its own: a timer's engine step, an undeliverable message.

    Retried with growing delays (`next_retry_at`) a bounded number of times, then left `open` with
    no retry time for an admin to retry or resolve.
    """

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_instance", "instance_id", "status"),
        Index("ix_incidents_retry", "status", "next_retry_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    instance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("process_instances.id"))
    kind: Mapped[str] = mapped_column(String(16))
    """`timer` (an engine step after a due timer failed) or `message` (an outbox message found nobody)."""
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))
    element_id: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    next_retry_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))


class Holiday(Base):
    """A day off that working-day deadlines skip: for one agency, or province-wide when `agency_id` is NULL."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("agency_id", "day"), Index("ix_holidays_day", "day"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))


class ApiToken(Base):
    """A bearer token a machine client signs in with, acting as one user in one agency.

    Only the SHA-256 of the token is stored; the token itself is shown once, when it is created.
    """

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
