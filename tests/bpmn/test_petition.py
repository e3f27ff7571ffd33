"""Every path of `bpmn/petition.bpmn`, saved and restored after each step: the petition's type, the
10-day handling decision (thụ lý, chuyển đơn, hướng dẫn, lưu đơn), the statutory deadlines of each type,
and the written answer as soon as the director approves it unless the director puts it to a dialogue."""

from __future__ import annotations

import pytest

from tests.bpmn.walk import Walk, gateway_targets, kinds

KEY = {"petition": {"petition_id": "KN-2024-001"}}
INTAKE = {
    "source": "citizen",
    "petition_type": "kien_nghi",
    "petitioner_name": "Nguyễn Văn A",
    "petitioner_contact": "Tổ 3, phường Chiềng Lề, Sơn La",
    "channel": "reception",
    "field": "science",
    "title": "Đề nghị hỗ trợ ứng dụng tiến bộ kỹ thuật",
    "content": "Người dân đề nghị Sở hỗ trợ chuyển giao công nghệ sấy nông sản.",
    "received_on": "2024-03-04",
    "confidential": False,
}
CONSOLIDATION = {"field": "science", "urgency": "normal", "handling_result": "thu_ly"}
PLAN = {"plan_draft_days": 10, "plan_reply_days": 15}
"""What the service puts in the start data from the plan's `[deadlines]` block (seed 000's values)."""


def start(**intake: object) -> Walk:
    walk = Walk("petition.bpmn", {"petition_id": "KN-2024-001", **PLAN})
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


def to_review(walk: Walk, **assign: object) -> None:
    """From an accepted petition to the director's review of the unit's draft."""
    consolidate(walk)
    assert walk.ready() == ["assign_unit"]
    walk.complete("assign_unit", {"assigned_unit": "science", **assign}, extra=("reply_deadline",))
    walk.complete("draft_answer", {"draft_answer": "Sở sẽ hướng dẫn lập dự án chuyển giao công nghệ."})
    assert walk.ready() == ["review_draft"]


