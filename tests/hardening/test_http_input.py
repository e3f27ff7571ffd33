"""Hostile HTTP input: oversized, deeply nested, mistyped, undecodable or traversing requests never
give a 500, and markup or formulas in petition text stay inert on every page and export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask

from service.security import MAX_JSON_DEPTH, json_depth
from tests.api.conftest import Api, problem_of
from tests.conftest import BPMN, deploy_sample
from tests.unit.diagrams import script_diagram

PETITION = {"source": "citizen", "channel": "electronic", "field": "science", "title": "t", "content": "c"}


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'"\\"[[[["') == 0
    assert json_depth(b"[" * 500 + b"]" * 500) == 500


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 10_000, 100_000])
def test_deeply_nested_json_is_a_400(app: Flask, depth: int) -> None:
    body = b'{"source": ' + b"[" * depth + b"]" * depth + b"}"
    response = app.test_client().post("/api/v1/petitions", data=body, content_type="application/json")
    assert "nests deeper" in problem_of(response, 400)["detail"]


def test_invalid_utf8_is_a_400(app: Flask) -> None:
    body = b'{"source": "citizen", "title": "\xff\xfe"}'
    response = app.test_client().post("/api/v1/petitions", data=body, content_type="application/json")
    assert "UTF-8" in problem_of(response, 400)["detail"]


def test_malformed_json_is_a_400(app: Flask) -> None:
    response = app.test_client().post("/api/v1/petitions", data=b'{"source": ', content_type="application/json")
    problem_of(response, 400)


def test_oversized_body_is_a_413(app: Flask) -> None:
    limit = int(app.config["MAX_CONTENT_LENGTH"])
    response = app.test_client().post("/api/v1/petitions", data=b" " * (limit + 1), content_type="application/json")
    problem_of(response, 413)


@pytest.mark.parametrize("mimetype", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_wrong_content_type_is_a_415(app: Flask, mimetype: str) -> None:
    response = app.test_client().post("/api/v1/petitions", data=b"source=citizen", content_type=mimetype)
    problem_of(response, 415)


def test_huge_but_shallow_json_is_refused_cleanly(app: Flask) -> None:
    body = {**PETITION, "content": "x" * 1_000_000, "extra": list(range(100_000))}
    response = app.test_client().post("/api/v1/petitions", json=body)
    assert response.status_code == 422, response.status_code


def _first_task(ctx: Any, app: Flask) -> tuple[Api, dict[str, Any]]:
    deploy_sample(ctx)
    office = Api(app, "vanphong")
    started = office.post("/api/v1/instances", json={"model_key": "intake_review", "data": {}})
    assert started.status_code == 201, started.get_data(as_text=True)
    reception = Api(app, "tiepnhan")
    task = (reception.get("/api/v1/tasks?scope=group").json or {})["items"][0]
    return reception, task


@pytest.mark.parametrize("data", [{"_secret": 1}, {"__class__": "x"}, {"no_such_field": "x"}])
def test_task_data_with_unknown_or_underscore_keys_is_a_422(app: Flask, ctx: Any, data: dict[str, Any]) -> None:
    reception, task = _first_task(ctx, app)
    response = reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    body = problem_of(response, 422)
    assert any(next(iter(data)) in (e.get("field") or e["message"]) for e in body["errors"]), body


@pytest.mark.parametrize("path", [
    "/api/v1/docs/assets/../../../../etc/passwd", "/api/v1/docs/assets/..%2f..%2f..%2fetc%2fpasswd",
    "/api/v1/docs/assets/%2e%2e/%2e%2e/etc/passwd", "/assets/../../service/config.py",
    "/assets/..%2f..%2fconfig.py", "/api/v1/public/petitions/..%2f..%2fpetitions",
])
def test_path_traversal_finds_nothing(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert b"root:" not in response.data and b"PETITIONFLOW_" not in response.data


def test_export_format_cannot_name_a_file(app: Flask) -> None:
    auditor = Api(app, "kiemtoan")
    for fmt in ("../../etc/passwd", "csv/../../x", "/etc/passwd", "csv\x00"):
        response = auditor.get("/api/v1/audit/export", query_string={"format": fmt})
        assert response.status_code in ((400, 422) if "\x00" in fmt else (422,)), (fmt, response.status_code)


def test_model_file_names_cannot_traverse(app: Flask) -> None:
    designer = Api(app, "thietke")
    bpmn = script_diagram("x = 1")
    for name in ("../../../tmp/evil.bpmn", "/etc/evil.bpmn", "..\\..\\evil.bpmn"):
        files = {"bpmn": (io.BytesIO(bpmn), name)}
        response = designer.post("/api/v1/models", data=files, content_type="multipart/form-data")
        assert response.status_code in (201, 422), (name, response.status_code, response.get_data(as_text=True))
        if response.status_code == 201:
            assert "/" not in (response.json or {}).get("file_name", "") and ".." not in (response.json or {}).get(
                "file_name", ""), response.json
    assert not (BPMN.parent.parent / "tmp" / "evil.bpmn").exists()


def test_markup_and_formulas_in_petition_text_stay_inert(app: Flask, ctx: Any) -> None:
    deploy_sample(ctx, "petition.bpmn")
    evil_title = '<script>alert("t")</script><img src=x onerror=alert(1)>'
    formula = '=HYPERLINK("http://evil.example","x")'
    sent = app.test_client().post("/api/v1/petitions", json={**PETITION, "title": evil_title, "content": formula,
                                                              "petitioner_name": "+cmd|' /C calc'!A0"})
    assert sent.status_code == 201, sent.get_data(as_text=True)
    petition_id = (sent.json or {})["id"]
    office = Api(app, "vanphong")
    stored = office.get(f"/api/v1/petitions/{petition_id}").json or {}
    assert stored["title"] == evil_title and stored["content"] == formula  # stored as text, as sent
    for page in (f"/petitions/{petition_id}", f"/petitions/{petition_id}/print", "/petitions", "/tasks"):
        html = office.get(page).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, page
    detail = office.get(f"/petitions/{petition_id}").get_data(as_text=True)
    assert "&lt;script&gt;" in detail
    tasks = office.get("/tasks")
    assert tasks.status_code == 200 and "<script>alert" not in tasks.get_data(as_text=True)
    for name in ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"):  # actor cells of login_failed events
        assert app.test_client().post("/api/v1/auth/login", json={"username": name, "password": "x"}).status_code == 401
    auditor = Api(app, "kiemtoan")
    for url in ("/api/v1/audit/export?format=csv", "/audit/export.csv"):
        export = auditor.get(url)
        assert export.status_code == 200, (url, export.status_code)
        rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(A1)" in cells, (url, rows[-4:])
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), url
