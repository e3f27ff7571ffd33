"""What kind of file a byte string is, judged by its content (magic bytes), never by its name.

Only kinds a department files are accepted: PDF, JPEG, PNG, TIFF, Word and Excel documents
(.docx/.xlsx, both zip packages; the package's parts say which), OpenDocument text and sheets, and
plain UTF-8 text. Anything else is refused, and so is a text that is HTML, XML or SVG (a browser
would run its scripts) or a file whose name claims a kind its bytes are not (`letter.pdf` holding
HTML, say): that mismatch is how a hostile file usually arrives.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """An accepted kind of file: its content type and the name endings that may carry it."""

    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = Kind("application/pdf", ("pdf",), "PDF")
JPEG = Kind("image/jpeg", ("jpg", "jpeg", "jpe"), "JPEG")
PNG = Kind("image/png", ("png",), "PNG")
TIFF = Kind("image/tiff", ("tif", "tiff"), "TIFF")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel")
ODT = Kind("application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument text")
ODS = Kind("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "OpenDocument spreadsheet")
TEXT = Kind("text/plain", ("txt", "text", "csv"), "text")
KINDS = (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT, ODS, TEXT)

_KNOWN_EXTENSIONS = {"htm", "html", "xhtml", "svg", "xml", "js", "mjs", "exe", "dll", "bat", "cmd", "com", "scr",
                     "ps1", "vbs", "jar", "msi", "sh", "php", "hta", "zip", "rar", "7z", "doc", "xls", "docm",
                     "xlsm", "gif", "bmp", "webp", "rtf"} | {e for k in KINDS for e in k.extensions}
"""Name endings whose kind is known: such a name must match the content (`.html` never does)."""
_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|\?xml|a\s|img\s|div|"
                     rb"style|link|form|math|xml)", re.IGNORECASE)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class Refused(ValueError):
    """The file is not of a kind that is accepted; the message says what it is and why."""


def _zip_kind(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "mimetype" in names:
                declared = package.read("mimetype").decode("ascii", "replace").strip()
                for kind in (ODT, ODS):
                    if declared == kind.content_type:
                        return kind
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError, NotImplementedError) as exc:
        raise Refused(f"the file looks like a zip package but cannot be read ({exc})") from None
    raise Refused("a zip archive that is not a Word, Excel or OpenDocument file is not accepted")


def _text_kind(data: bytes) -> Kind:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("the file is of an unknown kind (not PDF, JPEG, PNG, TIFF, Word, Excel or UTF-8 text)") from None
    if _CONTROL.search(body):
        raise Refused("the file is of an unknown kind (binary content)")
    if body.lstrip().startswith(b"<") or _MARKUP.search(body[:65536]):
        raise Refused("the file is HTML, XML or SVG, which is not accepted (a browser would run what it holds)")
    return TEXT


def kind_of(data: bytes) -> Kind:
    """The accepted kind the bytes are, or `Refused`."""
    if not data:
        raise Refused("the file is empty")
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return _text_kind(data)


def extension(name: str) -> str:
    """The name's ending, lower case, without the dot ('' when it has none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def check(name: str, data: bytes) -> Kind:
    """The kind of `data`, refusing it when its kind is not accepted or its name claims another kind."""
    kind = kind_of(data)
    ext = extension(name)
    if ext in _KNOWN_EXTENSIONS and ext not in kind.extensions:
        raise Refused(f"the name ends in .{ext} but the file is {kind.label}")
    return kind


def clean_name(name: str, limit: int = 200) -> str:
    """A file name safe to store and show: no folders, no control characters, NFC, at most `limit` characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(base) > limit:
        ext = extension(base)
        keep = limit - len(ext) - 1 if ext and len(ext) < 10 else limit
        base = base[:keep] + (f".{ext}" if keep != limit else "")
    return base or "tep-dinh-kem"


def ascii_name(name: str) -> str:
    """An ASCII stand-in for `name` (Vietnamese letters without their marks) for old clients' `filename=`."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("_") or "file"
