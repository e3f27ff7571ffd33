"""A department at work, for the seed-plan journeys: staff of every lane, and the steps they take.

Each step finds the ready task of an instance by its element, picks the staff member of the task's
lane (the assigned unit for unit tasks) and completes it through the use cases, as a person would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.domain import dialogues, petitions, plans
from service.domain.petitions import PetitionInfo
from service.store.tables import HumanTask
from service.usecases import accounts, clock, timers
from service.usecases.context import Actor, Context
from tests.conftest import BPMN, deploy_sample
from tests.dates import service_today

PACK = ("petition.bpmn", "dialogue.bpmn", "periodic_report.bpmn")
LANES = ("reception", "office", "inspectorate", "director", "infocenter", "auditor")
INVITATIONS = {"invitees": "Đại diện cán bộ, người dân, doanh nghiệp", "venue": "Hội trường Sở",
               "invitations_sent_on": "2022-08-20", "petitioners_notified": True, "venue_ready": True}


@dataclass
class Department:
    """One agency loaded from a seed plan, with its clock set inside the plan's year."""

    ctx: Context
    plan: dict[str, Any]
    monkeypatch: pytest.MonkeyPatch
    received: list[PetitionInfo] = field(default_factory=list)

    @classmethod
    def from_plan(cls, ctx: Context, plan_file: str, monkeypatch: pytest.MonkeyPatch) -> Department:
        for diagram in PACK:
            deploy_sample(ctx, diagram)
        system = Actor("system", "demo", frozenset({"admin"}), system=True)
        plans.load_plan(ctx, system, (BPMN / "plans" / plan_file).read_bytes(), Path(plan_file).name)
        body = plans.get_plan(ctx, plan_file_agency(plan_file))
        assert body is not None
        for unit in body["units"]:  # a unit is only given a petition when someone works there
            accounts.add_user(ctx, system, f"unit-{unit['code']}.{body['agency']['code']}", "petitionflow-unit",
                              [f"unit:{unit['code']}"], str(body["agency"]["code"]), str(unit["name"]))
        return cls(ctx, body, monkeypatch)

    @property
    def agency(self) -> str:
        return str(self.plan["agency"]["code"])

    def at(self, day: date) -> None:
        """Move the service's clock to 09:00 on `day`."""
        moment = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
        self.monkeypatch.setattr(clock, "now", lambda: moment)

    def staff(self, role: str) -> Actor:
        return Actor(f"{role.replace(':', '-')}.{self.agency}", self.agency, frozenset({role}))

    def submit(self, day: date, petition_type: str = "kien_nghi", **data: Any) -> PetitionInfo:
        self.at(day)
        receiver = self.staff("reception")
        info = petitions.submit(self.ctx, receiver, {"channel": "reception", **data})
        self.step(info, "intake", {"source": info.source, "petitioner_name": info.petitioner_name or "Ẩn danh",
                                   "channel": "reception", "field": info.field, "title": info.title,
                                   "content": info.content, "received_on": day.isoformat(),
                                   "confidential": info.confidential, "petition_type": petition_type})
        self.received.append(info)
        return info

    def today(self) -> str:
        """The service clock's day: what a task done now records (dates after it are refused)."""
        return service_today().isoformat()

    def ready(self, instance_id: uuid.UUID | None) -> list[HumanTask]:
        with self.ctx.uow(write=False) as uow:
            return list(uow.session.execute(select(HumanTask).where(
                HumanTask.instance_id == instance_id, HumanTask.status == "ready")).scalars())

    def step(self, subject: PetitionInfo | dialogues.DialogueInfo | uuid.UUID, element: str,
             data: dict[str, Any]) -> None:
        """Complete the ready task `element` of the subject's instance as the staff of its lane."""
        instance_id = subject if isinstance(subject, uuid.UUID) else subject.instance_id
        tasks = [t for t in self.ready(instance_id) if t.element_id == element]
        assert len(tasks) == 1, f"{element} is not ready; ready: {[t.element_id for t in self.ready(instance_id)]}"
        task = tasks[0]
        role = f"unit:{task.unit_code}" if task.candidate_role == "unit" else str(task.candidate_role)
        from service.usecases import instances

        instances.complete_task(self.ctx, self.staff(role), task.id, data)

    def deliver_messages(self) -> int:
        """Route every pending outbox message as the worker would; returns how many were delivered."""
        for delivered in range(1000):
            if timers.deliver_next_message(self.ctx, clock.now()) is None:
                return delivered
        raise AssertionError("the outbox did not drain")

    def petition(self, info: PetitionInfo) -> PetitionInfo:
        return petitions.get(self.ctx, self.staff("auditor"), info.id)


def plan_file_agency(plan_file: str) -> str:
    from service.plan_format import parse_plan

    return str(parse_plan((BPMN / "plans" / plan_file).read_bytes(), plan_file)["agency"]["code"])


def consolidate(dept: Department, p: PetitionInfo, urgency: str = "normal", handling_result: str = "thu_ly",
                **more: Any) -> None:
    """The handling decision (xử lý đơn) by the Office or the Inspectorate, whichever the plan routes this audience
    to; `more`: the form's other fields (`filing_reason`, `forward_to`, `complex_case`, `classified_type`,
    `type_change_reason`)."""
    element = dept.petition(p).stage
    assert element in ("consolidate_office", "consolidate_inspectorate"), element
    dept.step(p, element, {"field": p.field, "urgency": urgency, "handling_result": handling_result, **more})


