"""The designer's pages start a new process, open an uploaded .bpmn file as a draft, add an empty form
to a draft, and hand the modeler the draft's forms, decision tables and lanes."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from lxml import etree

from service.usecases import drafts
from service.usecases.context import Context
from tests.web.conftest import ROOT, actor, csrf, signed_in
from workflows import designer_kit
from workflows.errors import ModelError
from workflows.models import parse_model

BPMN = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _config(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="draft-data">(.*?)</script>', html, re.S)
    assert found
    return dict(json.loads(found.group(1))["config"])


def test_a_new_process_starts_with_a_start_event_in_the_chosen_lane(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    client = signed_in(app, "thietke")
    token = csrf(client.get("/designer").text)
    refused = client.post("/designer/new", data={"key": "9 sai", "name": "", "lane": "office", "csrf_token": token})
    assert refused.status_code == 422
    assert "Bắt đầu bằng chữ cái" in refused.text and 'value="9 sai"' in refused.text  # beside the field, kept
    answer = client.post("/designer/new", data={"key": "xu_ly_van_ban", "name": "Xử lý văn bản đến", "lane": "office",
                                               "csrf_token": token})
    assert answer.status_code == 302
    draft_id = int(answer.headers["Location"].rsplit("/", 1)[-1])
    draft = drafts.get(ctx, actor(ctx, "thietke"), draft_id)
    assert (draft.key, draft.file_name, draft.resources) == ("xu_ly_van_ban", "xu_ly_van_ban.bpmn", {})
    root = etree.fromstring(draft.bpmn_xml.encode())
    lane = root.find(".//bpmn:lane", BPMN)
    assert lane is not None and lane.get("name") == "office"
    assert [r.text for r in lane.iterfind("bpmn:flowNodeRef", BPMN)] == ["start"]
    assert root.find(".//bpmn:process", BPMN).get("name") == "Xử lý văn bản đến"  # type: ignore[union-attr]
    config = _config(client.get(f"/designer/drafts/{draft_id}").text)
    assert config["forms"] == [] and "office" in config["lanes"]


def test_an_uploaded_diagram_becomes_a_draft_named_by_its_process(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    client = signed_in(app, "thietke")
    token = csrf(client.get("/designer").text)
    text = (ROOT / "bpmn" / "intake_review.bpmn").read_bytes()
    key = designer_kit.process_key_of(text, "intake_review.bpmn")
    answer = client.post("/designer/upload", data={"csrf_token": token, "file": (io.BytesIO(text), "mau.bpmn")},
                         content_type="multipart/form-data")
    assert answer.status_code == 302
    draft = drafts.get(ctx, actor(ctx, "thietke"), int(answer.headers["Location"].rsplit("/", 1)[-1]))
    assert (draft.key, draft.file_name, draft.bpmn_xml.encode()) == (key, "mau.bpmn", text)
    for name, data, message in [("ghi_chu.txt", b"hello", "Hãy chọn một tệp .bpmn."),
                                ("hong.bpmn", b"<bpmn:definitions xmlns:bpmn='urn:x'/>",
                                 "Tệp không phải sơ đồ BPMN có quy trình.")]:
        refused = client.post("/designer/upload", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                              content_type="multipart/form-data")
        assert refused.status_code == 422 and message in refused.text


def test_a_new_form_gets_a_free_name_and_the_modeler_lists_forms_and_decisions(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    client = signed_in(app, "thietke")
    token = csrf(client.get("/designer").text)
    version = client.get("/designer").text
    found = re.search(r'data-key="petition".*?action="(/designer/versions/\d+/draft)"', version, re.S)
    assert found
    draft_url = client.post(found.group(1), data={"csrf_token": token}).headers["Location"]
    config = _config(client.get(draft_url).text)
    assert "petition_intake.form.json" in config["forms"]
    assert {d["id"] for d in config["decisions"]} >= {"classify_petition", "route_petition"}
    names = []
    for _ in range(2):
        answer = client.post(config["newForm"], data={"name": "Review draft"}, headers={"X-CSRF-Token": token})
        assert answer.status_code == 200, answer.text
        names.append(answer.json["name"])  # type: ignore[index]
    assert names == ["review_draft.form.json", "review_draft_2.form.json"]
    draft = drafts.get(ctx, actor(ctx, "thietke"), int(draft_url.rsplit("/", 1)[-1]))
    assert json.loads(draft.resources["review_draft_2.form.json"]) == {"type": "default", "components": []}


def test_the_blank_diagram_is_a_process_the_engine_parses() -> None:
    model = parse_model(designer_kit.blank_diagram("moi", "Quy trình mới", "office").encode(), {},
                        file_name="moi.bpmn", known_lanes=["office"])
    assert model.key == "moi" and model.lanes == ("office",)
    assert designer_kit.form_name_for(" Xét duyệt/Hồ sơ ") == "xet_duyet_ho_so.form.json"
    with pytest.raises(ModelError):
        designer_kit.process_key_of(b"<definitions xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL'/>", "x.bpmn")
    with pytest.raises(ValueError):
        designer_kit.blank_diagram('x" onload="', "n", "office")
