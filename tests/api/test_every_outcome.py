"""Every outcome of the demo pack through the API, as a client that knows nothing but the task forms.

The demo is loaded as `petitionflow demo` loads it. Petitions are submitted and then carried by
whoever's lane holds each open task: the client reads `GET /api/v1/tasks/{id}`, fills every field
the described form asks for (a value the task already shows is kept, a choice is one of the field's
options, picked by the test only where the outcome depends on it, text is some text, a date is
today) and posts it to `.../complete`. Besides the task forms it uses only documented endpoints:
deciding a dialogue, withdrawing a petition, and the worker's delivery of the conference's outcomes.
After every step, every open task has an active person (not an administrator) who may complete it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service.app import create_app
from service.config import Settings
from service.domain import staffing
from service.domain.demo import load_demo
from service.store.migrate import upgrade
from service.store.tables import Agency
from service.usecases import access, clock, sessions, timers
from service.usecases.context import Context
from tests.api.conftest import Api
from tests.dates import service_today

ROOT = Path(__file__).resolve().parents[2]
Choice = Callable[[str, dict[str, Any], list[Any]], Any]
"""(field name, the data shown, the allowed values) -> the value the test picks, or None for any."""

CASES: dict[str, tuple[dict[str, str], str | None, str]] = {
    # title: (choices by field, dialogue outcome, the register's final outcome)
    "Trả lời tại hội nghị": ({"answer_mode": "dialogue"}, "answered", "answered"),
    "Trả lời bằng văn bản sau hội nghị": ({"assigned_unit": "technology", "answer_mode": "dialogue",
                                          "petition_type": "kien_nghi"}, "written_reply", "written_reply"),
    "Vượt thẩm quyền tại hội nghị": ({"assigned_unit": "standards", "answer_mode": "dialogue"}, "beyond_competence",
                                     "escalated"),
    "Đối thoại không thành": ({"assigned_unit": "personnel", "answer_mode": "dialogue"}, "failed", "dialogue_failed"),
    "Trả lời bằng văn bản ngay khi duyệt": ({"petition_type": "to_cao", "answer_mode": "written"}, None,
                                            "written_reply"),
    "Phản ánh trả lời bằng văn bản": ({"petition_type": "phan_anh", "answer_mode": "written"}, None, "written_reply"),
    "Chuyển đơn": ({"handling_result": "chuyen_don"}, None, "forwarded"),
    "Hướng dẫn người gửi đơn": ({"handling_result": "huong_dan"}, None, "guided"),
    "Lưu đơn": ({"handling_result": "luu_don", "filing_reason": "trung_lap"}, None, "filed"),
    "Rút đơn": ({}, None, "withdrawn"),
}
HANDLING = {"forwarded": ("chuyen_don", "forwarding"), "guided": ("huong_dan", "guidance"), "filed": ("luu_don", None)}
"""The handling decisions that end a petition early, with the notice each issues."""


@pytest.fixture
def demo(database_url: str) -> Iterator[tuple[Flask, Context]]:
    """The app over a fresh database (SQLite, then PostgreSQL) loaded as `petitionflow demo` loads it."""
    settings = Settings(database_url=database_url, secret_key="every-outcome")
    ctx = Context.from_settings(settings)
    upgrade(ctx.db.engine)
    report = load_demo(ctx, ROOT / "bpmn")
    app = create_app(settings, ctx)
    app.testing = True
    yield app, ctx
    assert report.users_created
    ctx.db.dispose()


def fill(fields: list[dict[str, Any]], shown: dict[str, Any], choose: Choice) -> dict[str, Any]:
    """Data for a described form: every field a value, as a client knowing only the description would."""
    data: dict[str, Any] = {}
    for field in fields:
        name, kind = field["name"], field["type"]
        allowed = [o["value"] for o in field.get("options") or []]
        if kind == "dynamiclist":
            found = shown.get(name)
            rows: list[dict[str, Any]] = found if isinstance(found, list) else []
            data[name] = [{**row, **fill(field["components"], row, choose)} for row in rows]
            continue
        picked = choose(name, shown, allowed)
        if picked is not None:
            data[name] = picked
        elif shown.get(name) not in (None, "", []) and (not allowed or kind in ("checklist", "taglist")
                                                          or shown[name] in allowed):
            data[name] = shown[name]
        elif not field["required"] and not field["hidden"]:
            continue  # optional and shown: a busy clerk leaves it empty
        elif name == "planned_quarter":  # the planned date (today) must fall within it
            data[name] = f"Q{(service_today().month - 1) // 3 + 1}"
        elif kind in ("checklist", "taglist"):
            data[name] = allowed
        elif allowed:
            data[name] = allowed[0]
        elif kind == "checkbox":
            data[name] = False
        elif kind == "number":
            data[name] = field.get("min", 1)
        elif kind == "datetime":
            data[name] = service_today().isoformat()
        else:
            text = "https://so.gov.vn/ket-qua" if name.endswith("url") else f"Nội dung {name}"
            data[name] = text[: field.get("max_length") or None]
    return data


class Department:
    """The demo accounts, each signed in to the API, working their own lanes only."""

    def __init__(self, app: Flask, ctx: Context) -> None:
        self.app, self.ctx = app, ctx
        staff = ["tiepnhan", "vanphong", "thanhtra", "giamdoc", "ttthongtin"]
        staff += [f"donvi_{c}" for c in ("technology", "standards", "ip", "administration", "personnel",
                                         "inspectorate", "other")] + ["donvi"]
        self.clients = {name: Api(app, name) for name in staff}
        self.completed: list[tuple[str, str]] = []

    def check_no_stranded_task(self) -> None:
        office = sessions.actor_for(self.ctx, "vanphong", "demo")
        assert office is not None
        with self.ctx.uow(write=False) as uow:
            agency = access.agency_id_of(uow.session, office)
            stranded = staffing.stranded(uow.session, agency)
        assert stranded == [], [(t.element_id, t.candidate_role, t.unit_code) for t in stranded]

    def complete(self, username: str, task: dict[str, Any], choose: Choice) -> None:
        """Read the task's described form, fill it, complete the task."""
        client = self.clients[username]
        detail = client.get(f"/api/v1/tasks/{task['id']}")
        assert detail.status_code == 200, detail.get_data(as_text=True)
        body = detail.json or {}
        data = fill(body["fields"], body["data"], choose)
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data},
                           headers={"If-Match": detail.headers["ETag"]})
        assert done.status_code == 200, (task["element_id"], username, done.get_data(as_text=True))
        self.completed.append((task["element_id"], username))
        self.check_no_stranded_task()

    def work(self, choose: Choice, rounds: int = 60, skip: frozenset[str] = frozenset()) -> None:
        """Each person completes what their lanes hold (but the steps in `skip`), until nothing is left."""
        for _ in range(rounds):
            progressed = False
            for username, client in self.clients.items():
                page = client.get("/api/v1/tasks?scope=group&per_page=200")
                assert page.status_code == 200, page.get_data(as_text=True)
                for task in (page.json or {})["items"]:
                    if task["element_id"] not in skip:
                        self.complete(username, task, choose)
                        progressed = True
            while timers.deliver_next_message(self.ctx, clock.now()) is not None:  # the worker's part
                progressed = True
            if not progressed:
                return
        raise AssertionError("the tasks never ran out")


