"""Document templates: one TOML file per kind in bpmn/documents/, which an admin may replace.

A template gives the kind's heading (`name`, empty for a letter, công văn), the symbol after the number
(`symbol`, e.g. "TB-${agency_abbr}"), the summary (trích yếu), who signs (`signer`: director or deputy),
the addressee (`to`), the body paragraphs and the recipients (nơi nhận). Values are filled with
`string.Template` (`${name}`), which cannot reach attributes or run code; an unknown name stays as written.
The file's SHA-256 is the template version recorded on each document rendered with it.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

KINDS = ("receipt", "acceptance", "acceptance_complaint", "refusal", "forwarding", "guidance", "invitation", "minutes",
         "written_reply", "notice_of_results", "periodic_report")
"""Every kind of document a petition's steps (or the periodic report) issue, in the order they come."""
SIGNERS = ("director", "deputy", "chair")
DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "bpmn" / "documents"


class TemplateError(ValueError):
    """A template file that cannot be used (missing, not TOML, a required key absent)."""


@dataclass(frozen=True)
class Template:
    """One kind's template as read from its file."""

    kind: str
    name: str
    symbol: str
    summary: str
    signer: str
    to: str
    body: tuple[str, ...]
    recipients: tuple[str, ...]
    version: str
    """SHA-256 (hex) of the file."""
    series: str = ""
    """The series the number is taken from, when it is not the symbol's: a letter (công văn) is signed
    `SKHCN-QLKH` after the unit that drafted it but numbered in the department's one series of letters."""

    def uses(self, value: str) -> bool:
        """Whether the template may print `value` (a `$value` or `${value}` placeholder) anywhere."""
        text = "\n".join((self.name, self.symbol, self.summary, self.to, *self.body, *self.recipients, self.series))
        return f"${value}" in text or f"${{{value}}}" in text


_LOADED: dict[tuple[Path, int, int], Template] = {}
_LOADED_KEPT = 64


def load(kind: str, directory: Path | str | None = None) -> Template:
    """The template of `kind` from `directory` (bpmn/documents by default); parsed once per version of its
    file (a changed file, by its modification time and size, is read again)."""
    if kind not in KINDS:
        raise TemplateError(f"unknown document kind '{kind}'")
    path = Path(directory or DEFAULT_DIR) / f"{kind}.toml"
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError(f"template {path.name}: {exc}") from exc
    key = (path, stat.st_mtime_ns, stat.st_size)
    found = _LOADED.get(key)
    if found is None:
        found = _parse(kind, path)
        if len(_LOADED) >= _LOADED_KEPT:
            _LOADED.clear()
        _LOADED[key] = found
    return found


def _parse(kind: str, path: Path) -> Template:
    try:
        raw = path.read_bytes()
        body = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"template {path.name}: {exc}") from exc
    missing = [k for k in ("symbol", "summary", "body") if not isinstance(body.get(k), str | list)]
    if missing:
        raise TemplateError(f"template {path.name}: missing {', '.join(missing)}")
    signer = str(body.get("signer", "director"))
    if signer not in SIGNERS:
        raise TemplateError(f"template {path.name}: signer must be one of {', '.join(SIGNERS)}")
    paragraphs = body["body"] if isinstance(body["body"], list) else str(body["body"]).strip().split("\n\n")
    return Template(kind=kind, name=str(body.get("name", "")), symbol=str(body["symbol"]),
                    summary=str(body["summary"]), signer=signer, to=str(body.get("to", "")),
                    body=tuple(" ".join(str(p).split()) for p in paragraphs if str(p).strip()),
                    recipients=tuple(str(r) for r in body.get("recipients", [])),
                    version=hashlib.sha256(raw).hexdigest(), series=str(body.get("series") or body["symbol"]))
