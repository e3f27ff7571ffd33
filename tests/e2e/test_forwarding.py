"""Forwarding between two agencies of one deployment, through the pages (issue 13 point 9).

The Office of the demo department forwards a petition to the Sơn La Department of Home Affairs, which runs
on the same deployment: it picks the department from the forwarding form's list; the reception of Home
Affairs finds the petition in its task list, and each side's petition page names the other's number.
The module runs its own server on a free port, over its own database.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from service.app import create_app
from service.config import Settings
from service.domain import petitions
from service.domain.demo import DEMO_AGENCY, DEMO_PASSWORD, load_demo
from service.store.migrate import upgrade
from service.store.petition_tables import Petition
from service.usecases import accounts, sessions, tasks
from service.usecases.context import Actor, Context
from service.web import i18n
from tests.dates import service_today
from tests.e2e.conftest import DESKTOP, Console, Live, _missing, sign_in
from tests.e2e.helpers import fill_form, open_task, ready_task, submit_task

RECEIVER = ("sonla-noivu", "Sở Nội vụ tỉnh Sơn La")
RECEPTION_B = "tiepnhan.noivu"
TITLE = "Phản ánh việc tuyển dụng viên chức không công khai"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo deployment (its departments' plans loaded) on a free port of 127.0.0.1 (or
    PETITIONFLOW_E2E_PORT's), with a receptionist of Home Affairs whose home is that department."""
    problem = _missing()
    if problem:
        pytest.skip(problem)
    db = tmp_path_factory.mktemp("forwarding") / "petitionflow.sqlite3"
    settings = Settings(database_url=f"sqlite:///{db}", secret_key="e2e-forwarding")
    ctx = Context.from_settings(settings)
    upgrade(ctx.db.engine)
    load_demo(ctx, Path(__file__).resolve().parents[2] / "bpmn")
    accounts.ensure_agency(ctx, *RECEIVER)
    accounts.add_user(ctx, Actor("system", RECEIVER[0], frozenset(), True), RECEPTION_B, DEMO_PASSWORD,
                      ["reception"], RECEIVER[0], "Lường Thị Nhận")
    http = make_server("127.0.0.1", int(os.environ.get("PETITIONFLOW_E2E_PORT", "0")), create_app(settings, ctx),
                       threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    i18n.missing.clear()
    yield Live(f"http://127.0.0.1:{http.server_port}", ctx)
    http.shutdown()
    ctx.db.dispose()


@pytest.fixture
def page_of(browser: Any, server: Live, console: Console) -> Iterator[Any]:
    """Pages of the session's browser (one Playwright per process) on this module's server."""
    contexts: list[Any] = []

    def make(user: str) -> Any:
        context = browser.new_context(viewport=DESKTOP, base_url=server.url)
        contexts.append(context)
        page = console.watch(context.new_page())
        page.set_default_timeout(15_000)
        sign_in(page, user)
        return page

    yield make
    for context in contexts:
        context.close()


def _as(ctx: Context, username: str) -> Actor:
    actor = sessions.actor_for(ctx, username, DEMO_AGENCY[0])
    assert actor is not None
    return actor


def _to_forwarding(ctx: Context) -> petitions.PetitionInfo:
    """Recorded, taken in and decided (chuyển đơn) in the demo department, through the use cases."""
    today = service_today().isoformat()
    p = petitions.submit(ctx, _as(ctx, "tiepnhan"), {
        "source": "citizen", "channel": "reception", "field": "science", "title": TITLE,
        "content": f"{TITLE}. Đề nghị xem xét.", "petitioner_name": "Quàng Văn Minh",
        "petitioner_contact": "0915 000 111"})
    assert p.instance_id is not None
    tasks.complete(ctx, _as(ctx, "tiepnhan"), ready_task(ctx, p.instance_id, "intake"), {
        "source": "citizen", "petitioner_name": "Quàng Văn Minh", "channel": "reception", "field": "science",
        "title": TITLE, "content": p.content, "received_on": today, "confidential": False,
        "petition_type": "phan_anh"})
    stage = petitions.get(ctx, _as(ctx, "kiemtoan"), p.id).stage
    decider = "vanphong" if stage == "consolidate_office" else "thanhtra"
    tasks.complete(ctx, _as(ctx, decider), ready_task(ctx, p.instance_id, stage), {
        "field": "science", "urgency": "normal", "handling_result": "chuyen_don"})
    return p


def test_the_office_forwards_and_the_other_department_finds_it_in_its_task_list(
        server: Live, page_of: Any) -> None:
    ctx = server.ctx
    p = _to_forwarding(ctx)

    office = page_of("vanphong")
    open_task(office, p.code, "Chuyển đơn")
    offered = office.locator('[name="f.forward_agency"] option').all_inner_texts()
    assert RECEIVER[1] in offered and DEMO_AGENCY[1] not in offered
    fill_form(office, {"forward_agency": RECEIVER[0], "forwarded_on": service_today().isoformat(),
                       "petitioner_notified": True})
    submit_task(office)

    with ctx.uow(write=False) as uow:
        code = uow.session.execute(select(Petition.code).where(Petition.forwarded_from_id == p.id)).scalar_one()
        new_id = uow.session.execute(select(Petition.id).where(Petition.code == code)).scalar_one()
    assert code.startswith("SONLA-NOIVU-")

    reception = page_of(RECEPTION_B)
    reception.goto("/tasks")
    row = reception.locator("tr", has_text=code)
    assert "Tiếp nhận" in row.inner_text()
    reception.goto(f"/petitions/{new_id}")
    assert reception.locator("[data-testid=forwarded-from]").inner_text() == (
        f"Chuyển từ {DEMO_AGENCY[1]}: số {p.code}")

    office.goto(f"/petitions/{p.id}")
    shown = office.locator("[data-testid=forwarded-to]").inner_text()
    assert shown.startswith(f"Đã chuyển đến {RECEIVER[1]}: số {code}, Tiếp nhận"), shown
    assert office.request.get(f"/petitions/{new_id}").status == 404  # not the Office's to read
