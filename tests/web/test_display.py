"""One date format everywhere, Vietnam's today on the report, charts ordered as the form and not clipped."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import update

from service.domain import petitions
from service.store.petition_tables import Petition
from service.usecases import clock
from service.usecases.context import Context
from service.web import i18n
from service.web.charts import bar_chart
from tests.web.conftest import INTAKE, actor, signed_in


def test_dates_are_written_dd_mm_yyyy_with_hh_mm(web: tuple[Flask, Context]) -> None:
    app, _ = web
    moment = datetime(2026, 3, 4, 23, 5, tzinfo=UTC)  # 06:05 on the 5th in Vietnam
    for lang in ("vi", "en"):
        with app.test_request_context():
            from flask import session

            session["lang"] = lang
            assert i18n.format_when(moment) == "05/03/2026 06:05"
            assert i18n.format_when(moment, with_time=False) == "05/03/2026"
            assert i18n.format_day(date(2026, 3, 4)) == i18n.format_day("2026-03-04") == "04/03/2026"
            assert i18n.format_when(None) == "—"


def test_the_petition_list_shows_that_format(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": "Định dạng ngày"})
    page = signed_in(app, "thanhtra").get("/petitions?q=%C4%90%E1%BB%8Bnh").text
    row = page.split(info.code)[1].split("</tr>")[0]
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", row), row


def test_report_ends_today_in_vietnam(web: tuple[Flask, Context], monkeypatch: pytest.MonkeyPatch) -> None:
    app, _ = web
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 29, 20, 0, tzinfo=UTC))  # 30/11 03:00 in Hanoi
    page = signed_in(app, "giamdoc").get("/reports").text
    assert 'name="end" value="2026-11-30"' in page


def test_urgency_chart_follows_the_forms_order(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    made = [petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": f"Mức {u}"}) for u in
            ("low", "normal", "urgent", "high")]
    with ctx.uow() as uow:
        for info, urgency in zip(made, ("low", "normal", "urgent", "high"), strict=True):
            uow.session.execute(update(Petition).where(Petition.id == info.id).values(urgency=urgency))
        uow.commit()
    page = signed_in(app, "giamdoc").get("/reports").text
    chart = page.split("Đơn theo mức độ")[-1].split("</svg>")[0] if "Đơn theo mức độ" in page else page
    labels = re.findall(r'text-anchor="end" font-size="13">([^<]+)<', chart)
    assert labels[:4] == ["Rất cấp thiết", "Cấp thiết", "Bình thường", "Không cấp thiết"], labels


def test_long_chart_labels_are_not_clipped() -> None:
    label = "Tiêu chuẩn, đo lường, chất lượng và sở hữu trí tuệ"
    svg = str(bar_chart("t", [(label, 3), ("Khác", 1)]))
    width = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))  # type: ignore[union-attr]
    x = int(re.search(r'<text x="(\d+)" y="\d+" text-anchor="end"', svg).group(1))  # type: ignore[union-attr]
    shown = re.search(r'text-anchor="end" font-size="13">([^<]+)<', svg).group(1)  # type: ignore[union-attr]
    assert x - 7.4 * len(shown) >= 0 and width > x
    assert f"<title>{label}: 3</title>" in svg
