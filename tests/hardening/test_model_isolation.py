"""Issue 16, point 3: one agency's designer cannot replace another agency's process. Versions belong
to the agency that deployed them; the shared pack runs everywhere until an agency deploys its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.pack import read_bundle
from service.store.tables import ProcessInstance, ProcessVersion
from service.usecases import accounts, instances, models
from service.usecases.context import Actor, Context
from service.usecases.errors import NotFound
from tests.conftest import BPMN, deploy_sample

DESIGNER_B = Actor("thietke.b", "other", frozenset({"designer"}))
OFFICE_A = Actor("office.a", "demo", frozenset({"office"}))
OFFICE_B = Actor("office.b", "other", frozenset({"office"}))


def _version_run(ctx: Context, instance_id: object) -> ProcessVersion:
    with ctx.uow(write=False) as uow:
        inst = uow.session.get_one(ProcessInstance, instance_id)
        row = uow.session.get_one(ProcessVersion, inst.process_version_id)
        uow.session.expunge(row)
        return row


def test_p3_another_agencys_designer_does_not_replace_the_process(ctx: Context) -> None:
    shared = deploy_sample(ctx)  # the operator's shared pack
    accounts.ensure_agency(ctx, "other", "Sở khác")
    bundle = read_bundle(BPMN / "intake_review.bpmn")
    changed = bundle.bpmn.replace(b"</bpmn:definitions>", b"<!-- agency B's own -->\n</bpmn:definitions>")
    own = models.deploy(ctx, DESIGNER_B, changed, bundle.resources, bundle.file_name)
    assert own.created and own.version == shared.version + 1

    a_run = _version_run(ctx, instances.start_instance(ctx, OFFICE_A, "intake_review", {}).id)
    b_run = _version_run(ctx, instances.start_instance(ctx, OFFICE_B, "intake_review", {}).id)
    assert a_run.id == shared.id and a_run.agency_id is None  # agency A still runs the shared version
    assert b_run.id == own.id  # agency B runs its own
    with pytest.raises(NotFound):  # nor can A name B's version
        instances.start_instance(ctx, OFFICE_A, "intake_review", {}, version=own.version)
    seen_by_a = models.list_models(ctx, Actor("thietke.a", "demo", frozenset({"designer"})), "intake_review")
    assert [v.version for v in seen_by_a] == [shared.version]
    with ctx.uow(write=False) as uow:
        owners = dict(uow.session.execute(select(ProcessVersion.version, ProcessVersion.agency_id)).all())
    assert owners[shared.version] is None and owners[own.version] is not None
