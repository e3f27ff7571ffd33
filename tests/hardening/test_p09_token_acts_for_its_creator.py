"""Issue 16 point 9: an admin cannot mint a token for the director and read his confidential petitions;
a token acts for the person who created it."""

from __future__ import annotations

from flask import Flask

from service.usecases.context import Context
from tests.api.conftest import Api, problem_of
from tests.conftest import deploy_sample


def test_p09_token_acts_for_its_creator(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    sent = app.test_client().post("/api/v1/petitions", json={"source": "citizen", "field": "science",
                                                              "title": "Tố cáo XYZZY", "content": "c",
                                                              "confidential": True})
    secret_id = (sent.json or {})["id"]
    assert Api(app, "giamdoc").get(f"/api/v1/petitions/{secret_id}").status_code == 200  # the director may
    admin = Api(app, "quantri")
    problem_of(admin.post("/api/v1/tokens", json={"username": "giamdoc", "name": "borrowed"}), 403)
    assert admin.get("/api/v1/tokens").json == []  # nothing was made

    own = admin.post("/api/v1/tokens", json={"name": "mine"})
    assert own.status_code == 201 and (own.json or {})["info"]["username"] == "quantri"
    same = admin.post("/api/v1/tokens", json={"username": "quantri", "name": "mine too"})
    assert same.status_code == 201
    robot = app.test_client()
    bearer = {"Authorization": f"Bearer {(own.json or {})['token']}"}
    assert (robot.get("/api/v1/auth/me", headers=bearer).json or {})["username"] == "quantri"
    problem_of(robot.get(f"/api/v1/petitions/{secret_id}", headers=bearer), 404)
