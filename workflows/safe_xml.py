"""Parsing untrusted XML (designers' uploads) without entities, DTDs, network or huge trees."""

from __future__ import annotations

from lxml import etree

from .errors import ModelError, Problem

MAX_MODEL_BYTES = 2 * 1024 * 1024
"""Largest BPMN, DMN or form file accepted; the whole petition pack is well under 200 KB."""

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=False,
    dtd_validation=False,
)


def parse_xml(data: bytes, file_name: str, max_bytes: int = MAX_MODEL_BYTES) -> etree._Element:
    """Parse `data` as XML, refusing anything a diagram editor would never write.

    Refused: files over `max_bytes`, any DOCTYPE (and with it every entity trick), text that is
    not well-formed XML. The error names the file and the reason.
    """
    if len(data) > max_bytes:
        raise ModelError([Problem(f"file is {len(data)} bytes; the limit is {max_bytes}", file_name=file_name)])
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ModelError([Problem("DOCTYPE and entity declarations are not allowed", file_name=file_name)])
    if not head.startswith(b"<"):
        raise ModelError([Problem("not an XML document", file_name=file_name)])
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ModelError([Problem(f"not well-formed XML: {exc.msg}", file_name=file_name, line=exc.lineno)]) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ModelError([Problem("DOCTYPE and entity declarations are not allowed", file_name=file_name)])
    return root
