"""The other ends of `bpmn/petition.bpmn`: escalation after a dialogue, failed dialogue, redraft, deadlines
that are task properties (no timers), withdrawal, and messages the petition refuses."""

from __future__ import annotations

import pytest

from tests.bpmn.test_petition import CONSOLIDATION, KEY, consolidate, dialogue, notify_and_close, start, to_dialogue
from tests.bpmn.walk import Walk, gateway_targets, kinds
from workflows.errors import MessageNotExpected

ESCALATION = {
    "superior_authority": "provincial_committee",
    "superior_authority_name": "Ủy ban nhân dân tỉnh Sơn La",
    "escalation_summary": "Kiến nghị về chính sách đất đai vượt thẩm quyền của Sở.",
    "escalated_on": "2024-04-01",
}


def escalate(walk: Walk) -> None:
    walk.complete("escalate_superior", ESCALATION)
    assert walk.ready() == ["record_superior_answer"]
    walk.complete("record_superior_answer", {"superior_answer": "UBND tỉnh giao Sở TN&MT giải quyết.",
                                             "superior_answered_on": "2024-05-02"})


def test_beyond_competence_at_the_dialogue_is_escalated() -> None:
    walk = start()
    to_dialogue(walk)
    dialogue(walk, "beyond_competence", "Thuộc thẩm quyền UBND tỉnh")
    assert gateway_targets(walk.last, "gw_outcome") == [["gw_escalate"]]
    assert walk.ready() == ["escalate_superior"]
    escalate(walk)
    final = notify_and_close(walk)
    assert final["final_outcome"] == "escalated" and final["outcome"] == "beyond_competence"


def test_failed_dialogue_minutes_report_and_direction() -> None:
    walk = start(source="staff")
    to_dialogue(walk)
    dialogue(walk, "failed", "Hai bên không thống nhất")
    assert gateway_targets(walk.last, "gw_outcome") == [["record_minutes"]]
    walk.complete("record_minutes", {"minutes": "Biên bản đối thoại không thành.", "minutes_signed_on": "2024-09-20"})
    walk.complete("report_failure", {"failure_reported_to": "party_standing", "failure_report": "Báo cáo.",
                                     "failure_reported_on": "2024-09-22"})
    assert walk.task("record_direction").lane == "office"
    walk.complete("record_direction", {"superior_direction": "Tiếp tục đối thoại lần 2.", "directed_on": "2024-10-05"})
    final = notify_and_close(walk, staff=True)
    assert final["final_outcome"] == "dialogue_failed"
    assert final["minutes"] and final["superior_direction"] == "Tiếp tục đối thoại lần 2."


def test_an_unknown_outcome_falls_back_to_a_written_reply() -> None:
    walk = start()
    to_dialogue(walk)
    dialogue(walk, "not_answered_on_the_spot")
    assert gateway_targets(walk.last, "gw_outcome") == [["gw_reply"]]
    assert walk.ready() == ["draft_written_reply"]


