"""Issue 13 point 5: a denouncer's identity appears in no list, search, export, page, document or audit export
for a user who does not handle the denunciation; those who handle it see it, and each read is audited."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.domain import identity
from service.store.tables import AuditEvent, HumanTask
from service.usecases.context import Context
from tests.api.conftest import Api
from tests.conftest import deploy_sample
from tests.dates import service_today

NAME = "Đinh Văn Quasimodo"
CONTACT = "Tổ 7 phường Tô Hiệu, 0912345678"
DOCUMENT = "CCCD 079123456789"
REPRESENTATIVES = "Lò Thị Esmeralda, Quàng Văn Frollo"
SECRETS = ("quasimodo", "0912345678", "079123456789", "esmeralda", "frollo")
"""ASCII pieces of every identity field: none may appear in anything an outsider receives (any case)."""
DENUNCIATION = {
    "source": "citizen", "channel": "reception", "field": "science",
    "title": f"Đơn của {NAME} tố cáo sai phạm nghiệm thu",
    "content": f"Tôi là {NAME}, tố cáo việc nghiệm thu đề tài không đúng quy định.", "petitioner_name": NAME,
    "petitioner_contact": CONTACT, "petition_type": "to_cao", "identity_document": DOCUMENT, "signed": True,
    "signer_count": 3, "representatives": REPRESENTATIVES,
}
OUTSIDERS = ("vanphong", "donvi2", "ttthongtin", "kiemtoan", "quantri", "tiepnhan2")
"""The Office, another unit, the information centre, the auditor, the admin, and a receptionist who did not
record it: none of them handles the denunciation."""
HANDLERS = ("thanhtra", "giamdoc", "donvi", "tiepnhan")
"""The Inspectorate, the director, the assigned unit (science) and the receptionist who recorded it."""


def _task_id(ctx: Context, instance_id: str, element: str) -> str:
    with ctx.uow(write=False) as uow:
        return str(uow.session.execute(select(HumanTask.id).where(
            HumanTask.instance_id == uuid.UUID(instance_id), HumanTask.element_id == element,
            HumanTask.status == "ready")).scalar_one())


def _complete(app: Flask, ctx: Context, username: str, instance_id: str, element: str, data: dict[str, Any]) -> None:
    staff = Api(app, username)
    done = staff.post(f"/api/v1/tasks/{_task_id(ctx, instance_id, element)}/complete", json={"data": data})
    assert done.status_code == 200, (element, done.get_data(as_text=True))


def _denunciation(app: Flask, ctx: Context) -> dict[str, Any]:
    """A denunciation received, taken in, consolidated and assigned to the science unit."""
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    today = service_today().isoformat()
    sent = reception.post("/api/v1/petitions", json={**DENUNCIATION, "petition_date": today})
    assert sent.status_code == 201, sent.get_data(as_text=True)
    petition = dict(reception.get(f"/api/v1/petitions/{(sent.json or {})['id']}").json or {})
    instance = str(petition["instance_id"])
    intake = dict(DENUNCIATION) | {"received_on": today, "petition_date": today}
    _complete(app, ctx, "tiepnhan", instance, "intake", intake)
    _complete(app, ctx, "thanhtra", instance, "consolidate_inspectorate",
              {"field": "science", "urgency": "high", "handling_result": "thu_ly"})
    _complete(app, ctx, "giamdoc", instance, "assign_unit", {"assigned_unit": "science", "draft_deadline": "P7D"})
    noted = Api(app, "thanhtra").post(f"/api/v1/petitions/{petition['id']}/comments",
                                      json={"body": f"Đã làm việc trực tiếp với ông {NAME}."})  # a note naming him
    assert noted.status_code == 201, noted.get_data(as_text=True)
    seen = dict(Api(app, "giamdoc").get(f"/api/v1/petitions/{petition['id']}").json or {})
    return seen | {"tracking_code": (sent.json or {})["tracking_code"]}


def _text(response: TestResponse) -> str:
    """Everything a response carries, as text: workbooks and Word files unzipped."""
    body = response.get_data()
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    text = body.decode("utf-8", "replace")
    if response.is_json:
        text += json.dumps(response.json, ensure_ascii=False)
    return text


def _leaks(text: str) -> list[str]:
    folded = text.casefold()
    return [s for s in SECRETS if s in folded]


def _reads(ctx: Context) -> list[AuditEvent]:
    with ctx.uow(write=False) as uow:
        rows = list(uow.session.execute(select(AuditEvent).where(
            AuditEvent.event_type == "identity_read").order_by(AuditEvent.id)).scalars())
        uow.session.expunge_all()
        return rows


def _paths(petition: dict[str, Any], documents: list[dict[str, Any]], task_id: str) -> list[str]:
    pid, iid, code = petition["id"], petition["instance_id"], petition["code"]
    today = service_today().isoformat()
    found = [
        # the API
        "/api/v1/petitions", "/api/v1/petitions?text=Quasimodo", "/api/v1/petitions?text=0912345678",
        "/api/v1/petitions?text=Esmeralda", "/api/v1/petitions?field=science", f"/api/v1/petitions/{pid}",
        f"/api/v1/petitions/{pid}/documents", f"/api/v1/petitions/{pid}/comments", "/api/v1/tasks?scope=all",
        "/api/v1/tasks", f"/api/v1/tasks/{task_id}", "/api/v1/instances", f"/api/v1/instances/{iid}",
        f"/api/v1/instances/{iid}/diagram-state", "/api/v1/audit", f"/api/v1/audit?instance_id={iid}",
        "/api/v1/audit/export?format=csv", "/api/v1/audit/export?format=jsonl",
        f"/api/v1/reports/periodic?from={today}&to={today}", "/api/v1/dialogues",
        # the pages
        "/home", "/petitions", "/petitions?q=Quasimodo", "/petitions?q=Esmeralda", f"/petitions?q={code}",
        f"/petitions/{pid}", f"/petitions/{pid}/print", "/petitions/export.xlsx", "/petitions/export.xlsx?q=Quasimodo",
        "/tasks", "/tasks?scope=all", f"/tasks/{task_id}", "/tasks/export.xlsx", "/tasks/export.xlsx?scope=all",
        "/audit", f"/audit?petition={code}", "/audit/export.csv", f"/audit/instances/{iid}",
        f"/reports?from={today}&to={today}", "/dialogues",
    ]
    for d in documents:
        found += [f"/api/v1/petitions/{pid}/documents/{d['id']}.docx", f"/petitions/{pid}/documents/{d['id']}.docx"]
    return found


def test_an_outsider_finds_the_denouncer_nowhere(app: Flask, ctx: Context) -> None:
    petition = _denunciation(app, ctx)
    assert petition["petitioner_name"] == NAME and petition["restriction"] == "identity_protected"
    documents = Api(app, "giamdoc").get(f"/api/v1/petitions/{petition['id']}/documents").json or []
    assert {d["kind"] for d in documents} >= {"receipt", "acceptance"}  # documents that name the petitioner
    task_id = _task_id(ctx, petition["instance_id"], "draft_answer")
    paths = _paths(petition, documents, task_id)
    for username in OUTSIDERS:
        user = Api(app, username)
        for path in paths:
            response = user.get(path)
            assert response.status_code < 500, (username, path)
            typed = path.rsplit("=", 1)[-1].casefold() if "q=" in path or "text=" in path else ""  # echoed search
            leaks = [s for s in _leaks(_text(response)) if s != typed]
            assert not leaks, (username, path, response.status_code, leaks)
            if typed in SECRETS:  # a search by the denouncer's identity does not find the denunciation
                assert petition["code"] not in _text(response), (username, path)
        listed = (user.get("/api/v1/petitions?text=Quasimodo").json or {}).get("items", [])
        assert petition["code"] not in [i["code"] for i in listed], username  # a search by the name finds nothing
    seen = Api(app, "vanphong").get(f"/api/v1/petitions/{petition['id']}").json or {}
    assert seen["petitioner_name"] == identity.HIDDEN and seen["identity_hidden"] is True
    assert seen["restriction"] == "identity_protected" and seen["code"] == petition["code"]
    assert "Tôi là" in seen["content"] and "Quasimodo" not in seen["content"]
    page = Api(app, "vanphong").get(f"/petitions/{petition['id']}").get_data(as_text=True)
    assert "Bảo vệ người tố cáo" in page and 'data-testid="identity-hidden-note"' in page
    public = app.test_client()
    for path in (f"/api/v1/public/petitions/{petition['tracking_code']}",
                 f"/public/track?code={petition['tracking_code']}", "/api/v1/petitions?text=Quasimodo"):
        tracked = public.get(path)
        assert tracked.status_code < 500 and not _leaks(_text(tracked)), path
    outsider_reads = [e for e in _reads(ctx) if e.actor in OUTSIDERS]
    assert outsider_reads == []  # nothing shown, nothing to record


@pytest.mark.parametrize("username", HANDLERS)
def test_a_handler_sees_the_denouncer_and_each_read_is_audited(app: Flask, ctx: Context, username: str) -> None:
    petition = _denunciation(app, ctx)
    user = Api(app, username)
    before = len(_reads(ctx))
    body = user.get(f"/api/v1/petitions/{petition['id']}").json or {}
    assert body["petitioner_name"] == NAME and body["petitioner_contact"] == CONTACT
    assert body["identity_document"] == DOCUMENT and body["representatives"] == REPRESENTATIVES
    assert body["identity_hidden"] is False
    reads = _reads(ctx)
    assert len(reads) == before + 1
    assert reads[-1].actor == username and reads[-1].data["codes"] == [petition["code"]]
    user.get(f"/api/v1/petitions/{petition['id']}")
    assert len(_reads(ctx)) == before + 2  # one event per read
    page = user.get(f"/petitions/{petition['id']}").get_data(as_text=True)
    assert NAME in page and len(_reads(ctx)) == before + 3
    listed = user.get("/api/v1/petitions").get_data(as_text=True)
    assert "Quasimodo" in listed and _reads(ctx)[-1].data["what"] == "petition list"


def test_the_assigned_unit_reads_the_identity_in_its_task_and_documents(app: Flask, ctx: Context) -> None:
    petition = _denunciation(app, ctx)
    unit = Api(app, "donvi")
    task_id = _task_id(ctx, petition["instance_id"], "draft_answer")
    before = len(_reads(ctx))
    task = unit.get(f"/api/v1/tasks/{task_id}").json or {}
    assert task["data"]["petitioner_name"] == NAME
    assert len(_reads(ctx)) == before + 1 and _reads(ctx)[-1].data["what"] == f"task {task_id}"
    documents = unit.get(f"/api/v1/petitions/{petition['id']}/documents").json or []
    receipt = next(d for d in documents if d["kind"] == "receipt")
    assert "Quasimodo" in receipt["title"]
    word = unit.get(f"/api/v1/petitions/{petition['id']}/documents/{receipt['id']}.docx")
    assert word.status_code == 200 and "Quasimodo" in _text(word)
    assert _reads(ctx)[-1].data["what"] == "document receipt"
    office_task = Api(app, "vanphong").get(f"/api/v1/tasks/{task_id}").json or {}
    assert office_task.get("data", {}).get("petitioner_name") in (None, identity.HIDDEN)


def test_a_redacted_form_sent_back_keeps_the_identity(app: Flask, ctx: Context) -> None:
    petition = _denunciation(app, ctx)
    assert identity.strip_hidden({"petitioner_name": identity.HIDDEN, "title": "x"}) == {"title": "x"}
    assert (Api(app, "thanhtra").get(f"/api/v1/petitions/{petition['id']}").json or {})["petitioner_name"] == NAME


def test_a_copy_of_a_denunciation_hides_its_denouncer_too(app: Flask, ctx: Context) -> None:
    petition = _denunciation(app, ctx)
    copy = {k: v for k, v in DENUNCIATION.items() if k != "petition_type"}  # the type is not known yet
    sent = Api(app, "tiepnhan").post("/api/v1/petitions", json=copy)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    seen = Api(app, "vanphong").get(f"/api/v1/petitions/{(sent.json or {})['id']}").json or {}
    assert seen["duplicate_of"]["code"] == petition["code"] and seen["restriction"] == "identity_protected"
    assert not _leaks(json.dumps(seen, ensure_ascii=False))
