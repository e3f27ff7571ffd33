"""The conditions of a petition, checked when it is received and again when its intake is completed.

What intake records (the reception's form, the API, the intake task's form): the date written on
the petition (`petition_date`), whether it is signed (`signed`), the identity document shown
(`identity_document`), how many people signed it (`signer_count`) and their representatives
(`representatives`), and for an anonymous denunciation whether its content is clear and backed by
evidence (`evidence_clear`). What it finds (`intake_flags`, with `conditions_met`):

- `undated`: no date on the petition (TT 05/2021/TT-TTCP: a petition states its date);
- `unsigned`: checked and found without a signature or fingerprint;
- `no_identity_document`: received in person without an identity document shown (Luật Tiếp công dân art. 7);
- `anonymous`: no name: filed without action (TT 05/2021), unless it is a denunciation whose content is
  clear and backed by evidence (Luật Tố cáo art. 25): then `anonymous_with_evidence`, and the handling
  decision weighs it;
- `duplicate`: the same petitioner (name or identity document) sent the same content before: it is
  linked to the earlier petition (`duplicate_of`) and not handled twice;
- `representatives_missing`: signed by several people without their representatives named
  (Nghị định 124/2020 art. 7).

Intake only flags; the handling decision (xử lý đơn) records what becomes of the petition.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import search_text
from ..store.petition_tables import Petition
from ..usecases import facts
from . import identity

FIELDS = ("petition_type", "petition_date", "signed", "identity_document", "signer_count", "representatives",
          "evidence_clear")
"""The intake's data keys (besides the petition's own), as the intake form names them."""
LIMITS = {"identity_document": 100, "representatives": 500, "petition_type": 20}
MAX_SIGNERS = 100000
BLOCKING = ("undated", "unsigned", "no_identity_document", "anonymous", "duplicate", "representatives_missing")
"""Flags that leave a petition not meeting the conditions for handling (đủ / không đủ điều kiện xử lý)."""
LATER_THAN_TODAY = "cannot be after today"
IN_PERSON = ("reception",)
"""Channels on which the petitioner is there to show an identity document."""
DUPLICATE_CANDIDATES = 50
"""At most this many earlier petitions with the same content are compared by petitioner."""


def _day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) >= 10:
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value[:10])
    return None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer() and 0 < value <= MAX_SIGNERS:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return _count(int(value.strip()))
    return None


def _text(value: Any, limit: int) -> str | None:
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def problems(data: Mapping[str, Any], today: date) -> list[str]:
    """What is wrong with the intake fields of a submission ('key: why'); absent fields are fine."""
    found: list[str] = []
    if data.get("petition_date") not in (None, ""):
        day = _day(data["petition_date"])
        if day is None:
            found.append("petition_date: a date, YYYY-MM-DD")
        elif day > today:
            found.append(f"petition_date: {LATER_THAN_TODAY}")
    for key in ("signed", "evidence_clear"):
        if data.get(key) is not None and not isinstance(data[key], bool):
            found.append(f"{key}: must be true or false")
    if data.get("signer_count") not in (None, "") and _count(data["signer_count"]) is None:
        found.append(f"signer_count: a whole number from 1 to {MAX_SIGNERS}")
    for key, limit in LIMITS.items():
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            found.append(f"{key}: must be text")
        elif isinstance(value, str) and len(value) > limit:
            found.append(f"{key}: at most {limit} characters; this text has {len(value)}")
    return found


def columns_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """The register's columns the intake fields of `data` set (only those `data` holds)."""
    values: dict[str, Any] = {}
    if "petition_type" in data:
        values["petition_type"] = _text(data["petition_type"], 20)
    if "petition_date" in data:
        values["petition_date"] = _day(data["petition_date"])
    for key in ("signed", "evidence_clear"):
        if key in data:
            values[key] = _flag(data[key])
    if "identity_document" in data:
        values["identity_document"] = _text(data["identity_document"], 100)
    if "signer_count" in data:
        values["signer_count"] = _count(data["signer_count"])
    if "representatives" in data:
        values["representatives"] = _text(data["representatives"], 500)
    if isinstance(data.get("intake_flags"), list):
        values["intake_flags"] = [str(f) for f in data["intake_flags"]][:20]
    if "duplicate_of" in data:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            values["duplicate_of"] = uuid.UUID(str(data["duplicate_of"])) if data["duplicate_of"] else None
    return values


