"""What the pages need from a diagram's XML: the names of its elements, to label history and stages."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from workflows.safe_xml import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@lru_cache(maxsize=64)
def _names(digest: str, xml: str) -> dict[str, str]:
    root = parse_xml(xml.encode("utf-8"), "diagram.bpmn")
    names: dict[str, str] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith("{" + BPMN_NS + "}"):
            continue
        element_id, name = node.get("id"), node.get("name")
        if element_id and name and not node.tag.endswith(("}lane", "}participant", "}process")):
            names[element_id] = name
    return names


def element_names(xml: str) -> dict[str, str]:
    """Element id -> its (bilingual) name, for every named flow element of the diagram."""
    return _names(hashlib.sha256(xml.encode("utf-8")).hexdigest(), xml)
