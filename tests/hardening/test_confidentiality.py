"""Issue 16, points 4, 15 and 19: confidentiality follows the petition's current data, list reads of
confidential petitions are audited, and nothing hidden can be inferred from reports or candidate lists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select, text

from service.domain import dialogues
from service.store.tables import AuditEvent, HumanTask, ProcessInstance
from service.usecases import instances
from service.usecases.context import Actor, Context
from tests.api.conftest import Api
from tests.conftest import deploy_sample
from tests.dates import service_today

INTAKE = {"source": "citizen", "petition_type": "kien_nghi",
          "channel": "reception", "field": "science", "title": "Kien nghi PLUGH",
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
        **INTAKE, "received_on": service_today().isoformat(), "confidential": confidential}})
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


def test_p19_reports_count_only_what_the_reader_may_see(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    _submit(reception, confidential=True, field="personnel", title="Secret")
    _submit(reception, field="science", title="Open")
    with ctx.db.engine.begin() as conn:  # both petitions' tasks are late
        conn.execute(text("UPDATE human_tasks SET due_at = :past"), {"past": datetime(2000, 1, 1, tzinfo=UTC)})
    today = service_today().isoformat()
    office = Api(app, "vanphong").get(f"/api/v1/reports/periodic?from={today}&to={today}").json or {}
    assert office["received"] == 1 and office["by_field"] == {"science": 1}  # nothing to infer from
    assert office["confidential_hidden"] == 1 and office["overdue_tasks"] == 1
    director = Api(app, "giamdoc").get(f"/api/v1/reports/periodic?from={today}&to={today}").json or {}
    assert director["received"] == 2 and director["confidential_hidden"] == 0 and director["overdue_tasks"] == 2
    assert director["by_field"] == {"personnel": 1, "science": 1}
    page = Api(app, "vanphong").get(f"/reports?from={today}&to={today}").get_data(as_text=True)
    assert 'data-testid="confidential-hidden">1<' in page


def test_p19_dialogue_candidates_leave_out_hidden_petitions(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    deploy_sample(ctx, "dialogue.bpmn")
    reception = Api(app, "tiepnhan")
    secret = _submit(reception, confidential=True, title="Secret")
    open_one = _submit(reception, title="Open")
    with ctx.db.engine.begin() as conn:  # both wait for a dialogue
        conn.execute(text("UPDATE petitions SET stage = 'awaiting_dialogue'"))
    office = Actor("vanphong", "demo", frozenset({"office"}))
    made = dialogues.create(ctx, office, "periodic", "Đối thoại quý 3", quarter=3)
    with ctx.uow(write=False) as uow:
        task = uow.session.execute(select(HumanTask).where(HumanTask.instance_id == made.instance_id)).scalars().first()
        assert task is not None
    data = str(instances.get_instance(ctx, office, made.instance_id))
    with ctx.uow(write=False) as uow:
        state = uow.session.get_one(ProcessInstance, made.instance_id).state
    assert open_one["id"] in state and secret["id"] not in state
    assert secret["id"] not in data


def test_p19_the_register_shows_a_hidden_petitions_number_not_its_content(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    first = _submit(reception, title="Open PLUGH one")
    secret = _submit(reception, confidential=True, title="Secret XYZZY", content="XYZZY content")
    last = _submit(reception, title="Open PLUGH two")
    outsider = Api(app, "ttthongtin")
    listed = outsider.get("/api/v1/petitions")
    items = (listed.json or {})["items"]
    assert [i["code"] for i in items] == [last["code"], secret["code"], first["code"]]  # no gap in the numbers
    withheld = items[1]
    assert withheld["redacted"] is True and withheld["confidential"] is True
    assert withheld["id"] == "00000000-0000-0000-0000-000000000000" and withheld["instance_id"] is None
    assert "XYZZY" not in listed.get_data(as_text=True)
    filtered = (outsider.get("/api/v1/petitions?field=science").json or {})["items"]  # a filter tells of content
    assert secret["code"] not in [i["code"] for i in filtered]
    page = outsider.get("/petitions").get_data(as_text=True)
    assert secret["code"] in page and "XYZZY" not in page and 'data-testid="withheld"' in page
    assert "PLUGH" in page
