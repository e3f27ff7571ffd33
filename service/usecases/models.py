"""Process models: validating a designer's bundle and deploying it as a new version.

A version belongs to the agency whose designer deployed it, and only that agency runs or reads it.
The shared pack (agency NULL) is deployed by the operator (`petitionflow demo`, `bpmn deploy`);
every agency runs the shared version of a process until it deploys its own, and no agency
designer can replace it. Version numbers count per process across the deployment, so a number
names one version wherever it is seen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from workflows.errors import ModelError, Problem
from workflows.models import ProcessModel, parse_model

from ..store.tables import Agency, ProcessVersion
from . import audit, clock, groups
from .access import require
from .context import Actor, Context
from .errors import Forbidden, Invalid, MissingGroups, ModelRefused, NotFound


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
    """Parse and check a bundle (every human task in a lane); `Invalid` lists every problem, each naming
    file and element. Whether the lanes' groups exist is `check_groups`'s part: groups belong to an agency."""
    try:
        return parse_model(bpmn, dict(resources), file_name=file_name, lanes_required=True)
    except ModelError as exc:
        raise ModelRefused(f"{file_name} was refused", exc.problems) from None


def check_groups(check: groups.LaneCheck, agency: str, file_name: str) -> None:
    """`MissingGroups` naming the groups a diagram's lanes need and those `agency` lacks, if any."""
    if check.missing:
        raise MissingGroups(
            f"{file_name} needs the groups {', '.join(check.needed)}; agency {agency} does not have "
            f"{', '.join(check.missing)}", groups.missing_problems(check, agency), check.needed, check.missing)


def validate_in(ctx: Context, agency: str, bpmn: bytes, resources: Mapping[str, bytes], file_name: str) -> ProcessModel:
    """`validate`, then check that `agency` has the group of every lane."""
    model = validate(bpmn, resources, file_name)
    check_groups(groups.agency_lane_check(ctx, agency, model.lanes, model.lane_ids), agency, file_name)
    return model


def _decode(resources: Mapping[str, bytes], bpmn: bytes, file_name: str) -> tuple[str, dict[str, str]]:
    try:
        return bpmn.decode("utf-8"), {name: data.decode("utf-8") for name, data in resources.items()}
    except UnicodeDecodeError as exc:
        raise Invalid(f"{file_name} was refused", [f"a file is not UTF-8 text: {exc}"]) from None


def visible_to(agency_id: int | None) -> ColumnElement[bool]:
    """SQL: the versions an agency runs and reads: its own and the shared pack's."""
    return or_(ProcessVersion.agency_id == agency_id, ProcessVersion.agency_id.is_(None))


def resolve(s: Session, agency_id: int | None, key: str, version: int | None = None) -> ProcessVersion | None:
    """The version an agency starts: the named one if it may run it, else its own latest, else the shared latest."""
    query = select(ProcessVersion).where(ProcessVersion.key == key, visible_to(agency_id))
    if version:
        return s.execute(query.where(ProcessVersion.version == version)).scalar_one_or_none()
    return s.execute(query.order_by(ProcessVersion.agency_id.is_(None), ProcessVersion.version.desc())
                     .limit(1)).scalar_one_or_none()


