"""The TT02 statistics of a seed plan's year add up: each petition once per period, carry-over equal to
the previous period's open count, every breakdown summing to its row, the periods tiling the year.

The seed journeys do not yet record a petition's kind and handling result (branch `lawpath`'s intake
does); until then this check writes them on the register rows, in a fixed cycle, before counting."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import update

from service.domain import periods, statistics
from service.domain.petitions import PetitionInfo
from service.domain.statistics import Statistics
from service.store.petition_tables import Petition
from tests.integration.department import Department

KINDS = ("khieu_nai", "to_cao", "kien_nghi", "phan_anh", None)
HANDLING = ("thu_ly", "thu_ly", "chuyen_don", "huong_dan", "luu_don", None)
DAYS = 40
"""The seed plans' `complaint_days` and `denunciation_days`: the deadline of a petition that has no statutory one."""


def classify(dept: Department) -> None:
    """Give the register rows a kind and a handling result, cycling through every value and none."""
    with dept.ctx.uow() as uow:
        for index, info in enumerate(dept.received):
            uow.session.execute(update(Petition).where(Petition.id == info.id).values(
                petition_type=KINDS[index % len(KINDS)], handling_result=HANDLING[index % len(HANDLING)]))
        uow.commit()


def _day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def _open_at(p: PetitionInfo, day: date, zone: str) -> bool:
    """Received by the end of `day` and not closed by then."""
    return _day(p.submitted_at, zone) <= day and (p.closed_at is None or _day(p.closed_at, zone) > day)


def check_period(st: Statistics, finals: list[PetitionInfo], classes: dict[object, tuple[str | None, str | None]],
                 zone: str) -> None:
    """One period's figures against a count made here, petition by petition."""
    period = st.period
    received = [p for p in finals if period.contains(_day(p.submitted_at, zone))]
    carried = [p for p in finals if _open_at(p, period.previous_end, zone)]
    assert st.received == len(received), (period, st.received, len(received))
    assert st.carried == len(carried), (period, st.carried, len(carried))
    assert st.open_at_end == sum(_open_at(p, period.end, zone) for p in finals)
    assert sum(r.total for r in st.types) == len({p.id for p in received} | {p.id for p in carried})
    for row in st.types:  # each petition in one row, in one column of each group
        for group in (row.by_field, row.by_competence, row.by_handling):
            assert sum(group.values()) == row.total, (row.label, group)
        assert row.closed + row.open_at_end == row.total
    assert sum(st.cross.values()) == st.carried + st.received
    for res in st.resolution:
        assert res.resolved_in_time + res.resolved_late + res.pending_in_time + res.pending_late == res.total
    kinds = {t.label: set(t.codes) for t in st.types}
    for res in st.resolution:
        codes = kinds[res.label]
        mine = [p for p in finals if p.id in {q.id for q in received + carried}
                and classes[p.id][0] in codes and classes[p.id][1] == "thu_ly"]
        assert res.total == len(mine)
        low_end = period.end + timedelta(days=1)
        in_time = [p for p in mine if p.closed_at is not None and _day(p.closed_at, zone) < low_end
                   and p.closed_at <= (p.deadline_at or p.submitted_at + timedelta(days=DAYS))]
        assert res.resolved_in_time == len(in_time), (res, len(in_time))


def check_statistics(dept: Department) -> None:
    """Count every TT02 period of the plan's year (and the last quarter before it) and check they add up."""
    classify(dept)
    classes: dict[object, tuple[str | None, str | None]] = {
        info.id: (KINDS[i % len(KINDS)], HANDLING[i % len(HANDLING)]) for i, info in enumerate(dept.received)}
    zone = dept.ctx.settings.timezone
    year = int(dept.plan["year"])
    finals = [dept.petition(info) for info in dept.received]
    reader = dept.staff("director")
    found = {(kind, y): statistics.for_period(dept.ctx, reader, kind, y)
             for y in (year - 1, year) for kind in periods.KINDS}
    for st in found.values():
        check_period(st, finals, classes, zone)
    quarters = [found[("q4", year - 1)]] + [found[(f"q{q}", year)] for q in (1, 2, 3, 4)]
    for before, after in pairwise(quarters):
        assert after.carried == before.open_at_end  # carry-over is the previous period's open count
        assert after.period.start == before.period.end + timedelta(days=1)
    annual = found[("year", year)]
    assert annual.received == sum(q.received for q in quarters[1:]) == len(dept.received)
    assert found[("h1", year)].received == quarters[1].received + quarters[2].received
    assert found[("m9", year)].received == found[("h1", year)].received + quarters[3].received
    assert annual.carried == found[("year", year - 1)].open_at_end
    assert found[("year", year - 1)].carried + found[("year", year - 1)].received == 0  # the plan's year only
    assert any(res.total for res in annual.resolution) or len(dept.received) < 2
