"""Issue 16 point 21: wrong passwords from one address lock out that address for that account, not the
account's owner elsewhere; a much higher bound holds the account from anywhere; the answer says when
to try again."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from service.app import create_app
from service.usecases import clock
from service.usecases.context import Context
from tests.api.conftest import PASSWORD, problem_of


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    moving = [clock.now()]
    monkeypatch.setattr(clock, "now", lambda: moving[0])
    return moving


def _login(app: Flask, password: str, address: str, username: str = "giamdoc") -> Any:
    return app.test_client().post("/api/v1/auth/login", json={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def test_p21_lock_the_guesser_not_the_owner(app: Flask, now: list[datetime]) -> None:
    for _ in range(5):
        problem_of(_login(app, "wrong-password", "198.51.100.66"), 401)
    guesser = _login(app, PASSWORD, "198.51.100.66")
    detail = problem_of(guesser, 429)["detail"]
    wait = int(guesser.headers["Retry-After"])
    until = now[0] + timedelta(seconds=wait)
    assert f"{wait} seconds" in detail and until.strftime("%H:%M") in detail  # says when to try again
    assert _login(app, PASSWORD, "10.20.30.40").status_code == 200  # the owner, at his desk
    now[0] += timedelta(seconds=wait + 1)
    assert _login(app, PASSWORD, "198.51.100.66").status_code == 200


def test_p21_an_account_wide_bound_stops_guessing_from_many_addresses(ctx: Context, app: Flask) -> None:
    strict = create_app(context=Context.from_settings(dataclasses.replace(ctx.settings,
                                                                          login_max_failures_per_account=12)))
    for n in range(12):  # three addresses, four tries each: none reaches its own bound of five
        problem_of(_login(strict, "wrong-password", f"203.0.113.{n % 3}"), 401)
    refused = _login(strict, PASSWORD, "10.20.30.40")
    assert "for this account;" in problem_of(refused, 429)["detail"]
    assert int(refused.headers["Retry-After"]) > 0


def test_p21_the_sign_in_page_says_when_to_try_again(app: Flask) -> None:
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").get_data(as_text=True))
    assert token is not None
    for _ in range(6):
        page = client.post("/signin", data={"username": "giamdoc", "password": "wrong-password",
                                            "csrf_token": token.group(1)}, environ_base={"REMOTE_ADDR": "192.0.2.5"})
    assert page.status_code == 429 and "thử lại sau 1 phút" in page.get_data(as_text=True).lower()
    owner = client.post("/signin", data={"username": "giamdoc", "password": PASSWORD, "csrf_token": token.group(1)},
                        environ_base={"REMOTE_ADDR": "192.0.2.77"})
    assert owner.status_code == 302
