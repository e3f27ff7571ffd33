"""Every test of the process pack runs on an engine clock the test moves (`Walk.fire_after`), never on sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.bpmn import walk
from workflows.clock import ManualClock


@pytest.fixture(autouse=True)
def engine_clock() -> Iterator[ManualClock]:
    """The engine's timers read this clock; it starts at the real time and moves only when told."""
    with ManualClock() as clock:
        walk.CLOCK = clock
        try:
            yield clock
        finally:
            walk.CLOCK = None
