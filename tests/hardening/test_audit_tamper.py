"""Issue 16, point 10 and its done-when: a database superuser's seven tampering moves, each named by
`petitionflow audit verify` once a checkpoint sealed the chains with a key the database does not hold."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from service.cli import main
from service.store.tables import AuditEvent
from service.usecases import accounts, audit, clock, instances
from service.usecases.context import Context
from tests.conftest import AGENCY, actor, deploy_sample

OFFICE = actor("office.user", "office")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """On an SQLite file and on PostgreSQL, where the superuser is the one tampering."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def runner(ctx: Context, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """The command line and `ctx` on the same key and checkpoint log, both in the test's folder."""
    key, log = tmp_path / "audit.key", tmp_path / "checkpoints.jsonl"
    monkeypatch.setenv("PETITIONFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("PETITIONFLOW_AUDIT_KEY_FILE", str(key))
    monkeypatch.setenv("PETITIONFLOW_AUDIT_CHECKPOINT_FILE", str(log))
    ctx.settings = dataclasses.replace(ctx.settings, audit_key_file=str(key), audit_checkpoint_file=str(log))
    return CliRunner()


def _drop_triggers(ctx: Context) -> None:
    with ctx.db.engine.begin() as conn:
        on = " ON audit_events" if conn.dialect.name == "postgresql" else ""
        for action in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER audit_events_no_{action}{on}"))


def _events(ctx: Context, chain: str) -> list[AuditEvent]:
    with ctx.uow(write=False) as uow:
        rows = list(uow.session.execute(select(AuditEvent).where(AuditEvent.chain == chain)
                                        .order_by(AuditEvent.seq)).scalars())
        uow.session.expunge_all()
        return rows


def _started(ctx: Context, n: int) -> list[str]:
    return [audit.instance_chain(instances.start_instance(ctx, OFFICE, "intake_review", {"n": i}).id)
            for i in range(n)]


def _sql(ctx: Context, statement: str, **params: object) -> None:
    with ctx.db.engine.begin() as conn:
        conn.execute(text(statement), params)



def test_p10_seven_tampering_moves_are_each_named(ctx: Context, runner: CliRunner, tmp_path: Path) -> None:
    deploy_sample(ctx)
    accounts.ensure_agency(ctx, "other", "Sở khác")
    newest, rolled, whole, forged, moved, swapped = _started(ctx, 6)
    agency_chain = audit.agency_chain(AGENCY)
    with ctx.uow() as uow:
        for n in range(3):
            audit.append_to_agency(uow.session, 1, agency_chain, "admin", clock.now(),
                                   audit.Entry("note_added", {"n": n}))
        uow.commit()
    sealed = runner.invoke(main, ["audit", "checkpoint"])
    assert sealed.exit_code == 0, sealed.output
    assert "checkpoint 1 written" in sealed.output
    clean = runner.invoke(main, ["audit", "verify"])
    assert clean.exit_code == 0 and "against checkpoint 1" in clean.output, clean.output
    exported = tmp_path / "copy.jsonl"
    assert runner.invoke(main, ["audit", "export-checkpoints", str(exported)]).exit_code == 0
    assert exported.read_text().count("\n") == 1

    _drop_triggers(ctx)  # the superuser can
    is_pg = ctx.db.engine.dialect.name == "postgresql"

    def inst_id(chain: str) -> str:
        value = uuid.UUID(chain.split(":", 1)[1])
        return str(value) if is_pg else value.hex

    # 1. the newest event deleted, the instance's head left as it was
    last = _events(ctx, newest)[-1]
    _sql(ctx, "DELETE FROM audit_events WHERE id = :id", id=last.id)
    # 2. the newest event deleted and the instance's head rolled back to the one before
    events = _events(ctx, rolled)
    _sql(ctx, "DELETE FROM audit_events WHERE id = :id", id=events[-1].id)
    _sql(ctx, "UPDATE process_instances SET audit_seq = :seq, audit_head = :head WHERE id = :id",
         seq=events[-2].seq, head=events[-2].hash, id=inst_id(rolled))
    # 3. a whole chain deleted, its head reset
    _sql(ctx, "DELETE FROM audit_events WHERE chain = :chain", chain=whole)
    _sql(ctx, "UPDATE process_instances SET audit_seq = 0, audit_head = '' WHERE id = :id", id=inst_id(whole))
    # 4. an event forged and the chain recomputed with plain SHA-256, head updated
    events = _events(ctx, forged)
    events[0].actor = "mallory"
    prev = audit.GENESIS
    for event in events:
        event.prev_hash = prev
        event.hash = audit.event_hash(prev, event)
        _sql(ctx, "UPDATE audit_events SET actor = :actor, prev_hash = :prev, hash = :hash WHERE id = :id",
             actor=event.actor, prev=event.prev_hash, hash=event.hash, id=event.id)
        prev = event.hash
    _sql(ctx, "UPDATE process_instances SET audit_head = :head WHERE id = :id", head=prev, id=inst_id(forged))
    # 5. the agency chain's tail cut off, its head row moved back
    events = _events(ctx, agency_chain)
    _sql(ctx, "DELETE FROM audit_events WHERE chain = :chain AND seq > :seq", chain=agency_chain, seq=events[-3].seq)
    _sql(ctx, "UPDATE audit_chains SET seq = :seq, head = :head WHERE chain = :chain",
         seq=events[-3].seq, head=events[-3].hash, chain=agency_chain)
    # 6. a chain's events moved to another agency
    _sql(ctx, "UPDATE audit_events SET agency_id = 2 WHERE chain = :chain", chain=moved)
    # 7. two events' ids swapped
    first, second = _events(ctx, swapped)[:2]
    _sql(ctx, "UPDATE audit_events SET id = -1 WHERE id = :id", id=first.id)
    _sql(ctx, "UPDATE audit_events SET id = :new WHERE id = :id", new=first.id, id=second.id)
    _sql(ctx, "UPDATE audit_events SET id = :new WHERE id = -1", new=second.id)

    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("broken:")]
    named = {chain: " ".join(line for line in lines if chain in line)
             for chain in (newest, rolled, whole, forged, agency_chain, moved, swapped)}
    assert "deleted (its head still says" in named[newest], result.output
    assert "deleted and the head rolled back" in named[rolled], result.output
    assert "chain was deleted" in named[whole], result.output
    assert "rewritten" in named[forged], result.output
    assert "deleted" in named[agency_chain] and "checkpoint 1 sealed" in named[agency_chain], result.output
    assert "agency_id was changed" in named[moved], result.output
    assert "swapped" in named[swapped], result.output
    assert result.stderr.startswith("error: audit trail broken: ")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_p10_a_checkpoint_rewritten_without_the_key_is_named(ctx: Context, runner: CliRunner, tmp_path: Path) -> None:
    deploy_sample(ctx)
    _started(ctx, 1)
    assert runner.invoke(main, ["audit", "checkpoint"]).exit_code == 0
    log = tmp_path / "checkpoints.jsonl"
    line = log.read_text()
    log.write_text(line.replace('"n":1', '"n":1,"note":"x"'))  # any change breaks the seal
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "does not carry a valid seal" in result.output, result.output
    assert runner.invoke(main, ["audit", "export-checkpoints", str(tmp_path / "copy.jsonl")]).exit_code == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_p10_chains_of_no_agency_are_sealed_too(ctx: Context, runner: CliRunner) -> None:
    with ctx.uow() as uow:  # the province's chain (holidays) belongs to no agency
        for n in range(2):
            audit.append_to_agency(uow.session, None, "province", "admin", clock.now(), audit.Entry("note", {"n": n}))
        uow.commit()
    assert runner.invoke(main, ["audit", "checkpoint"]).exit_code == 0
    _drop_triggers(ctx)
    _sql(ctx, "DELETE FROM audit_events WHERE chain = 'province' AND seq = 2")
    _sql(ctx, "UPDATE audit_chains SET seq = 1, head = (SELECT hash FROM audit_events WHERE chain = 'province' "
              "AND seq = 1) WHERE chain = 'province'")
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "broken: province: has 1 events but checkpoint 1 sealed 2" in result.output


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_p10_checkpoints_taken_while_petitions_move_raise_no_false_alarm(ctx: Context, runner: CliRunner) -> None:
    import threading

    from service.usecases import audit_checks

    deploy_sample(ctx)
    _started(ctx, 2)
    done = threading.Event()

    def write() -> None:
        try:
            for n in range(40):
                instances.start_instance(ctx, OFFICE, "intake_review", {"n": n})
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    results = []
    while not done.is_set():
        results.extend(audit_checks.checkpoint(ctx).results.values())
    writer.join()
    results.extend(audit_checks.checkpoint(ctx).results.values())
    assert results and all(r.ok for r in results), [r.problems for r in results if not r.ok]
    verified = runner.invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0 and "against checkpoint" in verified.output, verified.output
