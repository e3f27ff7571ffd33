"""Concurrency, form and unit rules through the API, on SQLite and PostgreSQL: 412, 409, 403, 422."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service.pack import read_bundle
from service.usecases import models, tokens
from service.usecases.context import Actor, Context
from tests.api.conftest import Api, problem_of
from tests.conftest import ADMIN, deploy_sample

DIAGRAMS = Path(__file__).parent / "diagrams"


def _unit_task(ctx: Context, office: Api, unit: str = "science") -> dict[str, Any]:
    bundle = read_bundle(DIAGRAMS / "unit_answer.bpmn")
    models.deploy(ctx, ADMIN, bundle.bpmn, bundle.resources, bundle.file_name)
    started = office.post("/api/v1/instances", json={"model_key": "unit_answer", "data": {"assigned_unit": unit}})
    assert started.status_code == 201, started.get_data(as_text=True)
    task: dict[str, Any] = (started.json or {})["open_tasks"][0]
    assert task["unit_code"] == unit and task["lane"] == "unit"
    return task


def test_stale_if_match_and_completed_task(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx)
    office, reception, other = Api(app, "vanphong"), Api(app, "tiepnhan"), Api(app, "tiepnhan2")
    started = office.post("/api/v1/instances", json={"model_key": "intake_review", "data": {}})
    task_id = (started.json or {})["open_tasks"][0]["id"]
    first = started.headers["ETag"]
    assert reception.post(f"/api/v1/tasks/{task_id}/claim", headers={"If-Match": first}).status_code == 200
    stale = reception.post(f"/api/v1/tasks/{task_id}/complete", headers={"If-Match": first},
                           json={"data": {"title": "t", "source": "citizen", "content": "c"}})
    assert "version 2, not 1" in problem_of(stale, 412)["detail"]
    problem_of(reception.post(f"/api/v1/tasks/{task_id}/unclaim", headers={"If-Match": '"garbage"'}), 412)
    problem_of(other.post(f"/api/v1/tasks/{task_id}/claim"), 409)  # claimed by tiepnhan
    current = reception.get(f"/api/v1/tasks/{task_id}").headers["ETag"]
    done = reception.post(f"/api/v1/tasks/{task_id}/complete", headers={"If-Match": current},
                          json={"data": {"title": "t", "source": "citizen", "content": "c"}})
    assert done.status_code == 200, done.get_data(as_text=True)
    again = reception.post(f"/api/v1/tasks/{task_id}/complete", headers={"If-Match": current},
                           json={"data": {"title": "t", "source": "citizen", "content": "c"}})
    body = problem_of(again, 409)
    assert body["completed_by"] == "tiepnhan" and body["completed_at"] and "tiepnhan" in body["detail"]


def test_unit_scoping(app: Flask, ctx: Context) -> None:
    office, science, other = Api(app, "vanphong"), Api(app, "donvi"), Api(app, "donvi2")
    task = _unit_task(ctx, office)
    assert [t["id"] for t in (science.get("/api/v1/tasks").json or {})["items"]] == [task["id"]]
    assert (other.get("/api/v1/tasks").json or {})["total"] == 0
    problem_of(other.get(f"/api/v1/tasks/{task['id']}"), 403)
    problem_of(other.post(f"/api/v1/tasks/{task['id']}/claim"), 403)
    denied = problem_of(other.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"answer": "hello"}}), 403)
    assert "unit science" in denied["detail"]
    problem_of(Api(app, "thietke").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"answer": "x"}}), 403)
    problem_of(Api(app, "kiemtoan").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"answer": "x"}}), 403)
    done = science.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "answer": "Trả lời bằng văn bản", "pages": 3, "needs_dialogue": False, "answer_due": "2026-12-01",
        "channel": "written"}})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert (done.json or {})["instance_status"] == "completed"


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""For rules that do not depend on the database."""


@SQLITE_ONLY
@pytest.mark.parametrize(("data", "named"), [
    ({"answer": "long enough", "colour": "red"}, {"colour"}),
    ({"pages": 3}, {"answer"}),
    ({"answer": "long enough", "_secret": 1}, {"_secret"}),
    ({"answer": "abc", "pages": 99, "needs_dialogue": "yes", "answer_due": "tomorrow", "channel": "fax"},
     {"answer", "pages", "needs_dialogue", "answer_due", "channel"}),
])
def test_form_refusals_name_every_field(app: Flask, ctx: Context, data: dict[str, Any], named: set[str]) -> None:
    office, science = Api(app, "vanphong"), Api(app, "donvi")
    task = _unit_task(ctx, office)
    body = problem_of(science.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}), 422)
    assert {e["field"] for e in body["errors"]} == named
    for name in named:
        assert name in body["detail"]


