"""Protecting denouncers (Luật Tố cáo 2018 art. 9): who sees the identity of the person who made a
denunciation, what everyone else sees in its place, and the audit event of every read.

A petition whose `petition_type` is `to_cao` keeps its denouncer's identity secret: the name, the
address and contact, the identity document and the representatives' names (`IDENTITY_KEYS`), and
any of them written into free text (title, content, notes). Those handling the denunciation see it:

- the director (Giám đốc Sở): assigns it, decides on it, signs what answers it;
- the Inspectorate (Thanh tra Sở): owns citizens' complaints and denunciations (DOMAIN.md, the lanes);
- the staff of the unit it is assigned to (`unit:<assigned_unit>`): they verify its content;
- the staff member who recorded it, and reception staff while its intake is open (they check the
  petitioner's identity document and signature).

Nobody else sees it: not the Office, other units, the information centre, the auditors (their
audit export shows the trail with the identity hidden), admins or the public. Every read of the
identity by one of the people above is recorded (`identity_read`, one event per read: a page, a
task, a list, a document, an export).

Other modules (attachments, notices, exports) call `may_see_identity` and `redact` rather than
deciding for themselves.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, or_, select, true, update
from sqlalchemy.orm import Session

from .. import search_text
from ..store.petition_tables import Petition
from ..usecases import audit, clock
from ..usecases.access import unit_codes
from ..usecases.context import Actor

PROTECTED_TYPES = ("to_cao",)
"""Petition types whose petitioner's identity is kept secret (denunciations)."""
IDENTITY_KEYS = frozenset({"petitioner_name", "petitioner_contact", "identity_document", "representatives"})
"""Data keys and columns that name or locate the petitioner."""
HIDDEN = "[Giữ bí mật người tố cáo]"
"""What a reader without the right sees in place of an identity field."""
HANDLER_ROLES = ("director", "inspectorate")
"""Roles that handle every denunciation of their agency."""
INTAKE_STAGE = "intake"
"""The stage during which reception staff check the petitioner's identity."""
RESTRICTIONS = ("none", "confidential", "identity_protected", "confidential_identity_protected")
"""What restricts a petition: nothing; its content (the whole item is seen only by those handling it);
its denouncer's identity; both."""
SHORTEST_SECRET = 3
"""Identity values shorter than this are not searched for in free text (they would match everywhere)."""


class PetitionLike(Protocol):
    """What the rules read of a petition (a `Petition` row or a `PetitionInfo`)."""

    @property
    def petition_type(self) -> str | None: ...

    @property
    def assigned_unit(self) -> str | None: ...

    @property
    def stage(self) -> str: ...


def protected(petition_type: str | None) -> bool:
    """Whether a petition of this type keeps its petitioner's identity secret."""
    return petition_type in PROTECTED_TYPES


def restriction_of(confidential: bool, petition_type: str | None) -> str:
    """Which restriction applies (one of `RESTRICTIONS`)."""
    if protected(petition_type):
        return "confidential_identity_protected" if confidential else "identity_protected"
    return "confidential" if confidential else "none"


def may_see_identity(actor: Actor, petition: PetitionLike, submitted_by: str | None = None) -> bool:
    """Whether `actor` may see the petitioner's identity of `petition` (always, unless it is a denunciation;
    then only those handling it, see the module's doc). `submitted_by` is who recorded it."""
    if not protected(petition.petition_type) or actor.system or actor.has(*HANDLER_ROLES):
        return True
    recorder = submitted_by if submitted_by is not None else getattr(petition, "submitted_by", None)
    if recorder is not None and recorder == actor.username:
        return True
    if actor.has("reception") and petition.stage == INTAKE_STAGE:
        return True
    return petition.assigned_unit is not None and petition.assigned_unit in unit_codes(actor)