def deploy(ctx: Context, actor: Actor, bpmn: bytes, resources: Mapping[str, bytes], file_name: str,
           shared: bool = False, key: str | None = None) -> VersionInfo:
    """Deploy a bundle as the next version of its process in the actor's agency (`shared`, or the system
    actor: in the shared pack); the same bundle twice is one version.

    A model is keyed by its process id. A diagram from another file whose process id is already a model
    (fifteen unrelated diagrams all called `main`) is refused unless the caller names that `key`: it
    becomes a new version only when someone says so, never by accident."""
    if not actor.has("designer", "admin"):
        raise Forbidden("only designers and admins deploy process models")
    model = validate(bpmn, resources, file_name)
    if key is not None and model.key != key:
        raise Invalid(f"{file_name} defines process '{model.key}', not '{key}'",
                      [f"bpmn_xml: the executable process is '{model.key}', not '{key}'"])
    xml, texts = _decode(resources, bpmn, file_name)
    with ctx.uow() as uow:
        s = uow.session
        agency_id = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        owner = None if shared or actor.system else agency_id
        if owner is None and not (shared or actor.system):
            raise NotFound(f"agency '{actor.agency}' does not exist")
        lanes = groups.check_lanes(groups.agency_groups(s, agency_id), model.lanes, model.lane_ids)
        check_groups(lanes, actor.agency, file_name)
        scope = ProcessVersion.agency_id.is_(None) if owner is None else ProcessVersion.agency_id == owner
        latest = s.execute(select(ProcessVersion).where(ProcessVersion.key == model.key, scope)
                           .order_by(ProcessVersion.version.desc()).limit(1)).scalar_one_or_none()
        if latest is not None and latest.sha256 == model.sha256:
            return _info(latest, created=False)
        _refuse_unrelated(s, model.key, file_name, key)
        highest = s.execute(select(func.max(ProcessVersion.version)).where(ProcessVersion.key == model.key)).scalar()
        row = ProcessVersion(
            key=model.key, version=(highest or 0) + 1, name=model.name[:300], agency_id=owner,
            sha256=model.sha256, file_name=file_name[:200], bpmn_xml=xml, resources=texts,
            deployed_by=actor.username, deployed_at=clock.now(),
        )
        s.add(row)
        uow.flush()
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, row.deployed_at,
                               audit.Entry("model_deployed", {"key": row.key, "version": row.version,
                                                               "sha256": row.sha256, "file_name": row.file_name,
                                                               "shared": owner is None}))
        uow.commit()
        return _info(row)


def _refuse_unrelated(s: Session, process_id: str, file_name: str, key: str | None) -> None:
    if key is not None:
        return
    last = s.execute(select(ProcessVersion.file_name).where(ProcessVersion.key == process_id)
                     .order_by(ProcessVersion.id.desc()).limit(1)).scalar_one_or_none()
    if last is not None and last != file_name[:200]:
        raise Invalid(
            f"process id '{process_id}' is already the model deployed from {last}",
            [f"{file_name}: the process id '{process_id}' is already used by the model deployed from {last}; "
             f"give this diagram's process a distinct id, or deploy it as a new version of '{process_id}' on "
             f"purpose (petitionflow bpmn deploy --key {process_id}, POST /api/v1/models/{process_id}/versions)"])


def list_versions(ctx: Context, key: str | None = None, agency: str | None = None) -> list[VersionInfo]:
    """Every deployed version (with `agency`: that agency's own and the shared ones), newest first per process."""
    with ctx.uow(write=False) as uow:
        query = select(ProcessVersion).order_by(ProcessVersion.key, ProcessVersion.version.desc())
        if agency is not None:
            agency_id = uow.session.execute(select(Agency.id).where(Agency.code == agency)).scalar_one_or_none()
            query = query.where(visible_to(agency_id))
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
        model = parse_model(bpmn, dict(resources), file_name=file_name, lanes_required=True)
    except ModelError as exc:
        return CheckReport(False, None, None, (), (), tuple(exc.problems))
    check = groups.agency_lane_check(ctx, actor.agency, model.lanes, model.lane_ids)
    if check.missing:
        return CheckReport(False, model.key, model.name, model.lanes, tuple(sorted(model.human_tasks)),
                           tuple(Problem(p, file_name=file_name) for p in groups.missing_problems(check, actor.agency)))
    return CheckReport(True, model.key, model.name, model.lanes, tuple(sorted(model.human_tasks)), ())


def deploy_bundle(ctx: Context, actor: Actor, bpmn: bytes, resources: Mapping[str, bytes], file_name: str,
                  key: str | None = None) -> VersionInfo:
    """Deploy a bundle as the next version of its process; with `key`, the bundle must define that process."""
    require(actor, DESIGNERS, "deploying process models")
    _check_size(ctx, {file_name: bpmn, **resources})
    return deploy(ctx, actor, bpmn, resources, file_name, key=key)


def list_models(ctx: Context, actor: Actor, key: str | None = None) -> list[VersionInfo]:
    """Every deployed version (designers, admins, auditors)."""
    require(actor, READERS, "listing process models")
    return list_versions(ctx, key, None if actor.system else actor.agency)


def get_version(ctx: Context, actor: Actor, key: str, version: int) -> VersionDetail:
    """One deployed version with its BPMN XML."""
    require(actor, READERS, "reading process models")
    with ctx.uow(write=False) as uow:
        agency_id = uow.session.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        row = uow.session.execute(select(ProcessVersion).where(
            ProcessVersion.key == key, ProcessVersion.version == version,
            visible_to(agency_id))).scalar_one_or_none()
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
