"""What the pages call the process's codes: unit names (from the plan or the forms), the actors the
service itself acts as, and diagrams localized for the reader (lane names, bilingual element names)."""

from __future__ import annotations

from flask import g, has_request_context

from ..domain import plans
from ..domain.forwarding import SENDER as FORWARDED_BY
from . import security
from .i18n import bilingual
from .i18n import translate as _


def unit_names() -> dict[str, str]:
    """Unit code -> name for the signed-in person's agency (the default agency otherwise), once a request."""
    if not has_request_context():
        return {}
    found: dict[str, str] | None = g.get("unit_names")
    if found is None:
        ctx = security.context()
        who = security.current_actor()
        found = g.unit_names = plans.unit_names(ctx, who.agency if who else ctx.settings.default_agency)
    return found


def field_names() -> dict[str, str]:
    """Field code -> name from the plan of the signed-in person's agency, once a request (empty: no plan)."""
    if not has_request_context():
        return {}
    found: dict[str, str] | None = g.get("field_names")
    if found is None:
        ctx = security.context()
        who = security.current_actor()
        found = g.field_names = plans.field_names(ctx, who.agency if who else ctx.settings.default_agency)
    return found


def field_codes(fallback: tuple[str, ...]) -> tuple[str, ...]:
    """The fields a petition of the reader's agency may have: its plan's, else `fallback`."""
    return tuple(field_names()) or fallback


def unit_label(code: str | None) -> str:
    """A unit's name in the current language (its code only when neither plan nor form names it)."""
    if code in (None, ""):
        return "—"
    name = unit_names().get(str(code))
    return bilingual(name) if name else _("Unit {code}", code=code)


def actor_label(username: str | None) -> str:
    """Who acted: the citizen and the service itself by name, staff by their user name."""
    if username in (None, ""):
        return "—"
    names = {"public": _("A citizen"), "system": _("System")}
    if str(username).startswith(FORWARDED_BY):  # a petition another agency of the deployment forwarded
        return _("Forwarded by agency {agency}", agency=str(username)[len(FORWARDED_BY):])
    return names.get(str(username), str(username))
