"""Loading the process pack and the demo accounts a newcomer signs in with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ..pack import pack_diagrams, read_bundle
from ..store.tables import User
from . import accounts, models, plans
from .context import Actor, Context

DEMO_AGENCY = ("demo", "Sở Khoa học và Công nghệ (demo)")
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
    created = []
    for username, display, roles in DEMO_USERS:
        if username not in existing:
            accounts.add_user(ctx, system, username, DEMO_PASSWORD, roles, code, display)
            created.append(username)
    return DemoReport(versions, loaded, created)
