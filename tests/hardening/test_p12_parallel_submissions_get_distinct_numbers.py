"""Issue 16 point 12: 50 parallel public submissions on PostgreSQL all succeed, numbered without gaps.

Numbering by "count + 1" gave 4 of 50 a 500 (`UniqueViolation petitions_code_key`); the counter row
per agency and year cannot collide.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import update

from service.app import create_app
from service.domain import petitions
from service.store.petition_tables import PetitionCounter
from service.usecases.context import Context
from tests.api.conftest import add_demo_users
from tests.conftest import actor, deploy_sample, make_context

RECEPTION = actor("tiepnhan", "reception")
PETITION = {"source": "citizen", "channel": "reception", "field": "science", "title": "Đèn đường",
            "content": "Hỏng", "petitioner_name": "B"}

SUBMISSIONS = 50


@pytest.mark.postgres
def test_p12_parallel_submissions_get_distinct_numbers(postgres_url: str) -> None:
    ctx = make_context(postgres_url)
    add_demo_users(ctx)
    deploy_sample(ctx, "petition.bpmn")
    app = create_app(context=ctx)
    start = threading.Barrier(SUBMISSIONS)
    answers: list[tuple[int, dict[str, str]]] = []
    lock = threading.Lock()

    def submit(n: int) -> None:
        client = app.test_client()
        start.wait(timeout=60)
        sent = client.post("/api/v1/petitions", json={
            "source": "citizen", "channel": "electronic", "field": "science", "title": f"Kiến nghị số {n}",
            "content": "Đề nghị Sở xem xét.", "petitioner_name": f"Công dân {n}"})
        with lock:
            answers.append((sent.status_code, dict(sent.get_json(silent=True) or {})))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = Counter(code for code, _ in answers)
    assert statuses == {201: SUBMISSIONS}, (statuses, [body for code, body in answers if code != 201][:3])
    numbers = sorted(int(body["code"].rsplit("-", 1)[1]) for _, body in answers)
    assert numbers == list(range(1, SUBMISSIONS + 1))  # distinct and gap-free
    assert len({body["tracking_code"] for _, body in answers}) == SUBMISSIONS
    ctx.db.dispose()


def test_p12_a_counter_behind_the_register_catches_up(ctx: Context) -> None:
    _catches_up(ctx)


@pytest.mark.postgres
def test_p12_a_counter_behind_the_register_catches_up_on_postgres(postgres_url: str) -> None:
    ctx = make_context(postgres_url)
    _catches_up(ctx)
    ctx.db.dispose()


def _catches_up(ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    first = petitions.submit(ctx, RECEPTION, PETITION)
    with ctx.uow() as uow:  # as if rows had been written without the counter
        uow.session.execute(update(PetitionCounter).values(last_number=0))
        uow.commit()
    second = petitions.submit(ctx, RECEPTION, PETITION)
    third = petitions.submit(ctx, RECEPTION, PETITION)
    numbers = [int(p.code.rsplit("-", 1)[1]) for p in (first, second, third)]
    assert numbers == [1, 2, 3]
