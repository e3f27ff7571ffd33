"""The message catalogue covers every string the pages show, with the same placeholders; and the
server-side form rendering reads back what the form says."""

from __future__ import annotations

import re
import string
from pathlib import Path

from werkzeug.datastructures import MultiDict

from service.web import formrender, i18n

WEB = Path(__file__).resolve().parents[2] / "service" / "web"
CALL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
DYNAMIC = ("Written reply", "Answer", "Minutes of the dialogue", "Notice of results",
           "Answer of the superior authority", "This field is required.", "At most {n} characters.")


def message_ids() -> set[str]:
    """Every literal message id the templates and web modules pass to `_`."""
    found = set(DYNAMIC)
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        found |= {a if a else b for a, b in CALL.findall(path.read_text(encoding="utf-8"))}
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_translated_with_its_placeholders() -> None:
    catalogue = i18n.catalogue()
    ids = message_ids()
    assert len(ids) > 200
    missing = sorted(ids - set(catalogue))
    assert not missing, f"add these to {i18n.CATALOGUE}: {missing}"
    for message, vietnamese in catalogue.items():
        assert vietnamese.strip(), f"empty translation of {message!r}"
        assert _fields(message) == _fields(vietnamese), f"placeholders differ for {message!r}"


FORM = {"components": [
    {"type": "select", "key": "disposition", "validate": {"required": True},
     "values": [{"label": "Có cơ sở / founded", "value": "proceed"},
                {"label": "Không / unfounded", "value": "unfounded"}]},
    {"type": "textarea", "key": "reason", "validate": {"required": True},
     "conditional": {"hide": '=disposition != "unfounded"'}},
    {"type": "number", "key": "count"}, {"type": "checkbox", "key": "urgent"},
]}


def test_posted_values_are_typed_and_hidden_ones_dropped() -> None:
    posted = MultiDict([("f.disposition", "proceed"), ("f.reason", "x"), ("f.count", "3"), ("f.urgent", "on")])
    assert formrender.read(FORM, posted) == {"disposition": "proceed", "count": 3, "urgent": True}
    posted = MultiDict([("f.disposition", "unfounded"), ("f.reason", "trùng lặp"), ("f.count", "")])
    assert formrender.read(FORM, posted) == {"disposition": "unfounded", "reason": "trùng lặp", "urgent": False}
