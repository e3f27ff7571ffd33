"""The designer marks each problem's element on the diagram: the id comes from the problem as data, never
read back out of its text, and our own checks' messages are shown in the reader's language."""

from __future__ import annotations

from service.usecases.errors import Invalid, ModelRefused
from service.web.designer import _problems
from tests.unit import diagrams
from workflows import checks
from workflows.errors import ModelError, Problem
from workflows.models import parse_model


def refusal(bpmn: bytes) -> ModelRefused:
    try:
        parse_model(bpmn, known_lanes=["office"])
    except ModelError as exc:
        return ModelRefused("refused", exc.problems)
    raise AssertionError("the diagram was accepted")


def test_each_problem_marks_the_element_it_carries() -> None:
    found = _problems(ModelRefused("refused", [
        Problem("is not connected: draw a sequence flow into it", element_id="lonely", file_name="petition.bpmn"),
        Problem("Service tasks are not supported", element_id="Task_1.a-b:c", element_name="Xem xét",
                file_name="petition.bpmn", line=4),
        Problem("the diagram has no executable process, see element other", file_name="petition.bpmn"),
    ]))
    assert [p["elements"] for p in found] == [["lonely"], ["Task_1.a-b:c"], []]
    assert "“Xem xét”" in found[1]["text"] and "4" in found[1]["text"]


def test_text_only_refusals_mark_nothing() -> None:
    assert _problems(Invalid("the draft is empty", ["bpmn: required, element x: y"])) == [
        {"text": "bpmn: required, element x: y", "elements": []}]


def test_a_refused_diagram_marks_its_service_task_in_vietnamese() -> None:
    bpmn = diagrams.definitions(diagrams.process(diagrams.linear([("serviceTask", "call_api", "")])))
    [problem] = _problems(refusal(bpmn))
    assert problem["elements"] == ["call_api"]
    assert problem["text"] == ("diagram.bpmn, phần tử call_api: Không hỗ trợ tác vụ dịch vụ (service task): "
                               "hãy dùng tác vụ kịch bản (script task) hoặc tác vụ người dùng (user task)")


def test_a_templated_condition_keeps_the_designers_words_and_translates_the_example() -> None:
    [problem] = _problems(refusal(diagrams.gateway_diagram("${approved}")))
    assert problem["elements"] == ["flow_hostile"]
    assert problem["message"].startswith("biểu thức bị từ chối: không hiểu '${approved}'; ")
    assert "kiểu Python: viết approved == True" in problem["message"]
    assert checks.EXPRESSION_EXAMPLE not in problem["message"]


def test_a_timer_in_words_names_its_text_in_vietnamese() -> None:
    [problem] = _problems(refusal(diagrams.timer_diagram("3 ngày")))
    assert problem["elements"] == ["wait_timer"]
    assert problem["message"].startswith("không hiểu khoảng thời gian '3 ngày' của bộ hẹn giờ: ")
    assert "R6/P1D" in problem["message"]


def test_an_unknown_lane_marks_the_lane() -> None:
    bpmn = diagrams.definitions(diagrams.process(
        '<bpmn:laneSet id="ls"><bpmn:lane id="Lane_x" name="nowhere"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>review</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
        + diagrams.linear([("userTask", "review", "")])))
    [problem] = _problems(refusal(bpmn))
    assert problem["elements"] == ["Lane_x"] and "nowhere" in problem["text"]