def to_dialogue(walk: Walk, **assign: object) -> None:
    """From an accepted petition to the wait for the dialogue outcome (the director chose a dialogue)."""
    to_review(walk, **assign)
    walk.complete("review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    assert walk.ready() == []
    assert gateway_targets(walk.last, "gw_review") == [["wait_dialogue"]]
    assert walk.waiting() == {"dialogue_outcome": KEY, "petition_withdrawn": KEY}
    assert walk.instance.snapshot().next_timer_at is None  # deadlines are the service's, in working days


def dialogue(walk: Walk, outcome: str, note: str = "") -> None:
    payload = {"petition_id": "KN-2024-001", "outcome": outcome, "note": note}
    result = walk.deliver("dialogue_outcome", payload, KEY)
    assert kinds(result, "message_delivered")[0].data["payload"] == payload


def sign_reply(walk: Walk, text: str = "Văn bản trả lời.") -> None:
    walk.complete("draft_written_reply", {"written_reply": text})
    assert walk.task("sign_written_reply").lane == "director"
    walk.complete("sign_written_reply", {"sign_decision": "sign", "signed_on": "2024-04-01"})
    assert gateway_targets(walk.last, "gw_sign") == [["record_written_reply"]]


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


@pytest.mark.parametrize(("petition_type", "complex_case", "expected"), [
    ("khieu_nai", False, ("acceptance_complaint", "P30D", "P20D", 0, True)),
    ("khieu_nai", True, ("acceptance_complaint", "P45D", "P30D", 0, True)),
    ("to_cao", False, ("acceptance", "P30D", "P20D", 1, False)),
    ("to_cao", True, ("acceptance", "P30D", "P20D", 2, False)),
    ("kien_nghi", False, ("acceptance", "P25D", "P10D", 0, True)),
    ("phan_anh", True, ("acceptance", "P25D", "P10D", 0, True)),
])
def test_each_type_accepted_gets_its_statutory_deadlines(petition_type: str, complex_case: bool,
                                                         expected: tuple[object, ...]) -> None:
    walk = start(petition_type=petition_type)
    consolidate(walk, complex_case=complex_case)
    assert gateway_targets(walk.last, "gw_competence") == [["assign_unit"]]
    data = walk.data("assign_unit")
    got = (data["notice_kind"], data["resolution_deadline"], data["draft_deadline"], data["max_extensions"],
           data["dialogue_allowed"])
    assert got == expected
    assert data["competence"] == "within" and data["default_unit"] == "science"
    assert data["extension_length"] == ("P30D" if petition_type == "to_cao" else "")


@pytest.mark.parametrize(("complex_case", "expected"), [(False, ("P45D", "P30D", "P10D")),
                                                       (True, ("P60D", "P40D", "P15D"))])
def test_a_complaint_in_a_remote_area_gets_45_days_or_60_when_complex(complex_case: bool,
                                                                      expected: tuple[str, ...]) -> None:
    walk = Walk("petition.bpmn", {"petition_id": "KN-2024-002", **PLAN, "remote_area": True})
    walk.complete("intake", {**INTAKE, "petition_type": "khieu_nai"})
    consolidate(walk, complex_case=complex_case)
    data = walk.data("assign_unit")
    assert (data["resolution_deadline"], data["draft_deadline"], data["reply_deadline"]) == expected
    assert data["notice_kind"] == "acceptance_complaint"


def test_recommendation_deadlines_come_from_the_plan() -> None:
    walk = Walk("petition.bpmn", {"petition_id": "KN-2024-001", "plan_draft_days": 7, "plan_reply_days": 3})
    walk.complete("intake", INTAKE)
    consolidate(walk)
    data = walk.data("assign_unit")
    assert (data["resolution_deadline"], data["draft_deadline"], data["reply_deadline"]) == ("P10D", "P7D", "P3D")


@pytest.mark.parametrize("petition_type", ["khieu_nai", "to_cao", "kien_nghi", "phan_anh"])
def test_accepted_petition_is_answered_in_writing_as_soon_as_approved(petition_type: str) -> None:
    walk = start(petition_type=petition_type)
    to_review(walk)
    walk.complete("review_draft", {"review_decision": "approve", "answer_mode": "written"})
    assert gateway_targets(walk.last, "gw_review") == [["gw_reply"]]
    assert walk.ready() == ["draft_written_reply"] and walk.task("draft_written_reply").lane == "unit"
    # the unit starts from the draft the director approved, not from an empty letter
    assert walk.data("draft_written_reply")["written_reply"] == walk.data("draft_written_reply")["draft_answer"]
    assert walk.waiting() == {"petition_withdrawn": KEY}  # no dialogue is awaited
    sign_reply(walk)
    final = notify_and_close(walk)
    assert final["final_outcome"] == "written_reply" and final["petition_type"] == petition_type


def test_a_denunciation_never_waits_for_a_dialogue() -> None:
    walk = start(petition_type="to_cao", confidential=True)
    to_review(walk)
    walk.complete("review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    assert gateway_targets(walk.last, "gw_review") == [["gw_reply"]]  # the decision table forbids it
    sign_reply(walk)
    assert notify_and_close(walk, confidential=True)["final_outcome"] == "written_reply"


def test_complaint_put_on_a_dialogue_is_answered_there() -> None:
    walk = start(petition_type="khieu_nai")
    data = walk.data("consolidate_inspectorate")
    assert data["petition_id"] == "KN-2024-001" and data["title"] == INTAKE["title"]
    to_dialogue(walk)
    dialogue(walk, "answered", "Giám đốc trả lời trực tiếp")
    assert gateway_targets(walk.last, "gw_outcome") == [["record_answered"]]
    data = walk.data("notify_results_inspectorate")
    assert data["outcome"] == "answered" and data["dialogue_note"] == "Giám đốc trả lời trực tiếp"
    final = notify_and_close(walk)
    assert final["final_outcome"] == "answered" and final["published_url"].startswith("https://")


def test_written_reply_after_the_dialogue_with_a_return() -> None:
    walk = start(source="staff", field="personnel", confidential=True)
    assert walk.task("consolidate_office").lane == "office"
    consolidate(walk, field="personnel")
    assert walk.data("assign_unit")["default_unit"] == "personnel"
    walk.complete("assign_unit", {"assigned_unit": "personnel", "draft_deadline": "P30D"})
    walk.complete("draft_answer", {"draft_answer": "Dự thảo."})
    walk.complete("review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    dialogue(walk, "written_reply", "Trả lời bằng văn bản sau hội nghị")
    assert gateway_targets(walk.last, "gw_outcome") == [["gw_reply"]]
    walk.complete("draft_written_reply", {"written_reply": "Văn bản trả lời lần 1."})
    walk.complete("sign_written_reply", {"sign_decision": "return", "sign_note": "Bổ sung căn cứ"})
    assert gateway_targets(walk.last, "gw_sign") == [["gw_reply"]]
    assert walk.data("draft_written_reply")["sign_note"] == "Bổ sung căn cứ"
    sign_reply(walk, "Văn bản trả lời lần 2.")
    final = notify_and_close(walk, staff=True, confidential=True)
    assert final["final_outcome"] == "written_reply" and final["written_reply"] == "Văn bản trả lời lần 2."
    assert "published_url" not in final


@pytest.mark.parametrize(("result", "task", "notice", "outcome"), [
    ("chuyen_don", "forward_petition", "forwarding", "forwarded"),
    ("huong_dan", "guide_petitioner", "guidance", "guided"),
])
def test_not_within_competence_is_forwarded_or_the_petitioner_guided(result: str, task: str, notice: str,
                                                                    outcome: str) -> None:
    walk = start(petition_type="khieu_nai")
    consolidate(walk, handling_result=result, forward_to="UBND huyện Mai Sơn")
    assert gateway_targets(walk.last, "gw_competence") == [[task]]
    assert walk.task(task).lane == "office"
    data = walk.data(task)
    assert data["notice_kind"] == notice and data["competence"] == "beyond" and data["resolution_deadline"] == ""
    done = {"forward_to": "UBND huyện Mai Sơn"}
    done |= {"forwarded_on": "2024-03-06", "petitioner_notified": True} if task == "forward_petition" else {
        "guided_on": "2024-03-06"}
    walk.complete(task, done)
    final = notify_and_close(walk)
    assert final["final_outcome"] == outcome and final["handling_result"] == result


@pytest.mark.parametrize("reason", ["an_danh", "trung_lap", "khong_du_dieu_kien"])
def test_filed_without_action_with_its_reason(reason: str) -> None:
    walk = start()
    consolidate(walk, handling_result="luu_don", filing_reason=reason)
    assert gateway_targets(walk.last, "gw_disposition") == [["file_petition"]]
    final = notify_and_close(walk)
    assert final["final_outcome"] == "filed" and final["closure_reason"] == reason


def test_filing_without_a_reason_goes_back_to_the_handling_decision() -> None:
    walk = start()
    consolidate(walk, handling_result="luu_don")
    assert gateway_targets(walk.last, "gw_disposition") == [["gw_route"]]
    assert walk.ready() == ["consolidate_inspectorate"]
    consolidate(walk, handling_result="luu_don", filing_reason="trung_lap")
    assert notify_and_close(walk)["final_outcome"] == "filed"


def test_type_changed_at_classification_needs_its_reason() -> None:
    walk = start(petition_type="kien_nghi")
    consolidate(walk, classified_type="khieu_nai")
    assert gateway_targets(walk.last, "gw_disposition") == [["gw_route"]]  # no reason: back
    assert walk.data("consolidate_inspectorate")["petition_type"] == "kien_nghi"
    consolidate(walk, classified_type="khieu_nai", type_change_reason="Đơn đề nghị xem xét lại quyết định hành chính")
    data = walk.data("assign_unit")
    assert data["petition_type"] == "khieu_nai" and data["previous_type"] == "kien_nghi"
    assert data["type_change_reason"] == "Đơn đề nghị xem xét lại quyết định hành chính"
    assert data["notice_kind"] == "acceptance_complaint" and data["resolution_deadline"] == "P30D"


def test_urgent_items_are_proposed_for_an_adhoc_dialogue() -> None:
    walk = start()
    consolidate(walk, urgency="urgent")
    assert walk.data("assign_unit")["propose_adhoc_dialogue"] is True
