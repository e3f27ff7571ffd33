"""Validation predicts run time: what it accepts runs, what it refuses is named with what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.pack import read_bundle
from tests.unit import diagrams
from tests.unit.diagrams import definitions, linear, process
from workflows.clock import ManualClock
from workflows.engine import Instance
from workflows.errors import ModelError
from workflows.models import parse_model


def refused(bpmn: bytes, resources: dict[str, bytes] | None = None) -> str:
    with pytest.raises(ModelError) as caught:
        parse_model(bpmn, resources)
    return str(caught.value)


def timer(tag: str, text: str) -> bytes:
    return diagrams.timer_diagram(text).replace(b"timeDuration", tag.encode())


@pytest.mark.parametrize(("tag", "text", "seconds"), [
    ("timeDuration", "P10D", 10 * 86400),
    ("timeDuration", "PT2H30M", 9000),
    ("timeCycle", "R6/P1D", 86400),
    ("timeDuration", "PT1H", 3600),
    ("timeCycle", "R3/PT1H", 3600),
    ("timeDate", "2030-12-01T09:00:00+07:00", None),
])
def test_iso_timer_literals_written_without_quotes_run(tag: str, text: str, seconds: int | None) -> None:
    with ManualClock() as clock:
        instance, step = Instance.start(parse_model(timer(tag, text)))
        due = step.snapshot.next_timer_at
        assert due is not None and not step.snapshot.completed
        if seconds is not None:
            assert abs((due - clock.now).total_seconds() - seconds) < 1
        clock.now = due
        clock.advance(1)
        step = instance.fire_due_timers()
    assert any(e.kind == "timer_fired" or e.element_id == "end" for e in step.events), step.events


def test_a_timer_literal_of_the_wrong_kind_says_which_kind_it_is() -> None:
    text = refused(timer("timeDuration", "R6/P1D"))
    assert "element wait_timer" in text and "is a cycle" in text and "P10D" in text


def test_timer_bounds_still_hold_for_unquoted_literals() -> None:
    assert "wait_timer" in refused(timer("timeCycle", "R5000/PT1M"))
    assert "wait_timer" in refused(timer("timeDuration", "P20Y"))
    assert "shortest period" in refused(timer("timeCycle", "R3/PT1S"))


def test_a_timer_that_is_not_iso_shows_an_example() -> None:
    text = refused(timer("timeDuration", "3 days"))
    assert "element wait_timer: the timer's duration '3 days' is not understood" in text
    assert "P10D" in text and "R6/P1D" in text and "syntax" not in text


@pytest.mark.parametrize("text", ["", "   ", "''"])
def test_an_empty_timer_is_refused_before_it_fails_at_run_time(text: str) -> None:
    text = refused(timer("timeCycle", text))
    assert "element wait_timer: the timer has no time: write a duration such as P10D" in text


def test_a_timer_without_a_time_gets_a_clear_message() -> None:
    bpmn = definitions(process(linear([("intermediateCatchEvent", "wait", '<bpmn:timerEventDefinition id="td"/>')])))
    text = refused(bpmn)
    assert "element wait" in text and "the timer has no time" in text and "Unknown Time Specification" not in text


def test_service_tasks_are_refused_with_our_message_naming_the_element() -> None:
    bpmn = definitions(process(linear([("serviceTask", "call_api", "")])))
    bpmn = bpmn.replace(b'id="call_api"', b'id="call_api" name="Call the tax office"')
    text = refused(bpmn)
    assert 'element call_api "Call the tax office": Service tasks are not supported: use a script task or a user task' \
        in text
    assert "operator" not in text and "is not defined" not in text


def test_a_templated_condition_says_expressions_are_python_like() -> None:
    text = refused(diagrams.gateway_diagram("${approved}"))
    assert "element flow_hostile" in text and "approved == True" in text


def test_a_process_without_is_executable_runs_as_the_engine_runs_it() -> None:
    bpmn = definitions(process(linear([("userTask", "review", "")]))).replace(b' isExecutable="true"', b"")
    model = parse_model(bpmn)
    assert model.key == "proc"


def test_no_executable_process_says_how_to_mark_one() -> None:
    text = refused(definitions(process(linear([("userTask", "review", "")]), executable=False)))
    assert "found 0" not in text and 'isExecutable="true"' in text


def test_disconnected_and_unreachable_elements_are_named() -> None:
    extra = ('<bpmn:task id="lonely" name="Forgotten" />'
             '<bpmn:userTask id="orphan"><bpmn:outgoing>fo</bpmn:outgoing></bpmn:userTask>'
             '<bpmn:endEvent id="orphan_end" />'
             '<bpmn:sequenceFlow id="fo" sourceRef="orphan" targetRef="orphan_end" />')
    text = refused(definitions(process(linear([("userTask", "review", "")]) + extra)))
    assert 'element lonely "Forgotten": is not connected' in text
    assert "element orphan: is never reached" in text
    assert "element review" not in text


def test_a_decision_table_the_diagram_never_calls_is_ignored() -> None:
    unrelated = diagrams.dmn("x", "this is not an expression ((", '"a"').replace(b'id="decision"', b'id="other"')
    model = parse_model(diagrams.decision_diagram(), {"decision.dmn": diagrams.dmn("x", '"a"', '"b"'),
                                                      "unrelated.dmn": unrelated})
    assert model.key == "proc"


@pytest.mark.parametrize(("association", "side"), [
    ('<bpmn:dataOutputAssociation id="out"><bpmn:targetRef>missing</bpmn:targetRef></bpmn:dataOutputAssociation>',
     "output"),
    ('<bpmn:dataInputAssociation id="in"><bpmn:sourceRef>missing</bpmn:sourceRef>'
     '<bpmn:targetRef>prepare</bpmn:targetRef></bpmn:dataInputAssociation>',
     "input"),
])
def test_engine_reprs_never_reach_the_designer(association: str, side: str) -> None:
    text = refused(definitions(process(linear([("task", "prepare", association)]))))
    assert f"element prepare: a data {side} association of this element leads to nothing" in text
    assert "connect it to a data object" in text and "<Element" not in text and " at 0x" not in text


def test_schema_messages_name_bpmn_elements_without_namespaces() -> None:
    from workflows.checks import clearer
    assert clearer("Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}task': Missing child") \
        == "Element 'bpmn:task': Missing child"


def test_the_bundle_leaves_out_decision_tables_the_diagram_never_calls(tmp_path: Path) -> None:
    (tmp_path / "flow.bpmn").write_bytes(diagrams.decision_diagram())
    (tmp_path / "decision.dmn").write_bytes(diagrams.dmn("x", '"a"', '"b"'))
    (tmp_path / "other.dmn").write_bytes(diagrams.dmn("x", '"a"', '"b"').replace(b'id="decision"', b'id="other"'))
    (tmp_path / "broken.dmn").write_bytes(b"not xml")
    bundle = read_bundle(tmp_path / "flow.bpmn")
    assert sorted(bundle.resources) == ["broken.dmn", "decision.dmn"]  # a file that is not XML stays, to be reported
    assert parse_model(bundle.bpmn, bundle.resources).key == "proc"  # it holds no decision the diagram lacks


def test_a_decision_the_bundle_lacks_is_named_on_its_task() -> None:
    text = refused(diagrams.decision_diagram())
    assert "element decide: the task calls the decision 'decision', which no decision table" in text
    assert "No DMN Diagram" not in text


def test_a_called_process_the_diagram_lacks_is_named_on_the_call_activity() -> None:
    body = linear([("callActivity", "ask_other", "")]).replace(
        '<bpmn:callActivity id="ask_other"', '<bpmn:callActivity id="ask_other" calledElement="other_process"')
    text = refused(definitions(process(body)))
    assert "element ask_other: the call activity calls the process 'other_process', which is not in this" in text
    assert "Did you mean" not in text
