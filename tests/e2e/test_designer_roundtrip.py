"""Every diagram of the pack (bpmn/) and of the tests, imported into the designer's modeler (the
bundle the page loads: bpmn-js, our SpiffWorkflow moddle descriptor and provider) and exported again,
loses nothing the engine or the service reads.

The XML is compared after canonicalising what does not carry meaning:
- whitespace around text and between elements, attribute order, namespace prefixes and declarations
  (names are compared in Clark notation `{uri}local`, `xsi:type` values resolved the same way);
- numbers in diagram-interchange attributes (`dc:Bounds`, `di:waypoint`, …): the modeler writes
  `100` for `100.0`, so they are compared as numbers;
- the order of children of different kinds (the BPMN schema fixes it by kind and the modeler writes
  that order); children of the same kind keep their order (flows, lanes, properties, scripts);
- the order of the shapes and edges on a diagram plane (each names its element by `bpmnElement`; the
  modeler writes them in drawing order, lanes before their contents); waypoints keep their order;
- an attribute written with the value the BPMN schema defaults it to (`cancelActivity="true"` on a
  boundary event): the modeler leaves such attributes out, and SpiffWorkflow reads an absent one as
  the same default (`cancelActivity` defaults to true, the booleans below to false);
- XML comments (no reader of a diagram looks at them).
Element text (scripts, conditions, timers) is compared exactly apart from surrounding whitespace.
"""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from tests.e2e.conftest import ROOT, Live

DI_NAMESPACES = ("http://www.omg.org/spec/DD/20100524/DC", "http://www.omg.org/spec/DD/20100524/DI",
                 "http://www.omg.org/spec/BPMN/20100524/DI")
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SCHEMA_DEFAULTS = {
    ("boundaryEvent", "cancelActivity"): "true", ("startEvent", "isInterrupting"): "true",
    ("intermediateCatchEvent", "parallelMultiple"): "false", ("boundaryEvent", "parallelMultiple"): "false",
    ("startEvent", "parallelMultiple"): "false", ("subProcess", "triggeredByEvent"): "false",
    ("multiInstanceLoopCharacteristics", "isSequential"): "false", ("eventBasedGateway", "instantiate"): "false",
    ("receiveTask", "instantiate"): "false", ("exclusiveGateway", "gatewayDirection"): "Unspecified",
    ("parallelGateway", "gatewayDirection"): "Unspecified", ("inclusiveGateway", "gatewayDirection"): "Unspecified",
    ("eventBasedGateway", "gatewayDirection"): "Unspecified",
}
"""Attributes with the value bpmn-moddle (after the BPMN 2.0 schema) defaults them to: left out on export."""
PLANE = "{http://www.omg.org/spec/BPMN/20100524/DI}BPMNPlane"
DIAGRAMS = sorted([*ROOT.glob("bpmn/**/*.bpmn"), *ROOT.glob("tests/**/*.bpmn")])


def _value(node: etree._Element, name: str, value: str) -> str:
    if name == XSI_TYPE and ":" in value:
        prefix, local = value.split(":", 1)
        return f"{{{node.nsmap.get(prefix, prefix)}}}{local}"
    if etree.QName(node).namespace in DI_NAMESPACES:
        try:
            return repr(round(float(value), 6))
        except ValueError:
            return value
    return value


def canonical(node: etree._Element) -> tuple[Any, ...]:
    """A comparable form of `node` and everything under it (see the module's note)."""
    local = etree.QName(node).localname if etree.QName(node).namespace == BPMN else ""
    attrs = tuple(sorted((name, _value(node, name, value)) for name, value in node.attrib.items()
                         if SCHEMA_DEFAULTS.get((local, name)) != value))
    children = [c for c in node if isinstance(c.tag, str)]  # comments and processing instructions left out
    by_kind: dict[str, list[tuple[Any, ...]]] = {}
    for child in children:
        by_kind.setdefault(str(child.tag), []).append(canonical(child))
    if node.tag == PLANE:
        by_kind = {kind: sorted(items) for kind, items in by_kind.items()}
    return (str(node.tag), attrs, (node.text or "").strip(), tuple(sorted(by_kind.items())))


def _parse(text: str | bytes) -> etree._Element:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return etree.fromstring(data, parser=etree.XMLParser(remove_blank_text=True, resolve_entities=False))


