"""The register row of a petition takes its handling decision once from the petition's data: set when
decided, cleared when the decision is taken back, left alone when the data does not speak of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from service.domain import registers
from workflows.events import Snapshot

AT = datetime(2026, 11, 30, tzinfo=UTC)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return registers._petition_values(Snapshot(False, (), None, (), data), AT)


def test_the_handling_decision_is_set_cleared_or_left_alone() -> None:
    assert _values({"handling_result": "thu_ly"})["handling_result"] == "thu_ly"
    assert _values({"handling_result": "x" * 30})["handling_result"] == "x" * 20  # the column's width
    assert _values({"handling_result": ""})["handling_result"] is None  # taken back
    assert "handling_result" not in _values({"urgency": "urgent"})


def test_the_decision_is_written_in_one_place() -> None:
    import inspect

    source = inspect.getsource(registers._petition_values)
    assert source.count('"handling_result"') == 3  # one test of the key, one assignment from it
