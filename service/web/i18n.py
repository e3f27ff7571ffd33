"""The pages' languages: a message catalogue (English message ids, Vietnamese translations) and
locale-aware formatting of dates, times and numbers (Babel), in the deployment's time zone.

Vietnamese is the default; English is the second language. Every visible string of a page goes
through `translate` (`_` in templates); a message id missing from the catalogue is shown in English
and remembered in `missing`, which the tests check is empty.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import current_app, has_request_context, request, session

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
CATALOGUE = Path(__file__).resolve().parent / "translations" / "vi.json"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """The Vietnamese catalogue: English message id -> Vietnamese text."""
    data: dict[str, str] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return data


missing: set[str] = set()
"""Message ids asked for in Vietnamese that the catalogue lacks (checked empty by the tests)."""


def current_language() -> str:
    """The language of this request: the session's choice, else Vietnamese."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate(message: str, **values: Any) -> str:
    """`message` in the current language, with `{name}` placeholders filled from `values`."""
    text = message
    if current_language() == "vi":
        found = catalogue().get(message)
        if found is None:
            missing.add(message)
        else:
            text = found
    return text.format(**values) if values else text


def bilingual(text: str | None) -> str:
    """One half of a diagram's or form's 'Vietnamese / English' text, for the current language."""
    if not text:
        return ""
    parts = [p.strip() for p in str(text).split(" / ", 1)]
    if len(parts) < 2:
        return str(text)
    return parts[0] if current_language() == "vi" else parts[1]


def label_of(component: dict[str, Any]) -> str:
    """A form component's label: `label` (Vietnamese) or `properties.label_en` (English)."""
    label = str(component.get("label") or "")
    if current_language() == "en":
        english = (component.get("properties") or {}).get("label_en")
        if english:
            return str(english)
    return bilingual(label) if " / " in label else label


def _zone() -> ZoneInfo:
    name = "Asia/Ho_Chi_Minh"
    if has_request_context():
        ctx = current_app.extensions.get("petitionflow")
        name = getattr(getattr(ctx, "settings", None), "timezone", name) or name
    return ZoneInfo(name)


DAY_PATTERN = "dd/MM/yyyy"
"""How every page writes a day: 29/11/2026 (the same in both languages, as Vietnamese offices write it)."""
MOMENT_PATTERN = "dd/MM/yyyy HH:mm"
"""How every page writes a moment: 29/11/2026 14:05, in the deployment's zone."""


def format_when(value: datetime | date | str | None, with_time: bool = True) -> str:
    """A moment (or a day) as dd/mm/yyyy HH:MM in the deployment's zone (Asia/Ho_Chi_Minh); `with_time`
    False, or a plain day, gives dd/mm/yyyy. The one date format of the pages (`when`, `day`, `|date`)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
        if with_time:
            return format_datetime(moment, MOMENT_PATTERN, tzinfo=_zone(), locale=current_language())
        return format_date(moment.astimezone(_zone()).date(), DAY_PATTERN, locale=current_language())
    assert isinstance(value, date)
    return format_date(value, DAY_PATTERN, locale=current_language())


def format_day(value: date | str | None) -> str:
    """A calendar day as dd/mm/yyyy (ISO text is accepted)."""
    if value in (None, ""):
        return "—"
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, DAY_PATTERN, locale=current_language())


def format_number(value: float | int | None) -> str:
    """A number with the current language's separators."""
    if value is None:
        return "—"
    return format_decimal(value, locale=current_language())


ZONE_NAMES = {"Asia/Ho_Chi_Minh": "Vietnam time", "Asia/Saigon": "Vietnam time", "Asia/Bangkok": "Indochina time"}
"""The words for the zones a deployment is likely to run in (the catalogue translates them)."""


def zone_name() -> str:
    """The deployment's time zone (Asia/Ho_Chi_Minh unless configured)."""
    return _zone().key


def zone_label(zone: str, at: datetime | None = None) -> str:
    """The deployment's time zone as people say it, with its offset: 'Giờ Việt Nam (GMT+7)'; a zone without
    words of its own is named by its city."""
    moment = (at or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(zone))
    offset = int((moment.utcoffset() or timedelta(0)).total_seconds() // 60)
    hours, minutes = divmod(abs(offset), 60)
    gmt = f"GMT{'-' if offset < 0 else '+'}{hours}{f':{minutes:02d}' if minutes else ''}"
    name = translate(ZONE_NAMES[zone]) if zone in ZONE_NAMES else zone.rsplit("/", 1)[-1].replace("_", " ")
    return f"{name} ({gmt})"


def language_links() -> list[tuple[str, str, bool]]:
    """(code, name, current) for the language switch."""
    lang = current_language()
    return [("vi", "Tiếng Việt", lang == "vi"), ("en", "English", lang == "en")]


def request_path() -> str:
    """The path (with query) of this request, to come back to after switching language."""
    return request.full_path.rstrip("?") if has_request_context() else "/"
