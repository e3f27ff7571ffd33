"""`petitionflow backup` and `restore`: a backup restored into a fresh database holds every petition,
task and audit event, its chains verify, and a non-empty database is only overwritten with --force."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.domain import petitions
from service.store.petition_tables import Petition
from service.store.tables import AuditEvent, HumanTask, ProcessInstance
from service.usecases import audit
from service.usecases.context import Actor, Context
from tests.conftest import AGENCY, deploy_sample, make_context
from tests.hardening.backup_helpers import Cli
from tests.hardening.backup_helpers import restored as restored_context

PUBLIC = Actor("public", AGENCY, frozenset())


def _fill(ctx: Context, count: int) -> None:
    for n in range(count):
        petitions.submit(ctx, PUBLIC, {"source": "citizen", "field": "science", "title": f"Petition {n} <b>",
                                       "content": "=1+1", "confidential": n % 3 == 0})


def _inventory(ctx: Context) -> dict[str, object]:
    with ctx.uow(write=False) as uow:
        s = uow.session
        return {
            "petitions": sorted((p.code, p.title, p.tracking_code) for p in s.execute(select(Petition)).scalars()),
            "instances": sorted((str(i.id), i.version, i.status) for i in s.execute(select(ProcessInstance)).scalars()),
            "tasks": sorted((str(t.id), t.status, t.element_id) for t in s.execute(select(HumanTask)).scalars()),
            "events": s.execute(select(func.count(AuditEvent.id))).scalar_one(),
            "last_hash": s.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar_one(),
        }


def _round_trip(source_url: str, fresh_url: str, tmp_path: Path, cli: Cli) -> None:
    source = make_context(source_url)
    deploy_sample(source, "petition.bpmn")
    _fill(source, 6)
    stop = threading.Event()

    def keep_writing() -> None:  # the service goes on receiving petitions while the backup runs
        while not stop.is_set():
            _fill(source, 1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        code, out = cli(source_url, "backup", str(tmp_path / "pf.backup"))
    finally:
        stop.set()
        writer.join(timeout=60)
    assert code == 0 and "backup written" in out, out
    code, out = cli(fresh_url, "restore", str(tmp_path / "pf.backup"))
    assert code == 0 and "verified" in out, out
    restored = restored_context(source, fresh_url)
    copy = _inventory(restored)
    assert len(copy["petitions"]) >= 6 and len(copy["tasks"]) >= 6 and int(copy["events"]) >= 3 * 6  # type: ignore[arg-type]
    assert audit.verify_trail(restored).ok
    original = _inventory(source)
    assert set(copy["petitions"]) <= set(original["petitions"])  # type: ignore[arg-type]
    assert set(copy["tasks"]) <= set(original["tasks"])  # type: ignore[arg-type]

    code, out = cli(fresh_url, "restore", str(tmp_path / "pf.backup"))
    assert code == 1 and "not empty" in out and "--force" in out, out
    _fill(restored, 2)  # diverge, then --force puts the backup's contents back
    code, out = cli(fresh_url, "restore", "--force", str(tmp_path / "pf.backup"))
    assert code == 0, out
    assert _inventory(restored) == copy and audit.verify_trail(restored).ok
    for ctx in (source, restored):
        ctx.db.dispose()


def test_sqlite_backup_restores_into_a_fresh_database(tmp_path: Path, backup_cli: Cli) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'live.sqlite3'}", f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path,
                backup_cli)


@pytest.mark.postgres
def test_postgres_backup_restores_into_a_fresh_database(fresh_postgres_url: str, tmp_path: Path, backup_cli: Cli,
                                                        request: pytest.FixtureRequest) -> None:
    source = str(request.getfixturevalue("postgres_url"))
    _round_trip(source, fresh_postgres_url, tmp_path, backup_cli)


def test_a_file_that_is_no_backup_is_refused(tmp_path: Path, backup_cli: Cli) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    code, out = backup_cli(f"sqlite:///{tmp_path / 'x.sqlite3'}", "restore", str(junk))
    assert code == 1 and out.startswith("error:") and "not a petitionflow backup" in out, out
