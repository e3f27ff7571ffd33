"""The statistics of Thông tư 02/2021/TT-TTCP for one period, counted from the petition register.

A period's petitions are those carried over (received before it and still open at the end of the period
just before it) and those received in it; each is counted once, in one row by its kind and in one
column of each group (field, competence, handling result). Complaints and denunciations accepted for
handling go on the resolution table: resolved by the period's end or still pending, each in time or
late. The rule for "in time": a petition's deadline is its own statutory deadline (`deadline_at`: the
decision table's working days across the holiday calendar, with any extension by decision), the one its
handlers worked to; only a petition that has none (recorded before deadlines were kept) falls back to
the moment it was received plus the plan's `complaint_days` / `denunciation_days` (calendar days, 40 by
default: 10 to accept it and 30 to resolve it; documented in the plan's `[statistics]`). It is resolved
in time when it was closed by then, and a pending one is late when its deadline passed before the
period ended. The table layout (rows, column
labels, the codes they group) is the data file `statistics/tt02.toml` of the process pack.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from ..plan_format import StatisticsSchema
from ..store.petition_tables import Petition
from ..store.tables import Agency
from ..usecases import access
from ..usecases.context import Actor, Context
from ..usecases.errors import Forbidden, Invalid
from . import periods, petitions, plans, receptions
from .periods import Period
from .reports import READERS, _bounds

LAYOUT_FILE = Path("statistics") / "tt02.toml"


@dataclass(frozen=True)
class TypeRow:
    """One kind of petition (or the unclassified ones) in the period: how many, and how they split."""

    label: str
    codes: tuple[str, ...]
    carried: int
    received: int
    by_field: dict[str, int]
    by_competence: dict[str, int]
    by_handling: dict[str, int]
    closed: int
    open_at_end: int

    @property
    def total(self) -> int:
        """Carried over plus received: the petitions the period handles."""
        return self.carried + self.received


@dataclass(frozen=True)
class ResolutionRow:
    """Complaints or denunciations accepted for handling: resolved or pending at the period's end, in time or late."""

    label: str
    carried: int
    accepted: int
    resolved_in_time: int
    resolved_late: int
    pending_in_time: int
    pending_late: int
    days: int

    @property
    def total(self) -> int:
        """Those the period had to resolve."""
        return self.carried + self.accepted


@dataclass(frozen=True)
class Receptions:
    """Citizens received: visits, people, cases and delegations (none recorded when `recorded` is False)."""

    recorded: bool
    visits: int = 0
    people: int = 0
    cases: int = 0
    delegations: int = 0
    delegation_people: int = 0


@dataclass(frozen=True)
class Statistics:
    """A period's statistics for one agency, as the reader may see them."""

    period: Period
    cutoff_day: int
    assumed: bool
    note: str
    fields: tuple[str, ...]
    competences: tuple[tuple[str, str], ...]
    handlings: tuple[tuple[str, str], ...]
    types: tuple[TypeRow, ...]
    resolution: tuple[ResolutionRow, ...]
    receptions: Receptions
    undetermined: str
    undecided: str
    cross: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    """(type, field, competence, handling result) -> petitions, for the detailed table."""
    confidential_hidden: int = 0
    """Confidential petitions of the period the reader may not see: counted only here."""

    @property
    def carried(self) -> int:
        """Petitions open at the end of the previous period."""
        return sum(r.carried for r in self.types)

    @property
    def received(self) -> int:
        """Petitions received in the period."""
        return sum(r.received for r in self.types)

    @property
    def open_at_end(self) -> int:
        """Petitions still open at the period's end (the next period's carry-over)."""
        return sum(r.open_at_end for r in self.types)


def layout(bpmn_dir: str) -> dict[str, Any]:
    """The tables' layout from the process pack (`statistics/tt02.toml`)."""
    path = Path(bpmn_dir) / LAYOUT_FILE
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise Invalid(f"the statistics layout {LAYOUT_FILE} cannot be read: {exc}") from None
    return data


def settings_of(s: Session, agency_id: int, year: int) -> dict[str, Any]:
    """The `[statistics]` settings of the agency's plan in force for `year` (TT02's defaults when it has none)."""
    plan = plans.plan_in_force(s, agency_id, year)
    body = dict(plan.body) if plan is not None else {}
    loaded: dict[str, Any] = StatisticsSchema().load(body.get("statistics") or {})
    return loaded


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _type_index(types: list[dict[str, Any]], code: str | None) -> int:
    """The row of a petition type: its group in the layout, else the last row (unclassified)."""
    return next((i for i, t in enumerate(types) if code in t.get("codes", [])), len(types))


def _receptions(s: Session, agency_id: int, period: Period) -> Receptions:
    """The period's citizen receptions from the reception book: each session received (not refused) is one
    visit and one matter; delegations are the sessions of a group with its representatives."""
    received = [r for r in receptions.receptions_between(s, agency_id, period.start, period.end) if not r.refused]
    groups = [r for r in received if r.delegation]
    return Receptions(recorded=True, visits=len(received), people=sum(r.visitors for r in received),
                      cases=len(received), delegations=len(groups),
                      delegation_people=sum(r.visitors for r in groups))


