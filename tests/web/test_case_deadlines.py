"""The petition's record lists each deadline once: the open step's deadline is not repeated as the
petition's own."""

from __future__ import annotations

from flask import Flask

from service.usecases.context import Context
from tests.web.conftest import petition_at_draft, signed_in


def test_each_deadline_is_one_row(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, _step = petition_at_draft(ctx)
    page = signed_in(app, "giamdoc").get(f"/petitions/{info.id}").text
    record = page.split('data-testid="content"')[0]
    assert record.count('data-testid="task-deadline"') == 1
    assert 'data-testid="petition-due"' not in record  # the same day as the draft's deadline
