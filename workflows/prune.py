"""Keeping an instance's engine state bounded: finished stretches of the task tree are cut away.

The engine keeps every task it ever ran, so a petition whose draft went back and forth fifty times
carries fifty rounds of finished tasks in its state, and every restore, save and tree walk pays for
them. What happened is the audit trail's to remember; the engine only needs what can still
influence the run:

- every live task (not COMPLETED or CANCELLED) with everything below it, and the tasks on the way
  from the lowest common ancestor of the live tasks down to each of them;
- a split whose region is still open (a boundary event's split while the guarded task or one of
  its events is live: the join looks for it among its ancestors and reads its children), with
  its direct children;
- the root of the tree, and the last task that ran (its data is the instance's data once nothing
  is ready);
- a sub-process's tasks while the task that owns it is kept.

Everything else goes: the kept stretch hangs straight from the root. `prune` runs at rest, between
two operations, before the state is saved.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task, TaskState

FINISHED = TaskState.COMPLETED | TaskState.CANCELLED


def prune(workflow: BpmnWorkflow) -> int:
    """Drop the finished tasks of `workflow` and of its sub-processes that can no longer matter.

    Returns how many tasks were dropped. Safe to call on a workflow at rest only (not from inside an
    engine step).
    """
    dropped = 0
    owners = {sub_id for sub_id, sub in workflow.subprocesses.items() if not sub.completed}
    dropped += _prune_one(workflow, owners)
    known = _all_task_ids(workflow)
    for sub_id in [k for k in workflow.subprocesses if k not in known]:
        dropped += len(workflow.subprocesses[sub_id].tasks)
        del workflow.subprocesses[sub_id]
        known = _all_task_ids(workflow)
    for sub in list(workflow.subprocesses.values()):
        nested = {k for k, s in workflow.subprocesses.items() if not s.completed and k in sub.tasks}
        dropped += _prune_one(sub, nested)
    return dropped


def _all_task_ids(workflow: BpmnWorkflow) -> set[UUID]:
    ids = set(workflow.tasks)
    for sub in workflow.subprocesses.values():
        ids.update(sub.tasks)
    return ids


def _split_names(workflow: Any) -> set[str]:
    names: set[str] = set()
    for spec in workflow.spec.task_specs.values():
        split = getattr(spec, "split_task", None)
        if split:
            names.add(str(split))
    return names


def _chain(task: Task) -> list[Task]:
    """`task`'s ancestors from the root down to `task` itself."""
    chain = [task]
    parent = task.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    chain.reverse()
    return chain


def _open_splits(chain: list[Task], splits: set[str]) -> list[int]:
    """Positions in `chain` of splits whose region is still open: one of their children is live.

    Once every child of a split (the guarded task and its boundary events) is finished, its join
    has run and nothing looks for the split any more.
    """
    return [
        index for index, task in enumerate(chain[:-1])
        if task.task_spec.name in splits
        and any(child is not None and not child.has_state(FINISHED) for child in task.children)
    ]


def _prune_one(workflow: Any, owners: set[UUID]) -> int:
    root: Task = workflow.task_tree
    live = [t for t in workflow.tasks.values() if not t.has_state(FINISHED) or t.id in owners]
    if not live:
        return 0
    splits = _split_names(workflow)
    chains = [_chain(t) for t in live]
    if any(c[0] is not root for c in chains):
        return 0  # a task hangs outside the tree: leave the state as the engine made it
    common = min(len(c) for c in chains)
    depth = 0
    while depth < common and all(c[depth] is chains[0][depth] for c in chains):
        depth += 1
    cut_at = depth - 1  # the lowest common ancestor
    split_children: list[Task] = []
    for chain in chains:
        for index in _open_splits(chain, splits):
            cut_at = min(cut_at, index)
            split_children.extend(chain[index].children)
    cut = chains[0][cut_at]

    keep: set[UUID] = {root.id, cut.id}
    for chain in chains:
        keep.update(t.id for t in chain[cut_at:])
    stack = list(live)
    while stack:
        task = stack.pop()
        for child in task.children:
            if child is not None and child.id not in keep:
                keep.add(child.id)
                stack.append(child)
    keep.update(t.id for t in split_children if t is not None)
    last = workflow.last_task
    doomed = [k for k in workflow.tasks if k not in keep]
    if not doomed:
        return 0
    events = workflow.top_workflow.event_manager.tasks
    for task_id in doomed:
        del workflow.tasks[task_id]
        events.pop(task_id, None)
    for task in workflow.tasks.values():
        task._children = [c for c in task._children if c in keep]
    if cut is not root:
        cut._parent = root.id
        root._children = [cut.id, *[c for c in root._children if c != cut.id]]
    if last is not None and last.id not in workflow.tasks:
        last._parent, last._children = root.id, []
        workflow.tasks[last.id] = last
        root._children.append(last.id)
        return len(doomed) - 1
    return len(doomed)