def sees_identity_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL over `Petition`: the rows whose petitioner's identity the actor may see (`may_see_identity`)."""
    if actor.system or actor.has(*HANDLER_ROLES):
        return true()
    units = sorted(unit_codes(actor))
    return or_(Petition.petition_type.is_(None), Petition.petition_type.not_in(PROTECTED_TYPES),
               Petition.submitted_by == actor.username,
               and_(Petition.stage == INTAKE_STAGE, true() if actor.has("reception") else false()),
               Petition.assigned_unit.in_(units) if units else false())


def secrets_of(values: Mapping[str, Any] | Any) -> list[str]:
    """The identity values of a petition (a mapping or a row), longest first, to find in free text."""
    found: list[str] = []
    for key in sorted(IDENTITY_KEYS):
        value = values.get(key) if isinstance(values, Mapping) else getattr(values, key, None)
        if not isinstance(value, str):
            continue
        parts = [value, *(p for p in re.split(r"[,;\n]", value) if p is not value)]
        found += [p.strip() for p in parts if len(p.strip()) >= SHORTEST_SECRET]
    return sorted(set(found), key=len, reverse=True)


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """`text` with every identity value in it (any case) replaced by `HIDDEN`."""
    for secret in secrets:
        if secret and secret.casefold() in text.casefold():
            text = re.sub(re.escape(secret), HIDDEN, text, flags=re.IGNORECASE)
    return text


