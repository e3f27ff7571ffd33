"""Every path of `bpmn/dialogue.bpmn`, and its outcome messages reaching waiting petitions."""

from __future__ import annotations

from tests.bpmn.walk import Walk, gateway_targets, kinds

PERIODIC = {"dialogue_id": "DT-2022-Q3", "kind": "periodic", "agency": "Sở KH&CN Sơn La", "planned_quarter": "Q3",
            "candidate_petitions": ["KN-1", "KN-2", "KN-3", "KN-4"]}
ADHOC = {"dialogue_id": "DT-2023-01", "kind": "adhoc", "agency": "Sở KH&CN Hà Giang",
         "urgent_content": "Thủ tục cấp giấy chứng nhận doanh nghiệp KH&CN"}
OUTCOMES = [
    {"petition_id": "KN-1", "outcome": "answered", "note": "Trả lời trực tiếp"},
    {"petition_id": "KN-2", "outcome": "written_reply", "note": ""},
    {"petition_id": "KN-3", "outcome": "beyond_competence", "note": "Thuộc UBND tỉnh"},
    {"petition_id": "KN-4", "outcome": "failed", "note": "Không thống nhất"},
]
INVITATIONS = {"invitees": "Đại diện người dân, doanh nghiệp", "venue": "Hội trường Sở",
               "invitations_sent_on": "2022-08-20", "petitioners_notified": True, "venue_ready": True}


def prepare(walk: Walk, agenda: list[str]) -> None:
    walk.complete("build_agenda", {"agenda": agenda, "chair": "Giám đốc Sở"})
    walk.complete("issue_invitations", INVITATIONS)
    assert walk.task("publish_plan").lane == "infocenter"
    walk.complete("publish_plan", {"plan_url": "https://khcn.sonla.gov.vn/kh/dt", "plan_published_on": "2022-08-21"})
    assert walk.ready() == ["hold_conference"]
    assert walk.task("hold_conference").lane == "director"


def hold(walk: Walk, outcomes: list[dict[str, str]]) -> None:
    walk.complete("hold_conference", {"held_on": "2022-09-15", "outcomes": outcomes,
                                      "conference_minutes": "Biên bản hội nghị đối thoại."})


def finish(walk: Walk) -> dict[str, object]:
    assert walk.ready() == ["notice_results"]
    walk.complete("notice_results", {"results_notice": "Thông báo kết quả.", "results_noticed_on": "2022-09-20"})
    walk.complete("report_upward", {"report_text": "Báo cáo kết quả đối thoại.",
                                    "report_recipients": "Thường trực Tỉnh ủy; Ban Dân vận Tỉnh ủy"})
    walk.complete("sign_results", {"sign_decision": "return", "sign_note": "Bổ sung số liệu"})
    assert gateway_targets(walk.last, "gw_sign") == [["gw_results"]]
    assert walk.ready() == ["notice_results"]
    walk.complete("notice_results", {"results_notice": "Thông báo kết quả (bổ sung).",
                                     "results_noticed_on": "2022-09-21"})
    walk.complete("report_upward", {"report_text": "Báo cáo (bổ sung).", "report_recipients": "Sở Nội vụ"})
    walk.complete("sign_results", {"sign_decision": "sign"})
    assert gateway_targets(walk.last, "gw_sign") == [["publish_results"]]
    walk.complete("publish_results", {"results_url": "https://khcn.sonla.gov.vn/kq/dt",
                                      "results_published_on": "2022-09-22"})
    assert kinds(walk.last, "instance_completed")
    return walk.final_data()


def test_periodic_dialogue_sends_one_outcome_per_agenda_item() -> None:
    walk = Walk("dialogue.bpmn", PERIODIC)
    assert walk.ready() == ["plan_periodic"] and walk.task("plan_periodic").lane == "office"
    assert gateway_targets(walk.last, "gw_kind") == [["plan_periodic"]]
    walk.complete("plan_periodic", {"planned_quarter": "Q3", "planned_date": "2022-09-15"})
    prepare(walk, ["KN-1", "KN-2", "KN-3", "KN-4"])
    hold(walk, OUTCOMES)
    result = walk.last
    assert gateway_targets(result, "gw_outcomes_ok") == [["send_outcomes"]]
    sent = sorted(result.messages, key=lambda m: m.payload["petition_id"])
    assert [m.name for m in sent] == ["dialogue_outcome"] * 4
    assert [m.payload for m in sent] == OUTCOMES
    assert [m.correlations for m in sent] == [{"petition": {"petition_id": o["petition_id"]}} for o in OUTCOMES]
    assert len(kinds(result, "message_thrown")) == 4
    data = walk.data("notice_results")
    assert data["outcomes_sent"] == 4 and "item" not in data and "entry" not in data
    assert data["outcome_counts"] == {"answered": 1, "written_reply": 1, "beyond_competence": 1, "failed": 1}
    assert data["missing_outcomes"] == [] and data["invalid_outcomes"] == []
    final = finish(walk)
    assert final["dialogue_id"] == "DT-2022-Q3" and final["agenda"] == ["KN-1", "KN-2", "KN-3", "KN-4"]
    assert walk.fire_after(0).messages == ()  # nothing is sent twice


