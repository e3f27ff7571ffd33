"""The art. 8 elements of one document, filled in, for the .docx and PDF renderers alike."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from string import Template as Filler
from typing import Any

from .templates import Template

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
_WORDS_LEFT_OUT = {"và", "tỉnh", "thành", "phố"}


@dataclass(frozen=True)
class Layout:
    """What a document shows, element by element (Nghị định 30/2020/NĐ-CP, art. 8 and appendix I)."""

    superior: str
    issuer: str
    number_line: str
    place_date: str
    name: str
    summary: str
    to: str
    paragraphs: tuple[str, ...]
    signer_lines: tuple[str, ...]
    signer_name: str
    recipients: tuple[str, ...]


def plain_name(agency_name: str) -> str:
    """The agency's name without a note in brackets ("(demo)"), as a letter writes it."""
    return re.sub(r"\s*\([^)]*\)", "", agency_name).strip()


def issuer_of(agency_name: str, province: str) -> str:
    """The issuing body as the header writes it: the agency's name without its province or a note in
    brackets ("(demo)"), in capitals."""
    plain = plain_name(agency_name)
    name = re.sub(rf"\s+(tỉnh|thành phố)\s+{re.escape(province)}\s*$", "", plain, flags=re.I) \
        if province else plain
    return name.upper()


def province_of(agency_name: str) -> str:
    """The province an agency's name ends with ('Sở Khoa học và Công nghệ tỉnh Điện Biên' → 'Điện Biên'),
    '' when it names none."""
    plain = plain_name(agency_name)
    found = re.search(r"\b(?:tỉnh|thành phố)\s+(\S.*)$", plain, flags=re.I)
    return found.group(1).strip() if found else ""


def superior_of(province: str) -> str:
    """The superior body of a provincial department: the province's People's Committee."""
    return f"UBND TỈNH {province.upper()}" if province else ""


def abbreviation(issuer: str) -> str:
    """The agency's symbol: initials of its name (Sở Khoa học và Công nghệ → SKHCN)."""
    plain = re.sub(r"\([^)]*\)", " ", issuer)  # a note in brackets ("(demo)") is no part of the name
    words = [w for w in plain.split() if w.lower() not in _WORDS_LEFT_OUT]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


_UNIT_KINDS = {"văn phòng": "VP", "thanh tra": "TTr"}
"""Units whose abbreviation is fixed by use rather than by their initials."""
_UNIT_WORDS_LEFT_OUT = {"phòng", "chi", "cục", "trung", "tâm", "ban", "và", "sở"}


def unit_abbreviation(unit_name: str) -> str:
    """The drafting unit in a letter's symbol: Văn phòng Sở → VP, Thanh tra Sở → TTr, Phòng Quản lý khoa học
    → QLKH (initials of its name without the kind of unit)."""
    plain = plain_name(unit_name.split(" / ")[0]).strip()
    for kind, short in _UNIT_KINDS.items():
        if plain.lower().startswith(kind):
            return short
    words = [w for w in plain.split() if w.lower() not in _UNIT_WORDS_LEFT_OUT]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def place_date(place: str, day: date) -> str:
    """'Sơn La, ngày 29 tháng 11 năm 2026' (day and month under 10 written 01-09, as the decree asks
    for days 1-9 and months 1-2: leading zero)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place.strip() or '……'}, ngày {day.day:02d} tháng {month} năm {day.year}"  # dots: for the clerk to fill


def fill(text: str, values: dict[str, Any]) -> str:
    """`text` with `${name}` replaced by the value (missing names stay visible for the clerk to see)."""
    return Filler(text).safe_substitute({k: "" if v is None else str(v) for k, v in values.items()})


def number_text(number: int, symbol: str) -> str:
    """A document's number and symbol as printed and cited: a number below 10 takes a leading 0
    (NĐ 30/2020/NĐ-CP, Phụ lục I: "01/TB-SKHCN")."""
    return f"{number:02d}/{symbol}"


def build(template: Template, values: dict[str, Any], number: int, issued_on: date) -> Layout:
    """The document `template` makes from `values`, numbered `number`, dated `issued_on`."""
    symbol = fill(template.symbol, values)
    if template.signer == "deputy":
        signer_lines: tuple[str, ...] = (f"KT. {values.get('head_title', 'GIÁM ĐỐC')}",
                                         str(values.get("deputy_title", "PHÓ GIÁM ĐỐC")))
        signer_name = str(values.get("deputy_name") or "")
    elif template.signer == "chair":
        signer_lines = ("CHỦ TRÌ HỘI NGHỊ",)
        signer_name = str(values.get("chair_name") or values.get("director_name") or "")
    else:
        signer_lines = (str(values.get("head_title", "GIÁM ĐỐC")),)
        signer_name = str(values.get("director_name") or "")
    return Layout(
        superior=str(values.get("superior", "")), issuer=str(values.get("issuer", "")),
        number_line=f"Số: {number_text(number, symbol)}",
        place_date=place_date(str(values.get("place", "")), issued_on),
        name=fill(template.name, values), summary=fill(template.summary, values), to=fill(template.to, values),
        paragraphs=tuple(fill(p, values) for p in template.body), signer_lines=signer_lines,
        signer_name=signer_name,
        recipients=tuple(line for r in template.recipients for line in fill(r, values).split("\n") if line.strip()))
