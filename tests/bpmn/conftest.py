"""The engine's timers in these tests run on a clock the test moves (`Walk.fire_after`), not the wall's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer

from tests.bpmn.walk import CLOCK, MovedDatetime


@pytest.fixture(autouse=True)
def moved_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    CLOCK.reset()
    monkeypatch.setattr(timer, "datetime", MovedDatetime)
    yield

