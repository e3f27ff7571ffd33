"""The petition journey every benchmark drives: a citizen's petition answered at the dialogue.

intake -> consolidate (inspectorate) -> assign unit -> draft answer -> review (approve) ->
the dialogue's outcome "answered" arrives as a message -> notify results -> publish results:
seven user tasks and one message, with data that fits each task's form.
"""

from __future__ import annotations

import uuid
from typing import Any

UNIT = "science"
"""The unit drafting goes to (a value of the assign form's select); `UNIT_USER` works for it."""
UNIT_USER = "bench.science"
SUBMISSION: dict[str, Any] = {
    "source": "citizen", "channel": "reception", "field": "science",
    "title": "Đề nghị hỗ trợ ứng dụng tiến bộ kỹ thuật",
    "content": "Người dân đề nghị Sở hỗ trợ chuyển giao công nghệ sấy nông sản.",
    "petitioner_name": "Nguyễn Văn A", "petitioner_contact": "Tổ 3, phường Chiềng Lề, Sơn La",
    "confidential": False,
}
INTAKE = {key: SUBMISSION[key] for key in ("source", "petitioner_name", "petitioner_contact", "channel", "field",
                                           "title", "content", "confidential")} | {"received_on": "2025-03-04",
                                                                               "petition_type": "kien_nghi"}
BEFORE_MESSAGE: list[tuple[str, dict[str, Any]]] = [
    ("intake", INTAKE),
    ("consolidate_inspectorate", {"field": "science", "urgency": "normal", "handling_result": "thu_ly"}),
    ("assign_unit", {"assigned_unit": UNIT, "draft_deadline": "P15D"}),
    ("draft_answer", {"draft_answer": "Sở sẽ hướng dẫn lập dự án chuyển giao công nghệ."}),
    ("review_draft", {"review_decision": "approve", "answer_mode": "dialogue"}),
]
AFTER_MESSAGE: list[tuple[str, dict[str, Any]]] = [
    ("notify_results_inspectorate", {"notice_text": "Thông báo kết quả giải quyết.", "notified_on": "2025-10-01"}),
    ("publish_results", {"published_url": "https://so.gov.vn/kq/1", "published_on": "2025-10-02"}),
]
STEPS = [*BEFORE_MESSAGE, *AFTER_MESSAGE]
TASKS_PER_JOURNEY = len(STEPS)
MESSAGE = "dialogue_outcome"
RETURN = ("review_draft", {"review_decision": "return", "review_note": "Bổ sung căn cứ pháp lý."})
"""The director sends the draft back: the loop that grows a petition's history."""

LANE_USERS = {"reception": "tiepnhan", "office": "vanphong", "inspectorate": "thanhtra", "director": "giamdoc",
              "unit": UNIT_USER, "infocenter": "ttthongtin"}
"""Who of the demo accounts works each lane."""
LANE_ROLES = {"reception": "reception", "office": "office", "inspectorate": "inspectorate",
              "director": "director", "unit": f"unit:{UNIT}", "infocenter": "infocenter"}


def start_data(petition_id: str) -> dict[str, Any]:
    """What `petitions.submit` starts the process with."""
    return {**{k: v for k, v in SUBMISSION.items()}, "petition_id": petition_id,
            "petition_code": f"DEMO-2025-{petition_id[:5]}", "plan_draft_days": None, "plan_reply_days": None}


def outcome(petition_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dialogue outcome message for a petition: (payload, correlations)."""
    payload = {"petition_id": petition_id, "outcome": "answered", "note": "Giám đốc trả lời trực tiếp"}
    return payload, {"petition": {"petition_id": petition_id}}


def new_id() -> str:
    """A fresh petition id."""
    return str(uuid.uuid4())
