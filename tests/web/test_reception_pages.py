"""The reception pages in Vietnamese: the book, recording a session (a refused field named beside it),
one session's page, the director's calendar from the plan; the demo staffs every unit of every plan."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from service import plan_rules
from service.domain.demo import DEMO_PASSWORD, unit_username
from service.plan_format import parse_plan
from service.usecases import sessions
from service.usecases.context import Context
from tests.dates import service_today
from tests.web.conftest import ROOT, csrf, signed_in
from tests.web.test_vietnamese import check

TODAY = service_today()


def _signed_in_to(app: Flask, username: str, agency: str) -> FlaskClient:
    client = app.test_client()
    token = csrf(client.get("/signin").text)
    answer = client.post("/signin", data={"username": username, "password": DEMO_PASSWORD, "agency": agency,
                                          "csrf_token": token})
    assert answer.status_code == 302, answer.text
    return client


def test_the_office_records_a_delegation_in_the_book(web: tuple[Flask, Context]) -> None:
    app, _ctx = web
    office = signed_in(app, "vanphong")
    page = office.get("/receptions")
    assert page.status_code == 200 and "Sổ tiếp công dân" in page.text and 'data-testid="reception-form"' in page.text
    check(page.text)
    day = (TODAY - timedelta(days=1)).isoformat()
    form = {"csrf_token": csrf(page.text), "received_on": day, "kind": "periodic", "receiver": "Phạm Minh Giám",
            "receiver_title": "Giám đốc Sở", "visitors": "8", "content": "Đề nghị hỗ trợ giống lúa chịu hạn"}
    refused = office.post("/receptions", data=form)
    assert refused.status_code == 422
    assert re.search(r'data-field="delegation">[^<]*05 người', refused.text)
    check(refused.text)
    form |= {"csrf_token": csrf(refused.text), "delegation": "on", "representatives": "Ông Trần Văn Ba"}
    refused = office.post("/receptions", data=form)
    assert refused.status_code == 302, refused.text
    session = office.get(refused.headers["Location"])
    assert "Buổi tiếp công dân số" in session.text and "Ông Trần Văn Ba" in session.text
    check(session.text)
    listed = office.get(f"/receptions?from={day}&to={day}")
    assert "Đề nghị hỗ trợ giống lúa chịu hạn" in listed.text
    book = office.get(f"/receptions/export.xlsx?from={day}&to={day}")
    rows = list(load_workbook(io.BytesIO(book.data)).active.iter_rows(values_only=True))
    assert rows[1][3] == "Phạm Minh Giám" and rows[1][8] == "Ông Trần Văn Ba"
    assert signed_in(app, "donvi").get("/receptions").status_code == 403


def test_the_calendar_shows_the_plans_reception_days(web: tuple[Flask, Context]) -> None:
    app, _ctx = web
    director = _signed_in_to(app, "giamdoc", "quangngai-khcn")
    page = director.get("/receptions/calendar?year=2021")
    assert page.status_code == 200
    assert page.text.count('data-day="2021-') == 12 and 'data-day="2021-05-17"' in page.text  # 15/5 is a Saturday
    assert "Giả định" in page.text
    check(page.text)
    none = signed_in(app, "giamdoc").get("/receptions/calendar?year=2021")  # the demo department has no plan
    assert "chưa quy định ngày tiếp công dân" in none.text


def test_the_demo_staffs_every_unit_of_every_plan(web: tuple[Flask, Context]) -> None:
    _app, ctx = web
    for path in sorted((ROOT / "bpmn" / "plans").glob("*.toml")):
        plan = parse_plan(path.read_bytes(), path.name)
        for unit in plan_rules.units(plan):  # also a unit that answers no petition: it reports
            someone = sessions.actor_for(ctx, unit_username(unit["code"]), plan["agency"]["code"])
            assert someone is not None and f"unit:{unit['code']}" in someone.roles, (path.name, unit["code"])
