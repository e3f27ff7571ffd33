"""Issue 16 point 20: /tokens and /users do not tell an admin which usernames exist elsewhere, and a
token's `last_used_at` is kept (written at most once a minute)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from service.usecases import accounts, clock, tokens
from service.usecases.context import Actor, Context
from tests.api.conftest import PASSWORD, Api, problem_of


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    moving = [clock.now()]
    monkeypatch.setattr(clock, "now", lambda: moving[0])
    return moving


def _without_instance(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "instance"}


def test_p20_tokens_do_not_tell_which_usernames_exist(app: Flask, ctx: Context) -> None:
    accounts.ensure_agency(ctx, "other", "Sở khác")
    accounts.add_user(ctx, Actor.system_actor("other"), "bimat", PASSWORD, ["office"], "other")
    admin = Api(app, "quantri")
    answers = [admin.post("/api/v1/tokens", json={"username": name, "name": "x"})
               for name in ("bimat", "khongcoai", "giamdoc")]
    bodies = [_without_instance(problem_of(a, answers[0].status_code)) for a in answers]
    assert all(b == bodies[0] for b in bodies), bodies


def test_p20_users_do_not_tell_which_usernames_exist(app: Flask, ctx: Context) -> None:
    accounts.ensure_agency(ctx, "other", "Sở khác")
    accounts.add_user(ctx, Actor.system_actor("other"), "bimat", PASSWORD, ["office"], "other")
    admin = Api(app, "quantri")
    new = {"password": "long-enough-1", "roles": ["office"]}
    taken_elsewhere = problem_of(admin.post("/api/v1/users", json={**new, "username": "bimat"}), 409)
    taken_here = problem_of(admin.post("/api/v1/users", json={**new, "username": "giamdoc"}), 409)
    assert taken_elsewhere["detail"].replace("bimat", "?") == taken_here["detail"].replace("giamdoc", "?")
    for n in range(8):  # ten refused names in all
        problem_of(admin.post("/api/v1/users", json={**new, "username": "bimat" if n % 2 else "giamdoc"}), 409)
    probing = admin.post("/api/v1/users", json={**new, "username": "khongcoai"})  # free, but probing is slowed
    problem_of(probing, 429)
    assert int(probing.headers["Retry-After"]) > 0
    refused = Api(app, "kiemtoan").get("/api/v1/audit?event_type=username_refused").json or {}
    assert len(refused["items"]) == 10


def test_p20_token_use_is_recorded_once_a_minute(app: Flask, ctx: Context, now: list[datetime]) -> None:
    made = tokens.create_token(ctx, Actor.system_actor("demo"), "vanphong", "robot")
    admin, robot = Api(app, "quantri"), app.test_client()
    bearer = {"Authorization": f"Bearer {made.token}"}

    def last_used() -> str | None:
        listed = admin.get("/api/v1/tokens").json or []
        return next(t["last_used_at"] for t in listed if t["id"] == made.info.id)

    assert last_used() is None
    writes: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().upper().startswith("UPDATE API_TOKENS"):
            writes.append(sql)

    event.listen(ctx.db.engine, "before_cursor_execute", record)
    try:
        assert robot.get("/api/v1/auth/me", headers=bearer).status_code == 200
        first = last_used()
        assert first is not None
        for _ in range(5):
            now[0] += timedelta(seconds=5)
            assert robot.get("/api/v1/auth/me", headers=bearer).status_code == 200
        assert last_used() == first and len(writes) == 1
        now[0] += timedelta(minutes=1)
        assert robot.get("/api/v1/auth/me", headers=bearer).status_code == 200
        assert last_used() != first and len(writes) == 2
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", record)
