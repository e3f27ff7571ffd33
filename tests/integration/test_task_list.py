"""The task lists (the API's pages and the staff's page): counted and ordered as the lanes see them,
overdue ones by due date, and a confidential instance's task left out of the overseers' `all` list
unless they handle it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from service.domain import petitions, web_queries
from service.store.tables import HumanTask
from service.usecases import clock, instances, models, task_queries
from service.usecases.context import Context
from tests.conftest import ADMIN, actor, deploy_sample
from tests.unit.diagrams import lane_diagram

OFFICE = actor("vanphong", "office")
INSPECTOR = actor("thanhtra", "inspectorate")
RECEPTION = actor("tiepnhan", "reception")


def _due_in(ctx: Context, task_ids: list[object], hours: list[float | None]) -> None:
    now = clock.now()
    with ctx.uow() as uow:
        for task_id, h in zip(task_ids, hours, strict=True):
            uow.session.execute(update(HumanTask).where(HumanTask.id == task_id)
                                .values(due_at=None if h is None else now + timedelta(hours=h)))
        uow.commit()


def test_pages_are_counted_and_ordered_by_due_date(ctx: Context) -> None:
    models.deploy(ctx, ADMIN, lane_diagram("office", "review"), {}, "review.bpmn")
    started = [instances.start_instance(ctx, OFFICE, "legal_review", {}) for _ in range(6)]
    ids = [s.open_tasks[0].id for s in started]
    _due_in(ctx, ids, [-1, -30, None, 5, -2, -30])

    overdue = task_queries.list_tasks(ctx, OFFICE, "group", overdue=True, sort="due", per_page=2)
    assert overdue.total == 4
    assert [t.id for t in overdue.items] == [ids[1], ids[5]]  # the same due date: the older task first
    second = task_queries.list_tasks(ctx, OFFICE, "group", overdue=True, sort="due", page=2, per_page=2)
    assert [t.id for t in second.items] == [ids[4], ids[0]] and second.total == 4

    every = task_queries.list_tasks(ctx, OFFICE, "group", sort="due")
    assert every.total == 6 and [t.id for t in every.items][2:] == [ids[4], ids[0], ids[3], ids[2]]  # undated last
    on_time = task_queries.list_tasks(ctx, OFFICE, "group", overdue=False)
    assert {t.id for t in on_time.items} == {ids[2], ids[3]} and on_time.total == 2
    by_creation = task_queries.list_tasks(ctx, OFFICE, "group", overdue=True, sort="created")
    assert [t.id for t in by_creation.items] == [ids[0], ids[1], ids[4], ids[5]]


def test_the_all_list_counts_only_what_its_reader_may_see(ctx: Context) -> None:
    models.deploy(ctx, ADMIN, lane_diagram("inspectorate", "review"), {}, "review.bpmn")
    open_one = instances.start_instance(ctx, INSPECTOR, "legal_review", {})
    secret = instances.start_instance(ctx, INSPECTOR, "legal_review", {"confidential": True})
    listed = task_queries.list_tasks(ctx, OFFICE, "all")  # the Office oversees, but does not handle the secret one
    assert listed.total == 1 and [t.id for t in listed.items] == [open_one.open_tasks[0].id]
    director = task_queries.list_tasks(ctx, actor("giamdoc", "director"), "all", overdue=False)
    assert director.total == 2 and secret.open_tasks[0].id in {t.id for t in director.items}
    assert task_queries.list_tasks(ctx, INSPECTOR, "group").total == 2


def test_the_page_s_list_filters_by_the_petition_and_counts_every_lane(ctx: Context) -> None:
    """The staff's page (`web_queries`): counts per lane over the whole scope, the petition's facets and the
    lane narrowing only the rows, overdue ones first."""
    deploy_sample(ctx, "petition.bpmn")
    made = [petitions.submit(ctx, RECEPTION, {"source": "citizen", "field": field, "title": f"Đơn {n}",
                                              "content": "Nội dung", "petitioner_name": "Lò Văn Đức"})
            for n, field in enumerate(["science", "technology", "science"])]
    with ctx.uow(write=False) as uow:
        tasks_of = {i: t for t, i in uow.session.execute(select(HumanTask.id, HumanTask.instance_id))}
    ids = [tasks_of[p.instance_id] for p in made]
    _due_in(ctx, ids, [5, None, -2])

    every = web_queries.list_tasks(ctx, RECEPTION, web_queries.TaskFilter())
    assert [i.task.id for i in every.items] == [ids[2], ids[0], ids[1]]  # overdue, then by due date, undated last
    assert (every.total, every.overdue, every.by_lane) == (3, 1, {"reception": 3})
    assert [i.petition_code for i in every.items] == [made[2].code, made[0].code, made[1].code]
    science = web_queries.list_tasks(ctx, RECEPTION, web_queries.TaskFilter(field="science"))
    assert [i.task.id for i in science.items] == [ids[2], ids[0]] and science.total == 2
    assert science.by_lane == {"reception": 3}  # the counts stay those of the whole scope
    late = web_queries.list_tasks(ctx, RECEPTION, web_queries.TaskFilter(overdue_only=True))
    assert [i.task.id for i in late.items] == [ids[2]] and late.total == 1
    assert web_queries.list_tasks(ctx, RECEPTION, web_queries.TaskFilter(lane="office")).items == []
    capped = web_queries.list_tasks(ctx, RECEPTION, web_queries.TaskFilter(), limit=2)
    assert [i.task.id for i in capped.items] == [ids[2], ids[0]] and capped.total == 3
