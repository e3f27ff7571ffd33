"""Pruning finished stretches of the task tree: a bounded state, the same path and the same data.

Every path test of the pack already runs beside an unpruned shadow (tests/bpmn/walk.py); here the
long histories, whole journeys with and without pruning, and a pruning that goes too far.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import workflows.engine
from tests.bpmn.test_petition import KEY, PLAN, consolidate, dialogue, notify_and_close, start
from tests.bpmn.walk import Walk
from workflows.prune import prune

RETURN = {"review_decision": "return", "review_note": "Bổ sung căn cứ pháp lý."}
ASSIGN = {"assigned_unit": "science", "draft_deadline": "P15D"}


def _to_drafting(walk: Walk) -> None:
    consolidate(walk)
    walk.complete("assign_unit", ASSIGN, extra=("reply_deadline",))


def _return_drafts(walk: Walk, times: int) -> None:
    for _ in range(times):
        walk.complete("draft_answer", {"draft_answer": "Dự thảo trả lời."})
        walk.complete("review_draft", RETURN)


def _finish(walk: Walk) -> dict[str, Any]:
    walk.complete("draft_answer", {"draft_answer": "Dự thảo cuối cùng."})
    walk.complete("review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    dialogue(walk, "answered", "Đã đối thoại")
    return notify_and_close(walk)


def test_a_long_history_keeps_a_bounded_state() -> None:
    walk = start()
    _to_drafting(walk)
    _return_drafts(walk, 5)
    pruned_5, unpruned_5 = len(walk.instance.save()), len(walk.shadow.save(prune=False))  # type: ignore[union-attr]
    _return_drafts(walk, 40)
    pruned_45, unpruned_45 = len(walk.instance.save()), len(walk.shadow.save(prune=False))  # type: ignore[union-attr]
    assert unpruned_45 > 3 * unpruned_5  # without pruning the state grows with every round
    assert pruned_45 <= pruned_5 * 1.05
    assert pruned_45 < unpruned_5
    assert _finish(walk)["final_outcome"] == "answered"


def _journey(walk: Walk) -> dict[str, Any]:
    _to_drafting(walk)
    _return_drafts(walk, 3)
    return _finish(walk)


def test_a_whole_journey_ends_the_same_with_and_without_pruning() -> None:
    pruned = start()
    unpruned = Walk("petition.bpmn", {"petition_id": "KN-2024-001", **PLAN}, shadow=False, prune=False)
    unpruned.complete("intake", pruned.results[1].events[0].data["submitted"])
    assert _journey(pruned) == _journey(unpruned)
    assert pruned.trace == unpruned.trace
    assert len(pruned.instance.save()) < len(unpruned.instance.save(prune=False)) / 2


def test_pruning_twice_changes_nothing_more() -> None:
    walk = start()
    _to_drafting(walk)
    _return_drafts(walk, 3)
    workflow = walk.instance._wf
    assert prune(workflow) == 0  # the walk already pruned at its last save
    assert walk.waiting() == {"petition_withdrawn": KEY}


def test_a_pruning_that_drops_live_tasks_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def too_much(workflow: Any) -> int:
        waiting = [t for t in workflow.tasks.values() if t.state == 8]  # WAITING: the withdrawal's event
        for task in waiting:
            del workflow.tasks[task.id]
            workflow.event_manager.tasks.pop(task.id, None)
        return len(waiting)

    broken: Callable[[Any], int] = too_much
    monkeypatch.setattr(workflows.engine, "prune_finished", broken)
    with pytest.raises(AssertionError):
        start()