@SQLITE_ONLY
def test_http_errors_are_problems(app: Flask, ctx: Context) -> None:
    office = Api(app, "vanphong")
    problem_of(office.post("/api/v1/instances", data="model_key=x", content_type="text/plain"), 415)
    problem_of(office.post("/api/v1/instances", data="{not json", content_type="application/json"), 400)
    missing = problem_of(office.post("/api/v1/instances", json={"data": []}), 422)
    assert {(e["field"], e["location"]) for e in missing["errors"]} == {("model_key", "json"), ("data", "json")}
    problem_of(office.get("/api/v1/nowhere"), 404)
    problem_of(office.delete("/api/v1/instances"), 405)
    problem_of(office.get("/api/v1/tasks/not-a-uuid"), 404)
    big = "x" * (ctx.settings.max_model_bytes * 8 + 1)
    problem_of(office.post("/api/v1/models/validate", json={"bpmn_xml": big}), 413)
    problem_of(Api(app).get("/api/v1/auth/me"), 401)
    assert app.test_client().get("/nowhere").mimetype == "text/html"  # outside /api werkzeug's page stays
    page = app.test_client().get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page and "/api/v1/openapi.json" in page
    assert app.test_client().get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200  # offline


@SQLITE_ONLY
def test_csrf_and_tokens(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx)
    office, admin = Api(app, "vanphong"), Api(app, "quantri")
    start = {"model_key": "intake_review", "data": {}}
    no_csrf = office.client.post("/api/v1/instances", json=start)
    assert "X-CSRF-Token" in problem_of(no_csrf, 403)["detail"]
    wrong = office.client.post("/api/v1/instances", json=start, headers={"X-CSRF-Token": "nope"})
    problem_of(wrong, 403)
    problem_of(admin.post("/api/v1/tokens", json={"username": "vanphong", "name": "robot"}), 403)  # 16.9
    created = tokens.create_token(ctx, Actor.system_actor("demo"), "vanphong", "robot")  # the operator's CLI
    token, token_id = created.token, created.info.id
    listed = admin.get("/api/v1/tokens").json or []
    assert [t["name"] for t in listed] == ["robot"] and "token" not in listed[0]
    robot = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert robot.post("/api/v1/instances", json=start, headers=bearer).status_code == 201  # no CSRF for tokens
    assert (robot.get("/api/v1/auth/me", headers=bearer).json or {})["username"] == "vanphong"
    assert admin.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    problem_of(robot.get("/api/v1/auth/me", headers=bearer), 401)
    bad = app.test_client().post("/api/v1/auth/login", json={"username": "vanphong", "password": "wrong!!!"})
    problem_of(bad, 401)
    failures = Api(app, "kiemtoan").get("/api/v1/audit?event_type=login_failed").json or {}
    assert [e["data"]["username"] for e in failures["items"]] == ["vanphong"]
    assert admin.post("/api/v1/users/vanphong/disable").status_code == 200
    problem_of(office.get("/api/v1/auth/me"), 401)  # the session of a disabled account stops working


def test_confidential_instances(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx)
    director, reception, admin = Api(app, "giamdoc"), Api(app, "tiepnhan"), Api(app, "quantri")
    auditor, office = Api(app, "kiemtoan"), Api(app, "vanphong")
    started = director.post("/api/v1/instances", json={"model_key": "intake_review",
                                                       "data": {"confidential": True}})
    assert started.status_code == 201 and (started.json or {})["instance"]["confidential"] is True
    instance_id, task_id = (started.json or {})["instance"]["id"], (started.json or {})["open_tasks"][0]["id"]
    for outsider in (admin, office):
        problem_of(outsider.get(f"/api/v1/instances/{instance_id}"), 404)
        assert (outsider.get("/api/v1/instances").json or {})["total"] == 0
        assert (outsider.get("/api/v1/tasks?scope=all").json or {})["total"] == 0
    assert reception.get(f"/api/v1/tasks/{task_id}").status_code == 200  # works its lane: handles it
    assert auditor.get(f"/api/v1/instances/{instance_id}").status_code == 200
    reads = auditor.get("/api/v1/audit?event_type=confidential_read").json or {}
    assert [e["actor"] for e in reads["items"]] == ["tiepnhan", "kiemtoan"]
    assert reads["items"][0]["data"]["what"] == f"task {task_id}"