def test_returned_draft_loops_back_to_the_unit() -> None:
    walk = start()
    consolidate(walk)
    walk.complete("assign_unit", {"assigned_unit": "technology", "draft_deadline": "P7D",
                                  "assignment_note": "Phối hợp Phòng QLKH"})
    walk.complete("draft_answer", {"draft_answer": "v1"})
    walk.complete("review_draft", {"review_decision": "return", "review_note": "Chưa đủ căn cứ"})
    assert gateway_targets(walk.last, "gw_review") == [["gw_draft"]]
    assert walk.ready() == ["draft_answer"]
    data = walk.data("draft_answer")
    assert data["draft_answer"] == "v1" and data["review_note"] == "Chưa đủ căn cứ"
    walk.complete("draft_answer", {"draft_answer": "v2", "legal_basis": "Luật Khoa học và Công nghệ 2013"})
    walk.complete("review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    assert gateway_targets(walk.last, "gw_review") == [["wait_dialogue"]]
    dialogue(walk, "answered")
    final = notify_and_close(walk)
    assert final["draft_answer"] == "v2" and final["assigned_unit"] == "technology"


@pytest.mark.parametrize("stage", ["consolidation", "drafting", "dialogue", "written_reply"])
def test_withdrawal_closes_the_petition_at_any_handling_stage(stage: str) -> None:
    walk = start()
    expect_cancelled = {"consolidation": "consolidate_inspectorate", "drafting": "draft_answer",
                        "written_reply": "draft_written_reply"}.get(stage)
    if stage == "drafting":
        consolidate(walk)
        walk.complete("assign_unit", {"assigned_unit": "science", "draft_deadline": "P15D"})
    elif stage in ("dialogue", "written_reply"):
        to_dialogue(walk)
        if stage == "written_reply":
            dialogue(walk, "written_reply")
    assert walk.waiting()["petition_withdrawn"] == KEY
    result = walk.deliver("petition_withdrawn", {"petition_id": "KN-2024-001", "reason": "Đã tự thỏa thuận"}, KEY)
    cancelled = [e.element_id for e in kinds(result, "task_cancelled")]
    assert cancelled == ([expect_cancelled] if expect_cancelled else [])
    final = walk.final_data()
    assert final["final_outcome"] == "withdrawn" and final["closure_reason"] == "Đã tự thỏa thuận"
    assert final["title"] == "Đề nghị hỗ trợ ứng dụng tiến bộ kỹ thuật"
    assert walk.ready() == [] and walk.waiting() == {} and walk.instance.snapshot().next_timer_at is None


def test_withdrawal_without_a_reason_is_recorded_too() -> None:
    walk = start()
    walk.deliver("petition_withdrawn", {"petition_id": "KN-2024-001"}, KEY)
    assert walk.final_data()["final_outcome"] == "withdrawn"
    assert walk.final_data()["closure_reason"] == ""


def test_messages_for_another_petition_or_at_the_wrong_time_are_refused() -> None:
    walk = start()
    consolidate(walk)
    other = {"petition": {"petition_id": "KN-2024-999"}}
    with pytest.raises(MessageNotExpected):  # not yet waiting for its dialogue
        walk.instance.deliver_message("dialogue_outcome", {"petition_id": "KN-2024-001", "outcome": "answered"}, KEY)
    walk.complete("assign_unit", {"assigned_unit": "science", "draft_deadline": "P15D"})
    walk.complete("draft_answer", {"draft_answer": "x"})
    walk.complete("review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    for name in ("dialogue_outcome", "petition_withdrawn"):
        with pytest.raises(MessageNotExpected):
            walk.instance.deliver_message(name, {"petition_id": "KN-2024-999", "outcome": "answered"}, other)
    with pytest.raises(MessageNotExpected):
        walk.instance.deliver_message("no_such_message", {}, KEY)
    assert walk.waiting() == {"dialogue_outcome": KEY, "petition_withdrawn": KEY}
    dialogue(walk, "answered")
    assert walk.ready() == ["notify_results_inspectorate"]


def test_consolidation_data_reaches_the_end_unchanged() -> None:
    walk = start(channel="conference", field="administration")
    consolidate(walk, field="administration", consolidation_note="Tiếp nhận tại hội nghị")
    assert walk.data("assign_unit")["default_unit"] == "administration"
    assert {k: walk.data("assign_unit")[k] for k in CONSOLIDATION} == {**CONSOLIDATION, "field": "administration"}


def test_deadlines_are_task_properties_in_working_days_and_no_timer_runs() -> None:
    model = Walk("petition.bpmn", {"petition_id": "KN-2024-001"}, shadow=False).model
    due = {t.element_id: (t.properties.get("dueIn"), t.properties.get("dueInVariable"), t.properties.get("dueDays"))
           for t in model.human_tasks.values()}
    assert due["consolidate_inspectorate"] == ("P10D", None, "working")  # the handling decision: TT 05/2021
    assert due["consolidate_office"] == ("P10D", None, "working")
    assert due["draft_answer"] == ("P15D", "draft_deadline", "working")
    assert due["draft_written_reply"] == ("P5D", "reply_deadline", "working")
    assert all(d[0] and d[2] == "working" for k, d in due.items() if k not in ("intake", "publish_results",
                                                                             "record_superior_answer",
                                                                             "report_failure", "record_direction"))
