"""The reception book over the API: a session with a delegation and the petition it produced, a refusal
with its reason, the fields the book refuses, the director's reception days from the plan, the xlsx book."""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask import Flask
from openpyxl import load_workbook

from service.domain import periods, plans, receptions, statistics
from service.store.tables import Agency
from service.usecases.context import Context
from tests.api.conftest import Api, problem_of
from tests.conftest import ADMIN, AGENCY, BPMN, deploy_sample
from tests.dates import service_today

TODAY = service_today()
DAY = TODAY - timedelta(days=3)
PETITION = {"source": "citizen", "channel": "reception", "field": "science", "title": "Đề nghị hỗ trợ giống lúa",
            "content": "Đoàn nông dân đề nghị hỗ trợ khảo nghiệm giống lúa.", "petitioner_name": "Ông Trần Văn Ba"}


def _fields(problem: dict[str, object]) -> set[str]:
    return {str(e["field"]) for e in problem["errors"]}  # type: ignore[attr-defined, index]


def test_a_delegation_is_received_and_its_petition_linked_in_the_book(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    office = Api(app, "vanphong")
    petition = office.post("/api/v1/petitions", json=PETITION).json or {}
    body = {"received_on": DAY.isoformat(), "kind": "periodic", "receiver": "Phạm Minh Giám",
            "receiver_title": "Giám đốc Sở", "visitors": 12, "delegation": True,
            "representatives": "Ông Trần Văn Ba; Bà Lò Thị Hoa", "citizens": "Nông dân xã Chiềng Mung",
            "content": "Đề nghị hỗ trợ khảo nghiệm giống lúa chịu hạn.", "result": "Tiếp nhận đơn, giao Phòng QLKH",
            "petition_codes": [petition["code"]]}
    made = office.post("/api/v1/receptions", json=body)
    assert made.status_code == 201, made.get_data(as_text=True)
    session = made.json or {}
    assert session["number"] == 1 and session["delegation"] and session["visitors"] == 12
    assert [p["code"] for p in session["petitions"]] == [petition["code"]]
    refused = office.post("/api/v1/receptions", json={
        "received_on": DAY.isoformat(), "kind": "regular", "receiver": "Lê Văn Thanh", "visitors": 1,
        "content": "Khiếu nại việc đã có quyết định giải quyết lần hai đúng pháp luật", "refused": True,
        "refusal_reason": "Vụ việc đã được giải quyết đúng chính sách, pháp luật (Luật Tiếp công dân, Điều 9)"})
    assert refused.status_code == 201 and (refused.json or {})["number"] == 2

    listed = office.get(f"/api/v1/receptions?from={DAY.isoformat()}&to={TODAY.isoformat()}").json or []
    assert [(s["number"], s["refused"]) for s in listed] == [(1, False), (2, True)]
    assert (office.get(f"/api/v1/receptions/{session['id']}").json or {})["representatives"].startswith("Ông Trần")
    with ctx.uow(write=False) as uow:  # what the statistics count
        agency_id = uow.session.query(Agency.id).filter(Agency.code == AGENCY).scalar()
        counted = receptions.receptions_between(uow.session, agency_id, DAY, DAY)
        assert [(r.visitors, r.delegation, r.refused) for r in counted] == [(12, True, False), (1, False, True)]
        period = periods.Period("day", DAY.year, DAY, DAY)
        figures = statistics._receptions(uow.session, agency_id, period)  # the refusal is not a reception
        assert (figures.recorded, figures.visits, figures.people, figures.delegations) == (True, 1, 12, 1)

    book = office.get(f"/api/v1/receptions/export.xlsx?from={DAY.isoformat()}&to={TODAY.isoformat()}")
    assert book.status_code == 200 and "attachment" in book.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(book.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("STT", "Ngày tiếp", "Hình thức", "Người tiếp")
    assert rows[1][6] == 12 and rows[1][11] == petition["code"] and rows[2][12] == "Có"
    assert Api(app, "donvi").get("/api/v1/receptions").status_code == 403  # a unit does not read the book


def test_the_book_refuses_a_delegation_without_representatives_and_a_refusal_without_reason(app: Flask) -> None:
    office = Api(app, "vanphong")
    problem = problem_of(office.post("/api/v1/receptions", json={
        "received_on": (TODAY + timedelta(days=2)).isoformat(), "receiver": "Giám đốc Sở", "visitors": 7,
        "content": "Đông người", "refused": True, "petition_codes": ["KHONG-CO"]}), 422)
    assert _fields(problem) >= {"received_on", "delegation", "refusal_reason", "petition_codes"}
    problem = problem_of(office.post("/api/v1/receptions", json={
        "received_on": DAY.isoformat(), "receiver": "Giám đốc Sở", "visitors": 7, "delegation": True,
        "content": "Đông người"}), 422)
    assert _fields(problem) == {"representatives"}


def test_the_directors_reception_days_come_from_the_plan(app: Flask, ctx: Context) -> None:
    text = (BPMN / "plans" / "003_quangngai_khcn_2021.toml").read_text(encoding="utf-8")
    plans.load_plan(ctx, ADMIN, text.replace('code = "quangngai-khcn"', f'code = "{AGENCY}"').encode(), "003.toml")
    office = Api(app, "vanphong")
    calendar = office.get("/api/v1/receptions/calendar?year=2021").json or {}
    assert calendar["plan_code"] == "quangngai-khcn-2021" and len(calendar["days"]) == 12
    days = [d["day"] for d in calendar["days"]]
    assert days[0] == "2021-01-15" and days[4] == "2021-05-17"  # the 15th, or the next working day
    assert all(d["assumed"] for d in calendar["days"])
    made = office.post("/api/v1/receptions", json={"received_on": "2021-05-17", "receiver": "Giám đốc Sở",
                                                   "visitors": 2, "content": "Hỏi về đề tài khoa học"})
    assert made.status_code == 201
    calendar = office.get("/api/v1/receptions/calendar?year=2021").json or {}
    assert calendar["days"][4]["sessions"] == [(made.json or {})["id"]]
    assert date.fromisoformat(calendar["days"][5]["day"]).day == 15 and calendar["days"][5]["sessions"] == []
