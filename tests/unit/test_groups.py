"""Groups are data: names fold alike (case, spaces, Unicode forms), lanes resolve to an agency's groups,
and every human task is in a lane, inside sub-processes too."""

from __future__ import annotations

import unicodedata

import pytest

from service.roles import group_key, group_of_role, group_role, is_known_role, lane_of_role, reserved_group_key
from service.usecases import access, groups
from service.usecases.context import Actor
from tests.unit.diagrams import lane_diagram, subprocess_diagram
from workflows.errors import ModelError
from workflows.models import parse_model

LEGAL = "Phòng Pháp chế"
KNOWN = {**{k: groups.GroupInfo(k, k, True) for k in ("office", "unit")},
         "phòng pháp chế": groups.GroupInfo("phòng pháp chế", LEGAL, False)}


@pytest.mark.parametrize("name", ["Phòng Pháp chế", "  PHÒNG PHÁP CHẾ ", "phòng  pháp\tchế",
                                  unicodedata.normalize("NFD", "Phòng Pháp Chế")])
def test_a_vietnamese_name_folds_to_one_key(name: str) -> None:
    assert group_key(name) == "phòng pháp chế"
    assert groups.lane_role(KNOWN, name) == "group:phòng pháp chế"


def test_default_groups_keep_their_role_names() -> None:
    assert groups.lane_role(KNOWN, "Office") == "office" == group_role("office")
    assert groups.lane_role(KNOWN, " OFFICE ") == "office"
    assert groups.lane_role(KNOWN, "unit") == "unit"
    assert groups.lane_role(KNOWN, "Văn phòng") is None  # no group of that name: nobody but admins
    assert groups.lane_role(KNOWN, None) is None
    assert group_key("ĐỘI KIỂM TRA") == "đội kiểm tra"


def test_group_roles_are_lanes_of_their_members() -> None:
    assert is_known_role("group:phòng pháp chế") and not is_known_role("group:Phòng Pháp chế")
    assert not is_known_role("group:")
    assert lane_of_role("group:phòng pháp chế") == "group:phòng pháp chế"
    assert lane_of_role("office") == "office" and lane_of_role("unit:science") == "unit"
    assert lane_of_role("designer") is None
    assert group_of_role("group:phòng pháp chế") == "phòng pháp chế" and group_of_role("office") == "office"
    assert group_of_role("unit:science") == "unit" and group_of_role("admin") is None
    member = Actor("phapche", "demo", frozenset({"group:phòng pháp chế"}))
    assert access.works(member, "group:phòng pháp chế", None)
    assert not access.works(member, "office", None)
    assert not access.works(Actor("vanphong", "demo", frozenset({"office"})), "group:phòng pháp chế", None)


def test_roles_and_default_groups_are_not_names_of_an_agency_group() -> None:
    assert all(reserved_group_key(k) for k in ("office", "unit", "admin", "designer", "unit:x", "group:x"))
    assert not reserved_group_key("phòng pháp chế")


def test_check_lanes_names_what_is_missing() -> None:
    check = groups.check_lanes(KNOWN, ["Office", " Phòng Pháp chế", "Thanh tra Sở", "Office"])
    assert check.needed == ("Office", "Phòng Pháp chế", "Thanh tra Sở")
    assert check.missing == ("Thanh tra Sở",)
    [problem] = groups.missing_problems(check, "demo")
    assert "'Thanh tra Sở'" in problem and "demo" in problem and "/api/v1/groups" in problem


def test_a_lane_of_any_name_is_the_lane_of_its_task() -> None:
    model = parse_model(lane_diagram(LEGAL), lanes_required=True)
    assert model.lanes == (LEGAL,) and model.human_tasks["review_legal"].lane == LEGAL


def test_a_task_in_a_sub_process_inherits_the_sub_process_lane() -> None:
    model = parse_model(subprocess_diagram("inspectorate"), lanes_required=True)
    assert model.human_tasks["inner_review"].lane == "inspectorate"


def test_a_task_in_a_sub_process_takes_its_own_nested_lane_first() -> None:
    assert parse_model(subprocess_diagram("inspectorate", LEGAL), lanes_required=True) \
        .human_tasks["inner_review"].lane == LEGAL
    assert parse_model(subprocess_diagram(None, "director"), lanes_required=True) \
        .human_tasks["inner_review"].lane == "director"


def test_a_task_in_a_sub_process_in_no_lane_is_refused_by_name() -> None:
    with pytest.raises(ModelError) as refused:
        parse_model(subprocess_diagram(None), lanes_required=True)
    [problem] = refused.value.problems
    assert problem.element_id == "inner_review"
    assert "in no lane" in problem.message and "put it in the lane" in problem.message
    assert "element inner_review" in str(problem)
    parse_model(subprocess_diagram(None))  # the engine alone does not ask for lanes


def test_a_lane_whose_name_names_no_group_may_name_one_by_its_id() -> None:
    model = parse_model(lane_diagram("Văn phòng Sở").replace(b'id="Lane_0"', b'id="office"'), lanes_required=True)
    assert model.lane_ids == {"Văn phòng Sở": "office"}
    assert groups.lane_role(KNOWN, "Văn phòng Sở", model.lane_ids) == "office"
    assert groups.check_lanes(KNOWN, model.lanes, model.lane_ids).missing == ()
    assert groups.check_lanes(KNOWN, ["Văn phòng Sở"]).missing == ("Văn phòng Sở",)