def redact(data: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of `data` (task data, an audit event's data, a document's values) with every identity field
    replaced by `HIDDEN` and every identity value scrubbed from the texts, at any depth."""
    known = list(secrets)
    if isinstance(data, Mapping):
        return {k: (HIDDEN if k in IDENTITY_KEYS and v not in (None, "", 0) else redact(v, known))
                for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [redact(v, known) for v in data]
    if isinstance(data, str) and known:
        return redact_text(data, known)
    return data


def strip_hidden(data: Mapping[str, Any]) -> dict[str, Any]:
    """A submission without the identity fields a redacted form sent back unchanged (they would overwrite
    the identity with `HIDDEN`)."""
    return {k: v for k, v in data.items() if not (k in IDENTITY_KEYS and v == HIDDEN)}


def record_read(session: Session, actor: Actor, agency_id: int, items: list[tuple[str, str]], what: str) -> None:
    """Append one `identity_read` event to the agency's chain: `actor` was shown the denouncer's identity of
    the petitions `items` (id, number) on `what`."""
    if not items or actor.system:
        return
    audit.append_to_agency(session, agency_id, audit.agency_chain(actor.agency), actor.username, clock.now(),
                           audit.Entry("identity_read", {"what": what, "ids": [i for i, _ in items],
                                                         "codes": [c for _, c in items],
                                                         "roles": sorted(actor.roles)}))


def protected_of_instances(session: Session, instance_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Petition]:
    """The denunciations (by instance id) among the petitions of these instances."""
    ids = list({i for i in instance_ids if i is not None})
    if not ids:
        return {}
    rows = session.execute(select(Petition).where(Petition.instance_id.in_(ids),
                                                  Petition.petition_type.in_(PROTECTED_TYPES))).scalars()
    return {p.instance_id: p for p in rows if p.instance_id is not None}


def protected_petitions(session: Session, petition_ids: Iterable[str]) -> dict[str, Petition]:
    """The denunciations (by id, as text) among these petitions (ids that are not UUIDs are ignored)."""
    ids: set[uuid.UUID] = set()
    for text in petition_ids:
        try:
            ids.add(uuid.UUID(text))
        except ValueError:
            continue
    if not ids:
        return {}
    rows = session.execute(select(Petition).where(Petition.id.in_(ids),
                                                  Petition.petition_type.in_(PROTECTED_TYPES))).scalars()
    return {str(p.id): p for p in rows}


def petition_of_instance(session: Session, instance_id: uuid.UUID) -> Petition | None:
    """The denunciation an instance handles, if it handles one."""
    return protected_of_instances(session, [instance_id]).get(instance_id)


def hidden_for(session: Session, actor: Actor, instance_id: uuid.UUID | None) -> list[str] | None:
    """None when `actor` may see everything the instance's data holds; else the denouncer's identity values to
    take out of it (the instance handles a denunciation the actor does not handle)."""
    petition = petition_of_instance(session, instance_id) if instance_id is not None else None
    if petition is None or may_see_identity(actor, petition, petition.submitted_by):
        return None
    return secrets_of(petition)


def shown_to(session: Session, actor: Actor, instance_id: uuid.UUID,
             data: Any) -> tuple[Any, tuple[int, str, str] | None]:
    """`data` of an instance as `actor` may see it, and the read to record: (agency id, petition id, number) when
    the actor handles a denunciation and the data names its denouncer, else None. Redacted (`redact`) when the
    actor does not handle it."""
    petition = petition_of_instance(session, instance_id)
    if petition is None:
        return data, None
    if not may_see_identity(actor, petition, petition.submitted_by):
        return redact(data, secrets_of(petition)), None
    read = (petition.agency_id, str(petition.id), petition.code) if _names_identity(data) else None
    return data, read


def _names_identity(data: Any) -> bool:
    if isinstance(data, Mapping):
        return any((k in IDENTITY_KEYS and v not in (None, "")) or _names_identity(v) for k, v in data.items())
    if isinstance(data, list | tuple):
        return any(_names_identity(v) for v in data)
    return False


def search_texts_of(petition: Petition) -> tuple[str, str]:
    """What a petition is found by (head, body): a denunciation never by its denouncer's identity, whoever
    searches (so a search by the name reveals nothing); any other petition by its petitioner too."""
    if protected(petition.petition_type):
        secrets = secrets_of(petition)
        return (search_text.head(petition.code, redact_text(petition.title, secrets), "", ""),
                search_text.body(redact_text(petition.content, secrets)))
    return (search_text.head(petition.code, petition.title, petition.petitioner_name, petition.petitioner_contact),
            search_text.body(petition.content))


def protect_search(session: Session, instance_id: uuid.UUID) -> None:
    """After a step made a petition a denunciation: take its denouncer's identity out of what it is found by
    (the name and contact, and the identity written into its title or content)."""
    row = session.execute(select(Petition.id, Petition.code, Petition.title, Petition.content,
                                 Petition.petitioner_name, Petition.petitioner_contact, Petition.identity_document,
                                 Petition.representatives, Petition.search_head, Petition.search_body)
                          .where(Petition.instance_id == instance_id)).first()
    if row is None:
        return
    secrets = secrets_of(row._mapping)
    head = search_text.head(row.code, redact_text(row.title, secrets), "", "")
    body = search_text.body(redact_text(row.content, secrets))
    if head != row.search_head or body != row.search_body:
        session.execute(update(Petition).where(Petition.id == row.id).values(
            search_head=head, search_body=body, body_key=search_text.body_key(body)),
            execution_options={"synchronize_session": False})


def guard_events(session: Session, actor: Actor,
                 items: list[tuple[uuid.UUID | None, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The data of audit events with a denunciation's identity taken out of the events of its instance (or
    naming its petition), for a reader who does not handle it (auditors never do: they review how it was
    handled, not who made it). Data left as it was is returned as the same object."""
    by_instance = protected_of_instances(session, [i for i, _ in items if i is not None])
    by_petition = protected_petitions(session, [str(d.get("petition_id")) for i, d in items
                                                if i is None and d.get("petition_id")])
    hidden = {key: secrets_of(p) for key, p in [*by_instance.items(), *by_petition.items()]
              if not may_see_identity(actor, p, p.submitted_by)}

    def shown(instance_id: uuid.UUID | None, data: dict[str, Any]) -> dict[str, Any]:
        key = instance_id if instance_id is not None else str(data.get("petition_id") or "")
        return redact(data, hidden[key]) if key in hidden else data

    return [shown(i, d) for i, d in items]
