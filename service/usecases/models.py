"""Process models: validating a designer's bundle and deploying it as a new version."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from workflows.errors import ModelError, Problem
from workflows.models import ProcessModel, parse_model

from ..roles import LANE_ROLES
from ..store.tables import Agency, ProcessVersion
from . import audit, clock
from .access import require
from .context import Actor, Context
from .errors import Forbidden, Invalid, NotFound


@dataclass(frozen=True)
class VersionInfo:
    """One deployed version, as lists and the CLI show it."""

    id: int
    key: str
    version: int
    name: str
    sha256: str
    deployed_by: str
    deployed_at: datetime
    created: bool = True


def _info(row: ProcessVersion, created: bool = True) -> VersionInfo:
    return VersionInfo(row.id, row.key, row.version, row.name, row.sha256, row.deployed_by, row.deployed_at, created)


def validate(bpmn: bytes, resources: Mapping[str, bytes], file_name: str) -> ProcessModel:
    """Parse and check a bundle; `Invalid` lists every problem, each naming file and element."""
    try:
        return parse_model(bpmn, dict(resources), file_name=file_name, known_lanes=LANE_ROLES)
    except ModelError as exc:
        raise Invalid(f"{file_name} was refused", [str(p) for p in exc.problems]) from None


def _decode(resources: Mapping[str, bytes], bpmn: bytes, file_name: str) -> tuple[str, dict[str, str]]:
    try:
        return bpmn.decode("utf-8"), {name: data.decode("utf-8") for name, data in resources.items()}
    except UnicodeDecodeError as exc:
        raise Invalid(f"{file_name} was refused", [f"a file is not UTF-8 text: {exc}"]) from None


def deploy(ctx: Context, actor: Actor, bpmn: bytes, resources: Mapping[str, bytes], file_name: str) -> VersionInfo:
    """Deploy a bundle as the next version of its process; the same bundle twice is one version."""
    if not actor.has("designer", "admin"):
        raise Forbidden("only designers and admins deploy process models")
    model = validate(bpmn, resources, file_name)
    xml, texts = _decode(resources, bpmn, file_name)
    with ctx.uow() as uow:
        s = uow.session
        latest = s.execute(
            select(ProcessVersion).where(ProcessVersion.key == model.key)
            .order_by(ProcessVersion.version.desc()).limit(1)
        ).scalar_one_or_none()
        if latest is not None and latest.sha256 == model.sha256:
            return _info(latest, created=False)
        row = ProcessVersion(
            key=model.key, version=(latest.version + 1) if latest else 1, name=model.name[:300],
            sha256=model.sha256, file_name=file_name[:200], bpmn_xml=xml, resources=texts,
            deployed_by=actor.username, deployed_at=clock.now(),
        )
        s.add(row)
        uow.flush()
        agency_id = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, row.deployed_at,
                               audit.Entry("model_deployed", {"key": row.key, "version": row.version,
                                                               "sha256": row.sha256, "file_name": row.file_name}))
        uow.commit()
        return _info(row)


def list_versions(ctx: Context, key: str | None = None) -> list[VersionInfo]:
    """Every deployed version, newest first within each process."""
    with ctx.uow(write=False) as uow:
        query = select(ProcessVersion).order_by(ProcessVersion.key, ProcessVersion.version.desc())
        if key:
            query = query.where(ProcessVersion.key == key)
        return [_info(r) for r in uow.session.execute(query).scalars()]


def count_versions(ctx: Context) -> int:
    """How many versions are deployed in all."""
    with ctx.uow(write=False) as uow:
        return int(uow.session.execute(select(func.count(ProcessVersion.id))).scalar_one())


DESIGNERS = ("designer", "admin")
READERS = ("designer", "admin", "auditor")


@dataclass(frozen=True)
class CheckReport:
    """The outcome of validating a bundle: the process it defines, or every problem with its element."""

    valid: bool
    process_key: str | None
    name: str | None
    lanes: tuple[str, ...]
    human_tasks: tuple[str, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class VersionDetail:
    """One deployed version with its diagram and the names of its forms and decision tables."""

    info: VersionInfo
    bpmn_xml: str
    resources: tuple[str, ...]


def _check_size(ctx: Context, files: Mapping[str, bytes]) -> None:
    limit = ctx.settings.max_model_bytes
    big = [f"{name}: larger than {limit} bytes" for name, data in files.items() if len(data) > limit]
    if big:
        raise Invalid("a file of the bundle is too large", big)


def check_bundle(
    ctx: Context, actor: Actor, bpmn: bytes, resources: Mapping[str, bytes], file_name: str,
) -> CheckReport:
    """Validate a bundle without deploying it; problems name their file, line and element."""
    require(actor, DESIGNERS, "validating process models")
    _check_size(ctx, {file_name: bpmn, **resources})
    try:
        model = parse_model(bpmn, dict(resources), file_name=file_name, known_lanes=LANE_ROLES)
    except ModelError as exc:
        return CheckReport(False, None, None, (), (), tuple(exc.problems))
    return CheckReport(True, model.key, model.name, model.lanes, tuple(sorted(model.human_tasks)), ())


def deploy_bundle(ctx: Context, actor: Actor, bpmn: bytes, resources: Mapping[str, bytes], file_name: str,
                  key: str | None = None) -> VersionInfo:
    """Deploy a bundle as the next version of its process; with `key`, the bundle must define that process."""
    require(actor, DESIGNERS, "deploying process models")
    _check_size(ctx, {file_name: bpmn, **resources})
    if key is not None:
        model = validate(bpmn, resources, file_name)
        if model.key != key:
            raise Invalid(f"{file_name} defines process '{model.key}', not '{key}'",
                          [f"bpmn_xml: the executable process is '{model.key}', not '{key}'"])
    return deploy(ctx, actor, bpmn, resources, file_name)


def list_models(ctx: Context, actor: Actor, key: str | None = None) -> list[VersionInfo]:
    """Every deployed version (designers, admins, auditors)."""
    require(actor, READERS, "listing process models")
    return list_versions(ctx, key)


def get_version(ctx: Context, actor: Actor, key: str, version: int) -> VersionDetail:
    """One deployed version with its BPMN XML."""
    require(actor, READERS, "reading process models")
    with ctx.uow(write=False) as uow:
        row = uow.session.execute(select(ProcessVersion).where(
            ProcessVersion.key == key, ProcessVersion.version == version)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"process '{key}' has no version {version}")
        return VersionDetail(_info(row), row.bpmn_xml, tuple(sorted(row.resources or {})))


def newest_diagrams(ctx: Context, actor: Actor) -> list[str]:
    """The BPMN XML of each process's newest version, to name the elements the audit trail mentions."""
    require(actor, ("auditor", "admin", "designer"), "reading process models")
    with ctx.uow(write=False) as uow:
        latest = select(ProcessVersion.key, func.max(ProcessVersion.version).label("version")) \
            .group_by(ProcessVersion.key).subquery()
        rows = uow.session.execute(select(ProcessVersion.bpmn_xml).join(
            latest, (latest.c.key == ProcessVersion.key) & (latest.c.version == ProcessVersion.version))
            .order_by(ProcessVersion.key))
        return list(rows.scalars())


def form_choices(ctx: Context, key: str) -> list[tuple[str, str]]:
    """(value, label) of the field `key` as the newest deployed form declaring it lists them, in its order
    (labels 'Vietnamese / English' as the form has them); empty when no form declares the field."""
    with ctx.uow(write=False) as uow:
        rows = uow.session.execute(select(ProcessVersion.resources).order_by(ProcessVersion.deployed_at.desc(),
                                                                             ProcessVersion.id.desc()))
        for resources in rows.scalars():
            for file_name, text in sorted((resources or {}).items()):
                if file_name.endswith(".form.json") and f'"{key}"' in text:
                    found = _choices(text, key)
                    if found:
                        return found
    return []


def _choices(text: str, key: str) -> list[tuple[str, str]]:
    try:
        form = json.loads(text)
    except ValueError:
        return []
    stack = list(form.get("components") or []) if isinstance(form, dict) else []
    while stack:
        component = stack.pop(0)
        if not isinstance(component, dict):
            continue
        if component.get("key") == key and isinstance(component.get("values"), list):
            return [(str(v["value"]), str(v.get("label") or v["value"])) for v in component["values"]
                    if isinstance(v, dict) and "value" in v]
        stack.extend(component.get("components") or [])
    return []
