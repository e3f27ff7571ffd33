"""Group endpoints: an admin lists, creates, grants and revokes the agency's groups; a designer's
deployment names the groups its lanes lack; bad input and other agencies' groups answer RFC 7807."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Flask

from service.usecases import accounts, models
from service.usecases.context import Actor, Context
from tests.api.conftest import PASSWORD, Api, problem_of
from tests.conftest import ADMIN, AGENCY
from tests.unit.diagrams import lane_diagram

LEGAL = "Phòng Pháp chế"
KEY = "phòng pháp chế"


def _groups(client: Api) -> dict[str, dict[str, Any]]:
    answer = client.get("/api/v1/groups")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return {g["key"]: g for g in answer.get_json()}


def test_every_agency_has_the_default_groups_with_their_members(as_role: Any) -> None:
    found = _groups(as_role("admin"))
    assert list(found)[:6] == ["reception", "office", "inspectorate", "director", "unit", "infocenter"]
    assert found["office"] == {"key": "office", "label": "office", "default": True, "role": "office",
                               "members": ["vanphong"]}
    assert found["unit"]["members"] == ["donvi", "donvi2"]
    problem_of(as_role("reception").get("/api/v1/groups"), 403)


def test_an_admin_creates_a_group_of_any_name_and_grants_it(as_role: Any) -> None:
    admin = as_role("admin")
    created = admin.post("/api/v1/groups", json={"name": f"  {LEGAL} "})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json() == {"key": KEY, "label": LEGAL, "default": False, "role": f"group:{KEY}",
                                  "members": []}
    assert "conflict" in problem_of(admin.post("/api/v1/groups", json={"name": "PHÒNG PHÁP CHẾ"}), 409)["title"].lower()
    granted = admin.post("/api/v1/users/vanphong/groups", json={"group": "phòng PHÁP chế"})
    assert granted.status_code == 200 and granted.get_json()["key"] == KEY
    assert admin.post("/api/v1/users/vanphong/groups", json={"group": LEGAL}).status_code == 200  # again: no change
    assert _groups(admin)[KEY]["members"] == ["vanphong"]
    users = {u["username"]: u["roles"] for u in admin.get("/api/v1/users").get_json()}
    assert sorted(users["vanphong"]) == [f"group:{KEY}", "office"]
    revoked = admin.delete(f"/api/v1/users/vanphong/groups/{quote(LEGAL)}")
    assert revoked.status_code == 204, revoked.get_data(as_text=True)
    assert _groups(admin)[KEY]["members"] == []
    problem_of(admin.delete(f"/api/v1/users/vanphong/groups/{quote(LEGAL)}"), 404)
    assert "/api/v1/groups" in admin.get("/api/v1/openapi.json").get_json()["paths"]


def test_bad_group_input_answers_problem_json(as_role: Any) -> None:
    admin = as_role("admin")
    problem_of(admin.post("/api/v1/groups", json={}), 422)
    problem_of(admin.post("/api/v1/groups", json={"name": "   "}), 422)
    reserved = problem_of(admin.post("/api/v1/groups", json={"name": "Admin"}), 422)
    assert reserved["errors"][0]["field"] == "name"
    problem_of(admin.post("/api/v1/groups", json={"name": "Office"}), 422)  # a default group already
    problem_of(admin.post("/api/v1/groups", json={"name": "x" * 80}), 422)
    problem_of(admin.post("/api/v1/groups", json={"name": "<script>"}), 422)
    problem_of(admin.post("/api/v1/users/vanphong/groups", json={"group": "Không có"}), 404)
    problem_of(admin.post("/api/v1/users/khongco/groups", json={"group": "office"}), 404)
    problem_of(admin.post("/api/v1/users/vanphong/groups", json={"group": 7}), 422)
    problem_of(as_role("office").post("/api/v1/groups", json={"name": LEGAL}), 403)
    problem_of(as_role("office").post("/api/v1/users/vanphong/groups", json={"group": "director"}), 403)
    problem_of(admin.delete("/api/v1/users/vanphong/groups/office"), 409)  # the only role: disable instead
    problem_of(admin.post("/api/v1/users/vanphong/groups", json={"group": "unit"}), 422)  # unit:<code> instead


def test_another_agency_group_is_not_visible(app: Flask, ctx: Context, as_role: Any) -> None:
    accounts.ensure_agency(ctx, "other", "Sở khác")
    system = Actor.system_actor("other")
    accounts.add_user(ctx, system, "quantri_khac", PASSWORD, ["admin"], "other")
    other = Api(app, "quantri_khac")
    assert other.post("/api/v1/groups", json={"name": "Phòng Tài chính"}).status_code == 201
    assert "phòng tài chính" in _groups(other) and "phòng tài chính" not in _groups(as_role("admin"))
    problem_of(as_role("admin").post("/api/v1/users/vanphong/groups", json={"group": "Phòng Tài chính"}), 404)
    problem_of(other.post("/api/v1/users/vanphong/groups", json={"group": "Phòng Tài chính"}), 404)  # not theirs


def test_deploying_names_the_groups_a_diagram_lacks(as_role: Any) -> None:
    designer = as_role("designer")
    body = {"file_name": "legal_review.bpmn", "bpmn_xml": lane_diagram(LEGAL).decode("utf-8")}
    refused = problem_of(designer.post("/api/v1/models/legal_review/versions", json=body), 422)
    assert refused["missing_groups"] == [LEGAL] and refused["needed_groups"] == [LEGAL]
    assert LEGAL in refused["detail"] and LEGAL in refused["errors"][0]["message"]
    check = designer.post("/api/v1/models/validate", json=body).get_json()
    assert check["valid"] is False and LEGAL in check["problems"][0]["message"]
    assert as_role("admin").post("/api/v1/groups", json={"name": LEGAL}).status_code == 201
    deployed = designer.post("/api/v1/models/legal_review/versions", json=body)
    assert deployed.status_code == 201, deployed.get_data(as_text=True)
    assert designer.post("/api/v1/models/validate", json=body).get_json()["valid"] is True


def test_a_member_of_the_group_completes_the_task_of_its_lane(app: Flask, ctx: Context, as_role: Any) -> None:
    admin = as_role("admin")
    admin.post("/api/v1/groups", json={"name": LEGAL})
    models.deploy(ctx, ADMIN, lane_diagram(f" {LEGAL.upper()} "), {}, "legal_review.bpmn")
    accounts.add_user(ctx, ADMIN, "phapche", PASSWORD, ["infocenter"], AGENCY, "Cán bộ pháp chế")
    assert admin.post("/api/v1/users/phapche/groups", json={"group": LEGAL}).status_code == 200
    started = as_role("office").post("/api/v1/instances", json={"model_key": "legal_review", "data": {}})
    assert started.status_code == 201, started.get_data(as_text=True)
    member = Api(app, "phapche")
    [task] = member.get("/api/v1/tasks?scope=group").get_json()["items"]
    assert task["element_id"] == "review_legal" and task["lane"] == f" {LEGAL.upper()} "  # as the diagram has it
    assert as_role("infocenter").get("/api/v1/tasks?scope=group").get_json()["items"] == []
    problem_of(as_role("reception").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}), 403)
    done = member.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert member.get("/api/v1/tasks?scope=group").get_json()["items"] == []
