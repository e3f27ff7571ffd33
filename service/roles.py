"""Staff roles, and which roles work in which lane of a diagram."""

from __future__ import annotations

LANE_ROLES = ("reception", "office", "inspectorate", "director", "unit", "infocenter")
"""Lanes a diagram may have; each is worked by the staff role of the same name (`unit` by `unit:<code>`)."""

OTHER_ROLES = ("designer", "auditor", "admin")
"""Roles that work no lane: designers deploy models, auditors read, admins manage accounts."""

UNIT_PREFIX = "unit:"
UNIT_KEY = "assigned_unit"
"""The process variable naming the unit a petition is assigned to (its lane is that unit's role)."""


def is_known_role(role: str) -> bool:
    """Whether `role` is one of the roles petitionflow grants (`unit:<code>` for any code)."""
    if role.startswith(UNIT_PREFIX):
        code = role[len(UNIT_PREFIX):]
        return bool(code) and code.replace("_", "").replace("-", "").isalnum()
    return role in LANE_ROLES or role in OTHER_ROLES


def lane_of_role(role: str) -> str | None:
    """The lane a role works in, if any."""
    if role.startswith(UNIT_PREFIX):
        return "unit"
    return role if role in LANE_ROLES else None
