"""Agency ids by code, remembered per database: agencies are created, never renamed or removed."""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from .tables import Agency

_known: weakref.WeakKeyDictionary[Engine, dict[str, int]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def agency_id(session: Session, code: str) -> int | None:
    """The id of the agency `code` in the session's database, or None; a known one costs no query."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _lock:
        found = _known.get(engine, {}).get(code)
    if found is not None:
        return found
    found = session.execute(select(Agency.id).where(Agency.code == code)).scalar_one_or_none()
    if found is not None:
        with _lock:
            _known.setdefault(engine, {})[code] = int(found)
    return found
