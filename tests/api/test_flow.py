"""The sample petition driven through the API as the staff would: designer, office, reception, auditor."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask

from tests.api.conftest import Api
from tests.conftest import BPMN

FORMS = BPMN / "forms"


def _deploy(designer: Api) -> dict[str, Any]:
    files = {"bpmn": (io.BytesIO((BPMN / "intake_review.bpmn").read_bytes()), "intake_review.bpmn"),
             "resources": [(io.BytesIO((FORMS / f).read_bytes()), f) for f in
                           ("sample_register.form.json", "sample_classify.form.json", "sample_notify.form.json")]}
    response = designer.post("/api/v1/models", data=files, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    return dict(response.json or {})


def _work(staff: Api, element: str, lane: str, data: dict[str, Any], etag: str) -> str:
    """List my lane's tasks, claim the one at `element`, read it with its form, complete it; the new ETag."""
    listed = staff.get("/api/v1/tasks?scope=group&sort=due")
    assert listed.status_code == 200
    page = listed.json or {}
    assert page["total"] == 1 and [t["element_id"] for t in page["items"]] == [element]
    task = page["items"][0]
    assert task["lane"] == lane and task["assignee"] is None and task["status"] == "ready"
    assert f'"{task["instance_id"]}:{task["instance_version"]}"' == etag

    claimed = staff.post(f"/api/v1/tasks/{task['id']}/claim", headers={"If-Match": etag})
    assert claimed.status_code == 200, claimed.get_data(as_text=True)
    assert (claimed.json or {})["assignee"] == staff.username
    new_etag = claimed.headers["ETag"]
    assert new_etag != etag and new_etag.endswith(f':{task["instance_version"] + 1}"')
    assert staff.get("/api/v1/tasks?scope=mine").json["items"][0]["id"] == task["id"]  # type: ignore[index]

    detail = staff.get(f"/api/v1/tasks/{task['id']}")
    assert detail.status_code == 200 and detail.headers["ETag"] == new_etag
    body = detail.json or {}
    assert sorted(c["key"] for c in body["form"]["components"]) == sorted(data)
    assert body["task"]["assignee"] == staff.username

    done = staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers={"If-Match": new_etag})
    assert done.status_code == 200, done.get_data(as_text=True)
    result = done.json or {}
    assert result["task"]["status"] == "completed" and result["task"]["completed_by"] == staff.username
    assert done.headers["ETag"].endswith(f':{task["instance_version"] + 2}"')
    return str(done.headers["ETag"])


def test_sample_petition_through_the_api(app: Flask) -> None:
    designer, office, reception = Api(app, "thietke"), Api(app, "vanphong"), Api(app, "tiepnhan")
    auditor = Api(app, "kiemtoan")
    version = _deploy(designer)
    assert version["key"] == "intake_review" and version["version"] == 1 and version["created"] is True

    started = office.post("/api/v1/instances", json={"model_key": "intake_review", "business_key": "KN-1",
                                                     "data": {"petition_id": "KN-1"}})
    assert started.status_code == 201, started.get_data(as_text=True)
    instance = (started.json or {})["instance"]
    assert instance["status"] == "running" and instance["version"] == 1 and instance["model_key"] == "intake_review"
    etag = started.headers["ETag"]
    assert etag == f'"{instance["id"]}:1"'
    assert [t["element_id"] for t in (started.json or {})["open_tasks"]] == ["register_petition"]
    assert office.get("/api/v1/tasks?scope=group").json["total"] == 0  # type: ignore[index]

    etag = _work(reception, "register_petition", "reception",
                 {"title": "Đường hỏng", "source": "citizen", "content": "Đường xã bị hỏng"}, etag)
    etag = _work(office, "classify_petition", "office", {"field": "science", "urgency": "high"}, etag)
    etag = _work(reception, "notify_petitioner", "reception", {"notice": "Đã chuyển đơn vị xử lý"}, etag)

    final = office.get(f"/api/v1/instances/{instance['id']}")
    assert final.status_code == 200 and final.headers["ETag"] == etag
    assert (final.json or {})["instance"]["status"] == "completed" and (final.json or {})["open_tasks"] == []

    state = auditor.get(f"/api/v1/instances/{instance['id']}/diagram-state").json or {}
    assert state["path"] == ["start", "register_petition", "classify_petition", "record_classification",
                             "notify_petitioner", "end"]
    assert state["active"] == [] and state["status"] == "completed"

    events = auditor.get(f"/api/v1/audit?instance_id={instance['id']}&limit=500").json or {}
    kinds = [e["event_type"] for e in events["items"]]
    assert kinds[0] == "instance_started" and kinds[-1] == "instance_completed"
    assert kinds.count("task_claimed") == 3 and kinds.count("task_completed") == 3
    completers = [e["actor"] for e in events["items"] if e["event_type"] == "task_completed"]
    assert completers == ["tiepnhan", "vanphong", "tiepnhan"]
    by_key = auditor.get("/api/v1/audit?business_key=KN-1&event_type=task_completed").json or {}
    assert [e["element_id"] for e in by_key["items"]] == ["register_petition", "classify_petition",
                                                          "notify_petitioner"]
    deployed = auditor.get("/api/v1/audit?event_type=model_deployed").json or {}
    assert [e["actor"] for e in deployed["items"]] == ["thietke"]

    verified = auditor.get("/api/v1/audit/verify")
    assert verified.status_code == 200 and (verified.json or {})["ok"] is True
    assert (verified.json or {})["events_checked"] >= len(kinds)