def test_adhoc_dialogue_is_decided_by_the_director() -> None:
    walk = Walk("dialogue.bpmn", ADHOC)
    assert gateway_targets(walk.last, "gw_kind") == [["decide_adhoc"]]
    assert walk.task("decide_adhoc").lane == "director"
    walk.complete("decide_adhoc", {"adhoc_subject": ADHOC["urgent_content"], "adhoc_field": "administration",
                                   "planned_date": "2023-05-10", "adhoc_reason": "Nhiều doanh nghiệp phản ánh"})
    prepare(walk, ["KN-9"])
    hold(walk, [{"petition_id": "KN-9", "outcome": "written_reply"}])  # a note may be left out
    assert [m.payload for m in walk.last.messages] == [{"petition_id": "KN-9", "outcome": "written_reply", "note": ""}]
    assert finish(walk)["adhoc_subject"] == ADHOC["urgent_content"]


def test_conference_must_conclude_every_agenda_item_with_a_known_outcome() -> None:
    walk = Walk("dialogue.bpmn", PERIODIC)
    walk.complete("plan_periodic", {"planned_quarter": "Q4", "planned_date": "2022-11-15"})
    prepare(walk, ["KN-1", "KN-2"])
    hold(walk, [OUTCOMES[0]])  # KN-2 forgotten
    assert gateway_targets(walk.last, "gw_outcomes_ok") == [["gw_conference"]]
    assert walk.last.messages == () and walk.ready() == ["hold_conference"]
    assert walk.data("hold_conference")["missing_outcomes"] == ["KN-2"]
    hold(walk, [OUTCOMES[0], {"petition_id": "KN-2", "outcome": "postponed", "note": ""}])
    assert walk.last.messages == () and walk.ready() == ["hold_conference"]
    assert walk.data("hold_conference")["invalid_outcomes"] == ["KN-2"]
    hold(walk, OUTCOMES[:2])
    assert sorted(m.payload["petition_id"] for m in walk.last.messages) == ["KN-1", "KN-2"]
    assert walk.ready() == ["notice_results"]


def test_outcomes_reach_the_petitions_that_wait_for_them() -> None:
    petitions = {}
    for pid in ("KN-1", "KN-2"):
        petition = Walk("petition.bpmn", {"petition_id": pid})
        petition.complete("intake", {"source": "citizen", "petitioner_name": "A", "channel": "paper",
                                     "field": "science", "title": "T", "content": "C", "received_on": "2022-06-01",
                                     "petition_type": "khieu_nai"})
        petition.complete("consolidate_inspectorate", {"field": "science", "urgency": "normal",
                                                       "handling_result": "thu_ly"})
        petition.complete("assign_unit", {"assigned_unit": "science", "draft_deadline": "P15D"})
        petition.complete("draft_answer", {"draft_answer": "Dự thảo"})
        petition.complete("review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
        petitions[pid] = petition
    walk = Walk("dialogue.bpmn", PERIODIC)
    walk.complete("plan_periodic", {"planned_quarter": "Q3", "planned_date": "2022-09-15"})
    prepare(walk, ["KN-1", "KN-2"])
    hold(walk, OUTCOMES[:2])
    for message in walk.last.messages:  # route as the service does: by name and correlation
        matches = [p for p in petitions.values() if p.waiting().get(message.name) == message.correlations]
        assert len(matches) == 1
        matches[0].deliver(message.name, message.payload, message.correlations)
    assert petitions["KN-1"].ready() == ["notify_results_inspectorate"]
    assert petitions["KN-1"].data("notify_results_inspectorate")["final_outcome"] == "answered"
    assert petitions["KN-2"].ready() == ["draft_written_reply"]


def test_a_conference_with_an_empty_agenda_sends_nothing_and_still_reports() -> None:
    walk = Walk("dialogue.bpmn", PERIODIC)
    walk.complete("plan_periodic", {"planned_quarter": "Q3", "planned_date": "2022-09-15"})
    prepare(walk, [])
    hold(walk, [])
    assert walk.last.messages == () and walk.ready() == ["notice_results"]
    assert walk.data("notice_results")["outcomes_sent"] == 0
    assert finish(walk)["outcome_counts"] == {}
