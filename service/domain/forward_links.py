"""What one agency sees of a petition forwarded to or from another agency on the deployment.

A petition forwarded on the deployment (`forwarding`) is linked both ways. Each side sees the other's
agency, number and where it stands (its open step, or how it ended), never its content: not its title,
petitioner or answer, and of a confidential one nothing but its number and status either.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.petition_tables import Petition
from ..store.tables import Agency, HumanTask


@dataclass(frozen=True)
class ForwardLink:
    """The other side of a forwarding: its agency, its number and its status, nothing of its content."""

    agency_code: str
    agency_name: str
    code: str
    stage: str
    """Where it stands: `closed`, the element of its open task, or what it waits for."""
    step: str | None
    """The name of its open step, as the process names it (None when no step is open)."""
    outcome: str | None
    """How it ended, once closed."""
    closed: bool


def _link(s: Session, petition_id: uuid.UUID | None) -> ForwardLink | None:
    if petition_id is None:
        return None
    found = s.execute(select(Petition.code, Petition.stage, Petition.outcome, Petition.closed_at, Petition.instance_id,
                             Agency.code, Agency.name).join(Agency, Agency.id == Petition.agency_id)
                      .where(Petition.id == petition_id)).one_or_none()
    if found is None:
        return None
    code, stage, outcome, closed_at, instance_id, agency_code, agency_name = found
    step = s.execute(select(HumanTask.name).where(HumanTask.instance_id == instance_id, HumanTask.status == "ready")
                     .order_by(HumanTask.created_at).limit(1)).scalar_one_or_none() if instance_id else None
    return ForwardLink(agency_code, agency_name, code, stage, step, outcome if closed_at else None,
                       closed_at is not None)


def links_of(s: Session, p: Petition) -> tuple[ForwardLink | None, ForwardLink | None]:
    """(where `p` was forwarded to, where it was forwarded from), each None when it was not."""
    return _link(s, p.forwarded_to_id), _link(s, p.forwarded_from_id)
