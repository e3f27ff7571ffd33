"""Dates and links that cannot be true are refused with 422 problem+json naming the field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from service.usecases.context import Context
from tests.api.conftest import Api, problem_of
from tests.conftest import deploy_sample
from tests.dates import service_today

TODAY = service_today()
INTAKE = {"source": "citizen", "petition_type": "kien_nghi",
          "petitioner_name": "Nguyễn Văn A", "channel": "electronic", "field": "science",
          "title": "Đề nghị", "content": "Nội dung"}


def _task(staff: Api, instance_id: str, element: str) -> dict[str, Any]:
    page = staff.get("/api/v1/tasks?scope=group").json or {}
    found = [t for t in page["items"] if t["instance_id"] == instance_id and t["element_id"] == element]
    assert len(found) == 1, (element, [t["element_id"] for t in page["items"]])
    return found[0]


def _complete(staff: Api, instance_id: str, element: str, data: dict[str, Any], status: int = 200) -> Any:
    task = _task(staff, instance_id, element)
    answer = staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    if status != 200:
        return problem_of(answer, status)
    assert answer.status_code == 200, (element, answer.get_data(as_text=True))
    return answer.json


def _fields(problem: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problem["errors"]}


def _received(app: Flask) -> tuple[Api, str]:
    reception = Api(app, "tiepnhan")
    sent = reception.post("/api/v1/petitions", json={**INTAKE, "title": "Đề nghị"}).json or {}
    instance = str((reception.get(f"/api/v1/petitions/{sent['id']}").json or {})["instance_id"])
    return reception, instance


def test_received_date_in_the_future_and_forwarding_before_receipt(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception, instance = _received(app)
    refused = _complete(reception, instance, "intake", {**INTAKE, "received_on": "2031-01-05"}, 422)
    assert _fields(refused) == {"received_on": "Must not be after today."}
    received = (TODAY - timedelta(days=10)).isoformat()
    _complete(reception, instance, "intake", {**INTAKE, "received_on": received})
    _complete(Api(app, "thanhtra"), instance, "consolidate_inspectorate",
              {"field": "science", "urgency": "normal", "handling_result": "chuyen_don", "forward_to": "UBND tỉnh"})
    office = Api(app, "vanphong")
    forwarding = {"forward_to": "UBND tỉnh", "petitioner_notified": True}
    early = _complete(office, instance, "forward_petition",
                      {**forwarding, "forwarded_on": (TODAY - timedelta(days=20)).isoformat()}, 422)
    assert _fields(early) == {"forwarded_on": f"Must not be before the day the petition was received ({received})."}
    _complete(office, instance, "forward_petition", {**forwarding, "forwarded_on": TODAY.isoformat()})


def test_dialogue_dates_and_publication_links(app: Flask, ctx: Context) -> None:
    for diagram in ("petition.bpmn", "dialogue.bpmn"):
        deploy_sample(ctx, diagram)
    office, infocenter, director = Api(app, "vanphong"), Api(app, "ttthongtin"), Api(app, "giamdoc")
    old = office.post("/api/v1/dialogues", json={"kind": "periodic", "title": "Đối thoại", "quarter": 2,
                                                 "planned_on": "2019-05-10"})
    assert "planned_on" in _fields(problem_of(old, 422))
    quarter = (TODAY.month - 1) // 3 + 1
    wrong_quarter = office.post("/api/v1/dialogues", json={
        "kind": "periodic", "title": "Đối thoại", "quarter": quarter % 4 + 1, "planned_on": TODAY.isoformat()})
    assert _fields(problem_of(wrong_quarter, 422))["planned_on"].startswith("Must fall within the planned quarter")
    made = office.post("/api/v1/dialogues", json={"kind": "periodic", "title": "Đối thoại", "quarter": quarter})
    assert made.status_code == 201, made.get_data(as_text=True)
    dialogue = made.json or {}
    instance = dialogue["instance_id"]
    mismatch = _complete(office, instance, "plan_periodic",
                         {"planned_quarter": f"Q{quarter % 4 + 1}", "planned_date": TODAY.isoformat()}, 422)
    assert "planned_date" in _fields(mismatch)
    ahead = TODAY + timedelta(days=18)
    _complete(office, instance, "plan_periodic", {"planned_quarter": f"Q{(ahead.month - 1) // 3 + 1}",
                                                  "planned_date": ahead.isoformat()})
    office.post(f"/api/v1/dialogues/{dialogue['id']}/agenda", json={"petition_ids": [], "chair": "Giám đốc Sở"})
    _complete(office, instance, "issue_invitations", {
        "invitees": "Đại diện người dân", "venue": "Hội trường Sở", "invitations_sent_on": TODAY.isoformat(),
        "petitioners_notified": True, "venue_ready": True})
    for link in ("javascript:alert(1)", "ftp://so.gov.vn/x", "so.gov.vn/dt", "data:text/html,x"):
        bad = _complete(infocenter, instance, "publish_plan",
                        {"plan_url": link, "plan_published_on": TODAY.isoformat()}, 422)
        assert _fields(bad) == {"plan_url": "Must be a web address starting with http:// or https://."}, link
    _complete(infocenter, instance, "publish_plan",
              {"plan_url": "https://so.gov.vn/dt", "plan_published_on": TODAY.isoformat()})
    future = director.post(f"/api/v1/dialogues/{dialogue['id']}/outcomes",
                           json={"held_on": ahead.isoformat(), "minutes": "Biên bản", "outcomes": []})
    assert _fields(problem_of(future, 422)) == {"held_on": "Must not be after today."}
    early = director.post(f"/api/v1/dialogues/{dialogue['id']}/outcomes",
                          json={"held_on": TODAY.isoformat(), "minutes": "Biên bản", "outcomes": []})
    assert _fields(problem_of(early, 422))["held_on"].startswith("The conference is planned for")
