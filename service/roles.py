"""Staff roles and groups, and which of them work which lane of a diagram.

A group is who works a lane. Every agency has the default groups, the lane roles below (`unit`
worked by `unit:<code>`); an admin adds groups of any name (`Phòng Pháp chế`), granted as the role
`group:<key>`. A lane names its group by name or id, matched as `group_key` folds them.
"""

from __future__ import annotations

import unicodedata

LANE_ROLES = ("reception", "office", "inspectorate", "director", "unit", "infocenter")
"""Lanes a diagram may have; each is worked by the staff role of the same name (`unit` by `unit:<code>`)."""

OTHER_ROLES = ("designer", "auditor", "admin")
"""Roles that work no lane: designers deploy models, auditors read, admins manage accounts."""

UNIT_PREFIX = "unit:"
GROUP_PREFIX = "group:"
"""Roles granting an agency's own groups: `group:<key>`."""
MAX_GROUP_KEY = 64 - len(GROUP_PREFIX)
"""Longest group key: its role and a task's candidate role are at most 64 characters."""
UNIT_KEY = "assigned_unit"
"""The process variable naming the unit a petition is assigned to (its lane is that unit's role)."""


def is_known_role(role: str) -> bool:
    """Whether `role` is one of the roles petitionflow grants (`unit:<code>` for any code)."""
    if role.startswith(UNIT_PREFIX):
        code = role[len(UNIT_PREFIX):]
        return bool(code) and code.replace("_", "").replace("-", "").isalnum()
    if role.startswith(GROUP_PREFIX):
        key = role[len(GROUP_PREFIX):]
        return bool(key) and group_key(key) == key and len(key) <= MAX_GROUP_KEY
    return role in LANE_ROLES or role in OTHER_ROLES


def lane_of_role(role: str) -> str | None:
    """The lane (candidate role of tasks) a role works in, if any: `unit` for units, the role for groups."""
    if role.startswith(UNIT_PREFIX):
        return "unit"
    return role if role in LANE_ROLES or role.startswith(GROUP_PREFIX) else None


def group_key(name: str) -> str:
    """The key a group or lane name is matched by: Unicode NFC, surrounding whitespace dropped, inner
    whitespace one space, case folded (`' Phòng  PHÁP chế '` and `'phòng pháp chế'` are one key)."""
    return unicodedata.normalize("NFC", " ".join(unicodedata.normalize("NFC", name).split()).casefold())


def group_role(key: str) -> str:
    """The role granting group `key`: a default group's key itself, `group:<key>` for the agency's own."""
    return key if key in LANE_ROLES else f"{GROUP_PREFIX}{key}"


def group_of_role(role: str) -> str | None:
    """The group key a role grants (`office` → `office`, `unit:science` → `unit`, `group:phòng pháp chế` →
    `phòng pháp chế`)."""
    if role.startswith(GROUP_PREFIX):
        return role[len(GROUP_PREFIX):]
    if role.startswith(UNIT_PREFIX):
        return "unit"
    return role if role in LANE_ROLES else None


def reserved_group_key(key: str) -> bool:
    """Whether `key` cannot name an agency's own group: a default group, another role, or a unit."""
    return key in LANE_ROLES or key in OTHER_ROLES or key.startswith((UNIT_PREFIX, GROUP_PREFIX))
