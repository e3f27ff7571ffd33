"""Issue 13 point 6: intake records and checks the conditions of a petition (date, signature, identity document),
flags anonymous petitions, links duplicates both ways, and records the signers and representatives of a
petition signed by many people."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from service.store.tables import HumanTask
from service.usecases.context import Context
from tests.api.conftest import Api
from tests.conftest import deploy_sample
from tests.dates import service_today

BASE = {"source": "citizen", "petition_type": "kien_nghi",
        "channel": "paper", "field": "science", "title": "Kiến nghị về thủ tục",
        "content": "Đề nghị Sở rút ngắn thời gian giải quyết thủ tục.", "petitioner_name": "Nguyễn Văn An",
        "petitioner_contact": "Tổ 1, phường Chiềng Lề", "signed": True}


def _submit(staff: Api, **changes: Any) -> dict[str, Any]:
    body = {"petition_date": service_today().isoformat(), **BASE, **changes}
    body = {k: v for k, v in body.items() if v is not None}
    sent = staff.post("/api/v1/petitions", json=body)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    return dict(staff.get(f"/api/v1/petitions/{(sent.json or {})['id']}").json or {})


def _intake_task(ctx: Context, instance_id: str) -> str:
    with ctx.uow(write=False) as uow:
        return str(uow.session.execute(select(HumanTask.id).where(
            HumanTask.instance_id == uuid.UUID(instance_id), HumanTask.element_id == "intake",
            HumanTask.status == "ready")).scalar_one())


def test_the_conditions_of_a_petition_are_recorded_and_checked(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    good = _submit(reception)
    assert good["intake_flags"] == [] and good["signed"] is True
    assert good["petition_date"] == service_today().isoformat()
    lacking = _submit(reception, channel="reception", petition_date=None, signed=False, content="Một nội dung khác")
    assert lacking["intake_flags"] == ["undated", "unsigned", "no_identity_document"]
    task = reception.get(f"/api/v1/tasks/{_intake_task(ctx, lacking['instance_id'])}").json or {}
    assert task["data"]["intake_flags"] == lacking["intake_flags"] and task["data"]["conditions_met"] is False
    done = reception.post(f"/api/v1/tasks/{task['task']['id']}/complete", json={"data": {
        **{k: v for k, v in BASE.items() if k != "signed"}, "channel": "reception", "content": "Một nội dung khác",
        "received_on": service_today().isoformat(), "signed": True, "identity_document": "CCCD 014090000123",
        "petition_date": (service_today() - timedelta(days=9)).isoformat()}})  # written before it was received
    assert done.status_code == 200, done.get_data(as_text=True)
    after = reception.get(f"/api/v1/petitions/{lacking['id']}").json or {}
    assert after["intake_flags"] == [] and after["identity_document"] == "CCCD 014090000123"
    page = reception.get(f"/petitions/{lacking['id']}").get_data(as_text=True)
    assert "Không phát hiện thiếu sót" in page and "CCCD 014090000123" in page


def test_dates_after_today_and_impossible_counts_are_refused(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    tomorrow = (service_today() + timedelta(days=1)).isoformat()
    refused = reception.post("/api/v1/petitions", json={**BASE, "petition_date": tomorrow})
    assert refused.status_code == 422 and "petition_date" in refused.get_data(as_text=True)
    assert reception.post("/api/v1/petitions", json={**BASE, "signer_count": 0}).status_code == 422
    petition = _submit(reception)
    task = _intake_task(ctx, petition["instance_id"])
    at_intake = reception.post(f"/api/v1/tasks/{task}/complete", json={"data": {
        **BASE, "received_on": service_today().isoformat(), "petition_date": tomorrow}})
    assert at_intake.status_code == 422 and "petition_date" in at_intake.get_data(as_text=True)


def test_anonymous_petitions_are_flagged_and_a_denunciation_with_evidence_is_told_apart(
        app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    anonymous = _submit(reception, petitioner_name="", petitioner_contact="")
    assert "anonymous" in anonymous["intake_flags"]
    denunciation = _submit(reception, petitioner_name="", petitioner_contact="", petition_type="to_cao",
                           evidence_clear=True, content="Tố cáo kèm hóa đơn, chứng từ cụ thể.")
    assert "anonymous_with_evidence" in denunciation["intake_flags"] and "anonymous" not in denunciation["intake_flags"]
    task = reception.get(f"/api/v1/tasks/{_intake_task(ctx, denunciation['instance_id'])}").json or {}
    assert task["data"]["conditions_met"] is True  # the handling decision weighs it; intake does not file it
    without = _submit(reception, petitioner_name="", petition_type="to_cao", content="Tố cáo không có chứng cứ.")
    assert "anonymous" in without["intake_flags"]
    page = reception.get(f"/petitions/{anonymous['id']}").get_data(as_text=True)
    assert "Đơn nặc danh" in page


def test_a_duplicate_is_linked_to_the_earlier_petition_both_ways(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    first = _submit(reception)
    again = _submit(reception, petitioner_name="NGUYEN VAN AN",  # the same person, typed without accents
                    content="Đề nghị Sở rút ngắn   thời gian giải quyết thủ tục.")
    assert again["duplicate_of"] == {"id": first["id"], "code": first["code"]}
    assert "duplicate" in again["intake_flags"]
    earlier = reception.get(f"/api/v1/petitions/{first['id']}").json or {}
    assert earlier["duplicates"] == [{"id": again["id"], "code": again["code"]}] and earlier["duplicate_of"] is None
    third = _submit(reception, petitioner_name="Nguyễn Văn An")  # a third copy links to the first, not the second
    assert third["duplicate_of"]["id"] == first["id"]
    other = _submit(reception, petitioner_name="Trần Thị Bình")  # someone else with the same words: not a duplicate
    assert other["duplicate_of"] is None and "duplicate" not in other["intake_flags"]
    page = reception.get(f"/petitions/{again['id']}").get_data(as_text=True)
    assert 'data-testid="duplicate-of"' in page and first["code"] in page
    page = reception.get(f"/petitions/{first['id']}").get_data(as_text=True)
    assert 'data-testid="duplicates"' in page and again["code"] in page
    listed = reception.get("/petitions").get_data(as_text=True)
    assert 'data-testid="duplicate-badge"' in listed


def test_a_duplicate_found_when_intake_corrects_the_petitioner(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    first = _submit(reception, identity_document="CCCD 001")
    later = _submit(reception, petitioner_name="", identity_document=None)  # typed in without a name
    assert later["duplicate_of"] is None
    task = _intake_task(ctx, later["instance_id"])
    done = reception.post(f"/api/v1/tasks/{task}/complete", json={"data": {
        **{k: v for k, v in BASE.items()}, "petitioner_name": "An", "identity_document": "cccd 001",
        "received_on": service_today().isoformat(), "petition_date": service_today().isoformat()}})
    assert done.status_code == 200, done.get_data(as_text=True)
    after = reception.get(f"/api/v1/petitions/{later['id']}").json or {}
    assert after["duplicate_of"] == {"id": first["id"], "code": first["code"]}  # the same identity document


def test_intake_of_the_first_petition_does_not_make_it_a_copy_of_a_later_one(app: Flask, ctx: Context) -> None:
    """Found on the walk: the same petition sent twice, then intake of the first marked the first "Đơn trùng" of
    the second, and the Inspectorate saw both as copies not to be handled again."""
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    first = _submit(reception)
    again = _submit(reception)
    assert again["duplicate_of"]["id"] == first["id"]
    for petition in (first, again):
        done = reception.post(f"/api/v1/tasks/{_intake_task(ctx, petition['instance_id'])}/complete", json={"data": {
            **BASE, "received_on": service_today().isoformat(), "petition_date": service_today().isoformat()}})
        assert done.status_code == 200, done.get_data(as_text=True)
    original = reception.get(f"/api/v1/petitions/{first['id']}").json or {}
    assert original["duplicate_of"] is None and "duplicate" not in original["intake_flags"]
    copy = reception.get(f"/api/v1/petitions/{again['id']}").json or {}
    assert copy["duplicate_of"] == {"id": first["id"], "code": first["code"]}


def test_a_petition_signed_by_many_names_its_representatives(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = Api(app, "tiepnhan")
    missing = _submit(reception, signer_count=12, content="Nhiều hộ dân cùng kiến nghị về đường vào bản.")
    assert missing["signer_count"] == 12 and "representatives_missing" in missing["intake_flags"]
    named = _submit(reception, signer_count=12, representatives="Lò Văn Hặc, Quàng Thị Dung",
                    petitioner_name="Lò Văn Hặc", content="Nhiều hộ dân cùng kiến nghị về nước sạch.")
    assert named["representatives"] == "Lò Văn Hặc, Quàng Thị Dung" and named["intake_flags"] == []
    page = reception.get(f"/petitions/{named['id']}").get_data(as_text=True)
    assert 'data-testid="signer-count">12<' in page and "Quàng Thị Dung" in page
