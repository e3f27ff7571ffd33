"""No English on the Vietnamese pages that a user did not type: roles and units by name, actors,
diagrams (lanes, process and element names) and every HTTP error page."""

from __future__ import annotations

import html
import json
import re

import pytest
from flask import Flask

from service.domain import petitions
from service.usecases.context import Actor, Context
from service.web import i18n
from tests.e2e.helpers import english_left
from tests.web.conftest import INTAKE, petition_at_draft, signed_in

RAW = re.compile(r"\((science|other|technology)\)|\b(public|system)\b|gw_[a-z_]+|Not Found|Too Many Requests|"
                 r"Method Not Allowed|petition · ")


def visible(page: str) -> str:
    """The page's text without tags, scripts and attributes."""
    page = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def check(page: str) -> None:
    text = visible(page)
    assert not RAW.search(text), RAW.search(text)
    hits = english_left([line.strip() for line in text.splitlines() if line.strip()])
    assert not hits, hits
    assert not i18n.missing, sorted(i18n.missing)


@pytest.mark.parametrize(("method", "path", "status", "title"), [
    ("get", "/no-such-page", 404, "Không tìm thấy"),
    ("get", "/petitions/not-a-uuid", 404, "Không tìm thấy"),
    ("post", "/public/petition/received", 405, "Không thực hiện được ở đây"),
])
def test_error_pages_speak_vietnamese(web: tuple[Flask, Context], method: str, path: str, status: int,
                                      title: str) -> None:
    client = web[0].test_client()
    answer = getattr(client, method)(path)
    assert answer.status_code == status and answer.mimetype == "text/html"
    assert title in answer.text and f'data-status="{status}"' in answer.text
    check(answer.text)


def test_api_errors_stay_problems(web: tuple[Flask, Context]) -> None:
    answer = web[0].test_client().get("/api/v1/no-such-thing")
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"


def test_units_roles_and_actors_are_named(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, task_id = petition_at_draft(ctx)
    public = petitions.submit(ctx, Actor("public", "demo", frozenset(), False), INTAKE)
    client = signed_in(app, "unit_science")
    task_page = client.get(f"/tasks/{task_id}").text
    assert "Phòng Quản lý khoa học" in task_page
    check(client.get("/tasks").text)
    check(task_page)
    office = signed_in(app, "thanhtra")
    page = office.get(f"/petitions/{public.id}").text
    assert "Công dân" in visible(page)
    check(page)
    check(office.get(f"/petitions/{info.id}").text)


def test_diagrams_speak_the_readers_language(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, _task = petition_at_draft(ctx)
    client = signed_in(app, "thanhtra")
    page = client.get(f"/petitions/{info.id}").text
    data = json.loads(html.unescape(re.search(r'id="diagram-data">(.*?)</script>', page, re.S).group(1)))
    lanes = re.findall(r'<bpmn:lane [^>]*name="([^"]+)"', data["xml"])
    assert lanes and not {"reception", "office", "inspectorate", "director", "unit", "infocenter"} & set(lanes)
    names = re.findall(r' name="([^"]+)"', data["xml"])
    assert not [n for n in names if " / " in n]
    auditor = signed_in(app, "kiemtoan")
    answer = auditor.get(f"/audit/instances/{info.instance_id}")
    assert answer.status_code == 200 and "Giải quyết kiến nghị" in answer.text
    check(answer.text)
    trail = auditor.get("/audit")
    assert trail.status_code == 200 and "Tiếp nhận" in visible(trail.text)
    check(trail.text)
    english = signed_in(app, "thanhtra")
    english.get("/lang/en?next=/tasks")
    page = english.get(f"/petitions/{info.id}").text
    data = json.loads(html.unescape(re.search(r'id="diagram-data">(.*?)</script>', page, re.S).group(1)))
    assert "Handling a petition" in data["xml"] or "Reception" in data["xml"]



def test_every_validation_message_is_translated() -> None:
    from service.web.task_pages import _ERRORS

    catalogue = i18n.catalogue()
    assert all(text in catalogue for _pattern, text in _ERRORS), [t for _p, t in _ERRORS if t not in catalogue]
