"""Issue 16 point 17: an account named `public` (or any name the service acts under) cannot be created,
and one left from before can neither sign in nor see the public's confidential submissions."""

from __future__ import annotations

import pytest
from flask import Flask

from service.store.tables import Agency, RoleGrant, User
from service.usecases import accounts, clock, sessions, tokens
from service.usecases.context import Actor, Context
from service.usecases.errors import Invalid
from tests.api.conftest import PASSWORD, Api, problem_of
from tests.conftest import AGENCY, deploy_sample


def _legacy_account(ctx: Context, username: str, role: str) -> None:
    """An account made before names were reserved (written straight into the tables)."""
    with ctx.uow() as uow:
        s = uow.session
        user = User(username=username, display_name=username, password_hash=accounts._HASHER.hash(PASSWORD),
                    active=True, created_at=clock.now())
        s.add(user)
        uow.flush()
        agency_id = s.query(Agency.id).filter(Agency.code == AGENCY).scalar()
        s.add(RoleGrant(user_id=user.id, agency_id=agency_id, role=role))
        uow.commit()


@pytest.mark.parametrize("name", ["public", "Public", "system", "cli"])
def test_p17_reserved_names_cannot_be_accounts(app: Flask, ctx: Context, name: str) -> None:
    body = problem_of(Api(app, "quantri").post("/api/v1/users", json={"username": name, "password": "long-enough-1",
                                                                       "roles": ["unit:other"]}), 422)
    assert "reserved" in str(body)
    with pytest.raises(Invalid):
        accounts.add_user(ctx, Actor.system_actor(AGENCY), name, PASSWORD, ["office"], AGENCY)


def test_p17_public_is_not_an_account(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    sent = app.test_client().post("/api/v1/petitions", json={"source": "citizen", "field": "science",
                                                              "title": "Tố cáo XYZZY", "content": "c",
                                                              "confidential": True})
    secret_id = (sent.json or {})["id"]
    _legacy_account(ctx, "public", "unit:other")
    login = app.test_client().post("/api/v1/auth/login", json={"username": "public", "password": PASSWORD})
    problem_of(login, 401)
    assert accounts.check_password(ctx, "public", PASSWORD) is False
    assert sessions.actor_for(ctx, "public", AGENCY) is None
    old_token = tokens.create_token(ctx, Actor.system_actor(AGENCY), "public", "made before").token
    robot = app.test_client()
    bearer = {"Authorization": f"Bearer {old_token}"}
    problem_of(robot.get(f"/api/v1/petitions/{secret_id}", headers=bearer), 401)
    problem_of(robot.get("/api/v1/petitions", headers=bearer), 401)
