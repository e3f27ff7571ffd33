"""What each plan says, read from the plan files: each seed's distinctive rule holds for it and for no
other plan, every assumed value stays marked, and the pack's forms offer the plan's own choices."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from service import plan_rules
from service.plan_format import PlanError, parse_plan, plan_as_json
from service.usecases.errors import Invalid
from service.usecases.form_description import describe_form
from service.usecases.forms import check_submission

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
PLANS = {path.name[:3]: path for path in sorted((BPMN / "plans").glob("*.toml"))}


def plan(number: str) -> dict[str, Any]:
    path = PLANS[number]
    return plan_as_json(parse_plan(path.read_bytes(), path.name))


def form(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((BPMN / "forms" / name).read_text(encoding="utf-8"))
    return loaded


def options(described: list[dict[str, Any]], name: str) -> list[Any]:
    return [o["value"] for entry in described if entry["name"] == name for o in entry["options"]]


def test_the_pack_has_the_five_seeds_and_the_natural_resources_plan() -> None:
    assert sorted(PLANS) == ["000", "001", "002", "003", "004", "005"]


def test_only_plan_000_brings_every_audience_through_the_office() -> None:
    through_office = {n: plan_rules.office_sources(plan(n)) for n in PLANS}
    assert through_office["000"] == ["citizen", "organisation", "staff"]
    assert {n for n, sources in through_office.items() if "citizen" in sources} == {"000"}
    assert all(sources == ["staff"] for n, sources in through_office.items() if n != "000")


def test_only_plan_002_hears_exactly_staff_and_citizens_with_its_staff_dialogue_tied_to_the_q4_review() -> None:
    p = plan("002")
    assert p["audiences"] == ["staff", "citizen"]
    assert plan_rules.routing(p) | {} == {"staff": "office", "citizen": "inspectorate", "organisation": "inspectorate"}
    [periodic] = plan_rules.periodic_dialogues(p)
    assert periodic["quarter"] == 4 and periodic["audiences"] == ["staff"]
    assert periodic["tied_to"] == "Hội nghị sơ kết, tổng kết cơ quan"
    others = [n for n in PLANS if n != "002"]
    assert all(plan(n)["audiences"] != ["staff", "citizen"] for n in others)
    assert all(not any("tổng kết cơ quan" in d["tied_to"] for d in plan_rules.periodic_dialogues(plan(n)))
               for n in others)


def test_only_plan_003_has_its_units_report_to_the_office_by_11_june_and_11_november() -> None:
    p = plan("003")
    assert [(r["drafter"], r["recipients"], r["due"]) for r in p["reports"]] == [
        ("units", ["Văn phòng Sở"], "2021-06-11"), ("units", ["Văn phòng Sở"], "2021-11-11")]
    assert all(r["drafter"] != "units" for n in PLANS if n != "003" for r in plan(n)["reports"])


def test_only_plan_004_has_a_unit_that_does_outreach_and_does_not_draft_answers() -> None:
    p = plan("004")
    centre = next(u for u in p["units"] if u["code"] == "technology")
    assert centre["name"].startswith("Trung tâm Nghiên cứu") and not centre["answers_petitions"]
    assert "technology" not in [u["code"] for u in plan_rules.drafting_units(p)]
    assert plan_rules.unit_for_field(p)["technology"] == "science"
    assert all(u["answers_petitions"] for n in ("000", "001", "002", "003") for u in plan(n)["units"])


def _assumed(value: Any, path: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        if value.get("assumed") is True:
            found.add(path or "/")
        for key, inner in value.items():
            found |= _assumed(inner, f"{path}/{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found |= _assumed(inner, f"{path}/{index}")
    return found


ASSUMED = {  # every plan also assumes TT02's statistics cut-off ("/statistics"): none names one
    "000": {"/reports/0", "/reports/1", "/statistics"},
    "001": {"/dialogue", "/statistics"},
    "002": {"/statistics"},
    "003": {"/dialogue", "/reception", "/statistics"},
    "004": {"/dialogue", "/reception", "/units/0", "/reports/0", "/reports/1", "/statistics"},
    "005": {"/dialogue", "/dialogue/periodic/0", "/dialogue/periodic/1", "/deadlines", "/reception", "/units/5",
            "/reports/0", "/reports/1", "/statistics"},
}


@pytest.mark.parametrize("number", sorted(ASSUMED))
def test_every_assumed_value_stays_marked_with_its_note(number: str) -> None:
    p = plan(number)
    assert _assumed(p) == ASSUMED[number]
    text = PLANS[number].read_text(encoding="utf-8")
    assert text.count("assumed = true") == len(ASSUMED[number])


@pytest.mark.parametrize("number", sorted(PLANS))
def test_the_assignment_form_offers_the_plans_own_drafting_units(number: str) -> None:
    p = plan(number)
    shown = plan_rules.form_for_plan(form("petition_assign_unit.form.json"), p)
    wanted = [u["code"] for u in plan_rules.drafting_units(p)]
    assert options(describe_form(shown, {}), "assigned_unit") == wanted
    first_field = p["units"][0]["fields"][0] if p["units"][0]["fields"] else "science"
    described = describe_form(shown, {"field": first_field})
    assert next(e for e in described if e["name"] == "assigned_unit").get("default") == \
        plan_rules.unit_for_field(p).get(first_field)
    stranger = "science" if "science" not in wanted else "land_fund"
    with pytest.raises(Invalid) as refused:
        check_submission(shown, {"assigned_unit": stranger, "draft_deadline": "P15D"}, "assign_unit")
    assert "assigned_unit" in refused.value.fields  # type: ignore[attr-defined]


def test_the_natural_resources_plan_brings_its_own_fields_units_and_audiences_into_the_forms() -> None:
    p = plan("005")
    intake = describe_form(plan_rules.form_for_plan(form("petition_intake.form.json"), p), {})
    assert options(intake, "field") == ["land", "land_registration", "compensation", "environment", "water",
                                        "minerals", "administration", "other"]
    assert options(intake, "source") == ["citizen", "organisation", "staff"]
    assign = describe_form(plan_rules.form_for_plan(form("petition_assign_unit.form.json"), p),
                           {"field": "compensation"})
    entry = next(e for e in assign if e["name"] == "assigned_unit")
    assert entry["default"] == "land_fund"
    assert {o["label"] for o in entry["options"]} >= {"Trung tâm Phát triển quỹ đất", "Văn phòng Đăng ký đất đai"}
    assert "monitoring" not in [o["value"] for o in entry["options"]]
    escalate = describe_form(plan_rules.form_for_plan(form("petition_escalate_superior.form.json"), p), {})
    assert options(escalate, "superior_authority") == [*p["superiors"], "other"]
    assert plan_rules.deadline(p, "handling") == plan_rules.Deadline("handling", 10, True, True)
    assert [d["quarter"] for d in plan_rules.periodic_dialogues(p)] == [2, 4]
    assert plan_rules.next_periodic_quarter(p, date(2024, 7, 1)) == 4


def test_a_plan_of_home_affairs_offers_no_science_field() -> None:
    intake = describe_form(plan_rules.form_for_plan(form("petition_intake.form.json"), plan("002")), {})
    assert options(intake, "field") == ["personnel", "administration", "other"]
    assert options(intake, "source") == ["staff", "citizen"]


def test_without_a_plan_the_form_is_as_written() -> None:
    written = form("petition_assign_unit.form.json")
    assert plan_rules.form_for_plan(written, None) == written


def test_reception_days_move_off_weekends_and_holidays() -> None:
    p = plan("003")  # the 15th of each month (assumed)
    days = plan_rules.reception_days(p, 2021, holidays={date(2021, 2, 15)})
    assert len(days) == 12 and days[0] == date(2021, 1, 15)
    assert days[1] == date(2021, 2, 16)  # a holiday (Tết) moves it to the next working day
    assert days[4] == date(2021, 5, 17)  # Saturday 15 May -> Monday
    assert plan_rules.reception_days(plan("000"), 2022) == []


def test_a_unit_may_not_answer_for_an_undeclared_field_and_someone_must_answer() -> None:
    text = PLANS["005"].read_text(encoding="utf-8")
    with pytest.raises(PlanError, match="undeclared fields"):
        parse_plan(text.replace('fields = ["water", "minerals"]', 'fields = ["water", "forests"]').encode())
    lone = PLANS["001"].read_text(encoding="utf-8").replace('fields = ["administration"]\n',
                                                             'fields = ["administration"]\nanswers_petitions = false\n')
    lone = lone.replace('fields = ["science", "technology"]\n', 'fields = []\nanswers_petitions = false\n')
    lone = lone.replace('fields = ["standards", "ip", "other"]\n', 'fields = []\nanswers_petitions = false\n')
    with pytest.raises(PlanError, match="no unit answers petitions"):
        parse_plan(lone.encode())


def test_a_plan_marks_its_agency_remote_and_only_then_do_its_petitions_carry_it() -> None:
    seed = PLANS["005"].read_text(encoding="utf-8")
    assert plan_rules.remote_area(parse_plan(seed.encode(), "005.toml")) is False  # the default
    remote = seed.replace("[deadlines]\n", "[deadlines]\nremote_area = true\n", 1)
    assert plan_rules.remote_area(parse_plan(remote.encode(), "005.toml")) is True
    with pytest.raises(PlanError):
        parse_plan(seed.replace("[deadlines]\n", "[deadlines]\nremote_area = \"có\"\n", 1).encode(), "005.toml")