def prepare_for_review(dept: Department, p: PetitionInfo, unit: str, urgency: str = "normal", **more: Any) -> None:
    """Accepted, assigned and drafted: the director reviews the draft answer."""
    consolidate(dept, p, urgency, **more)
    dept.step(p, "assign_unit", {"assigned_unit": unit})
    dept.step(p, "draft_answer", {"draft_answer": f"Dự thảo trả lời: {p.title}"})


def prepare_for_dialogue(dept: Department, p: PetitionInfo, unit: str, urgency: str = "normal") -> None:
    """Accepted, assigned, drafted, approved and put on a dialogue by the director: it waits for its dialogue."""
    prepare_for_review(dept, p, unit, urgency)
    dept.step(p, "review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    assert dept.petition(p).stage == "awaiting_dialogue"


def answer_in_writing(dept: Department, p: PetitionInfo, unit: str, **more: Any) -> None:
    """Accepted and answered in writing as soon as the director approves the draft, then noticed."""
    prepare_for_review(dept, p, unit, **more)
    dept.step(p, "review_draft", {"review_decision": "approve", "answer_mode": "written"})
    finish_outcome(dept, p, "written_reply")


def hold_dialogue(dept: Department, kind: str, day: date,
                  outcomes: dict[PetitionInfo, str]) -> dialogues.DialogueInfo:
    """A whole conference: decided, agenda, invitations, published, held, results noticed and reported."""
    dept.at(day)
    chair = dept.staff("director")
    if kind == "periodic":
        d = dialogues.create(dept.ctx, dept.staff("office"), "periodic", f"Đối thoại định kỳ {day.year}")
        dept.step(d, "plan_periodic", {"planned_quarter": f"Q{d.quarter or 1}", "planned_date": day.isoformat()})
    else:
        topic = next(iter(outcomes)).title
        d = dialogues.create(dept.ctx, chair, "adhoc", f"Đối thoại đột xuất {day.isoformat()}", topic)
        dept.step(d, "decide_adhoc", {"adhoc_subject": topic, "adhoc_field": next(iter(outcomes)).field,
                                      "planned_date": day.isoformat(), "adhoc_reason": "Vấn đề bức xúc, cấp thiết"})
    dialogues.set_agenda(dept.ctx, dept.staff("office"), d.id, [p.id for p in outcomes], "Giám đốc Sở")
    dept.step(d, "issue_invitations", {**INVITATIONS, "invitations_sent_on": day.isoformat()})
    dept.step(d, "publish_plan", {"plan_url": "https://so.gov.vn/doi-thoai", "plan_published_on": day.isoformat()})
    items = [{"petition_id": str(p.id), "outcome": o, "note": f"Kết luận: {o}"} for p, o in outcomes.items()]
    dialogues.record_outcomes(dept.ctx, chair, d.id, items, day, "Biên bản hội nghị đối thoại.")
    assert dept.deliver_messages() == len(outcomes)
    dept.step(d, "notice_results", {"results_notice": "Thông báo kết quả.", "results_noticed_on": day.isoformat()})
    dept.step(d, "report_upward", {"report_text": "Báo cáo kết quả đối thoại.",
                                   "report_recipients": "; ".join(dept.plan["superiors"]) or "UBND tỉnh"})
    dept.step(d, "sign_results", {"sign_decision": "sign"})
    dept.step(d, "publish_results", {"results_url": "https://so.gov.vn/ket-qua",
                                     "results_published_on": day.isoformat()})
    return dialogues.get(dept.ctx, chair, d.id)


def escalate(dept: Department, p: PetitionInfo) -> None:
    dept.step(p, "escalate_superior", {"superior_authority": "provincial_committee",
                                       "superior_authority_name": "Ủy ban nhân dân tỉnh",
                                       "escalation_summary": f"Vượt thẩm quyền: {p.title}",
                                       "escalated_on": dept.today()})
    dept.step(p, "record_superior_answer", {"superior_answer": "UBND tỉnh đã chỉ đạo giải quyết.",
                                            "superior_answered_on": dept.today()})


def finish_outcome(dept: Department, p: PetitionInfo, outcome: str) -> None:
    """After the dialogue: the follow-up each outcome needs, then the notice of results."""
    if outcome == "written_reply":
        dept.step(p, "draft_written_reply", {"written_reply": f"Văn bản trả lời: {p.title}"})
        dept.step(p, "sign_written_reply", {"sign_decision": "sign", "signed_on": dept.today()})
    elif outcome == "beyond_competence":
        escalate(dept, p)
    elif outcome == "failed":
        dept.step(p, "record_minutes", {"minutes": "Biên bản đối thoại không thành.",
                                        "minutes_signed_on": dept.today()})
        dept.step(p, "report_failure", {"failure_reported_to": "party_standing",
                                        "failure_report": "Báo cáo, xin chỉ đạo.", "failure_reported_on": dept.today()})
        dept.step(p, "record_direction", {"superior_direction": "Tiếp tục đối thoại.", "directed_on": dept.today()})
    notify(dept, p)


def notify(dept: Department, p: PetitionInfo) -> None:
    element = "notify_results_office" if p.source == "staff" else "notify_results_inspectorate"
    dept.step(p, element, {"notice_text": f"Thông báo kết quả giải quyết: {p.title}", "notified_on": dept.today()})
    if not p.confidential:
        dept.step(p, "publish_results", {"published_url": "https://so.gov.vn/kq", "published_on": dept.today()})
    assert dept.petition(p).stage == "closed"