def flags(values: Mapping[str, Any], duplicate: bool) -> list[str]:
    """The conditions `values` (the petition's fields and intake fields) leave unmet, in a fixed order."""
    found: list[str] = []
    if _day(values.get("petition_date")) is None:
        found.append("undated")
    if values.get("signed") is False:
        found.append("unsigned")
    named = bool(str(values.get("petitioner_name") or "").strip())
    if named and values.get("channel") in IN_PERSON and not _text(values.get("identity_document"), 100):
        found.append("no_identity_document")
    if not named:
        evidence = identity.protected(values.get("petition_type")) and values.get("evidence_clear") is True
        found.append("anonymous_with_evidence" if evidence else "anonymous")
    if duplicate:
        found.append("duplicate")
    count = _count(values.get("signer_count"))
    if count is not None and count > 1 and not _text(values.get("representatives"), 500):
        found.append("representatives_missing")
    return found


def find_duplicate(s: Session, agency_id: int, values: Mapping[str, Any], exclude: uuid.UUID | None,
                   before: datetime | None = None) -> Petition | None:
    """The earliest petition of the agency from the same petitioner (name or identity document) with the same
    content (folded: case, accents and spacing ignored), received `before` the petition checked when it is
    already in the register (a later copy of it is not what it repeats); None for an anonymous petition."""
    name = search_text.fold(str(values.get("petitioner_name") or ""))
    document = search_text.fold(str(values.get("identity_document") or ""))
    if not name and not document:
        return None
    content = str(values.get("content") or "")
    bodies = {search_text.body(content),  # a denunciation's stored body has its denouncer's identity taken out
              search_text.body(identity.redact_text(content, identity.secrets_of(values)))}
    keys = sorted(search_text.body_key(b) for b in bodies)  # indexed: the content itself would be read row by row
    query = (select(Petition).where(Petition.agency_id == agency_id, Petition.body_key.in_(keys),
                                    Petition.search_body.in_(sorted(bodies)))
             .order_by(Petition.submitted_at).limit(DUPLICATE_CANDIDATES))
    if exclude is not None:
        query = query.where(Petition.id != exclude)
    if before is not None:
        query = query.where(Petition.submitted_at < before)
    for earlier in s.execute(query).scalars():
        if (name and search_text.fold(earlier.petitioner_name) == name) or (
                document and search_text.fold(earlier.identity_document or "") == document):
            return earlier
    return None


def assess(s: Session, agency_id: int, values: Mapping[str, Any], exclude: uuid.UUID | None,
           before: datetime | None = None) -> dict[str, Any]:
    """The data intake adds to a petition: its flags, whether it meets the conditions, the earlier petition it
    repeats (`duplicate_of`, `duplicate_of_code`)."""
    earlier = find_duplicate(s, agency_id, values, exclude, before)
    original = s.get(Petition, earlier.duplicate_of) if earlier is not None and earlier.duplicate_of else earlier
    found = flags(values, original is not None)
    assessed = {"intake_flags": found, "conditions_met": not any(f in BLOCKING for f in found),
                "duplicate_of": str(original.id) if original is not None else None,
                "duplicate_of_code": original.code if original is not None else None}
    if original is not None and identity.protected(original.petition_type) and not values.get("petition_type"):
        assessed["petition_type"] = original.petition_type  # a copy of a denunciation hides its denouncer too
    return assessed


def at_intake(s: Session, instance_id: uuid.UUID, data: Mapping[str, Any],
              current: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The data the intake task's completion adds: the conditions assessed on what was submitted
    (`Invalid` for a petition dated after today, or a count that cannot be)."""
    by_field: dict[str, list[str]] = {}
    for problem in problems(data, today):
        key, _sep, why = problem.partition(": ")
        by_field.setdefault(key, []).append(facts.FUTURE if why == LATER_THAN_TODAY else why)
    facts.refuse(by_field, "the intake was not recorded")
    petition = s.execute(select(Petition).where(Petition.instance_id == instance_id)).scalar_one_or_none()
    if petition is None:
        return {}
    values = {**current, **data}
    return assess(s, petition.agency_id, values, petition.id, petition.submitted_at)
