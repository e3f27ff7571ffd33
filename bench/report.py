"""The suite's one table, the targets it checks, and the JSON file of every figure."""

from __future__ import annotations

import json
from typing import Any

from . import summary
from .settings import RESULTS

Row = tuple[str, str, str, str, str]
"""section, figure, value, target, met (yes / NO / blank)."""


def _get(data: dict[str, Any], *path: Any) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:.2f} ms"


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("yes" if ok else "NO")


def rows(r: dict[str, Any]) -> list[Row]:
    """Table rows from the results; a target is judged only where its figures were measured."""
    out: list[Row] = []
    engine = r.get("engine") or {}
    step = _get(engine, "stateless", "step_ms", "median")
    if engine:
        out += [("1 engine", "in memory: instances/s (ms each)",
                 f"{engine['in_memory']['instances_per_s']} ({engine['in_memory']['ms_per_instance']:.2f} ms)", "", ""),
                ("1 engine", "stateless: instances/s", str(engine["stateless"]["instances_per_s"]), "", ""),
                ("1 engine", "stateless: ms per task step, median / p95",
                 f"{_ms(step)} / {_ms(engine['stateless']['step_ms']['p95'])}", "", "")]
    for kind, s in (r.get("service") or {}).items():
        statements = s["statements_per_completion"]["median"]
        kept = s["stored_per_finished_instance"]
        stored = (f"{kept['total_bytes']:,} (state {kept['process_instances']['bytes']:,}, "
                  f"audit {kept['audit_events']['bytes']:,})")
        out += [("2 service " + kind, "completion median / p95",
                 f"{_ms(s['completion_ms']['median'])} / {_ms(s['completion_ms']['p95'])}", "", ""),
                ("2 service " + kind, "same, engine-step limits off", _ms(s["completion_ms_step_limits_off"]["median"]),
                 "", ""),
                ("2 service " + kind, "SQL statements per completion, median (max)",
                 f"{statements:g} ({s['statements_per_completion']['max']:g})", "<= 8", _verdict(statements <= 8)),
                ("2 service " + kind, "bytes stored per finished petition", stored, "", "")]
    for kind, h in (r.get("http") or {}).items():
        floor = _get(h, "floor", "floor_ms")
        if floor:
            parts = h["floor"]
            out.append((f"3 http {kind}", "floor: no-op POST + raw engine step + state commit",
                        f"{_ms(floor)} = {_ms(parts['http_noop_post_ms']['median'])} + "
                        f"{_ms(parts['raw_engine_step_ms']['median'])} + {_ms(parts['state_commit_ms']['median'])}",
                        "", ""))
        for level in h["levels"]:
            users, lat = level["users"], level["latency_ms"]
            target, ok = "", None
            median = lat.get("median", 1e9)
            if kind == "sqlite" and users == 1 and floor:
                target, ok = "median <= 1.5x floor", median <= 1.5 * floor
            if kind == "postgresql" and users == 16:
                target, ok = ">= 250/s, 0 errors", level["completions_per_s"] >= 250 and level["errors"] == 0
            ratio = f" ({median / floor:.1f}x floor)" if floor and "median" in lat else ""
            out.append((f"3 http {kind}", f"{users} users: completions/s, median / p95, errors",
                        f"{level['completions_per_s']}/s, {_ms(lat.get('median'))}{ratio} / {_ms(lat.get('p95'))}, "
                        f"{level['errors']} errors", target, _verdict(ok)))
    for kind, sc in (r.get("scale") or {}).items():
        label = f"4 scale {kind}"
        data = sc["data"]
        out.append((label, "data", f"{data['petitions']:,} petitions, {data['rows']['human_tasks']:,} tasks, "
                    f"{data['rows']['audit_events']:,} audit rows; filled in {data['fill_seconds']} s", "", ""))
        targets: tuple[tuple[str, float | None], ...] = (
            ("task_list_page", 20.0), ("staff_task_page", None), ("petition_search", 50.0),
            ("intake_duplicate_check", None), ("audit_of_one_petition", None))
        for name, limit in targets:
            if name not in sc:
                continue
            ms = sc[name]["ms"]
            scans = sum(len(p["full_scans_of_big_tables"]) for p in sc[name]["explain"])
            out.append((label, f"{name.replace('_', ' ')}: median / p95 (full scans)",
                        f"{_ms(ms['median'])} / {_ms(ms['p95'])} ({scans})",
                        f"p95 <= {limit:g} ms" if limit else "", _verdict(ms["p95"] <= limit) if limit else ""))
        year = sc.get("statistics_of_a_year")
        if year:
            out.append((label, f"{year['year']} statistics / periodic report ({year['petitions_counted']:,} petitions):"
                        " median / p95", f"{_ms(year['statistics_ms']['median'])} / {_ms(year['statistics_ms']['p95'])}"
                        f"; {_ms(year['periodic_report_ms']['median'])} / {_ms(year['periodic_report_ms']['p95'])}",
                        "", ""))
        upload = sc.get("attachment_upload")
        if upload:
            out.append((label, f"attachment upload ({upload['bytes']:,} bytes PDF): median / p95",
                        f"{_ms(upload['ms']['median'])} / {_ms(upload['ms']['p95'])}", "", ""))
    growth = r.get("growth") or {}
    if growth:
        e = growth["engine"]
        out.append(("5 growth engine", "stateless step at 10 / 50 / 200 tasks",
                    " / ".join(_ms(e[n]["step_ms"]["median"]) for n in growth["sizes"])
                    + f" (x{growth['engine_ratio_200_to_10']})", "", ""))
        for kind, g in growth["service"].items():
            out.append((f"5 growth {kind}", "completion at 10 / 50 / 200 tasks",
                        " / ".join(_ms(g["ms"][n]["median"]) for n in growth["sizes"]) + f" (x{g['ratio_200_to_10']})",
                        "200 <= 1.5x 10", _verdict(g["ratio_200_to_10"] <= 1.5)))
    for run in (r.get("timers") or {}).get("runs", []):
        d = run["delay_ms"]
        out.append(("6 timers postgresql", f"{run['workers']} worker(s), {run['fired']}/{run['timers']} fired: "
                    "delay median / p95 / max", f"{_ms(d.get('median'))} / {_ms(d.get('p95'))} / {_ms(d.get('max'))}",
                    "p95 <= 1 s", _verdict(d.get("p95", 1e9) <= 1000 and run["fired"] == run["timers"])))
    document = r.get("document")
    if document:
        out.append(("7 document", "written reply as .docx + PDF: median (.docx / PDF)",
                    f"{_ms(document['ms']['median'])} ({_ms(document['docx_ms']['median'])} / "
                    f"{_ms(document['pdf_ms']['median'])})", "", ""))
    return out


def table(found: list[Row]) -> str:
    """The rows as a Markdown table."""
    head: Row = ("section", "figure", "value", "target", "met")
    widths = [max(len(row[i]) for row in [head, *found]) for i in range(5)]
    line = ("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in [head, *found])
    lines = list(line)
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write(results: dict[str, Any]) -> str:
    """Write results.json and table.md; returns the table."""
    RESULTS.mkdir(exist_ok=True)
    found = rows(results)
    results["targets"] = [{"section": s, "figure": f, "value": v, "target": t, "met": m == "yes"}
                          for s, f, v, t, m in found if t]
    results["summary"] = summary.build(results)
    (RESULTS / "results.json").write_text(json.dumps(results, indent=1, default=str, ensure_ascii=False))
    text = table(found)
    (RESULTS / "table.md").write_text(text + "\n")
    return text
