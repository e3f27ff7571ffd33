"""Issue 16, points 4, 15 and 19: confidentiality follows the petition's current data, list reads of
confidential petitions are audited, and nothing hidden can be inferred from reports or candidate lists."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select

from service.store.tables import AuditEvent, HumanTask, ProcessInstance
from service.usecases.context import Context
from tests.api.conftest import Api
from tests.conftest import deploy_sample

INTAKE = {"source": "citizen", "channel": "reception", "field": "science", "title": "Kien nghi PLUGH",
          "content": "Noi dung", "petitioner_name": "Nguyen Van A"}


def _ready(ctx: Context, instance_id: str, element: str) -> str:
    with ctx.uow(write=False) as uow:
        return str(uow.session.execute(select(HumanTask.id).where(
            HumanTask.instance_id == uuid.UUID(instance_id), HumanTask.element_id == element,
            HumanTask.status == "ready")).scalar_one())


def _submit(staff: Api, **changes: Any) -> dict[str, Any]:
    sent = staff.post("/api/v1/petitions", json={**INTAKE, **changes})
    assert sent.status_code == 201, sent.get_data(as_text=True)
    return dict(staff.get(f"/api/v1/petitions/{(sent.json or {})['id']}").json or {})


def _intake(app: Flask, ctx: Context, petition: dict[str, Any], confidential: bool) -> None:
    reception = Api(app, "tiepnhan")
    task = _ready(ctx, petition["instance_id"], "intake")
    done = reception.post(f"/api/v1/tasks/{task}/complete", json={"data": {
        **INTAKE, "received_on": date.today().isoformat(), "confidential": confidential}})
    assert done.status_code == 200, done.get_data(as_text=True)


def test_p4_confidential_chosen_at_intake_hides_the_petition(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    petition = _submit(Api(app, "tiepnhan"))
    outsider = Api(app, "ttthongtin")
    assert outsider.get(f"/api/v1/petitions/{petition['id']}").status_code == 200  # not confidential yet
    _intake(app, ctx, petition, confidential=True)
    for username in ("ttthongtin", "donvi2"):
        other = Api(app, username)
        assert other.get(f"/api/v1/petitions/{petition['id']}").status_code == 404, username
        assert other.get(f"/api/v1/instances/{petition['instance_id']}").status_code in (403, 404), username
        assert "PLUGH" not in other.get("/api/v1/petitions").get_data(as_text=True), username
    director = Api(app, "giamdoc")
    body = director.get(f"/api/v1/petitions/{petition['id']}").json or {}
    assert body["confidential"] is True
    with ctx.uow(write=False) as uow:
        assert uow.session.get_one(ProcessInstance, uuid.UUID(petition["instance_id"])).confidential is True


def _listed_events(ctx: Context) -> list[AuditEvent]:
    with ctx.uow(write=False) as uow:
        rows = list(uow.session.execute(select(AuditEvent).where(
            AuditEvent.event_type == "confidential_listed").order_by(AuditEvent.id)).scalars())
        uow.session.expunge_all()
        return rows


def test_p15_list_reads_that_show_confidential_petitions_are_audited(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    secret = _submit(reception, confidential=True, title="Secret one")
    _submit(reception, title="Open one")
    director = Api(app, "giamdoc")
    assert director.get("/api/v1/petitions").status_code == 200
    events = _listed_events(ctx)
    assert len(events) == 1 and events[0].actor == "giamdoc"
    assert events[0].data["ids"] == [secret["id"]] and events[0].data["codes"] == [secret["code"]]
    assert director.get("/petitions").status_code == 200  # the page's list too
    assert len(_listed_events(ctx)) == 2
    director.get("/api/v1/petitions?text=Open")  # a list without a confidential petition: nothing to record
    assert len(_listed_events(ctx)) == 2
    Api(app, "ttthongtin").get("/api/v1/petitions")  # sees none of them
    assert len(_listed_events(ctx)) == 2
