"""Issue 16 point 11: every way an instance ends closes its petition's register row with an outcome.

Terminating the instance closes the petition as `terminated` (tracking and reports no longer count it
open), and a `petition` process that ends in its start step leaves no register row `in_progress`.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from service.domain import reports
from service.usecases import models
from service.usecases.context import Context
from tests.api.conftest import Api
from tests.conftest import ADMIN, actor, deploy_sample
from tests.dates import service_today

PETITION = {"source": "citizen", "channel": "electronic", "field": "science", "title": "Đèn đường hỏng",
            "content": "Đề nghị Sở xem xét.", "petitioner_name": "Trần Thị B"}
ENDS_AT_ONCE = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="petition" name="Ends at once" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def _submit(app: Flask) -> dict[str, str]:
    sent = app.test_client().post("/api/v1/petitions", json=PETITION)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    return dict(sent.json or {})


def test_p11_terminating_closes_the_petition_as_terminated(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    receipt = _submit(app)
    director = Api(app, "giamdoc")
    petition = director.get(f"/api/v1/petitions/{receipt['id']}").json or {}
    ended = director.post(f"/api/v1/instances/{petition['instance_id']}/terminate",
                          json={"reason": "Công dân nộp trùng đơn"})
    assert ended.status_code == 200, ended.get_data(as_text=True)

    public = app.test_client()
    tracked = public.get(f"/api/v1/public/petitions/{receipt['tracking_code']}").json or {}
    assert (tracked["stage"], tracked["outcome"]) == ("closed", "terminated") and tracked["closed_at"], tracked
    page = public.get(f"/public/track?code={receipt['tracking_code']}").get_data(as_text=True)
    assert "Đã chấm dứt việc giải quyết" in page
    today = service_today()
    figures = reports.periodic(ctx, actor("giamdoc", "director"), today - timedelta(days=1), today + timedelta(days=1))
    assert (figures.received, figures.closed, figures.open) == (1, 1, 0), figures
    assert figures.by_outcome == {"terminated": 1}, figures


def test_p11_process_that_ends_in_its_start_step_closes_the_petition(app: Flask, ctx: Context) -> None:
    models.deploy(ctx, ADMIN, ENDS_AT_ONCE, {}, "petition.bpmn")
    receipt = _submit(app)
    tracked = app.test_client().get(f"/api/v1/public/petitions/{receipt['tracking_code']}").json or {}
    assert (tracked["stage"], tracked["outcome"]) == ("closed", "completed") and tracked["closed_at"], tracked
    stored = Api(app, "giamdoc").get(f"/api/v1/petitions/{receipt['id']}").json or {}
    assert (stored["stage"], stored["outcome"]) == ("closed", "completed") and stored["closed_at"], stored