def count(s: Session, actor: Actor, agency_id: int, period: Period, config: dict[str, Any],
          frame: dict[str, Any], zone: str) -> Statistics:
    """Count the period's petitions that `actor` may see, inside the caller's transaction."""
    low, high = _bounds(period.start, period.end, zone)
    columns = select(Petition.petition_type, Petition.field, Petition.competence, Petition.handling_result,
                     Petition.submitted_at, Petition.closed_at, Petition.deadline_at)
    scoped = petitions.visible(s, actor, cast("Select[Any]", columns)).where(
        Petition.agency_id == agency_id, Petition.submitted_at < high,
        or_(Petition.closed_at.is_(None), Petition.closed_at >= low))
    types: list[dict[str, Any]] = list(frame.get("types", []))
    competences = tuple((str(c["code"]), str(c["label"])) for c in frame.get("competence", []))
    handlings = tuple((str(h["code"]), str(h["label"])) for h in frame.get("handling", []))
    known_competence = {c for c, _label in competences}
    known_handling = {h for h, _label in handlings}
    rows: list[dict[str, Counter[str]]] = [{"n": Counter(), "field": Counter(), "competence": Counter(),
                                            "handling": Counter(), "res": Counter()} for _ in range(len(types) + 1)]
    cross: Counter[tuple[str, str, str, str]] = Counter()
    fields_seen: set[str] = set()
    accepted = str(frame.get("accepted", "thu_ly"))
    index_of: dict[str | None, int] = {}  # the layout's row of each petition type, found once a type
    for kind, fld, competence, handling, submitted, closed, statutory in s.execute(scoped):
        submitted, closed, statutory = _aware(submitted), _aware(closed), _aware(statutory)
        assert submitted is not None
        index = index_of.get(kind)
        if index is None:
            index = index_of[kind] = _type_index(types, kind)
        row = rows[index]
        carried = submitted < low
        row["n"]["carried" if carried else "received"] += 1
        is_closed = closed is not None and closed < high
        row["n"]["closed" if is_closed else "open"] += 1
        fields_seen.add(fld)
        row["field"][fld] += 1
        comp = competence if competence in known_competence else ""
        row["competence"][comp] += 1
        hand = handling if handling in known_handling else ""
        row["handling"][hand] += 1
        cross[(kind or "", fld, comp, hand)] += 1
        days_key = types[index].get("resolution_days") if index < len(types) else None
        if days_key and handling == accepted:
            deadline = statutory or submitted + timedelta(days=int(config.get(str(days_key), 40)))
            res = row["res"]
            res["carried" if carried else "accepted"] += 1
            if is_closed:
                res["resolved_in_time" if closed is not None and closed <= deadline else "resolved_late"] += 1
            else:
                res["pending_late" if deadline < high else "pending_in_time"] += 1
    labels = [str(t["label"]) for t in types] + [str(frame.get("unclassified", "unclassified"))]
    codes = [tuple(str(c) for c in t.get("codes", [])) for t in types] + [()]
    type_rows = tuple(
        TypeRow(labels[i], codes[i], r["n"]["carried"], r["n"]["received"], dict(r["field"]),
                dict(r["competence"]), dict(r["handling"]), r["n"]["closed"], r["n"]["open"])
        for i, r in enumerate(rows))
    resolution = tuple(
        ResolutionRow(labels[i], r["res"]["carried"], r["res"]["accepted"], r["res"]["resolved_in_time"],
                      r["res"]["resolved_late"], r["res"]["pending_in_time"], r["res"]["pending_late"],
                      int(config.get(str(types[i]["resolution_days"]), 40)))
        for i, r in enumerate(rows[:-1]) if types[i].get("resolution_days"))
    return Statistics(period, int(config["cutoff_day"]), bool(config["assumed"]), str(config["note"]),
                      tuple(sorted(fields_seen)), competences, handlings, type_rows, resolution,
                      _receptions(s, agency_id, period), str(frame.get("undetermined", "")),
                      str(frame.get("undecided", "")), dict(cross))


def for_period(ctx: Context, actor: Actor, kind: str, year: int) -> Statistics:
    """The statistics of period `kind` of `year` for the actor's agency, under its plan's cut-off day: over all
    of its petitions for those who see every confidential one, else over what the reader may see."""
    if not actor.has(*READERS):
        raise Forbidden("only the Office, the Inspectorate, the director and auditors read statistics")
    if not 2000 <= year <= 2100:
        raise Invalid("the year is out of range", ["year: 2000-2100"])
    frame = layout(ctx.settings.bpmn_dir)
    everyone = Actor(actor.username, actor.agency, frozenset(), system=True)
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency_id = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        if agency_id is None:
            raise Invalid("the agency has no register yet")
        config = settings_of(s, agency_id, year)
        period = periods.period(kind, year, int(config["cutoff_day"]))
        zone = ctx.settings.timezone
        full = count(s, everyone, agency_id, period, config, frame, zone)
        if actor.has(*access.SEES_ALL_CONFIDENTIAL):
            return full
        seen = count(s, actor, agency_id, period, config, frame, zone)
        hidden = full.carried + full.received - seen.carried - seen.received
        return replace(seen, confidential_hidden=hidden)


def period_for(ctx: Context, actor: Actor, kind: str | None, year: int | None, today: date) -> Period:
    """The period `kind` of `year` under the agency's cut-off day; by default the quarter `today` falls in."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency_id = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        config = settings_of(s, agency_id, year or today.year) if agency_id is not None else \
            StatisticsSchema().load({})
    cutoff = int(config["cutoff_day"])
    if kind is None or year is None:
        current = periods.quarter_of(today, cutoff)
        return periods.period(kind or current.kind, year or current.year, cutoff)
    return periods.period(kind, year, cutoff)
