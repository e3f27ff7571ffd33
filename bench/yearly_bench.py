"""Part of section 4, on the same 100,000 petitions: the year's statistics and periodic report as the
director reads them, and a file attached to a petition (a signed PDF, checked and stored with its audit row).

The filled petitions were received over the last 365 days, so the current year's period holds most of them.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from service.documents import pdf_render
from service.domain import attachments, reports, statistics
from service.store.petition_tables import Petition
from service.usecases import clock
from service.usecases.context import Context

from .document_bench import filled_reply
from .service_journey import staff
from .settings import scaled
from .stats import repeat, summary

DIRECTOR = staff("director")
INSPECTOR = staff("inspectorate")


def _year(ctx: Context) -> dict[str, Any]:
    """The statistics (Thông tư 02's year, its cut-off day) and the periodic report of the calendar year."""
    year = clock.now().year
    times = scaled(10, 3)
    first = statistics.for_period(ctx, DIRECTOR, "year", year)
    periodic = reports.periodic(ctx, DIRECTOR, date(year, 1, 1), date(year, 12, 31))
    return {"year": year, "petitions_counted": first.received + first.carried, "received_in_report": periodic.received,
            "statistics_ms": summary(repeat(lambda: statistics.for_period(ctx, DIRECTOR, "year", year), times, 1)),
            "periodic_report_ms": summary(repeat(
                lambda: reports.periodic(ctx, DIRECTOR, date(year, 1, 1), date(year, 12, 31)), times, 1))}


def _upload(ctx: Context) -> dict[str, Any]:
    """A signed reply's PDF attached to petitions taken in turn (each upload is its own transaction)."""
    with ctx.uow(write=False) as uow:
        targets: list[uuid.UUID] = list(uow.session.execute(select(Petition.id).limit(100)).scalars())
    pdf = pdf_render.render(filled_reply())
    turn = itertools.count()

    def attach() -> Any:
        target = targets[next(turn) % len(targets)]
        return attachments.add(ctx, INSPECTOR, target, [attachments.Upload("tra-loi-da-ky.pdf", pdf)])

    return {"bytes": len(pdf), "ms": summary(repeat(attach, scaled(50, 10), 3))}


def run(ctx: Context) -> dict[str, Any]:
    """The year's figures and an upload, timed on the filled database of `ctx`."""
    return {"statistics_of_a_year": _year(ctx), "attachment_upload": _upload(ctx)}
