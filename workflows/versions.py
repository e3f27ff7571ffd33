"""Comparing two versions of a process model and moving a running instance from one to the other.

Built on SpiffWorkflow's own `SpiffWorkflow.bpmn.util.diff`: task specs are aligned by BPMN id (then
by their place in the flow), so an element is *added*, *removed* or *changed* (with the attributes
that differ). Forms and decision tables are compared by file. An instance can move when no element it
is at (a ready, waiting or started task, in the process or in a running sub-process) is missing from
the new version; its ready tasks are re-predicted against the new diagram, while timers and message
waits keep what they were armed with (a move never restarts a deadline), and it keeps its data.
Nothing here does I/O; the host persists the moved state with the new version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.task import TaskState

from . import events as ev
from .engine import Instance
from .models import ProcessModel
from .state import _SERIALIZER, dump

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
"""Task states an instance is 'at': moving it must keep an element for each of them."""
IGNORED_ATTRIBUTES = frozenset({"inputs", "outputs"})
"""Attributes that change whenever a neighbour changes; the neighbour itself is reported."""


@dataclass(frozen=True)
class ElementChange:
    """One element of the diagram that differs between two versions."""

    element_id: str
    name: str
    kind: str
    """`added`, `removed` or `changed`."""
    process: str
    """The process or sub-process it belongs to."""
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelDiff:
    """What differs from one version to another: elements and resource files."""

    elements: tuple[ElementChange, ...]
    resources_added: tuple[str, ...] = ()
    resources_removed: tuple[str, ...] = ()
    resources_changed: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> tuple[ElementChange, ...]:
        """The element changes of one kind."""
        return tuple(e for e in self.elements if e.kind == kind)


@dataclass(frozen=True)
class Blocker:
    """Why an instance cannot move, as a code a page words in its own language, with the element it concerns."""

    code: str
    """`ended`, `same_version`, `removed_element`, `removed_subprocess`, `unreadable`, `failed` or
    `changed_meanwhile`."""
    text: str
    """The reason in English, as the API gives it."""
    element_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class MoveCheck:
    """Whether an instance can move to a version, why not, and what it would be at afterwards."""

    movable: bool
    blockers: tuple[Blocker, ...]
    at: tuple[str, ...] = ()
    """The ids of the elements the instance is at now."""
    reset: tuple[str, ...] = field(default=())
    """Elements it is at that changed in the new version (their tasks are re-predicted)."""

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it cannot move, in English."""
        return tuple(b.text for b in self.blockers)


def _visible(spec: Any) -> bool:
    return getattr(spec, "bpmn_id", None) is not None


def _name(spec: Any) -> str:
    return str(getattr(spec, "bpmn_name", None) or spec.bpmn_id)


def _spec_changes(registry: Any, process: str, old: Any, new: Any) -> list[ElementChange]:
    diff = SpecDiff(registry, old, new)
    found = [ElementChange(str(s.bpmn_id), _name(s), "added", process) for s in diff.added if _visible(s)]
    found += [ElementChange(str(s.bpmn_id), _name(s), "removed", process) for s in diff.removed if _visible(s)]
    for spec, attributes in diff.changed.items():
        kept = tuple(sorted(set(attributes) - IGNORED_ATTRIBUTES))
        if _visible(spec) and kept:
            found.append(ElementChange(str(spec.bpmn_id), _name(diff.alignment.get(spec) or spec), "changed",
                                       process, kept))
    return found


def _all_specs(spec: Any) -> Iterable[Any]:
    return [s for s in spec.task_specs.values() if _visible(s)]


