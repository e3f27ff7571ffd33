"""Flask test-client fixtures for the pages: one migrated SQLite deployment with the demo pack."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from service.domain import petitions, web_tasks
from service.domain.demo import DEMO_PASSWORD, load_demo
from service.store.migrate import upgrade
from service.usecases import accounts, sessions, tasks
from service.usecases.context import Actor, Context
from tests.dates import service_today
from tests.e2e.helpers import ready_task

ROOT = Path(__file__).resolve().parents[2]
SYSTEM = Actor("system", "demo", frozenset(), True)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Context]]:
    """The app over a fresh database with the demo users, plus units `science` and `other`."""
    db = tmp_path_factory.mktemp("web") / "petitionflow.sqlite3"
    settings = Settings(database_url=f"sqlite:///{db}", secret_key="web-tests")
    ctx = Context.from_settings(settings)
    upgrade(ctx.db.engine)
    load_demo(ctx, ROOT / "bpmn")
    accounts.add_user(ctx, SYSTEM, "unit_science", DEMO_PASSWORD, ["unit:science"], "demo")
    accounts.add_user(ctx, SYSTEM, "unit_other", DEMO_PASSWORD, ["unit:other"], "demo")
    app = create_app(settings, ctx)
    app.testing = True
    yield app, ctx
    ctx.db.dispose()


def csrf(html: str) -> str:
    """The CSRF token of a rendered page form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def signed_in(app: Flask, username: str | None) -> FlaskClient:
    """A client signed in through the sign-in page (anonymous when `username` is None)."""
    client = app.test_client()
    if username:
        token = csrf(client.get("/signin").text)
        answer = client.post("/signin", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
        assert answer.status_code == 302, answer.text
    return client


def actor(ctx: Context, username: str) -> Actor:
    """The demo agency's actor for `username`."""
    found = sessions.actor_for(ctx, username, "demo")
    assert found is not None
    return found


INTAKE: dict[str, Any] = {"source": "citizen", "channel": "reception", "field": "science",
                          "title": "Kiến nghị thử", "content": "Nội dung thử", "petitioner_name": "Nguyễn Văn A",
                          "petition_type": "kien_nghi"}


def petition_at_draft(ctx: Context, **changes: Any) -> tuple[petitions.PetitionInfo, uuid.UUID]:
    """A petition carried by the use cases to its unit's draft (`draft_answer` of unit `science`)."""
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, **changes})
    assert info.instance_id is not None
    step = ready_task(ctx, info.instance_id, "intake")
    tasks.complete(ctx, actor(ctx, "tiepnhan"), step, {
        **{k: v for k, v in {**INTAKE, **changes}.items() if k != "confidential"},
        "received_on": service_today().isoformat(), "confidential": bool(changes.get("confidential"))})
    step = ready_task(ctx, info.instance_id, "consolidate_inspectorate")
    web_tasks.complete(ctx, actor(ctx, "thanhtra"), step, {"field": "science", "urgency": "normal",
                                                           "handling_result": "thu_ly"})
    step = ready_task(ctx, info.instance_id, "assign_unit")
    tasks.complete(ctx, actor(ctx, "giamdoc"), step, {"assigned_unit": "science", "draft_deadline": "P15D"})
    return info, ready_task(ctx, info.instance_id, "draft_answer")
