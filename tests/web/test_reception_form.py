"""The reception form starts with who receives and today's date, and a form posted twice records its
session, and the petition it produced, once."""

from __future__ import annotations

import re

from flask import Flask

from service.domain import petitions
from service.usecases.context import Context
from tests.dates import service_today
from tests.web.conftest import INTAKE, actor, csrf, signed_in


def _value(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def test_the_form_starts_with_the_receiver_and_the_local_day(web: tuple[Flask, Context]) -> None:
    app, _ctx = web
    page = signed_in(app, "giamdoc").get("/receptions").text
    assert _value(page, "received_on") == service_today().isoformat()  # the deployment's day (Asia/Ho_Chi_Minh)
    assert _value(page, "receiver") == "Phạm Minh Giám"  # the signed-in person, without the demo's role hint


def test_a_session_posted_twice_lists_its_petition_once(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": "Đơn nộp tại buổi tiếp"})
    office = signed_in(app, "vanphong")
    page = office.get("/receptions").text
    form = {"csrf_token": csrf(page), "submission": _value(page, "submission"),
            "received_on": service_today().isoformat(),
            "kind": "regular", "receiver": "Trần Thị Văn", "visitors": "1", "content": "Nộp đơn kiến nghị",
            "petition_codes": info.code}
    first = office.post("/receptions", data=form)
    again = office.post("/receptions", data=form)  # a double click, or the request sent again
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    book = office.get("/receptions").text
    assert book.count(f">{info.code}</a>") == 1
