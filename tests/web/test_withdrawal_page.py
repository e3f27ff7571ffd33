"""The petition page lets reception, the Office and the Inspectorate record the petitioner's withdrawal:
the reason is required (a message beside the field, nothing sent), the petition closes as withdrawn, the
thread shows who recorded it and why, and the form is gone once the petition is closed. Others (the
director, a unit) are not offered the form."""

from __future__ import annotations

from flask import Flask

from service.domain import petitions
from service.usecases.context import Context
from tests.web.conftest import actor, csrf, petition_at_draft, signed_in


def test_a_withdrawal_is_recorded_from_the_petition_page(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, _draft = petition_at_draft(ctx, title="Kiến nghị sẽ rút")
    page = f"/petitions/{info.id}"
    assert 'data-testid="withdraw-form"' not in signed_in(app, "giamdoc").get(page).text
    inspectorate = signed_in(app, "thanhtra")
    html = inspectorate.get(page).text
    assert 'data-testid="withdraw-form"' in html

    refused = inspectorate.post(f"{page}/withdraw", data={"csrf_token": csrf(html), "reason": "   "})
    assert refused.status_code == 422 and "Ghi lý do người gửi đơn nêu." in refused.text
    assert petitions.get(ctx, actor(ctx, "thanhtra"), info.id).closed_at is None

    done = inspectorate.post(f"{page}/withdraw", data={"csrf_token": csrf(html), "reason": "Ông A xin rút đơn."})
    assert done.status_code == 302 and done.headers["Location"] == f"{page}?withdrawn=1"
    after = inspectorate.get(done.headers["Location"]).text
    assert "Đã ghi nhận việc rút đơn" in after and 'data-testid="withdraw-form"' not in after
    assert "Người gửi đã rút đơn" in after and "Ông A xin rút đơn." in after
    closed = petitions.get(ctx, actor(ctx, "thanhtra"), info.id)
    assert closed.outcome == "withdrawn" and closed.closed_at is not None

    again = inspectorate.post(f"{page}/withdraw", data={"csrf_token": csrf(html), "reason": "Lần nữa"})
    assert again.status_code == 409 and "không còn rút được" in again.text
