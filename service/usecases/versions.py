"""Versions of a process model: comparing two, and moving running instances from one to another.

Both versions must be visible to the caller's agency (its own or the shared pack's) and of the same
process; only the agency's own instances move. A move is one transaction per instance: the state is
re-aligned to the new diagram (`workflows.versions`), the instance points at the new version, its
open tasks take the new diagram's names, lanes and forms, and an `instance_migrated` event goes on
its audit chain. A dry run checks every instance the same way and writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflows import versions as engine_versions
from workflows.engine import Instance
from workflows.errors import WorkflowError
from workflows.versions import Blocker, ElementChange, ModelDiff, MoveCheck

from ..store.tables import HumanTask, ProcessInstance, ProcessVersion
from ..store.uow import ConcurrentUpdate
from . import access, audit, clock, drafts, models
from .context import Actor, Context
from .errors import Conflict, Invalid, NotFound
from .projection import persist

MOVERS = ("designer", "admin")
MAX_BULK = 500
"""Most instances one bulk move (or its dry run) handles; the rest wait for the next call."""


@dataclass(frozen=True)
class Comparison:
    """Two versions of a model and what differs between them."""

    key: str
    old: models.VersionInfo
    new: models.VersionInfo
    old_xml: str
    new_xml: str
    diff: ModelDiff

    @property
    def added(self) -> tuple[ElementChange, ...]:
        """Elements only the new version has."""
        return self.diff.of_kind("added")

    @property
    def removed(self) -> tuple[ElementChange, ...]:
        """Elements only the old version has."""
        return self.diff.of_kind("removed")

    @property
    def changed(self) -> tuple[ElementChange, ...]:
        """Elements both have, with different attributes."""
        return self.diff.of_kind("changed")


@dataclass(frozen=True)
class MoveResult:
    """One instance's move (or dry run): whether it can move (or moved), and why not."""

    instance_id: uuid.UUID
    business_key: str | None
    from_version: int
    to_version: int
    movable: bool
    moved: bool
    blockers: tuple[Blocker, ...]
    at: tuple[str, ...]
    reset: tuple[str, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it cannot move, in English (the pages word each blocker's code themselves)."""
        return tuple(b.text for b in self.blockers)


@dataclass(frozen=True)
class BulkMove:
    """A bulk move or its dry run: every running instance of the source version, each with its result."""

    key: str
    from_version: int
    to_version: int
    dry_run: bool
    results: tuple[MoveResult, ...]

    @property
    def blocked(self) -> tuple[MoveResult, ...]:
        """Instances that cannot move, each with its reasons."""
        return tuple(r for r in self.results if not r.movable)


def _version(s: Session, actor: Actor, key: str, number: int) -> ProcessVersion:
    row = models.resolve(s, access.agency_id_of(s, actor), key, number)
    if row is None:
        raise NotFound(f"process '{key}' has no version {number}")
    return row


def compare(ctx: Context, actor: Actor, key: str, old: int, new: int) -> Comparison:
    """Elements added, removed and changed from version `old` to `new` of `key`, with both diagrams."""
    access.require(actor, models.READERS, "comparing process versions")
    with ctx.uow(write=False) as uow:
        s = uow.session
        a, b = _version(s, actor, key, old), _version(s, actor, key, new)
        diff = engine_versions.compare(ctx.catalog.model(a), ctx.catalog.model(b), dict(a.resources or {}),
                                       dict(b.resources or {}))
        return Comparison(key, models._info(a), models._info(b), a.bpmn_xml, b.bpmn_xml, diff)


def _result(inst: ProcessInstance, old: int, new: int, check: MoveCheck, moved: bool = False) -> MoveResult:
    return MoveResult(inst.id, inst.business_key, old, new, check.movable, moved, check.blockers, check.at, check.reset)


def _blocked(code: str, text: str) -> MoveCheck:
    return MoveCheck(False, (Blocker(code, text),))


def _check(ctx: Context, s: Session, inst: ProcessInstance, source: ProcessVersion,
           target: ProcessVersion) -> tuple[MoveCheck, Instance | None]:
    if inst.status not in ("running", "suspended"):
        return _blocked("ended", f"the instance is {inst.status}"), None
    if inst.process_version_id == target.id:
        return _blocked("same_version", f"the instance already runs version {target.version}"), None
    try:
        instance = Instance.restore(ctx.catalog.model(source), inst.state)
    except WorkflowError as exc:
        return _blocked("unreadable", f"its state cannot be read: {exc}"), None
    return engine_versions.check_move(instance, ctx.catalog.model(target)), instance


def _move_one(ctx: Context, actor: Actor, instance_id: uuid.UUID, key: str, to_version: int,
              dry_run: bool) -> MoveResult:
    with ctx.uow(write=not dry_run) as uow:
        s = uow.session
        agency_id = access.agency_id_of(s, actor)
        inst = s.get(ProcessInstance, instance_id)
        source = s.get(ProcessVersion, inst.process_version_id) if inst is not None else None
        if inst is None or source is None or inst.agency_id != agency_id or (key and source.key != key):
            raise NotFound(f"instance {instance_id} does not exist")
        target = _version(s, actor, source.key, to_version)
        check, instance = _check(ctx, s, inst, source, target)
        if dry_run or not check.movable or instance is None:
            return _result(inst, source.version, target.version, check)
        waits_before = list(instance.snapshot().waiting_messages)
        try:
            moved, step = engine_versions.move(instance, ctx.catalog.model(target))
        except WorkflowError as exc:
            return _result(inst, source.version, target.version, _blocked("failed", f"the move failed: {exc}"))
        at = clock.now()
        entry = audit.Entry("instance_migrated", {"key": source.key, "from_version": source.version,
                                                  "to_version": target.version, "at_elements": list(check.at),
                                                  "reset_elements": list(check.reset)})
        inst.process_version_id = target.id
        suspended = inst.status == "suspended"
        persist(s, inst, moved, step, actor.username, at, first=[entry], waits_before=waits_before,
                zone=ctx.settings.timezone)
        if suspended and inst.status == "running":
            inst.status = "suspended"  # a move does not resume it
        _retitle_open_tasks(s, inst.id, moved)
        uow.commit()
        return _result(inst, source.version, target.version, check, moved=True)


def _retitle_open_tasks(s: Session, instance_id: uuid.UUID, moved: Instance) -> None:
    """Open tasks carry the new diagram's name, lane and form for their element."""
    for element_id, info in moved.model.human_tasks.items():
        s.execute(update(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.element_id == element_id,
                                          HumanTask.status == "ready")
                  .values(name=info.name[:300], lane=info.lane, form_key=info.form_key),
                  execution_options={"synchronize_session": False})


def migrate_instance(ctx: Context, actor: Actor, instance_id: uuid.UUID, to_version: int,
                     dry_run: bool = False) -> MoveResult:
    """Move one running instance of the agency to version `to_version` of its process (or only check it)."""
    access.require(actor, MOVERS, "moving instances between versions")
    try:
        return _move_one(ctx, actor, instance_id, "", to_version, dry_run)
    except ConcurrentUpdate:
        raise Conflict(f"instance {instance_id} was changed by someone else; try again") from None


def migrate_all(ctx: Context, actor: Actor, key: str, from_version: int, to_version: int,
                dry_run: bool = True) -> BulkMove:
    """Move every running instance of the agency on version `from_version` of `key` to `to_version`,
    each in its own transaction; the dry run lists which can move and why the others cannot."""
    access.require(actor, MOVERS, "moving instances between versions")
    if from_version == to_version:
        raise Invalid("the versions are the same", ["to_version: choose another version than the source"])
    with ctx.uow(write=False) as uow:
        s = uow.session
        source, _ = _version(s, actor, key, from_version), _version(s, actor, key, to_version)
        ids = list(s.execute(select(ProcessInstance.id).where(
            ProcessInstance.process_version_id == source.id,
            ProcessInstance.agency_id == access.agency_id_of(s, actor),
            ProcessInstance.status.in_(("running", "suspended"))).order_by(ProcessInstance.created_at)
            .limit(MAX_BULK)).scalars())
    results = []
    for instance_id in ids:
        try:
            results.append(_move_one(ctx, actor, instance_id, key, to_version, dry_run))
        except ConcurrentUpdate:
            results.append(MoveResult(instance_id, None, from_version, to_version, False, False, (Blocker(
                "changed_meanwhile", "it was changed by someone else meanwhile; run the move again"),), (), ()))
    return BulkMove(key, from_version, to_version, dry_run, tuple(results))


def drafts_of(ctx: Context, actor: Actor, key: str) -> list[drafts.DraftInfo]:
    """The agency's saved drafts of model `key`, newest first (a draft is never run until it is published)."""
    return [d for d in drafts.list_drafts(ctx, actor) if d.key == key]


def _draft_of(ctx: Context, actor: Actor, key: str, draft_id: int) -> drafts.DraftInfo:
    draft = drafts.get(ctx, actor, draft_id)
    if draft.key != key:
        raise NotFound(f"model '{key}' has no draft {draft_id}")
    return draft


def save_draft(ctx: Context, actor: Actor, key: str, draft_id: int, file_name: str, bpmn_xml: str,
               resources: dict[str, str]) -> drafts.DraftInfo:
    """Save a new draft of `key` (`draft_id` 0) or overwrite one; nothing is deployed."""
    if draft_id:
        _draft_of(ctx, actor, key, draft_id)
    return drafts.save(ctx, actor, draft_id, key, None, file_name, bpmn_xml, resources)


def publish_draft(ctx: Context, actor: Actor, key: str, draft_id: int) -> models.VersionInfo:
    """Deploy a saved draft as the next version of `key`: the explicit step that makes a draft run."""
    _draft_of(ctx, actor, key, draft_id)
    return drafts.deploy(ctx, actor, draft_id)
