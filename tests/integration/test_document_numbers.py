"""Document numbers stay unique and gap-free when 16 people sign at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from service.domain import documents, petitions
from service.store.document_tables import Document
from service.store.petition_tables import Petition
from service.usecases import clock
from service.usecases.context import Context
from tests.conftest import actor, deploy_sample, make_context

OFFICE = actor("vanphong", "office")
RECEPTION = actor("tiepnhan", "reception")
SIGNERS = 16


@pytest.fixture
def pg_ctx(postgres_url: str) -> Iterator[Context]:
    context = make_context(postgres_url)
    yield context
    context.db.dispose()


@pytest.mark.postgres
def test_sixteen_concurrent_signings_get_distinct_consecutive_numbers(pg_ctx: Context) -> None:
    ctx = pg_ctx
    for diagram in ("petition.bpmn", "dialogue.bpmn"):
        deploy_sample(ctx, diagram)
    received = [petitions.submit(ctx, RECEPTION, {"source": "citizen", "channel": "paper", "field": "science",
                                                  "title": f"Đơn {i}", "content": "Nội dung."}).id
                for i in range(SIGNERS + 1)]
    with ctx.uow() as uow:  # a signing that rolls back gives its number back
        p = uow.session.get_one(Petition, received[-1])
        assert documents.issue(uow.session, p, "guidance", OFFICE.username, clock.now()).number == 1
    start = threading.Barrier(SIGNERS, timeout=30)
    got: dict[uuid.UUID, str | BaseException] = {}

    def sign(petition_id: uuid.UUID) -> None:
        start.wait()
        try:
            got[petition_id] = documents.request(ctx, OFFICE, petition_id, "guidance", {}).number
        except BaseException as exc:  # reported below, not lost in the thread
            got[petition_id] = exc

    threads = [threading.Thread(target=sign, args=(pid,)) for pid in received[:SIGNERS]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    failures = [v for v in got.values() if isinstance(v, BaseException)]
    assert not failures, failures
    numbers = sorted(int(str(n).split("/")[0]) for n in got.values())
    assert numbers == list(range(1, SIGNERS + 1))
    with ctx.uow(write=False) as uow:
        stored = list(uow.session.execute(select(Document.number).where(Document.kind == "guidance")).scalars())
    assert sorted(stored) == numbers
    # the next signing continues the series
    assert documents.request(ctx, OFFICE, received[-1], "guidance", {}).number.startswith(f"{SIGNERS + 1}/")
