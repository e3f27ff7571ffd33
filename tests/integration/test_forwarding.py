"""Forwarding a petition between two agencies on one deployment (issue 13 point 9), on both databases.

The Sơn La Department of Science and Technology (seed plan 000) decides that a denunciation belongs to the
Sơn La Department of Home Affairs (seed plan 002), which runs on the same deployment: forwarding it there
receives it in that department with its own number and process, linked both ways; each side sees the
other's status, never its content; both audit chains record it. An agency outside the deployment still
gets the forwarding slip only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from service.app import create_app
from service.domain import documents, petition_tracking, petitions
from service.domain.petitions import PetitionInfo
from service.store.document_tables import Document
from service.store.petition_tables import Petition
from service.store.tables import AuditEvent, HumanTask
from service.usecases import accounts, audit, task_queries, tasks
from service.usecases.context import Actor, Context
from service.usecases.errors import Invalid
from tests.integration.department import Department, consolidate, notify

RECEIVED = date(2022, 8, 22)
DECIDED = date(2022, 8, 24)
PASSWORD = "petitionflow-forwarding"
SECRET_CONTENT = "Ông Trần Văn Bình, trưởng phòng, nhận tiền của doanh nghiệp khi thẩm định hồ sơ"


@pytest.fixture
def pair(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> tuple[Department, Department]:
    home_affairs = Department.from_plan(ctx, "002_sonla_noivu_2019.toml", monkeypatch)
    science = Department.from_plan(ctx, "000_sonla_khcn_2022.toml", monkeypatch)
    return science, home_affairs


def denunciation(dept: Department) -> PetitionInfo:
    p = dept.submit(RECEIVED, petition_type="to_cao", source="citizen", field="science",
                    title="Tố cáo hành vi nhận tiền khi thẩm định hồ sơ", content=SECRET_CONTENT,
                    petitioner_name="Nguyễn Văn An", petitioner_contact="0912 345 678, Mường La")
    dept.at(DECIDED)
    consolidate(dept, p, handling_result="chuyen_don")
    assert dept.petition(p).stage == "forward_petition"
    return p


def forward_task(dept: Department, p: PetitionInfo) -> HumanTask:
    [task] = [t for t in dept.ready(p.instance_id) if t.element_id == "forward_petition"]
    return task


def choices(dept: Department, task: HumanTask) -> dict[str, str]:
    detail = task_queries.get_task(dept.ctx, dept.staff("office"), task.id)
    assert detail.form is not None
    [select_] = [c for c in detail.form["components"] if c.get("key") == "forward_agency"]
    return {str(v["value"]): str(v["label"]) for v in select_["values"]}


def forward(dept: Department, p: PetitionInfo, **data: Any) -> None:
    task = forward_task(dept, p)
    tasks.complete(dept.ctx, dept.staff(str(task.candidate_role)), task.id,
                   {"forwarded_on": DECIDED.isoformat(), "petitioner_notified": True, **data})


def received_from(dept: Department, original: PetitionInfo) -> Petition:
    with dept.ctx.uow(write=False) as uow:
        row = uow.session.execute(select(Petition).where(Petition.forwarded_from_id == original.id)).scalar_one()
        uow.session.expunge(row)
        return row


def agency_events(ctx: Context, agency: str, kind: str) -> list[dict[str, Any]]:
    with ctx.uow(write=False) as uow:
        return [dict(e.data) for e in uow.session.execute(select(AuditEvent).where(
            AuditEvent.chain == audit.agency_chain(agency), AuditEvent.event_type == kind)).scalars()]


def test_forwarding_to_an_agency_on_the_deployment_receives_the_petition_there(
        pair: tuple[Department, Department]) -> None:
    science, home_affairs = pair
    ctx = science.ctx
    p = denunciation(science)
    task = forward_task(science, p)
    offered = choices(science, task)
    assert offered[home_affairs.agency] == "Sở Nội vụ tỉnh Sơn La" and science.agency not in offered
    with pytest.raises(Invalid):  # the select offers the other agencies only
        forward(science, p, forward_agency=science.agency)
    forward(science, p, forward_agency=home_affairs.agency)

    # the petition is received in Home Affairs: its own number, its own process, the channel of a forwarding
    new = received_from(home_affairs, p)
    assert new.agency_id != 0 and new.code.startswith("SONLA-NOIVU-2022-") and new.code != p.code
    assert (new.channel, new.petition_type, new.content, new.title) == ("from_agency", "to_cao", SECRET_CONTENT,
                                                                        p.title)
    assert new.petitioner_name == "Nguyễn Văn An"  # Home Affairs handles the denunciation: it gets the identity
    [intake] = home_affairs.ready(new.instance_id)
    assert intake.element_id == "intake" and intake.agency_id == new.agency_id
    original = science.petition(p)
    with ctx.uow(write=False) as uow:
        assert uow.session.get_one(Petition, p.id).forwarded_to_id == new.id

    # each side sees the other's number and status, nothing of its content
    assert original.forwarded_to is not None and original.forwarded_from is None
    assert (original.forwarded_to.agency_name, original.forwarded_to.code) == ("Sở Nội vụ tỉnh Sơn La", new.code)
    assert original.forwarded_to.step is not None and original.forwarded_to.step.startswith("Tiếp nhận")
    seen = petitions.get(ctx, home_affairs.staff("inspectorate"), new.id)
    assert seen.forwarded_from is not None and seen.forwarded_to is None
    assert (seen.forwarded_from.agency_name, seen.forwarded_from.code) == ("Sở Khoa học và Công nghệ tỉnh Sơn La",
                                                                          p.code)
    assert seen.petitioner_name == "Nguyễn Văn An" and seen.content == SECRET_CONTENT

    # the status follows the receiving side's steps
    home_affairs.step(seen, "intake", {
        "source": "citizen", "petitioner_name": "Nguyễn Văn An", "channel": "from_agency", "field": "personnel",
        "title": seen.title, "content": seen.content, "received_on": DECIDED.isoformat(), "confidential": False,
        "petition_type": "to_cao"})
    moved = science.petition(p).forwarded_to
    assert moved is not None and moved.stage != "intake" and moved.stage == home_affairs.petition(seen).stage
    assert moved.step != original.forwarded_to.step

    # the slip names the receiving agency; both chains record the forwarding, each naming the other's number
    assert "forwarding" in {d.kind for d in documents.list_for_petition(ctx, science.staff("director"), p.id)}
    [sent] = agency_events(ctx, science.agency, "petition_forwarded")
    [got] = agency_events(ctx, home_affairs.agency, "forwarded_petition_received")
    assert (sent["petition_code"], sent["to_petition_code"], sent["to_agency"]) == (p.code, new.code,
                                                                                    home_affairs.agency)
    assert (got["petition_code"], got["from_petition_code"], got["from_agency"]) == (new.code, p.code,
                                                                                     science.agency)
    assert audit.verify_trail(ctx).ok

    # the sending side's petition goes on to its end; Home Affairs' petition is not touched by it
    notify(science, p)
    assert science.petition(p).outcome == "forwarded"
    assert home_affairs.petition(seen).closed_at is None


def test_the_api_shows_the_other_side_by_status_and_keeps_its_content_out(
        pair: tuple[Department, Department]) -> None:
    science, home_affairs = pair
    ctx = science.ctx
    p = denunciation(science)
    forward(science, p, forward_agency=home_affairs.agency)
    new = received_from(home_affairs, p)
    system = Actor("system", science.agency, frozenset({"admin"}), system=True)
    accounts.add_user(ctx, system, "vanphong.khcn", PASSWORD, ["office"], science.agency, "Văn phòng Sở KHCN")
    accounts.add_user(ctx, system, "thanhtra.noivu", PASSWORD, ["inspectorate"], home_affairs.agency,
                      "Thanh tra Sở Nội vụ")
    app = create_app(context=ctx)
    app.config.update(TESTING=True)

    def client(username: str) -> Any:
        c = app.test_client()
        assert c.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD}).status_code == 200
        return c

    office = client("vanphong.khcn")
    body = office.get(f"/api/v1/petitions/{p.id}").json
    link = body["forwarded_to"]
    assert link["code"] == new.code and link["agency_name"] == "Sở Nội vụ tỉnh Sơn La"
    assert link["summary"].startswith(f"Đã chuyển đến Sở Nội vụ tỉnh Sơn La: số {new.code}, Tiếp nhận")
    assert set(link) == {"agency_code", "agency_name", "code", "stage", "step", "outcome", "closed", "summary"}
    assert office.get(f"/api/v1/petitions/{new.id}").status_code == 404  # another agency's petition
    assert new.code not in office.get("/api/v1/petitions").get_data(as_text=True)

    inspector = client("thanhtra.noivu")
    mine = inspector.get(f"/api/v1/petitions/{new.id}").json
    assert mine["forwarded_from"]["summary"] == f"Chuyển từ Sở Khoa học và Công nghệ tỉnh Sơn La: số {p.code}"
    assert mine["content"] == SECRET_CONTENT and mine["channel"] == "from_agency"
    assert inspector.get(f"/api/v1/petitions/{p.id}").status_code == 404

    page = office.get(f"/petitions/{p.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert f"Đã chuyển đến Sở Nội vụ tỉnh Sơn La: số {new.code}" in page
    assert "forwarded-to" in page and SECRET_CONTENT in page  # its own content, of course
    theirs = inspector.get(f"/petitions/{new.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert f"Chuyển từ Sở Khoa học và Công nghệ tỉnh Sơn La: số {p.code}" in theirs


def test_forwarding_outside_the_deployment_issues_only_the_slip(pair: tuple[Department, Department]) -> None:
    science, _home_affairs = pair
    p = denunciation(science)
    with pytest.raises(Invalid):  # neither an agency on the deployment nor one named
        forward(science, p)
    forward(science, p, forward_to="Thanh tra tỉnh Sơn La")
    info = science.petition(p)
    assert info.forwarded_to is None
    with science.ctx.uow(write=False) as uow:
        assert uow.session.execute(select(Petition).where(Petition.forwarded_from_id.is_not(None))).first() is None
        assert uow.session.execute(select(Petition).where(Petition.agency_id != uow.session.execute(
            select(Petition.agency_id).where(Petition.id == p.id)).scalar_one())).first() is None
    kinds = {d.kind for d in documents.list_for_petition(science.ctx, science.staff("director"), p.id)}
    assert kinds == {"receipt", "forwarding"}
    assert agency_events(science.ctx, science.agency, "petition_forwarded") == []


def test_the_slip_is_issued_when_the_petition_is_forwarded_and_names_where_it_went(
        pair: tuple[Department, Department]) -> None:
    science, home_affairs = pair
    p = science.submit(RECEIVED, petition_type="phan_anh", source="citizen", field="science",
                       title="Phản ánh việc tuyển dụng", content="Nội dung phản ánh",
                       petitioner_name="Nguyễn Văn An")
    science.at(DECIDED)
    # the decision names a competent body in passing; the Office then forwards to a department on the deployment
    consolidate(science, p, handling_result="chuyen_don", forward_to="Chi cục Quản lý thị trường")
    assert {d.kind for d in documents.list_for_petition(science.ctx, science.staff("director"), p.id)} == {"receipt"}
    forward(science, p, forward_agency=home_affairs.agency)
    with science.ctx.uow(write=False) as uow:
        [slip] = uow.session.execute(select(Document).where(Document.petition_id == p.id,
                                                            Document.kind == "forwarding")).scalars()
        assert slip.data["forward_to"] == str(home_affairs.plan["agency"]["name"])
    public = petition_tracking.track(science.ctx, science.petition(p).tracking_code)
    there = received_from(home_affairs, p)
    assert public.forwarded_to == f"{home_affairs.plan['agency']['name']}, số {there.code}"
    assert public.answer is None