def first_difference(a: tuple[Any, ...], b: tuple[Any, ...], path: str = "") -> str:
    """Where two canonical forms first differ, for a readable failure."""
    here = f"{path}/{a[0].split('}')[-1]}"
    if a[0] != b[0]:
        return f"{here}: element {a[0]} became {b[0]}"
    if a[1] != b[1]:
        return f"{here}: attributes {dict(a[1])} became {dict(b[1])}"
    if a[2] != b[2]:
        return f"{here}: text {a[2]!r} became {b[2]!r}"
    kinds_a, kinds_b = dict(a[3]), dict(b[3])
    if kinds_a.keys() != kinds_b.keys():
        return f"{here}: children {sorted(kinds_a)} became {sorted(kinds_b)}"
    for kind, items in kinds_a.items():
        if len(items) != len(kinds_b[kind]):
            return f"{here}: {len(items)} of {kind} became {len(kinds_b[kind])}"
        for x, y in zip(items, kinds_b[kind], strict=True):
            if x != y:
                return first_difference(x, y, here)
    return f"{here}: differs"


def test_canonical_form_sees_a_lost_property_and_ignores_formatting() -> None:
    original = _parse(b'<a xmlns="urn:x" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"><b n="1" m="2">t</b>'
                      b'<dc:Bounds x="1.0"/><c/></a>')
    reformatted = _parse(b'<y:a xmlns:y="urn:x" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC">\n <y:c/>\n'
                         b' <y:b m="2" n="1"> t </y:b><dc:Bounds x="1"/></y:a>')
    lost = _parse(b'<a xmlns="urn:x" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"><b n="1">t</b>'
                  b'<dc:Bounds x="1"/><c/></a>')
    assert canonical(original) == canonical(reformatted)
    assert canonical(original) != canonical(lost)
    assert "attributes" in first_difference(canonical(original), canonical(lost))


@pytest.fixture
def designer_page(open_page: Any, live: Live) -> Any:
    page = open_page("thietke")
    page.goto("/designer")
    page.locator("tr[data-key=petition]").first.locator("button").click()
    page.wait_for_selector("#modeler[data-ready='1']")
    return page


def test_every_diagram_round_trips_through_the_modeler(designer_page: Any) -> None:
    assert any(p.parent.name == "bpmn" for p in DIAGRAMS) and any("tests" in p.parts for p in DIAGRAMS)
    failures: list[str] = []
    shown: dict[str, bool] = {}
    for path in DIAGRAMS:
        source = path.read_text(encoding="utf-8")
        result = designer_page.evaluate("xml => window.PetitionflowDesigner.roundTrip(xml)", source)
        before, after = canonical(_parse(source)), canonical(_parse(result["xml"]))
        name = str(path.relative_to(ROOT))
        shown[name] = result["displayed"]
        if before != after:
            failures.append(f"{name}: {first_difference(before, after)} (import warnings: {result['warnings']})")
    assert not failures, "diagrams changed by the modeler:\n" + "\n".join(failures)
    # the pack's diagrams all have a layout and are shown; test diagrams written without one (no
    # BPMNDiagram) cannot be drawn and went through the modeler's moddle and serialiser only
    assert all(shown[n] for n in shown if n.startswith("bpmn/")), shown


def test_the_panel_quotes_timer_literals_for_the_engine(designer_page: Any) -> None:
    cases = designer_page.evaluate("""() => {
      const d = window.PetitionflowDesigner;
      return ["P5D", "PT4H", "R3/P1D", "2026-12-31T17:00:00+07:00", "draft_deadline", '"P5D"', "timedelta(days=2)"]
        .map(v => [v, d.quoteTimer("timeDuration", v), d.unquoteTimer(d.quoteTimer("timeDuration", v))]);
    }""")
    assert cases == [
        ["P5D", '"P5D"', "P5D"], ["PT4H", '"PT4H"', "PT4H"], ["R3/P1D", '"R3/P1D"', "R3/P1D"],
        ["2026-12-31T17:00:00+07:00", '"2026-12-31T17:00:00+07:00"', "2026-12-31T17:00:00+07:00"],
        ["draft_deadline", "draft_deadline", "draft_deadline"], ['"P5D"', '"P5D"', "P5D"],
        ["timedelta(days=2)", "timedelta(days=2)", "timedelta(days=2)"],
    ]
