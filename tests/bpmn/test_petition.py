"""Every path of `bpmn/petition.bpmn`, saved and restored after each step."""

from __future__ import annotations

import pytest

from tests.bpmn.walk import Walk, gateway_targets, kinds

KEY = {"petition": {"petition_id": "KN-2024-001"}}
INTAKE = {
    "source": "citizen",
    "petitioner_name": "Nguyễn Văn A",
    "petitioner_contact": "Tổ 3, phường Chiềng Lề, Sơn La",
    "channel": "reception",
    "field": "science",
    "title": "Đề nghị hỗ trợ ứng dụng tiến bộ kỹ thuật",
    "content": "Người dân đề nghị Sở hỗ trợ chuyển giao công nghệ sấy nông sản.",
    "received_on": "2024-03-04",
    "confidential": False,
}
CONSOLIDATION = {"field": "science", "urgency": "normal", "competence": "within", "disposition": "proceed"}


def start(**intake: object) -> Walk:
    walk = Walk("petition.bpmn", {"petition_id": "KN-2024-001"})
    assert walk.ready() == ["intake"]
    assert walk.task("intake").lane == "reception"
    assert walk.waiting() == {}  # withdrawal is possible once the petition is on record
    walk.complete("intake", {**INTAKE, **intake})
    return walk


def consolidate(walk: Walk, **changes: object) -> None:
    staff = walk.task(walk.ready()[0]).data["source"] == "staff"
    task = "consolidate_office" if staff else "consolidate_inspectorate"
    assert walk.ready() == [task]
    assert gateway_targets(walk.last, "gw_route")[-1] == [task]
    walk.complete(task, {**CONSOLIDATION, **changes})


def to_dialogue(walk: Walk, **assign: object) -> None:
    """From a founded, within-competence consolidation to the wait for the dialogue outcome."""
    consolidate(walk)
    assert walk.ready() == ["assign_unit"]
    walk.complete("assign_unit", {"assigned_unit": "science", "draft_deadline": "P15D", **assign},
                  extra=("draft_escalation_after", "reply_deadline"))
    walk.complete("draft_answer", {"draft_answer": "Sở sẽ hướng dẫn lập dự án chuyển giao công nghệ."})
    walk.complete("review_draft", {"review_decision": "approve"})
    assert walk.ready() == []
    assert gateway_targets(walk.last, "gw_review") == [["wait_dialogue"]]
    assert walk.waiting() == {"dialogue_outcome": KEY, "petition_withdrawn": KEY}
    assert walk.instance.snapshot().next_timer_at is None  # drafting timers ended with the draft


def dialogue(walk: Walk, outcome: str, note: str = "") -> None:
    payload = {"petition_id": "KN-2024-001", "outcome": outcome, "note": note}
    result = walk.deliver("dialogue_outcome", payload, KEY)
    assert kinds(result, "message_delivered")[0].data["payload"] == payload


def notify_and_close(walk: Walk, *, staff: bool = False, confidential: bool = False) -> dict[str, object]:
    task = "notify_results_office" if staff else "notify_results_inspectorate"
    assert walk.ready() == [task]
    assert gateway_targets(walk.last, "gw_notice") == [[task]]
    walk.complete(task, {"notice_text": "Thông báo kết quả giải quyết.", "notified_on": "2024-10-01"})
    if confidential:
        assert gateway_targets(walk.last, "gw_publish") == [["gw_published"]]
    else:
        assert gateway_targets(walk.last, "gw_publish") == [["publish_results"]]
        assert walk.task("publish_results").lane == "infocenter"
        walk.complete("publish_results", {"published_url": "https://khcn.sonla.gov.vn/kq/1",
                                          "published_on": "2024-10-02"})
    assert kinds(walk.last, "instance_completed")
    assert walk.waiting() == {}
    return walk.final_data()


