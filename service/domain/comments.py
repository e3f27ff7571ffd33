"""Comments on a petition: what staff handling it write without completing a task.

A comment belongs to the petition's agency, is seen by everyone who may see the petition, and is
an event (`petition_commented`) on the agency's audit chain. It is not put on the instance's own
chain: that would move the instance's version and turn the open task form of whoever is working
on the petition into a conflict.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from ..store.petition_tables import Petition, PetitionComment
from ..usecases import audit, clock
from ..usecases.context import Actor, Context
from ..usecases.errors import Forbidden, Invalid, NotFound
from . import identity, petitions

MAX_LENGTH = 5000
"""Longest comment, in characters."""
WRITERS = ("reception", "office", "inspectorate", "director", "infocenter", "admin")
"""Roles that write comments (and every unit); auditors and designers read only."""


@dataclass(frozen=True)
class CommentInfo:
    """One comment as staff see it."""

    id: uuid.UUID
    petition_id: uuid.UUID
    author: str
    body: str
    created_at: datetime


def _info(c: PetitionComment) -> CommentInfo:
    return CommentInfo(c.id, c.petition_id, c.author, c.body, c.created_at)


def check_body(body: str) -> str:
    """The comment's text, or `Invalid` naming the limit and the length (nothing is cut)."""
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise Invalid("a comment needs some text", ["body: required"], fields={"body": ["required"]})
    if len(text) > MAX_LENGTH:
        message = f"at most {MAX_LENGTH} characters; this one has {len(text)}"
        raise Invalid(f"the comment is too long: {message}", [f"body: {message}"], fields={"body": [message]})
    return text


def _petition(ctx: Context, actor: Actor, petition_id: uuid.UUID) -> Petition:
    with ctx.uow(write=False) as uow:
        s = uow.session
        found: Petition | None = s.execute(petitions.visible(s, actor, select(Petition))
                                           .where(Petition.id == petition_id)).scalar()
        if found is None:
            raise NotFound(f"petition {petition_id} does not exist")
        return found


def may_write(actor: Actor) -> bool:
    """Whether the actor writes comments (staff handling petitions; not auditors or designers)."""
    return actor.has(*WRITERS) or any(r.startswith("unit:") for r in actor.roles)


def add(ctx: Context, actor: Actor, petition_id: uuid.UUID, body: str) -> CommentInfo:
    """Write a comment on a petition the actor may see and handles (not auditors or designers)."""
    if not may_write(actor):
        raise Forbidden(f"{actor.username} reads petitions but does not comment on them")
    text = check_body(body)
    petitions.get(ctx, actor, petition_id)  # the reader's rights; a confidential read is recorded
    found = _petition(ctx, actor, petition_id)
    with ctx.uow() as uow:
        s = uow.session
        comment = PetitionComment(id=uuid.uuid4(), agency_id=found.agency_id, petition_id=found.id,
                                  author=actor.username, body=text, created_at=clock.now())
        s.add(comment)
        audit.append_to_agency(s, found.agency_id, audit.agency_chain(actor.agency), actor.username,
                               comment.created_at, audit.Entry("petition_commented", {
                                   "petition_id": str(found.id), "petition_code": found.code,
                                   "comment_id": str(comment.id), "body": text}))
        info = _info(comment)
        uow.commit()
        return info


def list_comments(ctx: Context, actor: Actor, petition_id: uuid.UUID) -> list[CommentInfo]:
    """The comments on a petition the actor may see, oldest first."""
    petitions.get(ctx, actor, petition_id)
    with ctx.uow(write=False) as uow:
        rows = uow.session.execute(select(PetitionComment).where(PetitionComment.petition_id == petition_id)
                                   .order_by(PetitionComment.created_at, PetitionComment.id)).scalars()
        found = [_info(c) for c in rows]
        petition = uow.session.get(Petition, petition_id)
        if petition is None or identity.may_see_identity(actor, petition, petition.submitted_by):
            return found
        secrets = identity.secrets_of(petition)  # a denunciation's denouncer, named in a note
        return [replace(c, body=identity.redact_text(c.body, secrets)) for c in found]
