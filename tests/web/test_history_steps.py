"""An instance's history shows people's steps and what happened to the petition, not the engine's gateways
and variable-setting scripts."""

from __future__ import annotations

import re

from flask import Flask

from service.domain import web_queries
from service.usecases.context import Context
from tests.web.conftest import actor, petition_at_draft, signed_in


def test_the_history_shows_steps_and_documents_not_gateways(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, _step = petition_at_draft(ctx)
    assert info.instance_id is not None
    story = web_queries.history(ctx, actor(ctx, "giamdoc"), info.instance_id)
    assert any(e.event_type == "gateway_taken" for e in story.events)  # the engine did choose paths
    for path in (f"/audit/instances/{info.instance_id}", f"/petitions/{info.id}"):
        page = signed_in(app, "giamdoc").get(path).text
        timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
        assert 'class="gateway_taken"' not in timeline and 'class="element_completed"' not in timeline
        assert timeline.count('class="task_completed"') == 3  # intake, consolidation, assignment
        assert 'class="document_issued"' in timeline and re.search(r"\d+/GBN-SKHCN", timeline)
        assert "Ban hành văn bản" in timeline