def test_every_outcome_of_the_demo_pack_through_the_task_forms(demo: tuple[Flask, Context]) -> None:
    app, ctx = demo
    dept = Department(app, ctx)
    reception = dept.clients["tiepnhan"]
    ids: dict[str, str] = {}
    for title in CASES:
        sent = reception.post("/api/v1/petitions", json={
            "source": "citizen", "channel": "reception", "field": "science", "title": title,
            "content": f"Nội dung kiến nghị: {title}", "petitioner_name": "Nguyễn Văn An"})
        assert sent.status_code == 201, sent.get_data(as_text=True)
        ids[title] = (sent.json or {})["id"]
    titles = {pid: title for title, pid in ids.items()}
    withdrawing = reception.get(f"/api/v1/petitions/{ids['Rút đơn']}").json or {}
    intake = [t for t in (reception.get("/api/v1/tasks?scope=group").json or {})["items"]
              if t["instance_id"] == withdrawing["instance_id"]]
    dept.complete("tiepnhan", intake[0], lambda name, shown, allowed: None)  # received, then withdrawn
    withdrawn = reception.post(f"/api/v1/petitions/{ids['Rút đơn']}/withdraw",
                               json={"reason": "Người dân có đơn xin rút"})
    assert withdrawn.status_code == 200, withdrawn.get_data(as_text=True)
    agenda_of: dict[str, str] = {}

    def choose(name: str, shown: dict[str, Any], allowed: list[Any]) -> Any:
        petition = str(shown.get("petition_id", ""))
        if name == "outcome":  # one agenda item of the conference's outcome list
            wanted = CASES[agenda_of[petition]][1]
            assert wanted in allowed
            return wanted
        title = titles.get(petition)
        wanted = CASES[title][0].get(name) if title else None
        if name == "petition_type" and title and wanted is None:
            wanted = "kien_nghi"  # the receiver must choose a type: a plain recommendation unless the case says
        assert wanted is None or wanted in allowed, (name, wanted, allowed)
        return wanted

    dept.work(choose)
    to_dialogue = {t for t, (_, outcome, _) in CASES.items() if outcome}
    for title in to_dialogue:
        assert (reception.get(f"/api/v1/petitions/{ids[title]}").json or {})["stage"] == "awaiting_dialogue"
    agenda_of.update({ids[t]: t for t in to_dialogue})

    office = dept.clients["vanphong"]
    decided = office.post("/api/v1/dialogues", json={"kind": "periodic", "title": "Hội nghị đối thoại định kỳ",
                                                     "quarter": (service_today().month - 1) // 3 + 1})
    assert decided.status_code == 201, decided.get_data(as_text=True)
    dialogue = decided.json or {}
    dept.work(choose)

    held = office.get(f"/api/v1/dialogues/{dialogue['id']}").json or {}
    assert held["status"] == "closed" and sorted(held["agenda"]) == sorted(ids[t] for t in to_dialogue)
    assert [c["value"] for c in held["outcome_choices"]] == ["answered", "written_reply", "beyond_competence",
                                                              "failed"]
    for title, (_, _, final) in CASES.items():
        petition = reception.get(f"/api/v1/petitions/{ids[title]}").json or {}
        assert (petition["stage"], petition["outcome"]) == ("closed", final), title
    steps = {element for element, _ in dept.completed}
    assert {"hold_conference", "record_minutes", "escalate_superior", "draft_written_reply",
            "publish_results", "forward_petition", "guide_petitioner"} <= steps
    for title, (choices, _, final) in CASES.items():
        petition = reception.get(f"/api/v1/petitions/{ids[title]}").json or {}
        kinds = {d["kind"] for d in (reception.get(f"/api/v1/petitions/{ids[title]}/documents").json or [])}
        result, notice = HANDLING.get(final, ("thu_ly", "acceptance_complaint" if petition["petition_type"] ==
                                              "khieu_nai" else "acceptance"))
        if final == "withdrawn":
            assert petition["handling_result"] is None and not kinds & {"acceptance", "forwarding", "guidance"}
            continue
        assert petition["petition_type"] == choices.get("petition_type", "kien_nghi"), title
        assert petition["handling_result"] == result and petition["deadline_at"], title
        assert notice is None or notice in kinds, (title, kinds)
    assert ("draft_answer", "donvi_technology") in dept.completed  # the director's choice had someone to do it
    still_open = office.get("/api/v1/tasks?scope=all").json or {}
    assert still_open["items"] == []


def test_a_wrong_or_missing_outcome_is_refused_with_the_reason_and_the_chair_keeps_the_task(
        demo: tuple[Flask, Context]) -> None:
    app, ctx = demo
    dept = Department(app, ctx)
    sent = dept.clients["tiepnhan"].post("/api/v1/petitions", json={
        "source": "citizen", "channel": "reception", "field": "science", "title": "Kiến nghị về đề tài",
        "content": "Nội dung", "petitioner_name": "Trần Văn Bình"})
    petition = (sent.json or {})["id"]
    def to_dialogue(name: str, shown: dict[str, Any], allowed: list[Any]) -> Any:
        return "dialogue" if name == "answer_mode" else None

    dept.work(to_dialogue)
    decided = dept.clients["vanphong"].post("/api/v1/dialogues", json={"kind": "periodic", "title": "Đối thoại"})
    dialogue = decided.json or {}
    dept.work(to_dialogue, skip=frozenset({"hold_conference"}))
    director = dept.clients["giamdoc"]
    [task] = [t for t in (director.get("/api/v1/tasks").json or {})["items"] if t["element_id"] == "hold_conference"]
    detail = director.get(f"/api/v1/tasks/{task['id']}").json or {}
    assert detail["data"]["outcomes"] == [{"petition_id": petition}]  # one entry per agenda item, to complete
    [listed] = [f for f in detail["fields"] if f["name"] == "outcomes"]
    assert listed["type"] == "dynamiclist" and listed["multiple"]
    [outcome] = [f for f in listed["components"] if f["name"] == "outcome"]
    assert [o["value"] for o in outcome["options"]] == ["answered", "written_reply", "beyond_competence", "failed"]

    body = {"held_on": service_today().isoformat(), "minutes": "Biên bản", "outcomes": [
        {"petition_id": petition, "outcome": "dialogue_failed"}]}
    wrong = director.post(f"/api/v1/dialogues/{dialogue['id']}/outcomes", json=body)
    assert wrong.status_code == 422 and "answered, written_reply, beyond_competence, failed" in wrong.get_data(
        as_text=True)
    missing = director.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "held_on": service_today().isoformat(), "conference_minutes": "Biên bản", "outcomes": []}})
    assert missing.status_code == 422 and f"no outcome for petition {petition}" in missing.get_data(as_text=True)
    assert director.get(f"/api/v1/tasks/{task['id']}").json["task"]["status"] == "ready"  # type: ignore[index]
    body["outcomes"] = [{"petition_id": petition, "outcome": "failed", "note": "Không thống nhất"}]
    assert director.post(f"/api/v1/dialogues/{dialogue['id']}/outcomes", json=body).status_code == 200
    assert timers.deliver_next_message(ctx, clock.now()) is not None
    assert (director.get(f"/api/v1/petitions/{petition}").json or {})["stage"] == "record_minutes"


def test_the_demo_leaves_no_task_in_nobodys_work_list(demo: tuple[Flask, Context]) -> None:
    app, ctx = demo
    with ctx.uow(write=False) as uow:
        codes = list(uow.session.execute(select(Agency.id, Agency.code)).all())
        assert len(codes) == 7  # the demo department and the six plans' departments
        assert {code: staffing.stranded(uow.session, agency_id) for agency_id, code in codes} == {
            code: [] for _, code in codes}
    office = app.test_client()  # the same people staff the plans' departments; they name the one to work in
    signed = office.post("/api/v1/auth/login", json={"username": "vanphong", "password": "petitionflow",
                                                     "agency": "sonla-khcn"})
    assert signed.status_code == 200, signed.get_data(as_text=True)
    reports = office.get("/api/v1/tasks?scope=group").json or {}
    assert [t["element_id"] for t in reports["items"]] == ["draft_report_office"] * 2
    assert Api(app, "vanphong").get("/api/v1/auth/me").json["agency"] == "demo"  # type: ignore[index]
