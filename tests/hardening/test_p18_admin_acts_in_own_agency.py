"""Issue 16 point 18: an agency's admin disables an account only in their own agency; someone who also
works for another agency keeps working there."""

from __future__ import annotations

from typing import Any

from flask import Flask

from service.store.tables import Agency, RoleGrant, User
from service.usecases import accounts
from service.usecases.context import Actor, Context
from tests.api.conftest import PASSWORD, Api, problem_of
from tests.conftest import AGENCY


def _login(app: Flask, username: str, agency: str) -> Any:
    return app.test_client().post("/api/v1/auth/login",
                                  json={"username": username, "password": PASSWORD, "agency": agency})


def _two_agency_account(ctx: Context) -> None:
    accounts.ensure_agency(ctx, "other", "Sở khác")
    accounts.add_user(ctx, Actor.system_actor("other"), "chung", PASSWORD, ["office"], "other")
    with ctx.uow() as uow:
        s = uow.session
        user_id = s.query(User.id).filter(User.username == "chung").scalar()
        agency_id = s.query(Agency.id).filter(Agency.code == AGENCY).scalar()
        s.add(RoleGrant(user_id=user_id, agency_id=agency_id, role="inspectorate"))
        uow.commit()


def test_p18_admin_acts_in_own_agency(app: Flask, ctx: Context) -> None:
    _two_agency_account(ctx)
    there, here = Api(app), Api(app)
    there.client.post("/api/v1/auth/login", json={"username": "chung", "password": PASSWORD, "agency": "other"})
    here.client.post("/api/v1/auth/login", json={"username": "chung", "password": PASSWORD, "agency": AGENCY})
    assert there.get("/api/v1/auth/me").status_code == here.get("/api/v1/auth/me").status_code == 200

    disabled = Api(app, "quantri").post("/api/v1/users/chung/disable")  # the demo agency's admin
    assert disabled.status_code == 200 and (disabled.json or {})["active"] is False
    problem_of(here.get("/api/v1/auth/me"), 401)  # out of the demo agency at once
    problem_of(_login(app, "chung", AGENCY), 401)
    assert there.get("/api/v1/auth/me").status_code == 200  # still at work in the other agency
    assert _login(app, "chung", "other").status_code == 200
    assert [u.active for u in accounts.list_users(ctx) if u.username == "chung"] == [True]
    assert "chung" not in [u["username"] for u in Api(app, "quantri").get("/api/v1/users").json or []]


def test_p18_an_account_of_one_agency_alone_is_disabled_outright(app: Flask, ctx: Context) -> None:
    assert Api(app, "quantri").post("/api/v1/users/thanhtra/disable").status_code == 200
    problem_of(_login(app, "thanhtra", AGENCY), 401)
    assert [u.active for u in accounts.list_users(ctx) if u.username == "thanhtra"] == [False]


def test_p18_another_agencys_admin_cannot_touch_the_account(app: Flask, ctx: Context) -> None:
    accounts.ensure_agency(ctx, "other", "Sở khác")
    accounts.add_user(ctx, Actor.system_actor("other"), "qtkhac", PASSWORD, ["admin"], "other")
    outsider = Api(app)
    outsider.client.post("/api/v1/auth/login", json={"username": "qtkhac", "password": PASSWORD})
    outsider.csrf = (outsider.client.get("/api/v1/auth/me").json or {})["csrf_token"]
    problem_of(outsider.post("/api/v1/users/giamdoc/disable"), 404)
    assert _login(app, "giamdoc", AGENCY).status_code == 200
