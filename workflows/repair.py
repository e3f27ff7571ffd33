"""Repairs an admin makes to a stuck instance: correcting the data its waiting steps will run with.

Kept apart from `engine.py` because it is not part of running a process: it exists so that an
incident (a timer's next step failed on missing or wrong data) can be fixed and retried.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.task import TaskState

from .engine import Instance
from .errors import WorkflowError


def set_waiting_data(instance: Instance, values: Mapping[str, Any]) -> list[str]:
    """Merge `values` into the data of every step that is waiting or ready; returns their element ids.

    The steps after them inherit this data when they run, so a retried timer sees the correction.
    `WorkflowError` when the instance has no such step (it finished, say).
    """
    if any(not isinstance(k, str) or not k or k.startswith("_") for k in values):
        raise WorkflowError("data keys must be non-empty names not starting with '_'")
    workflow = instance._wf
    touched: list[str] = []
    for task in workflow.get_tasks(state=TaskState.WAITING | TaskState.READY):
        task.data.update(copy.deepcopy(dict(values)))
        element = getattr(task.task_spec, "bpmn_id", None)
        if element:
            touched.append(str(element))
    if not touched:
        raise WorkflowError("the instance has no waiting step whose data could be corrected")
    return sorted(set(touched))
