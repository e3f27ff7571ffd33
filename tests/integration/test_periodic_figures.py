"""The periodic report's figures come from one grouped pass over the period's petitions: the totals and
every breakdown agree with the petitions themselves, unknown values counted as such."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select, update

from service.domain import petitions, reports
from service.store.petition_tables import Petition
from service.usecases import clock
from service.usecases.context import Context
from tests.conftest import actor, deploy_sample

RECEPTION = actor("tiepnhan", "reception")
DIRECTOR = actor("giamdoc", "director")


def test_totals_and_breakdowns_match_the_petitions(ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    kinds = [("citizen", "science"), ("citizen", "technology"), ("organisation", "science"), ("staff", "science")]
    made = [petitions.submit(ctx, RECEPTION, {"source": source, "field": field, "title": f"Đơn {n}",
                                              "content": "Nội dung", "petitioner_name": "Lò Văn Đức"})
            for n, (source, field) in enumerate(kinds * 2)]
    now = clock.now()
    with ctx.uow() as uow:
        s = uow.session
        s.execute(update(Petition).where(Petition.id == made[0].id).values(closed_at=now, outcome="answered",
                                                                          urgency="urgent"))
        s.execute(update(Petition).where(Petition.id == made[5].id).values(closed_at=now, outcome="withdrawn"))
        s.execute(update(Petition).where(Petition.id == made[6].id).values(closed_at=now + timedelta(days=40)))
        uow.commit()
    today = now.date()
    figures = reports.periodic(ctx, DIRECTOR, today - timedelta(days=1), today + timedelta(days=1))
    with ctx.uow(write=False) as uow:
        rows = list(uow.session.execute(select(Petition)).scalars())

    def by(column: str) -> dict[str, int]:
        return dict(Counter(str(getattr(p, column)) if getattr(p, column) is not None else "unknown" for p in rows))

    assert figures.received == len(rows) == 8
    assert (figures.closed, figures.open) == (2, 6)  # the third closes after the period
    assert figures.by_source == by("source") and figures.by_source["citizen"] == 4
    assert figures.by_field == by("field") == {"science": 6, "technology": 2}
    assert figures.by_urgency == by("urgency") and figures.by_urgency.get("urgent") == 1
    assert figures.by_outcome == by("outcome") and figures.by_outcome["answered"] == 1
    assert figures.by_outcome["unknown"] == 6
