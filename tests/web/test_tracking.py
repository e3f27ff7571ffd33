"""Tracking for the public: unambiguous codes, typed any way, and throttling that counts only wrong codes."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import update

from service.domain import petition_tracking, petitions
from service.store.petition_tables import Petition
from service.usecases.context import Context
from tests.web.conftest import INTAKE, actor

CODE = re.compile(r"[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){4}")


def test_codes_use_an_unambiguous_alphabet() -> None:
    codes = [petition_tracking.new_tracking_code() for _ in range(200)]
    assert all(CODE.fullmatch(c) for c in codes) and len(set(codes)) == 200
    assert not set("".join(codes)) & set("IlLO01")


def test_codes_are_accepted_in_any_case_with_spaces_and_dashes(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), INTAKE)
    assert CODE.fullmatch(info.tracking_code)
    compact = info.tracking_code.replace("-", "")
    for typed in (info.tracking_code, info.tracking_code.lower(), compact.lower(),
                  " ".join(compact[i:i + 4] for i in range(0, 20, 4)), f"  {compact[:7]} - {compact[7:]} "):
        assert petition_tracking.track(ctx, typed).code == info.code, typed
        page = app.test_client().get("/public/track", query_string={"code": typed},
                                     environ_base={"REMOTE_ADDR": "10.9.0.1"})
        assert 'data-testid="track-status"' in page.text and info.code in page.text, typed


def test_codes_made_before_keep_working(web: tuple[Flask, Context]) -> None:
    _, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), INTAKE)
    with ctx.uow() as uow:
        uow.session.execute(update(Petition).where(Petition.id == info.id).values(tracking_code="aB3_x-Yz09lIO1qQ"))
        uow.commit()
    assert petition_tracking.track(ctx, "aB3_x-Yz09lIO1qQ").code == info.code
    assert petition_tracking.track(ctx, " aB3_x-Yz09lIO1qQ ").code == info.code


def test_a_busy_desk_is_never_blocked_and_guessing_is(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), INTAKE)
    desk, guesser = {"REMOTE_ADDR": "10.9.0.2"}, {"REMOTE_ADDR": "10.9.0.3"}
    client = app.test_client()
    limit = ctx.settings.track_max_lookups
    for _ in range(limit + 10):  # a whole morning of honest lookups from one computer
        assert client.get(f"/public/track?code={info.tracking_code}", environ_base=desk).status_code == 200
    for n in range(limit):
        answer = client.get(f"/public/track?code=WRONG{n:04d}", environ_base=guesser)
        assert answer.status_code == 200 and "Không có đơn nào có mã tra cứu này." in answer.text
    refused = client.get(f"/public/track?code={info.tracking_code}", environ_base=guesser)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Máy này đã nhập sai mã tra cứu quá nhiều lần. Vui lòng thử lại sau" in refused.text
    assert 'data-testid="track-status"' not in refused.text
    api = client.get(f"/api/v1/public/petitions/{info.tracking_code}", environ_base=guesser)
    assert api.status_code == 429 and api.mimetype == "application/problem+json"
    assert client.get(f"/public/track?code={info.tracking_code}", environ_base=desk).status_code == 200


def test_the_form_posts_the_code_and_an_answer_is_not_still_being_handled(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), INTAKE)
    with ctx.uow() as uow:  # the signed reply is sent; the notice of results is still to come
        uow.session.execute(update(Petition).where(Petition.id == info.id).values(answer="Sở trả lời như sau."))
        uow.commit()
    client, desk = app.test_client(), {"REMOTE_ADDR": "10.9.0.4"}
    form = client.get("/public/track", environ_base=desk).text
    assert re.search(r'<form method="post" action="/public/track"', form)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    page = client.post("/public/track", data={"code": info.tracking_code, "csrf_token": token.group(1)},
                       environ_base=desk)
    assert page.status_code == 200 and info.code in page.text
    assert page.request.url.endswith("/public/track")  # no code in the address
    stage = page.text.split('data-testid="public-stage">')[1].split("</dd>")[0]
    assert stage == "Đã có kết quả trả lời" and "Sở trả lời như sau." in page.text
    wrong = client.post("/public/track", data={"code": "WRONG-CODE", "csrf_token": token.group(1)},
                        environ_base={"REMOTE_ADDR": "10.9.0.5"})
    assert "Không có đơn nào có mã tra cứu này." in wrong.text
