"""Issue 16 point 5: a session ends on the server: sign-out (API and pages), idle and absolute expiry,
a password change and a disabled account each make a replayed cookie worthless; and a request costs
one indexed look-up of the session, with `last_seen_at` written at most once a minute."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from service.usecases import accounts, clock
from service.usecases.context import Context
from tests.api.conftest import PASSWORD, Api
from tests.conftest import ADMIN

COOKIE = "petitionflow_session"


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """`now[0] += timedelta(...)` moves the clock the use cases see."""
    moving = [clock.now()]
    monkeypatch.setattr(clock, "now", lambda: moving[0])
    return moving


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def _replay(app: Flask, cookie: str, path: str = "/api/v1/auth/me") -> Any:
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief.get(path)


def test_p05_logout_revokes_session(app: Flask) -> None:
    office = Api(app, "vanphong")
    stolen = _cookie(office.client)
    assert _replay(app, stolen).status_code == 200
    assert office.post("/api/v1/auth/logout").status_code == 204
    assert _replay(app, stolen).status_code == 401
    assert _replay(app, stolen, "/petitions").status_code == 302  # the pages send it to sign in


def test_p05_page_signout_revokes_session(app: Flask) -> None:
    browser = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/signin").get_data(as_text=True))
    assert token is not None
    signed_in = browser.post("/signin", data={"username": "vanphong", "password": PASSWORD,
                                              "csrf_token": token.group(1)})
    assert signed_in.status_code == 302
    stolen = _cookie(browser)
    assert _replay(app, stolen, "/petitions").status_code == 200
    page = browser.get("/petitions").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    assert browser.post("/signout", data={"csrf_token": token.group(1)}).status_code == 302
    assert _replay(app, stolen, "/petitions").status_code == 302
    assert _replay(app, stolen).status_code == 401


def test_p05_sessions_expire_when_idle_and_absolutely(app: Flask, ctx: Context, now: list[datetime]) -> None:
    idle, most = ctx.settings.session_idle_s, ctx.settings.session_max_s
    lazy = _cookie(Api(app, "vanphong").client)
    now[0] += timedelta(seconds=idle - 60)
    assert _replay(app, lazy).status_code == 200  # still within the idle bound; this use counts
    now[0] += timedelta(seconds=idle - 60)
    assert _replay(app, lazy).status_code == 200
    now[0] += timedelta(seconds=idle + 1)
    assert _replay(app, lazy).status_code == 401  # left idle too long
    busy, started, step = Api(app, "giamdoc"), now[0], timedelta(seconds=idle // 2)
    while now[0] + step - started <= timedelta(seconds=most):
        now[0] += step
        assert busy.get("/api/v1/auth/me").status_code == 200
    now[0] = started + timedelta(seconds=most + 1)
    assert busy.get("/api/v1/auth/me").status_code == 401  # used all along, but too old


def test_p05_password_change_and_disabling_end_sessions(app: Flask, ctx: Context) -> None:
    office, director = Api(app, "vanphong"), Api(app, "giamdoc")
    accounts.set_password(ctx, ADMIN, "vanphong", "a-new-password")
    assert office.get("/api/v1/auth/me").status_code == 401
    assert director.get("/api/v1/auth/me").status_code == 200
    office.login("vanphong", "a-new-password")
    assert office.get("/api/v1/auth/me").status_code == 200
    assert Api(app, "quantri").post("/api/v1/users/giamdoc/disable").status_code == 200
    assert director.get("/api/v1/auth/me").status_code == 401


@pytest.fixture
def statements(ctx: Context) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(ctx.db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(ctx.db.engine, "before_cursor_execute", record)


def test_p05_a_request_costs_one_session_lookup(app: Flask, ctx: Context, statements: list[str],
                                               now: list[datetime]) -> None:
    office = Api(app, "vanphong")
    statements.clear()
    assert office.get("/api/v1/auth/me").status_code == 200
    touching = [s for s in statements if "web_sessions" in s or "role_grants" in s or "FROM users" in s]
    assert len(touching) == 1 and touching[0].lstrip().upper().startswith("SELECT"), statements
    now[0] += timedelta(minutes=2)
    statements.clear()
    assert office.get("/api/v1/auth/me").status_code == 200
    assert sum(s.lstrip().upper().startswith("UPDATE WEB_SESSIONS") for s in statements) == 1  # last seen moves


def test_p05_the_operator_changes_a_password_from_the_command_line(app: Flask, ctx: Context,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from service.cli import main

    office = Api(app, "vanphong")
    monkeypatch.setenv("PETITIONFLOW_DATABASE_URL", ctx.settings.database_url)
    short = CliRunner().invoke(main, ["user", "password", "vanphong", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and short.output.startswith("error:")
    assert office.get("/api/v1/auth/me").status_code == 200
    changed = CliRunner().invoke(main, ["user", "password", "vanphong", "--password-stdin"], input="a long secret\n")
    assert changed.exit_code == 0, changed.output
    assert office.get("/api/v1/auth/me").status_code == 401
    office.login("vanphong", "a long secret")
