"""Versions of a model (issue 15 point 5): compare two, dry-run a bulk move that lists the instance
that cannot move and why, move the others, and run a moved instance to its end on the new version."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from service.pack import read_bundle
from service.store.tables import AuditEvent, HumanTask, ProcessInstance, ProcessVersion
from service.usecases import accounts, audit, instances, models, versions
from service.usecases.context import Actor, Context
from service.usecases.errors import NotFound
from tests.conftest import AGENCY, BPMN, actor, deploy_sample
from tests.integration.version_diagrams import intake_v2

DESIGNER = actor("thietke", "designer")
OFFICE = actor("vanphong", "office")
RECEPTION = actor("tiepnhan", "reception")
REGISTER = {"title": "Đề nghị hỗ trợ", "source": "citizen", "content": "Nội dung"}


def _ready(ctx: Context, instance_id: uuid.UUID) -> HumanTask:
    with ctx.uow(write=False) as uow:
        return uow.session.execute(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                           HumanTask.status == "ready")).scalar_one()


def _two_versions(ctx: Context) -> None:
    deploy_sample(ctx)  # version 1, the shared pack's
    bundle = read_bundle(BPMN / "intake_review.bpmn")
    info = models.deploy_bundle(ctx, DESIGNER, intake_v2().encode(), bundle.resources, bundle.file_name,
                                key="intake_review")
    assert info.version == 2


def test_compare_lists_added_removed_and_changed_elements(ctx: Context) -> None:
    _two_versions(ctx)
    found = versions.compare(ctx, DESIGNER, "intake_review", 1, 2)
    assert [e.element_id for e in found.added] == ["review_summary"]
    assert [e.element_id for e in found.removed] == ["classify_petition"]
    assert [(e.element_id, e.attributes) for e in found.changed] == [("record_classification", ("script",))]
    assert "classify_petition" in found.old_xml and "review_summary" in found.new_xml
    back = versions.compare(ctx, DESIGNER, "intake_review", 2, 1)
    assert [e.element_id for e in back.added] == ["classify_petition"]


def test_dry_run_names_the_blocked_instance_then_the_move_runs_to_the_end(ctx: Context) -> None:
    _two_versions(ctx)
    waiting = instances.start_instance(ctx, OFFICE, "intake_review", {}, version=1)
    blocked = instances.start_instance(ctx, OFFICE, "intake_review", {}, version=1)
    instances.complete_task(ctx, RECEPTION, blocked.open_tasks[0].id, REGISTER)  # now at classify_petition
    dry = versions.migrate_all(ctx, DESIGNER, "intake_review", 1, 2, dry_run=True)
    by_id = {r.instance_id: r for r in dry.results}
    assert by_id[waiting.id].movable and not by_id[waiting.id].moved
    assert [r.instance_id for r in dry.blocked] == [blocked.id]
    assert "classify_petition" in by_id[blocked.id].reasons[0]
    assert "does not have" in by_id[blocked.id].reasons[0]
    with ctx.uow(write=False) as uow:  # a dry run writes nothing
        assert {uow.session.get_one(ProcessInstance, i).process_version_id for i in by_id} == {
            uow.session.execute(select(ProcessVersion.id).where(ProcessVersion.version == 1)).scalar_one()}

    done = versions.migrate_all(ctx, DESIGNER, "intake_review", 1, 2, dry_run=False)
    assert {r.instance_id: r.moved for r in done.results} == {waiting.id: True, blocked.id: False}
    instances.complete_task(ctx, RECEPTION, _ready(ctx, waiting.id).id, REGISTER)
    review = _ready(ctx, waiting.id)
    assert review.element_id == "review_summary" and review.lane == "office"  # the new version's step
    instances.complete_task(ctx, OFFICE, review.id, {"notice": "Đã xem"})
    instances.complete_task(ctx, RECEPTION, _ready(ctx, waiting.id).id, {"notice": "Đã thông báo"})
    with ctx.uow(write=False) as uow:
        moved = uow.session.get_one(ProcessInstance, waiting.id)
        assert moved.status == "completed"
        assert uow.session.get_one(ProcessVersion, moved.process_version_id).version == 2
        kinds = list(uow.session.execute(select(AuditEvent.event_type).where(
            AuditEvent.instance_id == waiting.id).order_by(AuditEvent.seq)).scalars())
    assert "instance_migrated" in kinds
    assert audit.verify_trail(ctx).ok


def test_one_instance_moves_alone_and_a_second_move_says_why_not(ctx: Context) -> None:
    _two_versions(ctx)
    started = instances.start_instance(ctx, OFFICE, "intake_review", {}, version=1)
    check = versions.migrate_instance(ctx, DESIGNER, started.id, 2, dry_run=True)
    assert check.movable and not check.moved and check.at == ("register_petition",)
    assert versions.migrate_instance(ctx, DESIGNER, started.id, 2).moved
    again = versions.migrate_instance(ctx, DESIGNER, started.id, 2, dry_run=True)
    assert not again.movable and again.reasons == ("the instance already runs version 2",)
    back = versions.migrate_instance(ctx, DESIGNER, started.id, 1)  # and back: the step exists in both
    assert back.moved
    assert audit.verify_trail(ctx).ok


def test_another_agencys_designer_neither_sees_nor_moves(ctx: Context) -> None:
    _two_versions(ctx)
    started = instances.start_instance(ctx, OFFICE, "intake_review", {}, version=1)
    accounts.ensure_agency(ctx, "other", "Sở khác")
    stranger = Actor("thietke2", "other", frozenset({"designer"}))
    with pytest.raises(NotFound):
        versions.compare(ctx, stranger, "intake_review", 1, 2)  # version 2 is the demo agency's
    with pytest.raises(NotFound):
        versions.migrate_instance(ctx, stranger, started.id, 1, dry_run=True)
    assert AGENCY == "demo"


def test_a_petition_pack_change_is_named_element_by_element() -> None:
    from workflows.models import parse_model
    from workflows.versions import compare

    bundle = read_bundle(BPMN / "petition.bpmn")
    old = parse_model(bundle.bpmn, bundle.resources, file_name="petition.bpmn")
    text = bundle.bpmn.decode("utf-8")
    assert 'name="Tiếp nhận, vào sổ đơn / Record the petition"' in text  # the edit below must change something
    text = text.replace('name="Tiếp nhận, vào sổ đơn / Record the petition"',
                        'name="Tiếp nhận đơn / Record the petition"')
    text = text.replace('value="petition_draft_answer.form.json"', 'value="petition_draft_written_reply.form.json"')
    new = parse_model(text.encode("utf-8"), bundle.resources, file_name="petition.bpmn")
    found = compare(old, new)
    changed = {e.element_id: e for e in found.of_kind("changed")}
    assert changed["intake"].name == "Tiếp nhận đơn / Record the petition"
    assert "bpmn_name" in changed["intake"].attributes
    assert "extensions" in changed["draft_answer"].attributes and changed["draft_answer"].process == "handling"
    assert not found.of_kind("added") and not found.of_kind("removed")


def test_a_petition_inside_its_sub_process_moves_and_goes_on(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from tests.integration.department import Department, consolidate

    dept = Department.from_plan(ctx, "000_sonla_khcn_2022.toml", monkeypatch)
    p = dept.submit(date(2022, 4, 11), source="citizen", field="science", title="Hỗ trợ sấy nông sản",
                    content="Đề nghị chuyển giao công nghệ sấy.", petitioner_name="Nguyễn Văn A")
    consolidate(dept, p)
    dept.step(p, "assign_unit", {"assigned_unit": "science", "draft_deadline": "P15D"})
    assert [t.element_id for t in dept.ready(p.instance_id)] == ["draft_answer"]
    bundle = read_bundle(BPMN / "petition.bpmn")
    text = bundle.bpmn.decode("utf-8").replace('value="petition_draft_answer.form.json"',
                                               'value="petition_draft_written_reply.form.json"')
    designer = Actor("thietke", dept.agency, frozenset({"designer"}))
    new = models.deploy_bundle(ctx, designer, text.encode("utf-8"), bundle.resources, bundle.file_name, key="petition")
    with ctx.uow(write=False) as uow:
        row = uow.session.get_one(ProcessInstance, p.instance_id)
        old = uow.session.get_one(ProcessVersion, row.process_version_id)
    due_before = dept.ready(p.instance_id)[0].due_at  # the draft's deadline, in working days
    assert due_before is not None
    dept.at(date(2022, 4, 20))  # days later: a restarted deadline would now fall due later
    check = versions.migrate_instance(ctx, designer, p.instance_id, new.version, dry_run=True)
    assert check.movable and check.reset == ("draft_answer",)
    assert {"draft_answer", "handling"} <= set(check.at)
    assert versions.migrate_instance(ctx, designer, p.instance_id, new.version).moved
    task = dept.ready(p.instance_id)[0]
    assert task.due_at == due_before  # the move kept the draft's deadline
    assert task.form_key == "petition_draft_written_reply.form.json" and task.unit_code == "science"
    dept.step(p, "draft_answer", {"written_reply": "Văn bản trả lời dự thảo."})  # the new version's form
    assert [t.element_id for t in dept.ready(p.instance_id)] == ["review_draft"]
    assert old.version != new.version and audit.verify_trail(ctx).ok
