"""Reading process bundles from files: a BPMN diagram and the forms and decision tables it uses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from workflows.checks import called_decisions, decision_ids
from workflows.errors import ModelError
from workflows.models import FORM_PROPERTY, NS
from workflows.safe_xml import parse_xml

RESOURCE_SUFFIXES = (".dmn", ".form.json")


@dataclass(frozen=True)
class Bundle:
    """The files of one process model, ready to validate or deploy."""

    file_name: str
    bpmn: bytes
    resources: dict[str, bytes]


def is_resource(path: Path) -> bool:
    """Whether `path` is a decision table or a form rather than a diagram."""
    return path.name.endswith(RESOURCE_SUFFIXES)


def read_bundle(path: Path, extra: Iterable[Path] = ()) -> Bundle:
    """The bundle of the diagram at `path`: every form it names and every decision table it calls.

    Forms are looked up by their `formKey` in the diagram's folder and its `forms/` folder; decision
    tables are the `*.dmn` files of the folder and its `dmn/` folder that hold a decision the diagram
    calls (others beside it are left out). `extra` files are added as given.
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    bpmn = path.read_bytes()
    folder = path.parent
    resources: dict[str, bytes] = {}
    called = _called_decisions(bpmn, path.name)
    for dmn in sorted([*folder.glob("*.dmn"), *folder.glob("dmn/*.dmn")]):
        data = dmn.read_bytes()
        decisions = _decisions(data, dmn.name)
        if called is None or decisions is None or decisions & called:
            resources[dmn.name] = data
    for key in _form_keys(bpmn, path.name):
        for candidate in (folder / key, folder / "forms" / key):
            if candidate.is_file() and candidate.resolve().is_relative_to(folder.resolve()):
                resources[key] = candidate.read_bytes()
                break
    for file in extra:
        resources[file.name] = file.read_bytes()
    return Bundle(path.name, bpmn, resources)


def _called_decisions(bpmn: bytes, file_name: str) -> set[str] | None:
    try:
        return called_decisions(parse_xml(bpmn, file_name))
    except ModelError:
        return None  # the validator reports the file itself


def _decisions(dmn: bytes, file_name: str) -> set[str] | None:
    """The decisions of a table file; None when it is not XML (kept, for the validator to report)."""
    try:
        return decision_ids(parse_xml(dmn, file_name))
    except ModelError:
        return None


def _form_keys(bpmn: bytes, file_name: str) -> list[str]:
    try:
        root = parse_xml(bpmn, file_name)
    except ModelError:
        return []  # the validator reports the file itself
    keys = root.iterfind(".//spiffworkflow:property", NS)
    return sorted({str(p.get("value")) for p in keys
                   if p.get("name") == FORM_PROPERTY and p.get("value") and "/" not in str(p.get("value"))
                   and etree.QName(p).localname == "property"})


def pack_diagrams(folder: Path) -> list[Path]:
    """The diagrams of a process pack folder, in name order."""
    return sorted(folder.glob("*.bpmn"))
