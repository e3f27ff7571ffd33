"""Lanes map to the deploying agency's groups: a diagram whose lane is `Phòng Pháp chế` deploys once
that group exists, its task is offered to and completed by the group's members, and a task inside a
sub-process takes the lane it is in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.store.tables import HumanTask
from service.usecases import accounts, groups, instances, models, task_queries, tasks
from service.usecases.context import Actor, Context
from service.usecases.errors import Forbidden, Invalid, MissingGroups
from tests.conftest import ADMIN, AGENCY, actor
from tests.unit.diagrams import lane_diagram, subprocess_diagram

LEGAL = "Phòng Pháp chế"
OFFICE = actor("vanphong", "office")
OTHER_ADMIN = Actor("quantri_khac", "other", frozenset({"admin", "designer"}))


def _roles(ctx: Context, username: str) -> frozenset[str]:
    found = next(u for u in accounts.list_users(ctx) if u.username == username)
    return frozenset(found.roles[AGENCY])


def _candidate_roles(ctx: Context) -> list[tuple[str, str | None, str | None]]:
    with ctx.uow(write=False) as uow:
        return [tuple(r) for r in uow.session.execute(  # type: ignore[misc]
            select(HumanTask.element_id, HumanTask.lane, HumanTask.candidate_role).order_by(HumanTask.created_at))]


def test_a_lane_named_for_a_group_deploys_once_the_group_exists(ctx: Context) -> None:
    with pytest.raises(MissingGroups) as refused:
        models.deploy(ctx, ADMIN, lane_diagram(LEGAL), {}, "legal_review.bpmn")
    assert refused.value.missing_groups == [LEGAL] and refused.value.needed_groups == [LEGAL]
    assert LEGAL in str(refused.value) and "an admin creates it" in refused.value.problems[0]
    assert models.list_versions(ctx, "legal_review") == []

    created = groups.create_group(ctx, ADMIN, "  phòng pháp CHẾ ")
    assert (created.key, created.label, created.role) == ("phòng pháp chế", "phòng pháp CHẾ", "group:phòng pháp chế")
    assert models.deploy(ctx, ADMIN, lane_diagram(LEGAL), {}, "legal_review.bpmn").version == 1

    accounts.add_user(ctx, ADMIN, "phapche", "mat-khau-dai", ["reception"], AGENCY)
    groups.grant_group(ctx, ADMIN, LEGAL, "phapche")
    member = actor("phapche", *_roles(ctx, "phapche"))
    assert member.roles == {"reception", "group:phòng pháp chế"}

    started = instances.start_instance(ctx, OFFICE, "legal_review", {})
    [task] = started.open_tasks
    assert _candidate_roles(ctx) == [("review_legal", LEGAL, "group:phòng pháp chế")]
    listed = task_queries.list_tasks(ctx, member, "group")
    assert [t.element_id for t in listed.items] == ["review_legal"]
    assert task_queries.list_tasks(ctx, actor("tiepnhan", "reception"), "group").items == []
    with pytest.raises(Forbidden):
        tasks.complete(ctx, actor("tiepnhan", "reception"), task.id, {})
    with pytest.raises(Forbidden):
        tasks.complete(ctx, OFFICE, task.id, {})
    tasks.complete(ctx, member, task.id, {})
    assert instances.get_instance(ctx, OFFICE, started.id).status == "completed"


def test_another_agency_has_its_own_groups(ctx: Context) -> None:
    accounts.ensure_agency(ctx, "other", "Sở khác")
    groups.create_group(ctx, OTHER_ADMIN, LEGAL)
    with pytest.raises(MissingGroups):
        models.deploy(ctx, ADMIN, lane_diagram(LEGAL), {}, "legal_review.bpmn")
    assert "phòng pháp chế" not in {g.key for g in groups.list_groups(ctx, ADMIN)}
    assert models.deploy(ctx, OTHER_ADMIN, lane_diagram(LEGAL), {}, "legal_review.bpmn").version == 1


def test_a_task_in_a_sub_process_works_the_lane_it_is_in(ctx: Context) -> None:
    models.deploy(ctx, ADMIN, subprocess_diagram("Inspectorate"), {}, "block_review.bpmn")
    instances.start_instance(ctx, OFFICE, "block_review", {})
    assert _candidate_roles(ctx) == [("inner_review", "Inspectorate", "inspectorate")]


def test_a_nested_lane_of_a_sub_process_names_its_own_group(ctx: Context) -> None:
    groups.create_group(ctx, ADMIN, LEGAL)
    models.deploy(ctx, ADMIN, subprocess_diagram("director", LEGAL), {}, "block_review.bpmn")
    instances.start_instance(ctx, OFFICE, "block_review", {})
    assert _candidate_roles(ctx) == [("inner_review", LEGAL, "group:phòng pháp chế")]


def test_a_user_task_in_a_sub_process_in_no_lane_is_refused(ctx: Context) -> None:
    with pytest.raises(Invalid) as refused:
        models.deploy(ctx, ADMIN, subprocess_diagram(None), {}, "block_review.bpmn")
    [problem] = refused.value.problems
    assert "element inner_review" in problem and "in no lane" in problem
    report = models.check_bundle(ctx, ADMIN, subprocess_diagram(None), {}, "block_review.bpmn")
    assert not report.valid and [p.element_id for p in report.problems] == ["inner_review"]


def test_a_lane_named_in_vietnamese_works_the_group_its_id_names(ctx: Context) -> None:
    diagram = lane_diagram("Văn phòng Sở").replace(b'id="Lane_0"', b'id="Office"')
    models.deploy(ctx, ADMIN, diagram, {}, "legal_review.bpmn")
    instances.start_instance(ctx, OFFICE, "legal_review", {})
    assert _candidate_roles(ctx) == [("review_legal", "Văn phòng Sở", "office")]
