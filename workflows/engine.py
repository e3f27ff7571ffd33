"""Running one process instance: start, restore, act, and report what happened.

`Instance` wraps the engine's workflow object and never hands it out. Every operation runs the
engine until nothing more can happen on its own, and returns a `StepResult`: the events it caused
(in order), the messages to route, and a snapshot for the service's projections.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.defaults import ExclusiveGateway, InclusiveGateway
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent, EventBasedGateway
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task, TaskState

from . import events as ev
from .bounds import StepGuard
from .budget import StepBudgetExceeded
from .errors import MessageNotExpected, ScriptError, TaskNotReady
from .models import ProcessModel
from .prune import prune as prune_finished
from .state import dump, load, new_workflow

MAX_ENGINE_ROUNDS = 1000
"""Engine passes per operation before a diagram is judged to loop without waiting for anyone."""


class Instance:
    """One running process instance of a parsed model."""

    def __init__(self, model: ProcessModel, workflow: BpmnWorkflow) -> None:
        self._model = model
        self._wf = workflow

    @classmethod
    def start(cls, model: ProcessModel, data: Mapping[str, Any] | None = None) -> tuple[Instance, ev.StepResult]:
        """Create an instance with `data` as its starting data and run it to its first wait."""
        workflow = new_workflow(model._spec, model._subprocess_specs)
        instance = cls(model, workflow)
        before = instance._states()
        start = workflow.task_tree
        start.data.update(copy.deepcopy(dict(data or {})))
        return instance, instance._advance(before, [])

    @classmethod
    def restore(cls, model: ProcessModel, state: str) -> Instance:
        """Rebuild an instance from `save()` output; the restricted script engine is re-attached."""
        return cls(model, load(state, model._spec, model._subprocess_specs, model.sha256))

    @property
    def model(self) -> ProcessModel:
        """The parsed process model this instance runs."""
        return self._model

    def save(self, *, prune: bool = True) -> str:
        """The instance's engine state as JSON text, without the process spec.

        Finished stretches of the task tree are pruned first (`workflows/prune.py`) unless `prune`
        is False: the state stays bounded however long the instance's history grows.
        """
        if prune:
            prune_finished(self._wf)
        return dump(self._wf, self._model.sha256)

    def ready_tasks(self) -> list[ev.TaskView]:
        """Human tasks waiting for a person, oldest first."""
        tasks = self._ready_human()
        return [self._view(t) for t in sorted(tasks, key=lambda t: t.last_state_change)]

    def snapshot(self) -> ev.Snapshot:
        """Where the instance stands now."""
        return ev.Snapshot(
            completed=bool(self._wf.completed),
            ready_tasks=tuple(self.ready_tasks()),
            next_timer_at=self._next_timer(),
            waiting_messages=tuple(self.waiting_messages()),
            data=self._current_data(),
        )

    def _current_data(self) -> dict[str, Any]:
        ready = self._ready_human()
        if ready:
            return dict(_plain(ready[0].data))
        last = self._wf.last_task
        return dict(_plain(last.data)) if last is not None else {}

    def complete_task(self, task_id: str, data: Mapping[str, Any]) -> ev.StepResult:
        """Complete the ready human task `task_id` with the submitted `data`, then run on."""
        task = self._ready_human_task(task_id)
        before = self._states()
        submitted = copy.deepcopy(dict(data))
        task.set_data(**submitted)
        self._run(lambda: task.run(), task)
        done = ev.EngineEvent(
            ev.TASK_COMPLETED, task.task_spec.bpmn_id, str(task.id), task.task_spec.bpmn_name,
            {"submitted": _plain(submitted)},
        )
        before[task.id] = TaskState.COMPLETED
        return self._advance(before, [done])

    def deliver_message(self, name: str, payload: Mapping[str, Any], correlations: Mapping[str, Any]) -> ev.StepResult:
        """Hand the instance a message it waits for; `MessageNotExpected` when it does not."""
        definition = self._message_definition(name)
        if definition is None:
            raise MessageNotExpected(f"this process has no catching event for message '{name}'")
        event = BpmnEvent(definition, copy.deepcopy(dict(payload)), dict(correlations))
        before = self._states()
        try:
            self._wf.send_event(event)
        except SpiffWorkflowException as exc:
            raise MessageNotExpected(str(exc)) from None
        delivered = ev.EngineEvent(ev.MESSAGE_DELIVERED, name=name,
                                   data={"payload": _plain(payload), "correlations": _plain(correlations)})
        return self._advance(before, [delivered])

    def fire_due_timers(self) -> ev.StepResult:
        """Fire every timer that is due now and run on; a no-op when none is due."""
        before = self._states()
        return self._advance(before, [])

    # -- internals -------------------------------------------------------------------------

    def set_task_data(self, task_id: str, data: Mapping[str, Any]) -> None:
        """Change data of the ready human task `task_id` without completing it (a task moved to another
        unit carries the new unit on to the steps after it)."""
        self._ready_human_task(task_id).set_data(**copy.deepcopy(dict(data)))

    def _ready_human_task(self, task_id: str) -> Task:
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException):
            task = None
        if task is None or not task.task_spec.manual:
            raise TaskNotReady(f"task {task_id} is not a human task of this instance")
        if task.state != TaskState.READY:
            raise TaskNotReady(f"task {task_id} is {TaskState.get_name(task.state).lower()}, not ready")
        return task

    def _every_task(self) -> list[Task]:
        """Every task of the instance and of its sub-processes, read from their dicts (no tree walk)."""
        found = list(self._wf.tasks.values())
        for sub in self._wf.subprocesses.values():
            found.extend(sub.tasks.values())
        return found

    def _ready_human(self) -> list[Task]:
        return [t for t in self._every_task() if t.state == TaskState.READY and t.task_spec.manual]

    def _states(self) -> dict[UUID, int]:
        return {t.id: t.state for t in self._every_task()}

    def _run(self, step: Any, task: Task | None = None) -> None:
        try:
            step()
        except WorkflowTaskException as exc:
            element = exc.task.task_spec.bpmn_id if getattr(exc, "task", None) is not None else None
            raise ScriptError(_engine_message(exc), element) from None
        except ScriptError:
            raise
        except SpiffWorkflowException as exc:
            element = task.task_spec.bpmn_id if task is not None else None
            raise ScriptError(_engine_message(exc), element) from None
        except Exception as exc:  # the engine's own code fails plainly on some bad values (a timer "3 days")
            element = task.task_spec.bpmn_id if task is not None else None
            raise ScriptError(f"{type(exc).__name__}: {exc}", element) from None

    def _engine_steps(self, tasks_before: int) -> None:
        guard = StepGuard(self._wf, tasks_before)  # time, memory, tasks created (workflows/bounds.py)
        for _ in range(MAX_ENGINE_ROUNDS):
            self._run(self._wf.refresh_timers)
            marker = self._states()
            self._run(lambda: self._wf.do_engine_steps(did_complete_task=guard.after_task))
            guard.check_tasks()
            if not self._engine_work_left() or self._states() == marker:
                return  # one pass when it came to rest; a second only when a timer made work meanwhile
        raise StepBudgetExceeded(f"the process did not come to rest after {MAX_ENGINE_ROUNDS} engine passes", None)

    def _engine_work_left(self) -> bool:
        return any(t.state == TaskState.READY and not t.task_spec.manual for t in self._every_task())

    def _advance(self, before: dict[UUID, int], first: list[ev.EngineEvent]) -> ev.StepResult:
        self._engine_steps(len(before))
        events = list(first)
        events += self._changes(before)
        messages: list[ev.OutgoingMessage] = []
        for thrown in self._wf.get_events():
            definition = thrown.event_definition
            if isinstance(definition, MessageEventDefinition):
                message = ev.OutgoingMessage(definition.name, _plain(thrown.payload or {}), _plain(thrown.correlations))
                messages.append(message)
                events.append(ev.EngineEvent(ev.MESSAGE_THROWN, name=definition.name,
                                             data={"payload": message.payload, "correlations": message.correlations}))
            else:
                kind = type(definition).__name__.removesuffix("EventDefinition").lower()
                code = getattr(definition, "code", None)
                events.append(ev.EngineEvent(ev.ESCALATION_THROWN if kind == "escalation" else f"{kind}_thrown",
                                             name=definition.name, data={"code": code}))
        if self._wf.completed:
            events.append(ev.EngineEvent(ev.INSTANCE_COMPLETED, data={"data": _plain(self._wf.data)}))
        return ev.StepResult(tuple(events), tuple(messages), self.snapshot())

    def _changes(self, before: dict[UUID, int]) -> list[ev.EngineEvent]:
        changed: list[tuple[float, int, ev.EngineEvent]] = []
        for order, task in enumerate(self._every_task()):
            spec = task.task_spec
            if getattr(spec, "bpmn_id", None) is None:
                continue
            old = before.get(task.id)
            if task.state == TaskState.COMPLETED and old != TaskState.COMPLETED:
                for event in self._completion_events(task):
                    changed.append((task.last_state_change, order, event))
            elif task.state == TaskState.READY and spec.manual and old != TaskState.READY:
                view = self._view(task)
                changed.append((task.last_state_change, order, ev.EngineEvent(
                    ev.TASK_CREATED, spec.bpmn_id, str(task.id), spec.bpmn_name,
                    {"lane": view.lane, "form_key": view.form_key},
                )))
            elif task.state == TaskState.CANCELLED and spec.manual and old == TaskState.READY:
                changed.append((task.last_state_change, order, ev.EngineEvent(
                    ev.TASK_CANCELLED, spec.bpmn_id, str(task.id), spec.bpmn_name)))
        return [event for _, _, event in sorted(changed, key=lambda item: (item[0], item[1]))]

    def _completion_events(self, task: Task) -> Iterable[ev.EngineEvent]:
        spec = task.task_spec
        if spec.manual:
            return []
        found = [ev.EngineEvent(ev.ELEMENT_COMPLETED, spec.bpmn_id, str(task.id), spec.bpmn_name,
                                {"type": type(spec).__name__})]
        if isinstance(spec, CatchingEvent) and isinstance(_caught_definition(task), TimerEventDefinition):
            interrupting = not isinstance(spec, BoundaryEvent) or spec.cancel_activity
            found.insert(0, ev.EngineEvent(ev.TIMER_FIRED, spec.bpmn_id, str(task.id), spec.bpmn_name,
                                           {"interrupting": interrupting}))
        if isinstance(spec, ExclusiveGateway | InclusiveGateway):
            targets = [
                c.task_spec.bpmn_id for c in task.children
                if c.state not in (TaskState.CANCELLED,) and c.task_spec.bpmn_id is not None
                and c.state & (TaskState.FINISHED_MASK | TaskState.DEFINITE_MASK)
            ]
            found.append(ev.EngineEvent(ev.GATEWAY_TAKEN, spec.bpmn_id, str(task.id), spec.bpmn_name,
                                        {"targets": targets}))
        return found

    def _view(self, task: Task) -> ev.TaskView:
        spec = task.task_spec
        info = self._model.human_tasks.get(spec.bpmn_id)
        return ev.TaskView(
            id=str(task.id),
            element_id=spec.bpmn_id,
            name=spec.bpmn_name or spec.bpmn_id,
            lane=info.lane if info and info.lane else spec.lane,  # a sub-process's own lanes, or the one it is in
            form_key=info.form_key if info else None,
            data=_plain(task.data),
            properties=dict(info.properties) if info else {},
        )

    def _next_timer(self) -> datetime | None:
        due: list[datetime] = []
        for task in list(self._wf.event_manager.tasks.values()):
            for definition in _definitions(task):
                if not isinstance(definition, TimerEventDefinition):
                    continue
                # an event-based gateway waits for its timers itself: the due time sits on the gateway's task
                pending = definition.details(task)
                value = pending.value.get("next") if isinstance(pending.value, dict) else pending.value
                if not value:
                    continue
                try:
                    moment = datetime.fromisoformat(str(value))
                except ValueError:
                    continue
                # the engine compares a date without a zone with the machine's local time
                due.append(moment.astimezone(UTC))
        return min(due) if due else None

    def waiting_messages(self) -> list[ev.WaitingMessage]:
        """Messages the instance is waiting for now, with the correlation values it expects.

        The values come from the instance's own data through the message's correlation properties
        (a petition waiting for its dialogue outcome expects its own `petition_id`), so a sender
        that computes the same properties from its payload finds it, even before any message
        has set the instance's correlations. Where the data lacks them, the instance's known
        correlations are used.
        """
        found: list[ev.WaitingMessage] = []
        for task in self._wf.event_manager.tasks.values():
            for definition in _definitions(task):
                if isinstance(definition, MessageEventDefinition):
                    found.append(self._waiting(task, definition))
        return sorted(found, key=lambda w: (w.name, str(w.correlations)))

    def _waiting(self, task: Task, definition: MessageEventDefinition) -> ev.WaitingMessage:
        engine = self._wf.script_engine
        try:
            expected = definition.calculate_correlations(engine, definition.correlation_properties, task.data)
        except (ScriptError, SpiffWorkflowException, KeyError, NameError):
            expected = {}
        return ev.WaitingMessage(definition.name, _plain(expected or self._wf.correlations or {}))

    def waiting_elements(self) -> list[str]:
        """Ids of the elements waiting for something other than a person: events, timers, joins."""
        return sorted({str(t.task_spec.bpmn_id) for t in self._wf.get_tasks(state=TaskState.WAITING)
                       if getattr(t.task_spec, "bpmn_id", None) and not t.task_spec.manual})

    def _message_definition(self, name: str) -> MessageEventDefinition | None:
        specs = [self._wf.spec, *self._wf.subprocess_specs.values()]
        for process in specs:
            for spec in process.task_specs.values():
                definition = getattr(spec, "event_definition", None)
                if isinstance(spec, CatchingEvent) and isinstance(definition, MessageEventDefinition) \
                        and definition.name == name:
                    return definition
        return None



def _definitions(task: Task) -> list[Any]:
    """The event definitions a waiting task listens for; an event-based gateway listens for several."""
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition] if definition is not None else []


def _caught_definition(task: Task) -> Any:
    """What a catching event waited for; behind an event-based gateway the gateway holds the definition."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, EventBasedGateway):
        outputs = list(parent.task_spec.outputs)
        if task.task_spec in outputs:
            return parent.task_spec.event_definition.event_definitions[outputs.index(task.task_spec)]
    return getattr(task.task_spec, "event_definition", None)


def _engine_message(exc: Exception) -> str:
    """The engine's message with its notes, and the sandbox's reason when that is what failed."""
    text = str(getattr(exc, "error", None) or exc).strip()
    notes = [str(n) for n in getattr(exc, "notes", []) or [] if n]
    cause = getattr(exc, "exception", None) or exc.__context__
    if isinstance(cause, ScriptError) and str(cause) not in text:
        notes.append(str(cause))
    return "; ".join([text, *notes]) if notes else text


def _plain(value: Any) -> Any:
    """A JSON-friendly deep copy of task data: dates as ISO text, no callables or private keys."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if not str(k).startswith("_") and not callable(v)}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
