"""The benchmark's summary object: every key always there, numbers where sections ran, null elsewhere."""

from __future__ import annotations

from typing import Any

from bench import summary

KEYS = {"http_completion_ms", "floor_ms", "http_over_floor", "pg16_throughput_per_s", "growth_200_over_10_sqlite",
        "growth_200_over_10_pg", "tasklist_p95_ms_100k", "search_p95_ms_100k", "timer_delay_p95_ms", "document_ms",
        "statistics_year_ms_100k", "attachment_upload_ms"}


def _results() -> dict[str, Any]:
    lat = {"median": 6.0, "p95": 9.0}
    return {
        "http": {
            "sqlite": {"levels": [{"users": 1, "latency_ms": lat, "completions_per_s": 150.0, "errors": 0}],
                       "floor": {"floor_ms": 4.0}},
            "postgresql": {"levels": [{"users": 16, "latency_ms": lat, "completions_per_s": 251.5, "errors": 0}]},
        },
        "growth": {"service": {"sqlite": {"ratio_200_to_10": 1.1}, "postgresql": {"ratio_200_to_10": 1.3}}},
        "scale": {
            "sqlite": {"data": {"petitions": 100_000}, "task_list_page": {"ms": {"p95": 12.0}},
                       "petition_search": {"ms": {"p95": 30.0}},
                       "statistics_of_a_year": {"statistics_ms": {"median": 90.0}},
                       "attachment_upload": {"ms": {"median": 8.0}}},
            "postgresql": {"data": {"petitions": 100_000}, "task_list_page": {"ms": {"p95": 14.0}},
                           "petition_search": {"ms": {"p95": 41.0}},
                           "statistics_of_a_year": {"statistics_ms": {"median": 70.0}},
                           "attachment_upload": {"ms": {"median": 11.0}}},
        },
        "timers": {"runs": [{"delay_ms": {"p95": 60.0}}, {"delay_ms": {"p95": 80.0}}]},
    }


def test_every_key_is_there_and_null_when_nothing_ran() -> None:
    built = summary.build({})
    assert set(built) == KEYS and len(built) == len(KEYS)
    assert all(value is None for value in built.values())


def test_figures_come_from_their_sections() -> None:
    built = summary.build(_results())
    assert set(built) == KEYS
    assert built["http_completion_ms"] == 6.0 and built["floor_ms"] == 4.0 and built["http_over_floor"] == 1.5
    assert built["pg16_throughput_per_s"] == 251.5
    assert (built["growth_200_over_10_sqlite"], built["growth_200_over_10_pg"]) == (1.1, 1.3)
    assert built["tasklist_p95_ms_100k"] == 14.0  # the worse of the two databases
    assert built["search_p95_ms_100k"] == 41.0
    assert built["statistics_year_ms_100k"] == 90.0 and built["attachment_upload_ms"] == 11.0
    assert built["timer_delay_p95_ms"] == 80.0
    assert built["document_ms"] is None


def test_figures_at_a_smaller_scale_are_not_passed_off_as_100k() -> None:
    results = _results()
    for scale in results["scale"].values():
        scale["data"]["petitions"] = 10_000
    built = summary.build(results)
    assert built["tasklist_p95_ms_100k"] is None and built["search_p95_ms_100k"] is None
    assert built["statistics_year_ms_100k"] is None
    assert built["attachment_upload_ms"] == 11.0  # an upload's time does not depend on the register's size


def test_a_document_section_is_read_when_it_exists() -> None:
    assert summary.build({"document": {"ms": {"median": 35.5}}})["document_ms"] == 35.5


def test_the_document_section_gives_document_ms() -> None:
    from bench import document_bench, report

    measured = document_bench.run(times=1)
    assert summary.build({"document": measured})["document_ms"] == measured["ms"]["median"] > 0
    assert report.rows({"document": measured})[-1][0] == "7 document"
