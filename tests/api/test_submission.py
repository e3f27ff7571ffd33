"""Submitting petitions through the API: retries with an idempotency key never make a second petition."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from service.store.petition_tables import IdempotencyKey, Petition
from service.usecases.context import Context
from tests.api.conftest import Api, problem_of
from tests.conftest import deploy_sample


@pytest.fixture(autouse=True)
def petition_process(ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")


PETITION = {"source": "citizen", "field": "science", "title": "Đề nghị hỗ trợ đề tài", "content": "Nội dung đề nghị."}


def _petitions(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.session.execute(select(func.count(Petition.id))).scalar_one())


def test_a_retry_with_the_same_key_returns_the_first_petition(app: Flask, ctx: Context) -> None:
    public = app.test_client()
    before = _petitions(ctx)
    first = public.post("/api/v1/petitions", json=PETITION, headers={"Idempotency-Key": "retry-7f3c"})
    again = public.post("/api/v1/petitions", json=PETITION, headers={"Idempotency-Key": "retry-7f3c"})
    assert first.status_code == again.status_code == 201, again.get_data(as_text=True)
    assert first.json == again.json
    assert _petitions(ctx) == before + 1
    with ctx.uow(write=False) as uow:
        assert uow.session.execute(select(func.count(IdempotencyKey.id))).scalar_one() == 1
    other = public.post("/api/v1/petitions", json=PETITION, headers={"Idempotency-Key": "retry-8a01"})
    assert other.status_code == 201 and (other.json or {})["id"] != (first.json or {})["id"]
    assert public.post("/api/v1/petitions", json=PETITION).status_code == 201
    assert _petitions(ctx) == before + 3


def test_keys_belong_to_their_submitter(app: Flask, ctx: Context) -> None:
    public, staff = app.test_client(), Api(app, "tiepnhan")
    mine = public.post("/api/v1/petitions", json=PETITION, headers={"Idempotency-Key": "shared-key"}).json or {}
    theirs = staff.post("/api/v1/petitions", json=PETITION, headers={"Idempotency-Key": "shared-key"}).json or {}
    assert mine["id"] != theirs["id"]


def test_a_bad_key_is_a_problem(app: Flask, ctx: Context) -> None:
    before = _petitions(ctx)
    answer = app.test_client().post("/api/v1/petitions", json=PETITION, headers={"Idempotency-Key": "k" * 200})
    assert problem_of(answer, 422)["errors"][0]["field"] == "Idempotency-Key"
    assert _petitions(ctx) == before


def test_the_header_is_documented(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").json or {}
    parameters = spec["paths"]["/api/v1/petitions"]["post"]["parameters"]
    header = next(p for p in parameters if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and "retry" in header["description"]


def test_tracking_accepts_any_case_spaces_and_dashes(app: Flask, ctx: Context) -> None:
    public = app.test_client()
    receipt = public.post("/api/v1/petitions", json=PETITION).json or {}
    code = receipt["tracking_code"]
    assert not set(code) & set("IlLO01")
    for typed in (code.lower(), code.replace("-", ""), code.replace("-", " ")):
        answer = public.get(f"/api/v1/public/petitions/{typed}")
        assert answer.status_code == 200 and (answer.json or {})["code"] == receipt["code"], typed
