"""Plain values the engine binding hands to the service: task views, events, snapshots.

Nothing here refers to SpiffWorkflow; the service stores and shows these without knowing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TASK_CREATED = "task_created"
"""A human task became ready for someone to work on."""
TASK_COMPLETED = "task_completed"
"""A human task was completed by a person, with the data they submitted."""
ELEMENT_COMPLETED = "element_completed"
"""An automatic element (script, event, gateway, sub-process) finished: one step on the path."""
GATEWAY_TAKEN = "gateway_taken"
"""A gateway chose its outgoing path(s); `data["targets"]` names the elements chosen."""
TIMER_FIRED = "timer_fired"
"""A timer event was due and fired."""
MESSAGE_THROWN = "message_thrown"
"""The instance sent a message that nothing inside it catches; the service routes it."""
MESSAGE_DELIVERED = "message_delivered"
"""A message from outside the instance was caught by it."""
ESCALATION_THROWN = "escalation_thrown"
"""The instance raised an escalation that nothing inside it catches."""
TASK_CANCELLED = "task_cancelled"
"""A human task that was waiting was withdrawn by the process (an interrupting event, say)."""
INSTANCE_COMPLETED = "instance_completed"
"""The instance reached its end."""


@dataclass(frozen=True)
class TaskView:
    """One human task that is waiting for a person."""

    id: str
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    data: dict[str, Any]
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineEvent:
    """Something the engine did, in the order it happened, for the audit trail and the outbox."""

    kind: str
    element_id: str | None = None
    task_id: str | None = None
    name: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutgoingMessage:
    """A message thrown by an instance, to be delivered by the service to whoever correlates."""

    name: str
    payload: dict[str, Any]
    correlations: dict[str, Any]


@dataclass(frozen=True)
class WaitingMessage:
    """A message an instance is waiting for, with the correlation values it expects."""

    name: str
    correlations: dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    """What the service stores beside the engine state: status, ready tasks, timers, messages.

    `data` is the instance's current data: that of its first waiting human task, or else of the
    last step it ran (at the end, its final data).
    """

    completed: bool
    ready_tasks: tuple[TaskView, ...]
    next_timer_at: datetime | None
    waiting_messages: tuple[WaitingMessage, ...]
    data: dict[str, Any]


@dataclass(frozen=True)
class StepResult:
    """The outcome of one engine operation: what happened, and where the instance now stands."""

    events: tuple[EngineEvent, ...]
    messages: tuple[OutgoingMessage, ...]
    snapshot: Snapshot
