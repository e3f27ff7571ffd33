"""What the pages need from a diagram's XML: the names of its elements, to label history and stages."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from lxml import etree

from workflows.safe_xml import parse_xml

from .i18n import bilingual, current_language
from .navigation import role_label

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


@lru_cache(maxsize=64)
def _localized(digest: str, xml: str, lang: str) -> str:
    root = parse_xml(xml.encode("utf-8"), "diagram.bpmn")
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith("{" + BPMN_NS + "}"):
            continue
        name = node.get("name")
        if not name:
            continue
        if node.tag.endswith("}lane"):
            node.set("name", role_label(name))
        elif " / " in name:
            node.set("name", bilingual(name))
    return str(etree.tostring(root, encoding="unicode"))


def localized(xml: str | None) -> str:
    """The diagram as the reader sees it: lanes named as the roles are, and the element names of
    'Vietnamese / English' text in the current language (the stored diagram is not changed)."""
    if not xml:
        return ""
    return _localized(hashlib.sha256(xml.encode("utf-8")).hexdigest(), xml, current_language())


def process_name(xml: str | None) -> str:
    """The name of the diagram's executable process, in the current language ('' when it has none)."""
    if not xml:
        return ""
    root = parse_xml(xml.encode("utf-8"), "diagram.bpmn")
    for node in root.iter("{" + BPMN_NS + "}process"):
        if node.get("isExecutable") == "true" and node.get("name"):
            return bilingual(node.get("name"))
    return ""
