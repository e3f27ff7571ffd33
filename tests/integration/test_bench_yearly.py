"""The benchmark's year and upload figures (section 4) run on a small filled register and count real work."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bench import bulk, databases, report, summary, yearly_bench
from service.store.attachment_tables import Attachment


def test_the_year_s_statistics_and_an_upload_are_timed_on_the_filled_register(tmp_path: Path) -> None:
    ctx = databases.deployment(f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    try:
        bulk.fill(ctx, 300, 30, 0.25)
        found = yearly_bench.run(ctx)
        with ctx.uow(write=False) as uow:
            stored = uow.session.execute(select(func.count()).select_from(Attachment)).scalar_one()
    finally:
        ctx.db.dispose()
    year = found["statistics_of_a_year"]
    assert year["petitions_counted"] > 0 and year["received_in_report"] > 0
    assert year["statistics_ms"]["median"] > 0 and year["periodic_report_ms"]["median"] > 0
    upload = found["attachment_upload"]
    assert upload["bytes"] > 1000 and stored == upload["ms"]["n"] + 3  # the three untimed uploads too
    scale = {"sqlite": {"data": {"petitions": 300, "rows": {"human_tasks": 30, "audit_events": 0},
                                 "fill_seconds": 1.0},
                        **{name: {"ms": {"median": 1.0, "p95": 2.0}, "explain": []}
                           for name in ("task_list_page", "petition_search", "audit_of_one_petition")},
                        **found}}
    lines = [row[1] for row in report.rows({"scale": scale})]
    assert any("statistics / periodic report" in line for line in lines)
    assert any(line.startswith("attachment upload") for line in lines)
    built = summary.build({"scale": scale})
    assert built["attachment_upload_ms"] == upload["ms"]["median"]
    assert built["statistics_year_ms_100k"] is None  # 300 petitions are not the 100,000 the key names
