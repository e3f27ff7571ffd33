"""A citizen's petition through the API, as the staff roles carry it: from the public submission,
through consolidation, assignment and drafting, a periodic dialogue and a written reply, to the
notice of results and the public tracking page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from service.usecases import accounts, clock, timers
from service.usecases.context import Context
from tests.api.conftest import PASSWORD, Api
from tests.conftest import ADMIN, AGENCY, deploy_sample

INVITATIONS = {"invitees": "Đại diện người dân", "venue": "Hội trường Sở", "invitations_sent_on": "2026-08-20",
               "petitioners_notified": True, "venue_ready": True}


def _task(staff: Api, instance_id: str, element: str) -> dict[str, Any]:
    page = staff.get("/api/v1/tasks?scope=group&sort=due").json or {}
    mine = [t for t in page["items"] if t["instance_id"] == instance_id and t["element_id"] == element]
    assert len(mine) == 1, (element, [(t["element_id"], t["lane"]) for t in page["items"]])
    return mine[0]


def _complete(staff: Api, instance_id: str, element: str, data: dict[str, Any]) -> dict[str, Any]:
    task = _task(staff, instance_id, element)
    claimed = staff.post(f"/api/v1/tasks/{task['id']}/claim")
    assert claimed.status_code == 200, claimed.get_data(as_text=True)
    done = staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data},
                      headers={"If-Match": claimed.headers["ETag"]})
    assert done.status_code == 200, (element, done.get_data(as_text=True))
    assert (done.json or {})["task"]["completed_by"] == staff.username
    return dict(done.json or {})


def test_public_petition_to_written_reply_through_the_api(app: Flask, ctx: Context) -> None:
    for diagram in ("petition.bpmn", "dialogue.bpmn"):
        deploy_sample(ctx, diagram)
    accounts.add_user(ctx, ADMIN, "khoahoc", PASSWORD, ("unit:science",), AGENCY, "Phòng Quản lý khoa học")
    public = app.test_client()
    sent = public.post("/api/v1/petitions", json={
        "source": "citizen", "channel": "electronic", "field": "science", "title": "Hỗ trợ sấy nông sản <b>gấp</b>",
        "content": "Đề nghị Sở hỗ trợ chuyển giao công nghệ sấy.", "petitioner_name": "Nguyễn Văn A"})
    assert sent.status_code == 201, sent.get_data(as_text=True)
    receipt = sent.json or {}
    assert len(receipt["tracking_code"]) >= 16 and receipt["code"].startswith("DEMO-")
    tracked = public.get(f"/api/v1/public/petitions/{receipt['tracking_code']}").json or {}
    assert tracked == {"code": receipt["code"], "stage": "intake", "submitted_at": tracked["submitted_at"],
                       "closed_at": None, "outcome": None, "answer": None, "forwarded_to": None}
    assert public.get("/api/v1/petitions").status_code == 401
    assert public.get("/api/v1/public/petitions/not-a-real-code").status_code == 404

    reception, inspectorate, director = Api(app, "tiepnhan"), Api(app, "thanhtra"), Api(app, "giamdoc")
    office, infocenter, unit = Api(app, "vanphong"), Api(app, "ttthongtin"), Api(app, "khoahoc")
    petition = reception.get(f"/api/v1/petitions/{receipt['id']}").json or {}
    instance = str(petition["instance_id"])
    assert petition["title"] == "Hỗ trợ sấy nông sản <b>gấp</b>"  # stored as text, as sent
    _complete(reception, instance, "intake", {
        "source": "citizen", "petitioner_name": "Nguyễn Văn A", "channel": "electronic", "field": "science",
        "title": petition["title"], "content": petition["content"], "received_on": "2026-08-01",
        "petition_type": "kien_nghi"})
    _complete(inspectorate, instance, "consolidate_inspectorate",
              {"field": "science", "urgency": "high", "handling_result": "thu_ly"})
    _complete(director, instance, "assign_unit", {"assigned_unit": "science", "draft_deadline": "P7D"})
    _complete(unit, instance, "draft_answer", {"draft_answer": "Sở sẽ hướng dẫn lập dự án chuyển giao."})
    _complete(director, instance, "review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    assert (office.get(f"/api/v1/petitions/{receipt['id']}").json or {})["stage"] == "awaiting_dialogue"

    made = office.post("/api/v1/dialogues", json={"kind": "periodic", "title": "Đối thoại định kỳ", "quarter": 3})
    assert made.status_code == 201, made.get_data(as_text=True)
    dialogue = made.json or {}
    _complete(office, dialogue["instance_id"], "plan_periodic", {"planned_quarter": "Q3", "planned_date": "2026-09-15"})
    agenda = office.post(f"/api/v1/dialogues/{dialogue['id']}/agenda",
                         json={"petition_ids": [receipt["id"]], "chair": "Giám đốc Sở"})
    assert agenda.status_code == 200 and (agenda.json or {})["agenda"] == [receipt["id"]]
    _complete(office, dialogue["instance_id"], "issue_invitations", INVITATIONS)
    _complete(infocenter, dialogue["instance_id"], "publish_plan",
              {"plan_url": "https://so.gov.vn/dt", "plan_published_on": "2026-08-21"})
    held = director.post(f"/api/v1/dialogues/{dialogue['id']}/outcomes", json={
        "held_on": "2026-09-15", "minutes": "Biên bản hội nghị.",
        "outcomes": [{"petition_id": receipt["id"], "outcome": "written_reply", "note": "Trả lời bằng văn bản"}]})
    assert held.status_code == 200, held.get_data(as_text=True)
    assert timers.deliver_next_message(app.extensions["petitionflow"], clock.now()) is not None  # the worker's part

    _complete(unit, instance, "draft_written_reply", {"written_reply": "Văn bản trả lời số 12/SKHCN."})
    _complete(director, instance, "sign_written_reply", {"sign_decision": "sign", "signed_on": "2026-09-25"})
    _complete(inspectorate, instance, "notify_results_inspectorate",
              {"notice_text": "Sở đã trả lời bằng văn bản số 12/SKHCN.", "notified_on": date(2026, 9, 26).isoformat()})
    _complete(infocenter, instance, "publish_results",
              {"published_url": "https://so.gov.vn/kq", "published_on": "2026-09-27"})

    final = public.get(f"/api/v1/public/petitions/{receipt['tracking_code']}").json or {}
    assert final["stage"] == "closed" and final["outcome"] == "written_reply"
    assert final["answer"] == "Văn bản trả lời số 12/SKHCN." and final["closed_at"]  # the signed reply, not the notice
    assert set(final) == {"code", "stage", "submitted_at", "closed_at", "outcome", "answer", "forwarded_to"}
    assert final["forwarded_to"] is None
    trail = Api(app, "kiemtoan").get(f"/api/v1/audit?business_key={receipt['code']}&limit=1000")
    assert trail.status_code == 200
    events = (trail.json or {})["items"]
    completed = [(e["element_id"], e["actor"]) for e in events if e["event_type"] == "task_completed"]
    assert completed[0] == ("intake", "tiepnhan") and completed[-1] == ("publish_results", "ttthongtin")
    assert ("sign_written_reply", "giamdoc") in completed and len(completed) == 9


def test_petition_list_filters(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    for title, field in (("Giống lúa mới", "science"), ("Cân sai ở chợ", "standards")):
        sent = reception.post("/api/v1/petitions", json={"source": "citizen", "field": field, "title": title,
                                                         "content": "Nội dung", "channel": "reception"})
        assert sent.status_code == 201, sent.get_data(as_text=True)

    def titles(query: str) -> list[str]:
        page = reception.get(f"/api/v1/petitions?{query}")
        assert page.status_code == 200, page.get_data(as_text=True)
        return sorted(p["title"] for p in (page.json or {})["items"])

    assert titles("") == ["Cân sai ở chợ", "Giống lúa mới"]
    assert titles("field=standards") == ["Cân sai ở chợ"]
    assert titles("text=lúa") == ["Giống lúa mới"]
    assert titles("status=intake") == ["Cân sai ở chợ", "Giống lúa mới"] and titles("status=closed") == []
    assert titles("overdue=true") == [] and titles("source=staff") == []
    assert reception.get("/api/v1/petitions?urgency=extreme").status_code == 422
