"""The API tier: a Flask test client on a migrated deployment, signed in as each demo role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from werkzeug.test import TestResponse

from service.app import create_app
from service.domain.demo import DEMO_USERS
from service.usecases import accounts
from service.usecases.context import Context
from tests.conftest import ADMIN, AGENCY

PASSWORD = "petitionflow"
ROLE_USERS = {roles[0]: name for name, _display, roles in DEMO_USERS}
"""role -> demo username: reception -> tiepnhan, unit:science -> donvi, admin -> quantri, ..."""


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest: the tests sign in dozens of times."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def add_demo_users(ctx: Context, extra: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> None:
    """The demo accounts (one per role) plus `extra` (username, roles), password `petitionflow`."""
    for name, display, roles in DEMO_USERS:
        accounts.add_user(ctx, ADMIN, name, PASSWORD, roles, AGENCY, display)
    for name, roles in extra:
        accounts.add_user(ctx, ADMIN, name, PASSWORD, roles, AGENCY, name)


@pytest.fixture
def app(ctx: Context) -> Iterator[Flask]:
    """The app on the database under test, with the demo users."""
    add_demo_users(ctx, (("donvi2", ("unit:other",)), ("tiepnhan2", ("reception",))))
    application = create_app(context=ctx)
    application.config.update(TESTING=True)
    yield application


class Api:
    """A test client that signs in as someone and sends the CSRF token on writes."""

    def __init__(self, app: Flask, username: str | None = None) -> None:
        self.client = app.test_client()
        self.csrf: str | None = None
        self.username = username
        if username:
            self.login(username)

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        response = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.get_data(as_text=True)
        self.csrf = response.json["csrf_token"] if response.json else None
        return response

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        sent = dict(headers or {})
        if self.csrf:
            sent.setdefault("X-CSRF-Token", self.csrf)
        return sent

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, json: Any = None, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.post(path, json=json, headers=self._headers(headers), **kwargs)

    def delete(self, path: str, headers: dict[str, str] | None = None) -> TestResponse:
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def as_role(app: Flask) -> Any:
    """`as_role("office")`: a client signed in as the demo user of that role."""
    def make(role: str) -> Api:
        return Api(app, ROLE_USERS[role])
    return make


def problem_of(response: TestResponse, status: int) -> dict[str, Any]:
    """The problem+json body of an error response, checking its status and shape."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json", response.mimetype
    body: dict[str, Any] = response.json or {}
    assert body["status"] == status and body["detail"] and body["title"] and body["type"]
    assert body["instance"] == response.request.path
    return body
