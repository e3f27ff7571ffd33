"""Issue 16 point 16: NUL bytes, lone surrogates, 5,000-digit integers, NaN and ±Infinity never give a 500.

On PostgreSQL (which cannot store NUL in text) each answers 400/422 problem+json on the API, and a
page in words on the web, with or without a login: every petition field, the agency, the username,
instance starting data and task data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from service.app import create_app
from service.usecases import values
from service.usecases.context import Context
from tests.api.conftest import Api, add_demo_users, problem_of
from tests.conftest import deploy_sample, make_context

pytestmark = pytest.mark.postgres

PETITION = {"source": "citizen", "channel": "electronic", "field": "science", "title": "Đèn đường hỏng",
            "content": "Đề nghị Sở xem xét.", "petitioner_name": "Trần Thị B", "petitioner_contact": "0900"}
TEXT_FIELDS = ("source", "channel", "field", "title", "content", "petitioner_name", "petitioner_contact", "agency")


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[tuple[Flask, Context]]:
    ctx = make_context(postgres_url)
    add_demo_users(ctx)
    deploy_sample(ctx, "petition.bpmn")
    deploy_sample(ctx)
    app = create_app(context=ctx)
    yield app, ctx
    ctx.db.dispose()


def _refused(response: Any) -> dict[str, Any]:
    assert response.status_code in (400, 422), (response.status_code, response.get_data(as_text=True))
    return problem_of(response, response.status_code)


def _post_raw(app: Flask, path: str, body: bytes, api: Api | None = None) -> Any:
    if api is not None:
        return api.post(path, data=body, content_type="application/json")
    return app.test_client().post(path, data=body, content_type="application/json")


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_p16_nul_in_any_petition_field_without_login(pg_app: tuple[Flask, Context], field: str) -> None:
    app, _ctx = pg_app
    response = app.test_client().post("/api/v1/petitions", json={**PETITION, field: "Đèn\x00 hỏng"})
    assert "NUL" in _refused(response)["detail"]


@pytest.mark.parametrize("escape", [b"\\ud800", b"\\udfff", b"x\\ud83d", b"\\ude00\\ud83d"])
def test_p16_lone_surrogates(pg_app: tuple[Flask, Context], escape: bytes) -> None:
    app, _ctx = pg_app
    body = json.dumps({**PETITION, "title": "@@"}).encode().replace(b"@@", escape)
    assert "surrogate" in _refused(_post_raw(app, "/api/v1/petitions", body))["detail"]


def test_p16_paired_surrogates_and_escaped_backslashes_are_fine(pg_app: tuple[Flask, Context]) -> None:
    app, _ctx = pg_app
    body = json.dumps({**PETITION, "title": "@@"}).encode().replace(b"@@", b"\\ud83d\\ude00 \\\\ud800 \\\\u0000")
    response = _post_raw(app, "/api/v1/petitions", body)
    assert response.status_code == 201, response.get_data(as_text=True)


def test_p16_nul_in_the_username(pg_app: tuple[Flask, Context]) -> None:
    app, _ctx = pg_app
    response = app.test_client().post("/api/v1/auth/login", json={"username": "tiep\x00nhan", "password": "x"})
    _refused(response)


@pytest.mark.parametrize("number", [b"1" * 5000, b"-" + b"9" * 5000, b"1e999", b"-1e999"])
def test_p16_huge_numbers(pg_app: tuple[Flask, Context], number: bytes) -> None:
    app, _ctx = pg_app
    body = json.dumps({**PETITION, "petitioner_contact": 0}).encode().replace(b": 0}", b": " + number + b"}")
    _refused(_post_raw(app, "/api/v1/petitions", body))


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_p16_nan_and_infinity_in_instance_data(pg_app: tuple[Flask, Context], constant: bytes) -> None:
    app, _ctx = pg_app
    office = Api(app, "vanphong")
    start = b'{"model_key": "intake_review", "data": {"amount": ' + constant + b"}}"
    assert "NaN" in _refused(_post_raw(app, "/api/v1/instances", start, office))["detail"]
    started = office.post("/api/v1/instances", json={"model_key": "intake_review", "data": {}})
    assert started.status_code == 201, started.get_data(as_text=True)
    task_id = (started.json or {})["open_tasks"][0]["id"]
    done = b'{"data": {"title": "t", "source": "citizen", "content": "c", "amount": ' + constant + b"}}"
    _refused(_post_raw(app, f"/api/v1/tasks/{task_id}/complete", done, Api(app, "tiepnhan")))


def test_p16_use_cases_refuse_what_cannot_be_stored() -> None:
    found = values.problems({"a": "x\x00", "b": [1.5, float("nan")], "c": {"d": 10 ** 400, "e": "\ud800"},
                             "f": True, "g": -float("inf"), "ok": ["fine", 3, None]})
    assert set(found) == {"a", "b[1]", "c.d", "c.e", "g"}, found


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


@pytest.mark.parametrize("where", ["title", "agency"])
def test_p16_nul_on_the_public_page_gets_a_message(pg_app: tuple[Flask, Context], where: str) -> None:
    app, _ctx = pg_app
    client = app.test_client()
    token = _csrf(client.get("/public/petition").get_data(as_text=True))
    form = {"csrf_token": token, "source": "citizen", "field": "science", "title": "Đèn", "content": "Hỏng",
            where: "x\x00y"}
    page = client.post("/public/petition", data=form)
    assert page.status_code == 400 and "text/html" in page.content_type, page.status_code
    assert "ký tự không lưu được" in page.get_data(as_text=True)


def test_p16_nul_in_the_username_on_the_sign_in_page(pg_app: tuple[Flask, Context]) -> None:
    app, _ctx = pg_app
    client = app.test_client()
    token = _csrf(client.get("/signin").get_data(as_text=True))
    page = client.post("/signin", data={"csrf_token": token, "username": "tiep\x00nhan", "password": "x"})
    assert page.status_code == 400 and "ký tự không lưu được" in page.get_data(as_text=True)


def test_p16_nul_in_a_tracking_code_is_just_a_wrong_code(pg_app: tuple[Flask, Context]) -> None:
    app, _ctx = pg_app
    public = app.test_client()
    wrong = problem_of(public.get("/api/v1/public/petitions/not-a-code"), 404)
    nul = problem_of(public.get("/api/v1/public/petitions/ab%00cd"), 404)
    assert {k: v for k, v in nul.items() if k != "instance"} == {k: v for k, v in wrong.items() if k != "instance"}
