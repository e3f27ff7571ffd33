"""Forms that create something are post-redirect-get, and a form posted twice receives one petition."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select

from service.store.petition_tables import Petition
from service.usecases.context import Context
from tests.web.conftest import INTAKE, csrf, signed_in


def _count(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.session.execute(select(func.count(Petition.id))).scalar_one())


def _token(html: str) -> str:
    found = re.search(r'name="submission" value="([^"]+)"', html)
    assert found, "the form has no one-time token"
    return found.group(1)


def test_public_receipt_is_a_get_that_reloads_without_sending_again(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    client = app.test_client()
    form = client.get("/public/petition").text
    data = {"csrf_token": csrf(form), "submission": _token(form), "source": "citizen", "field": "ip",
            "title": "Hỏi về nhãn hiệu", "content": "Nội dung"}
    before = _count(ctx)
    sent = client.post("/public/petition", data=data)
    assert sent.status_code == 303 and sent.headers["Location"] == "/public/petition/received"
    receipt = client.get("/public/petition/received").text
    tracking = re.search(r'data-testid="tracking-code">([^<]+)<', receipt)
    assert tracking
    for _ in range(2):  # F5 on the receipt
        again = client.get("/public/petition/received")
        assert again.status_code == 200 and tracking.group(1) in again.text
    assert _count(ctx) == before + 1
    resent = client.post("/public/petition", data=data, follow_redirects=True)  # the same form posted again
    assert tracking.group(1) in resent.text and _count(ctx) == before + 1
    fresh = client.get("/public/petition").text
    assert _token(fresh) != data["submission"]


def test_receipt_without_a_submission_goes_to_the_form(web: tuple[Flask, Context]) -> None:
    answer = web[0].test_client().get("/public/petition/received")
    assert answer.status_code == 302 and answer.headers["Location"] == "/public/petition"


def test_refused_form_keeps_its_token_and_sends_once(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    client = signed_in(app, "tiepnhan")
    form = client.get("/petitions/new").text
    token = _token(form)
    refused = client.post("/petitions/new", data={**INTAKE, "title": "", "csrf_token": csrf(form), "submission": token})
    assert refused.status_code == 422 and _token(refused.text) == token
    before = _count(ctx)
    data = {**INTAKE, "csrf_token": csrf(form), "submission": token}
    first = client.post("/petitions/new", data=data)
    second = client.post("/petitions/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(ctx) == before + 1
