"""A denunciation's deadline through the API: carried on the petition, extended once by the director's
recorded decision (RFC 7807 problems otherwise), and the alerts a role reads."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from service.domain import petition_deadlines
from service.usecases import clock
from service.usecases.context import Context
from tests.api.conftest import Api
from tests.api.test_petition_journey import _complete
from tests.conftest import deploy_sample
from tests.dates import service_today


def test_a_denunciation_deadline_is_extended_once_by_the_director(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception, inspectorate, director = Api(app, "tiepnhan"), Api(app, "thanhtra"), Api(app, "giamdoc")
    sent = reception.post("/api/v1/petitions", json={"source": "citizen", "channel": "reception", "field": "science",
                                                     "title": "Tố cáo sai phạm", "content": "Nội dung tố cáo"})
    petition = sent.json or {}
    instance = str((reception.get(f"/api/v1/petitions/{petition['id']}").json or {})["instance_id"])
    _complete(reception, instance, "intake", {"source": "citizen", "channel": "reception", "field": "science",
                                              "title": "Tố cáo sai phạm", "content": "Nội dung tố cáo",
                                              "petitioner_name": "Ẩn danh", "petition_type": "to_cao",
                                              "received_on": service_today().isoformat()})
    before = reception.get(f"/api/v1/petitions/{petition['id']}").json or {}
    assert before["petition_type"] == "to_cao" and before["handling_result"] is None and before["deadline_at"]
    decision = {"decision_number": "15/QĐ-SKHCN", "decided_on": service_today().isoformat(),
                "reason": "Cần xác minh thêm"}
    early = director.post(f"/api/v1/petitions/{petition['id']}/extensions", json=decision)
    assert early.status_code == 409 and early.content_type == "application/problem+json"  # not accepted yet
    _complete(inspectorate, instance, "consolidate_inspectorate",
              {"field": "science", "urgency": "normal", "handling_result": "thu_ly"})
    accepted = reception.get(f"/api/v1/petitions/{petition['id']}").json or {}
    assert accepted["handling_result"] == "thu_ly" and accepted["deadline_at"] > before["deadline_at"]
    refused = inspectorate.post(f"/api/v1/petitions/{petition['id']}/extensions", json=decision)
    assert refused.status_code == 403
    assert director.post(f"/api/v1/petitions/{petition['id']}/extensions",
                         json={**decision, "reason": ""}).status_code == 422
    made = director.post(f"/api/v1/petitions/{petition['id']}/extensions", json=decision)
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.json or {}
    assert (body["number"], body["allowed"]) == (1, 1) and body["deadline_at"] > body["previous"]
    again = director.post(f"/api/v1/petitions/{petition['id']}/extensions", json=decision)
    assert again.status_code == 409
    after = reception.get(f"/api/v1/petitions/{petition['id']}").json or {}
    assert after["deadline_extensions"] == 1

    assert petition_deadlines.raise_alerts(ctx, clock.now() + timedelta(days=400)) >= 1
    alerts = director.get("/api/v1/alerts")
    assert alerts.status_code == 200
    mine = [a for a in alerts.json or [] if a["petition_id"] == petition["id"] and a["task_id"] is None]
    assert [a["kind"] for a in mine] == ["overdue"] and mine[0]["title"].startswith("Cảnh báo quá hạn")
    read = director.post(f"/api/v1/alerts/{mine[0]['id']}/read")
    assert read.status_code == 200 and (read.json or {})["read_at"]
    assert reception.post(f"/api/v1/alerts/{mine[0]['id']}/read").status_code == 404  # not reception's
    assert director.post("/api/v1/alerts/99999999999999999999/read").status_code == 404
