"""The header's menu: which pages a signed-in person's roles open."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import receptions, reports
from ..usecases import access, audit_queries
from ..usecases.context import Actor
from ..usecases.task_queries import OVERSEERS
from .i18n import translate as _
from .names import unit_label

INTAKE_ROLES = ("reception", "office", "inspectorate", "admin")
DIALOGUE_ROLES = ("office", "director", "inspectorate", "admin")
AUDIT_ROLES = ("auditor", "admin")
DESIGN_ROLES = ("designer", "admin")


@dataclass(frozen=True)
class NavItem:
    """One entry of the menu."""

    endpoint: str
    label: str


def navigation(actor: Actor | None) -> list[NavItem]:
    """The menu entries `actor` may open (none when nobody is signed in)."""
    if actor is None:
        return []
    items: list[NavItem] = []
    if access.lanes(actor) or actor.has(*OVERSEERS):
        items.append(NavItem("web.tasks.task_list", _("Tasks")))
    if access.lanes(actor) or actor.has(*AUDIT_ROLES, "director"):
        items.append(NavItem("web.petitions.petition_list", _("Petitions")))
    if actor.has(*INTAKE_ROLES):
        items.append(NavItem("web.petitions.intake", _("Record a petition")))
    if actor.has(*DIALOGUE_ROLES):
        items.append(NavItem("web.dialogues.dialogue_list", _("Dialogues")))
    if actor.has(*receptions.READERS):
        items.append(NavItem("web.receptions.book", _("Citizen reception")))
    if actor.has(*reports.READERS):
        items.append(NavItem("web.reports.periodic", _("Reports")))
        items.append(NavItem("web.registers.petition_register", _("Registers")))
    if actor.has(*audit_queries.READERS):  # an administrator manages accounts; reading the trail is the auditors'
        items.append(NavItem("web.audit.search", _("Audit trail")))
    if actor.has(*DESIGN_ROLES):
        items.append(NavItem("web.designer.models", _("Process models")))
    if actor.has("admin"):
        items.append(NavItem("web.admin.users", _("Accounts")))
        items.append(NavItem("web.admin.group_list", _("Groups")))
        items.append(NavItem("web.admin.incident_list", _("Stuck processes")))
        items.append(NavItem("web.notifications.outbox", _("Notifications outbox")))
    items.append(NavItem("web.notifications.preferences", _("Receiving notifications")))
    return items


def role_label(role: str) -> str:
    """A role as people call it, in the current language."""
    if role.startswith("unit:"):
        return unit_label(role[5:])
    if role.startswith("group:"):
        return role[6:]
    names = {
        "reception": _("Reception"), "office": _("Department Office"), "inspectorate": _("Inspectorate"),
        "director": _("Director"), "infocenter": _("Information centre"), "designer": _("Process designer"),
        "auditor": _("Auditor"), "admin": _("Administrator"), "unit": _("Unit"),
    }
    return names.get(role, role)
