"""The designer marks each problem's element on the diagram: the ids it reads from the messages are bare."""

from __future__ import annotations

from service.usecases.errors import Invalid
from service.web.designer import _problems


def test_problem_elements_are_read_without_their_trailing_colon() -> None:
    found = _problems(Invalid("refused", [
        "petition.bpmn, element lonely: is not connected: draw a sequence flow into it",
        'petition.bpmn, line 4, element Task_1.a-b "Xem xét": Service tasks are not supported',
        "petition.bpmn: the diagram has no executable process",
    ]))
    assert [p["elements"] for p in found] == [["lonely"], ["Task_1.a-b"], []]
