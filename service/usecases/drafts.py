"""Drafts of process models: a designer opens a deployed version, edits and saves it as a draft,
validates it, and deploys it as a new version (`models.deploy`). Only designers and admins do this."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from workflows import designer_kit
from workflows.errors import ModelError

from ..store.tables import ProcessVersion
from ..store.web_tables import ModelDraft
from . import access, clock, models
from .context import Actor, Context
from .errors import Invalid, NotFound

DESIGNERS = ("designer", "admin")


@dataclass(frozen=True)
class DraftInfo:
    """A draft with its files."""

    id: int
    key: str
    base_version_id: int | None
    file_name: str
    bpmn_xml: str
    resources: dict[str, str]
    updated_by: str
    updated_at: datetime


def _info(d: ModelDraft) -> DraftInfo:
    return DraftInfo(d.id, d.key, d.base_version_id, d.file_name, d.bpmn_xml, dict(d.resources), d.updated_by,
                     d.updated_at)


def version_files(ctx: Context, actor: Actor, version_id: int) -> DraftInfo:
    """A deployed version's files, as a draft not yet saved (id 0)."""
    access.require(actor, DESIGNERS, "editing process models")
    with ctx.uow(write=False) as uow:
        row = uow.session.get(ProcessVersion, version_id)
        if row is None or row.agency_id not in (None, access.agency_id_of(uow.session, actor)):
            raise NotFound(f"process version {version_id} does not exist")
        return DraftInfo(0, row.key, row.id, row.file_name, row.bpmn_xml, dict(row.resources), row.deployed_by,
                         row.deployed_at)


def _check_text(bpmn_xml: str, resources: Mapping[str, str], limit: int) -> None:
    sizes = [len(bpmn_xml.encode())] + [len(v.encode()) for v in resources.values()]
    if not bpmn_xml.strip():
        raise Invalid("the draft is empty", ["bpmn: required"])
    if max(sizes) > limit:
        raise Invalid("the draft is too large", [f"a file is larger than {limit} bytes"])


def save(ctx: Context, actor: Actor, draft_id: int, key: str, base_version_id: int | None, file_name: str,
         bpmn_xml: str, resources: Mapping[str, str]) -> DraftInfo:
    """Create (`draft_id` 0) or overwrite a draft of the actor's agency."""
    access.require(actor, DESIGNERS, "editing process models")
    _check_text(bpmn_xml, resources, ctx.settings.max_model_bytes)
    with ctx.uow() as uow:
        s = uow.session
        agency_id = access.agency_id_of(s, actor)
        draft = s.get(ModelDraft, draft_id) if draft_id else None
        if draft_id and (draft is None or draft.agency_id != agency_id):
            raise NotFound(f"draft {draft_id} does not exist")
        if draft is None:
            draft = ModelDraft(agency_id=agency_id, key=key[:100], base_version_id=base_version_id,
                               file_name=file_name[:200] or f"{key}.bpmn")
            s.add(draft)
        draft.bpmn_xml, draft.resources = bpmn_xml, dict(resources)
        draft.updated_by, draft.updated_at = actor.username, clock.now()
        uow.flush()
        uow.commit()
        return _info(draft)


def get(ctx: Context, actor: Actor, draft_id: int) -> DraftInfo:
    """One draft of the actor's agency."""
    access.require(actor, DESIGNERS, "editing process models")
    with ctx.uow(write=False) as uow:
        s = uow.session
        draft = s.get(ModelDraft, draft_id)
        if draft is None or draft.agency_id != access.agency_id_of(s, actor):
            raise NotFound(f"draft {draft_id} does not exist")
        return _info(draft)


def list_drafts(ctx: Context, actor: Actor) -> list[DraftInfo]:
    """The agency's drafts, most recently saved first."""
    access.require(actor, DESIGNERS, "editing process models")
    with ctx.uow(write=False) as uow:
        s = uow.session
        rows = s.execute(select(ModelDraft).where(ModelDraft.agency_id == access.agency_id_of(s, actor))
                         .order_by(ModelDraft.updated_at.desc())).scalars()
        return [_info(d) for d in rows]


def _bytes(draft: DraftInfo) -> tuple[bytes, dict[str, bytes]]:
    return draft.bpmn_xml.encode("utf-8"), {k: v.encode("utf-8") for k, v in draft.resources.items()}


def validate(ctx: Context, actor: Actor, draft_id: int) -> Any:
    """Check a draft as a deployment would; `Invalid` lists every problem, naming element ids."""
    draft = get(ctx, actor, draft_id)
    bpmn, resources = _bytes(draft)
    return models.validate_in(ctx, actor.agency, bpmn, resources, draft.file_name)


def deploy(ctx: Context, actor: Actor, draft_id: int) -> models.VersionInfo:
    """Deploy a draft as the next version of its process (the draft is kept)."""
    draft = get(ctx, actor, draft_id)
    bpmn, resources = _bytes(draft)
    return models.deploy(ctx, actor, bpmn, resources, draft.file_name, key=draft.key)


def new_process(ctx: Context, actor: Actor, key: str, name: str, lane: str) -> DraftInfo:
    """A draft of a new process `key`: a blank diagram with a start event in one lane."""
    key = key.strip()
    if not designer_kit.KEY.match(key):
        raise Invalid("the process id is not valid", fields={
            "key": ["Start with a letter; use letters, digits, _ or - (at most 100)."]})
    return save(ctx, actor, 0, key, None, f"{key}.bpmn",
                designer_kit.blank_diagram(key, name.strip() or key, lane), {})


def from_upload(ctx: Context, actor: Actor, file_name: str, data: bytes) -> DraftInfo:
    """A draft from an uploaded `.bpmn` file; its key is the id of its executable process."""
    if not file_name.lower().endswith(".bpmn"):
        raise Invalid("only .bpmn files can be opened here", fields={"file": ["Choose a .bpmn file."]})
    try:
        key = designer_kit.process_key_of(data, file_name)
        text = data.decode("utf-8")
    except (ModelError, UnicodeDecodeError) as exc:
        raise Invalid("the file is not a diagram", [str(exc)], fields={
            "file": ["The file is not a BPMN diagram with a process."]}) from None
    return save(ctx, actor, 0, key, None, file_name.rsplit("/", 1)[-1], text, {})


def add_form(ctx: Context, actor: Actor, draft_id: int, name: str) -> tuple[DraftInfo, str]:
    """Add an empty form named after `name` to a draft (`name_2`, `name_3`… when taken); answers the
    draft and the form's file name."""
    draft = get(ctx, actor, draft_id)
    first = designer_kit.form_name_for(name)
    stem = first.removesuffix(".form.json")
    taken = [first, *(f"{stem}_{n}.form.json" for n in range(2, 100))]
    file_name = next((n for n in taken if n not in draft.resources), None)
    if file_name is None:
        raise Invalid("a form of that name exists", [f"{first} is already part of the draft"],
                      fields={"name": ["A form of that name is already part of the draft."]})
    resources = {**draft.resources, file_name: designer_kit.EMPTY_FORM}
    saved = save(ctx, actor, draft_id, draft.key, draft.base_version_id, draft.file_name, draft.bpmn_xml, resources)
    return saved, file_name
