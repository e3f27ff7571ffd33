"""Counts and amounts on pages carry the Vietnamese thousands separator: 20.000, not 20000."""

from __future__ import annotations

from flask import Flask

from service.domain import receptions
from service.usecases.context import Context
from tests.dates import service_today
from tests.web.conftest import actor, signed_in


def test_the_filter_separates_thousands_and_leaves_words(web: tuple[Flask, Context]) -> None:
    app, _ctx = web
    with app.test_request_context("/"):
        shown = app.jinja_env.from_string("{{ 20000|num }} {{ 1234567|num }} {{ 'Khiếu nại'|num }} {{ 7|num }}")
        assert shown.render() == "20.000 1.234.567 Khiếu nại 7"


def test_the_reception_book_writes_a_large_crowd_with_a_separator(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    receptions.record(ctx, actor(ctx, "vanphong"), service_today(), "adhoc", "Phạm Minh Giám", 1500,
                      "Đông người về đền bù", delegation=True, representatives="Ông A, bà B")
    page = signed_in(app, "vanphong").get("/receptions").text
    assert "1.500" in page and ">1500" not in page
