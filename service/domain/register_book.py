"""The petition register (sổ tiếp nhận, xử lý đơn) for a period, as the inspectorate's form lays it out.

One line per petition received in the period, oldest first, numbered (STT): when it was received, its
number, who sent it and from where, the summary of its content (trích yếu), its classification (kind and
field), competence, the handling decided (hướng xử lý), its result and notes. A confidential petition the
reader may not see keeps its line with its number and date only, so the numbering has no unexplained gap;
a denouncer's name and address are shown only to those who may know them (Luật Tố cáo 2018 art. 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..store.petition_tables import Petition
from ..store.tables import Agency
from ..usecases.context import Actor, Context
from ..usecases.errors import Forbidden
from . import petitions
from .reports import READERS, _bounds

MAX_LINES = 20_000
"""The most lines one register holds (a department receives a few thousand petitions a year)."""
DENUNCIATION = "to_cao"
KNOWS_DENOUNCERS = ("inspectorate", "director", "auditor")
"""Who may read a denouncer's identity in the register: the Inspectorate handles denunciations."""


@dataclass(frozen=True)
class RegisterLine:
    """One line of the petition register."""

    number: int
    received_at: datetime
    code: str
    sender: str
    address: str
    summary: str
    petition_type: str | None
    field: str
    competence: str | None
    handling_result: str | None
    outcome: str | None
    closed_at: datetime | None
    assigned_unit: str | None
    confidential: bool
    redacted: bool = False
    identity_withheld: bool = False


def _line(number: int, p: Petition, seen: bool, knows_denouncers: bool) -> RegisterLine:
    if not seen:
        return RegisterLine(number, p.submitted_at, p.code, "", "", "", None, "", None, None, None, None, None,
                            True, redacted=True)
    withheld = p.petition_type == DENUNCIATION and not knows_denouncers
    return RegisterLine(number, p.submitted_at, p.code, "" if withheld else p.petitioner_name,
                        "" if withheld else p.petitioner_contact, p.title, p.petition_type, p.field, p.competence,
                        p.handling_result, p.outcome, p.closed_at, p.assigned_unit, p.confidential,
                        identity_withheld=withheld)


def petition_register(ctx: Context, actor: Actor, start: date, end: date,
                      zone: str | None = None) -> list[RegisterLine]:
    """The register's lines for petitions received from `start` to `end` (both counted, in the deployment's zone)."""
    if not actor.has(*READERS):
        raise Forbidden("only the Office, the Inspectorate, the director and auditors read the register")
    low, high = _bounds(start, end, zone or ctx.settings.timezone)
    knows = actor.has(*KNOWS_DENOUNCERS)
    with ctx.uow(write=False) as uow:
        seen = petitions._seen(actor) if not actor.system else Petition.id.is_not(None)
        query = (select(Petition, seen.label("seen")).join(Agency, Agency.id == Petition.agency_id)
                 .where(Agency.code == actor.agency, Petition.submitted_at >= low, Petition.submitted_at < high)
                 .order_by(Petition.submitted_at, Petition.code).limit(MAX_LINES))
        rows = uow.session.execute(query).all()
        lines = [_line(i, p, bool(ok), knows) for i, (p, ok) in enumerate(rows, 1)]
        shown = [(str(p.id), p.code) for p, ok in rows if ok and p.confidential]
    petitions.record_listing(ctx, actor, shown, "petition register")
    return lines


def agency_name(ctx: Context, actor: Actor) -> str:
    """The name of the actor's agency, as registers and reports print it at their head."""
    with ctx.uow(write=False) as uow:
        name = uow.session.execute(select(Agency.name).where(Agency.code == actor.agency)).scalar_one_or_none()
    return str(name or actor.agency)
