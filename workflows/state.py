"""Saving and restoring an instance's engine state, with the process spec kept out of it.

The engine's own serializer embeds the whole parsed process in every instance. Here the spec is
left out: it belongs to the deployed process version, stored once, and the instance's state only
says which bundle (by hash) it runs. Restoring takes the parsed model from the cache and rebuilds
the task tree against it, then re-attaches the restricted script engine.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .bounds import BoundedScriptEngine
from .errors import StateError
from .sandbox import RestrictedEnvironment

STATE_FORMAT = 1
"""Version of the stored state layout; bump it and add a migration when the layout changes."""


def _registry() -> Any:
    registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    registry.register(
        _dt.date,
        lambda value: {"value": value.isoformat()},
        lambda dct: _dt.date.fromisoformat(dct["value"]),
        typename="date",
    )
    return registry


_SERIALIZER = BpmnWorkflowSerializer(_registry())


def script_engine() -> PythonScriptEngine:
    """A fresh script engine that runs every expression and script of a diagram restricted, and checks
    the cardinalities and timers it evaluates against the engine's bounds (`bounds.py`)."""
    return BoundedScriptEngine(environment=RestrictedEnvironment())


def new_workflow(spec: Any, subprocess_specs: Any) -> BpmnWorkflow:
    """A new engine workflow for a parsed process, with the restricted script engine."""
    return BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine())


def dump(workflow: BpmnWorkflow, bundle_sha256: str) -> str:
    """Serialize `workflow` to JSON text, naming its bundle instead of embedding the spec."""
    registry = _SERIALIZER.registry
    registry._encoder_mode = True
    try:
        state = {
            "format": STATE_FORMAT,
            "engine_format": VERSION,
            "bundle": bundle_sha256,
            "data": registry.convert(registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": {str(k): registry.convert(v) for k, v in workflow.tasks.items()},
            "root": str(workflow.task_tree.id),
            "subprocesses": {str(k): registry.convert(v) for k, v in workflow.subprocesses.items()},
            "bpmn_events": registry.convert(workflow.bpmn_events),
        }
        return json.dumps(state, cls=_SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def bundle_of(state_json: str) -> str:
    """The bundle hash a stored state was saved against."""
    try:
        return str(json.loads(state_json)["bundle"])
    except (ValueError, KeyError, TypeError) as exc:
        raise StateError(f"stored state is unreadable: {exc}") from None


def load(state_json: str, spec: Any, subprocess_specs: Any, bundle_sha256: str) -> BpmnWorkflow:
    """Rebuild a workflow from `dump` output against its parsed spec, restricted engine attached."""
    try:
        state = json.loads(state_json)
    except ValueError as exc:
        raise StateError(f"stored state is not JSON: {exc}") from None
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise StateError("stored state has an unknown format")
    if state.get("bundle") != bundle_sha256:
        raise StateError("stored state belongs to another process version")
    if state.get("engine_format") != VERSION:
        raise StateError(f"stored state was written by engine format {state.get('engine_format')}")
    registry = _SERIALIZER.registry
    try:
        workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
        workflow.tasks = {
            UUID(k): registry.restore(v, workflow=workflow) for k, v in state["tasks"].items()
        }
        workflow.task_tree = workflow.tasks[UUID(state["root"])]
        workflow.success = state["success"]
        workflow.completed = state.get("completed", False)
        workflow.correlations = state.get("correlations", {})
        if state.get("last_task"):
            workflow.last_task = workflow.tasks.get(UUID(state["last_task"]))
        workflow.data = registry.restore(state.get("data", {}))
        _restore_subprocesses(registry, state.get("subprocesses", {}), workflow)
        workflow.bpmn_events = registry.restore(state.get("bpmn_events", []))
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise StateError(f"stored state could not be restored: {exc!r}") from None
    workflow.script_engine = script_engine()
    return workflow


def _restore_subprocesses(registry: Any, states: dict[str, Any], workflow: BpmnWorkflow) -> None:
    from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask

    pending = dict(states)

    def restore_children(parent: Any) -> None:
        for task in list(parent.tasks.values()):
            key = str(task.id)
            if isinstance(task.task_spec, SubWorkflowTask) and key in pending:
                sub = registry.restore(pending.pop(key), task=task, top_workflow=workflow)
                workflow.subprocesses[task.id] = sub
                sub.completed_event.connect(task.task_spec._on_subworkflow_completed, task)
                restore_children(sub)

    restore_children(workflow)
