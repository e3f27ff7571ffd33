"""Loading the process pack and the demo accounts a newcomer signs in with.

Besides one account per role, the demo staffs every unit a petition can be assigned to: each value
of the pack forms' `assigned_unit` choice and each unit the plans name gets one account,
`donvi_<code>` (`donvi` for `science`), so no choice of the director strands a petition. The
departments of the seed plans (whose periodic reports start at once) are staffed by the same
accounts, with the same roles there (a unit's account only where the plan names the unit).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..pack import pack_diagrams, read_bundle
from ..plan_format import parse_plan
from ..roles import UNIT_KEY
from ..store.tables import User
from ..usecases import accounts, models
from ..usecases.context import Actor, Context
from ..usecases.form_description import describe_form
from . import plans

DEMO_AGENCY = ("demo", "Sở Khoa học và Công nghệ tỉnh Điện Biên (demo)")
"""The demo department; its name gives its letters their place and governing body (UBND TỈNH ĐIỆN BIÊN)."""
DEMO_PASSWORD = "petitionflow"
DEMO_USERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("tiepnhan", "Nguyễn Văn Tiếp (reception)", ("reception",)),
    ("vanphong", "Trần Thị Văn (office)", ("office",)),
    ("thanhtra", "Lê Văn Thanh (inspectorate)", ("inspectorate",)),
    ("giamdoc", "Phạm Minh Giám (director)", ("director",)),
    ("donvi", "Hoàng Thị Đơn (unit science)", ("unit:science",)),
    ("ttthongtin", "Vũ Văn Tin (infocenter)", ("infocenter",)),
    ("thietke", "Đỗ Thị Kế (designer)", ("designer",)),
    ("kiemtoan", "Bùi Văn Toán (auditor)", ("auditor",)),
    ("quantri", "Ngô Văn Trị (admin)", ("admin",)),
)


UNIT_USER_PREFIX = "donvi_"


def unit_username(code: str) -> str:
    """The demo account of a unit: `donvi` for science (the first one), `donvi_<code>` for the others."""
    return "donvi" if code == "science" else f"{UNIT_USER_PREFIX}{code}"


def _unit_choices(fields: list[dict[str, Any]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for field in fields:
        if field["name"] == UNIT_KEY:
            found |= {str(o["value"]): str(o["label"]).split(" / ")[0] for o in field.get("options") or []}
        found |= _unit_choices(field.get("components") or [])
    return found


def pack_units(pack: Path) -> dict[str, str]:
    """Every unit a petition of the pack can be assigned to, code -> name: the options of the forms'
    `assigned_unit` choice and the units of the plans."""
    units: dict[str, str] = {}
    for path in sorted((pack / "forms").glob("*.form.json")):
        units |= {k: v for k, v in _unit_choices(describe_form(json.loads(path.read_text("utf-8")), {})).items()
                  if k not in units}
    for path in sorted((pack / "plans").glob("*.toml")):
        for unit in parse_plan(path.read_bytes(), path.name)["units"]:
            units.setdefault(str(unit["code"]), str(unit["name"]))
    return units


@dataclass(frozen=True)
class DemoReport:
    """What `load_demo` did: versions deployed (or already there) and accounts created."""

    versions: list[models.VersionInfo]
    plans: list[plans.PlanInfo]
    users_created: list[str]


def load_demo(ctx: Context, pack: Path) -> DemoReport:
    """Create the demo agency, deploy every diagram of `pack`, load its plans (`pack/plans/*.toml`)
    and create the demo users; safe to run again."""
    code, name = DEMO_AGENCY
    accounts.ensure_agency(ctx, code, name)
    system = Actor("system", code, frozenset({"admin"}), system=True)
    versions = [models.deploy(ctx, system, b.bpmn, b.resources, b.file_name)
                for b in (read_bundle(p) for p in pack_diagrams(pack))]
    loaded = [plans.load_plan(ctx, system, path.read_bytes(), path.name)
              for path in sorted((pack / "plans").glob("*.toml"))]
    with ctx.uow(write=False) as uow:
        existing = set(uow.session.execute(select(User.username)).scalars())
    wanted = [*DEMO_USERS, *((unit_username(c), f"{name} (unit {c})", (f"unit:{c}",))
                             for c, name in pack_units(pack).items() if c != "science")]
    created = []
    for username, display, roles in wanted:
        if username not in existing:
            accounts.add_user(ctx, system, username, DEMO_PASSWORD, roles, code, display)
            created.append(username)
    for plan in loaded:  # the plans' departments run reports from the start: the same people staff them
        units = [str(u["code"]) for u in (plans.get_plan(ctx, plan.agency) or {}).get("units", [])]
        for username, _display, roles in wanted:
            mine = [r for r in roles if r not in ("designer",) and (not r.startswith("unit:") or r[5:] in units)]
            if mine:
                accounts.grant_roles(ctx, system, username, plan.agency, mine)
    return DemoReport(versions, loaded, created)