def compare(old: ProcessModel, new: ProcessModel, old_resources: dict[str, str] | None = None,
            new_resources: dict[str, str] | None = None) -> ModelDiff:
    """Elements added, removed and changed from `old` to `new`, in the process and every sub-process;
    with the versions' resource texts, the forms and decision tables added, removed and changed too."""
    registry = _SERIALIZER.registry
    changes = _spec_changes(registry, old.key, old._spec, new._spec)
    for name, spec in old._subprocess_specs.items():
        other = new._subprocess_specs.get(name)
        if other is None:
            changes += [ElementChange(str(s.bpmn_id), _name(s), "removed", name) for s in _all_specs(spec)]
        else:
            changes += _spec_changes(registry, name, spec, other)
    for name, spec in new._subprocess_specs.items():
        if name not in old._subprocess_specs:
            changes += [ElementChange(str(s.bpmn_id), _name(s), "added", name) for s in _all_specs(spec)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for change in changes:
        if (change.element_id, change.kind) not in seen:
            seen.add((change.element_id, change.kind))
            unique.append(change)
    before, after = old_resources or {}, new_resources or {}
    return ModelDiff(
        tuple(sorted(unique, key=lambda c: (c.kind, c.process, c.element_id))),
        tuple(sorted(set(after) - set(before))), tuple(sorted(set(before) - set(after))),
        tuple(sorted(n for n in set(before) & set(after) if before[n] != after[n])),
    )


def _meaningful(diff: SpecDiff, into: set[Any]) -> SpecDiff:
    into.update(spec for spec, attributes in diff.changed.items() if set(attributes) - IGNORED_ATTRIBUTES)
    return diff


def _diffs(instance: Instance, new: ProcessModel) -> tuple[WorkflowDiff, dict[Any, WorkflowDiff | None],
                                                           list[Blocker], set[Any]]:
    wf = instance._wf
    registry = _SERIALIZER.registry
    reasons: list[Blocker] = []
    changed: set[Any] = set()
    top = WorkflowDiff(wf, _meaningful(SpecDiff(registry, wf.spec, new._spec), changed))
    subs: dict[Any, WorkflowDiff | None] = {}
    for sub_id, sub in wf.subprocesses.items():
        other = new._subprocess_specs.get(sub.spec.name)
        if other is None:
            subs[sub_id] = None
            if not sub.completed:
                reasons.append(Blocker("removed_subprocess", f"it is inside the sub-process '{sub.spec.name}', "
                                       "which the new version does not have", str(sub.spec.name),
                                       str(sub.spec.name)))
        else:
            subs[sub_id] = WorkflowDiff(sub, _meaningful(SpecDiff(registry, sub.spec, other), changed))
    return top, subs, reasons, changed


def check_move(instance: Instance, new: ProcessModel) -> MoveCheck:
    """Whether `instance` can move to `new`: every element it is at must exist there."""
    wf = instance._wf
    if wf.completed:
        return MoveCheck(False, (Blocker("ended", "the instance has ended"),))
    top, subs, reasons, changed_specs = _diffs(instance, new)
    active = [t for t in wf.get_tasks(state=ACTIVE) if _visible(t.task_spec)]
    removed = {t.id for d in (top, *subs.values()) if d is not None for t in d.removed}
    changed = {t.id for t in active if t.task_spec in changed_specs}
    for task in active:
        if task.id in removed:
            reasons.append(Blocker("removed_element", f"it is at '{_name(task.task_spec)}' "
                                   f"({task.task_spec.bpmn_id}), which the new version does not have",
                                   str(task.task_spec.bpmn_id), _name(task.task_spec)))
    at = tuple(sorted({str(t.task_spec.bpmn_id) for t in active}))
    reset = tuple(sorted({str(t.task_spec.bpmn_id) for t in active
                          if t.id in changed and t.state == TaskState.READY}))
    return MoveCheck(not reasons, tuple(reasons), at, reset)


def move(instance: Instance, new: ProcessModel) -> tuple[Instance, ev.StepResult]:
    """The instance moved onto `new` (check `check_move` first): its tasks re-aligned to the new diagram,
    the ones it is at re-predicted, its data kept, then run on until it rests (a task the new version
    added before it may now be ready). Returns the instance on the new model and what happened."""
    top, subs, _, _ = _diffs(instance, new)
    before = instance._states()
    wf = instance._wf
    for sub_id, diff in subs.items():
        sub = wf.subprocesses[sub_id]
        if diff is not None and not sub.completed:
            migrate_workflow(diff, sub, new._subprocess_specs[sub.spec.name], reset_mask=TaskState.READY)
    migrate_workflow(top, wf, new._spec, reset_mask=TaskState.READY)
    wf.subprocess_specs = dict(new._subprocess_specs)
    moved = Instance.restore(new, dump(wf, new.sha256))
    return moved, moved._advance(before, [])