def test_citizen_item_answered_at_the_dialogue() -> None:
    walk = start()
    data = walk.data("consolidate_inspectorate")
    assert data["petition_id"] == "KN-2024-001" and data["title"] == INTAKE["title"]
    consolidate(walk, urgency="urgent")
    assigned = walk.data("assign_unit")
    assert assigned["draft_deadline"] == "P3D" and assigned["draft_escalation_after"] == "P5D"
    assert assigned["reply_deadline"] == "P7D" and assigned["propose_adhoc_dialogue"] is True
    assert assigned["default_unit"] == "science"
    assert gateway_targets(walk.last, "gw_competence") == [["assign_unit"]]
    assert gateway_targets(walk.last, "gw_disposition") == [["classify"]]
    walk.complete("assign_unit", {"assigned_unit": "science", "draft_deadline": "P3D", "adhoc_dialogue": True})
    assert walk.ready() == ["draft_answer"]
    assert walk.instance.snapshot().next_timer_at is not None
    walk.complete("draft_answer", {"draft_answer": "Dự thảo trả lời."})
    assert walk.task("review_draft").lane == "director"
    walk.complete("review_draft", {"review_decision": "approve", "review_note": "Đồng ý"})
    dialogue(walk, "answered", "Giám đốc trả lời trực tiếp")
    assert gateway_targets(walk.last, "gw_outcome") == [["record_answered"]]
    data = walk.data("notify_results_inspectorate")
    assert data["outcome"] == "answered" and data["dialogue_note"] == "Giám đốc trả lời trực tiếp"
    assert data["final_outcome"] == "answered"
    final = notify_and_close(walk)
    assert final["final_outcome"] == "answered"
    assert final["assigned_unit"] == "science" and final["published_url"].startswith("https://")


@pytest.mark.parametrize(("urgency", "expected"), [
    ("high", ("P7D", "P10D", "P15D", False)),
    ("normal", ("P15D", "P20D", "P30D", False)),
    ("low", ("P30D", "P45D", "P45D", False)),
])
def test_classification_by_urgency(urgency: str, expected: tuple[object, ...]) -> None:
    walk = start(field="ip")
    consolidate(walk, urgency=urgency, field="standards")
    data = walk.data("assign_unit")
    got = (data["draft_deadline"], data["draft_escalation_after"], data["reply_deadline"],
           data["propose_adhoc_dialogue"])
    assert got == expected
    assert data["default_unit"] == "standards"  # from the field as confirmed at consolidation


def test_staff_item_written_reply_with_return_and_overdue_reminder() -> None:
    walk = start(source="staff", field="personnel", confidential=True)
    assert walk.task("consolidate_office").lane == "office"
    consolidate(walk, field="personnel")
    assert walk.data("assign_unit")["default_unit"] == "personnel"
    walk.complete("assign_unit", {"assigned_unit": "personnel", "draft_deadline": "P30D"},
                  extra=("reply_deadline",))
    walk.complete("draft_answer", {"draft_answer": "Dự thảo."})
    walk.complete("review_draft", {"review_decision": "approve"})
    dialogue(walk, "written_reply", "Trả lời bằng văn bản sau hội nghị")
    assert gateway_targets(walk.last, "gw_outcome") == [["gw_reply"]]
    assert walk.ready() == ["draft_written_reply"]
    walk.complete("draft_written_reply", {"written_reply": "Văn bản trả lời lần 1."})
    walk.complete("sign_written_reply", {"sign_decision": "return", "sign_note": "Bổ sung căn cứ"})
    assert gateway_targets(walk.last, "gw_sign") == [["gw_reply"]]
    assert walk.ready() == ["draft_written_reply"]
    assert walk.data("draft_written_reply")["sign_note"] == "Bổ sung căn cứ"
    walk.complete("draft_written_reply", {"written_reply": "Văn bản trả lời lần 2."})
    walk.complete("sign_written_reply", {"sign_decision": "sign", "signed_on": "2024-10-01"})
    assert gateway_targets(walk.last, "gw_sign") == [["record_written_reply"]]
    final = notify_and_close(walk, staff=True, confidential=True)
    assert final["final_outcome"] == "written_reply"
    assert final["written_reply"] == "Văn bản trả lời lần 2."
    assert "published_url" not in final


def test_written_reply_deadline_timer_urges_without_interrupting() -> None:
    walk = start()
    to_dialogue(walk, reply_deadline="PT0.02S")  # a test-sized deadline instead of the DMN's
    assert walk.instance.snapshot().next_timer_at is None
    dialogue(walk, "written_reply")
    assert walk.ready() == ["draft_written_reply"]
    assert walk.instance.snapshot().next_timer_at is not None
    result = walk.fire_after(0.05)
    assert [e.name for e in kinds(result, "escalation_thrown")] == ["reply_overdue"]
    fired = kinds(result, "timer_fired")
    assert [e.element_id for e in fired] == ["reply_overdue_timer"] and fired[0].data["interrupting"] is False
    assert walk.ready() == ["draft_written_reply"]  # still the unit's to finish
    assert walk.fire_after(0).events == ()  # fires once only
    walk.complete("draft_written_reply", {"written_reply": "v1"})
    walk.complete("sign_written_reply", {"sign_decision": "sign"})
    assert notify_and_close(walk)["final_outcome"] == "written_reply"
