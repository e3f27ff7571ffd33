"""The audit checkpoint log: chain heads sealed with a key the database does not hold, in a file.

Each line of the log (JSON) is one checkpoint: its number, time, the seal (`mac`) of the line
before it, the chains that changed since then (agency, number of events, head hash, a fold of the
event ids) and a digest of every chain's record together. The line is sealed with HMAC-SHA-256
under the audit key, which lives in an environment variable or a key file, never in the database.
The log is only ever appended to; `petitionflow audit export-checkpoints` copies it for the
operator to keep where the database's superuser cannot reach. Someone who can rewrite the database
cannot write a checkpoint that matches their rewrite without the key.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ..config import Settings

GENESIS = "0" * 64


@dataclass(frozen=True)
class Sealed:
    """What a checkpoint holds of one chain: its agency, how many events, its head, its ids folded."""

    agency_id: int | None
    seq: int
    head: str
    fold: str


@dataclass
class Log:
    """The checkpoints read back: the chains as the latest one sealed them, and problems of the log itself."""

    number: int = 0
    mac: str = ""
    at: str | None = None
    chains: dict[str, Sealed] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def fold_id(fold: str, event_id: int) -> str:
    """The fold of a chain's event ids, one event further."""
    return hashlib.sha256(f"{fold}:{event_id}".encode()).hexdigest()


def digest(chains: dict[str, Sealed]) -> str:
    """One hash over every chain's agency, count, head and ids, in chain order."""
    h = hashlib.sha256()
    for name in sorted(chains):
        s = chains[name]
        h.update(f"{name}|{s.agency_id}|{s.seq}|{s.head}|{s.fold}\n".encode())
    return h.hexdigest()


def _beside_database(settings: Settings, suffix: str) -> Path:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(db.name + suffix)
    return Path.cwd() / f"petitionflow-{url.database or 'database'}{suffix}"


def log_path(settings: Settings) -> Path:
    """The checkpoint log: the configured file, or one beside the SQLite file (the working folder otherwise)."""
    return Path(settings.audit_checkpoint_file) if settings.audit_checkpoint_file else _beside_database(
        settings, ".audit-checkpoints.jsonl")


def key_path(settings: Settings) -> Path:
    """The key file: the configured one, or one beside the SQLite file (the working folder otherwise)."""
    return Path(settings.audit_key_file) if settings.audit_key_file else _beside_database(settings, ".audit-key")


def audit_key(settings: Settings) -> bytes:
    """The sealing key: the setting's, or the key file's, which is created (mode 0600) on first use."""
    if settings.audit_key:
        return settings.audit_key.encode()
    path = key_path(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise ValueError(f"the audit key file {path} is empty")
    return text.encode()


def _seal(key: bytes, record: dict[str, Any]) -> str:
    body = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def read_log(settings: Settings, path: Path | None = None) -> Log:
    """Every checkpoint checked (seal, order, digest) and applied; reading stops at the first bad line."""
    path = path or log_path(settings)
    log = Log()
    if not path.exists():
        return log
    key = audit_key(settings)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            record = json.loads(line)
            mac = str(record.pop("mac"))
            number = int(record["n"])
        except (ValueError, KeyError, TypeError, AttributeError):
            log.problems.append(f"line {lineno} of the checkpoint log is not a checkpoint: the log was altered")
            break
        if not hmac.compare_digest(mac, _seal(key, record)):
            log.problems.append(f"checkpoint {number} (line {lineno}) does not carry a valid seal: it was altered "
                                "or written without the audit key")
            break
        if number != log.number + 1 or record.get("prev") != log.mac:
            log.problems.append(f"checkpoint {number} does not follow checkpoint {log.number}: "
                                "checkpoints were removed")
        for name, (agency_id, seq, head, fold) in record["changed"].items():
            log.chains[name] = Sealed(agency_id, int(seq), str(head), str(fold))
        if digest(log.chains) != record.get("digest"):
            log.problems.append(f"checkpoint {number} does not add up to its digest")
        log.number, log.mac, log.at = number, mac, str(record.get("at"))
    return log


@contextmanager
def locked(settings: Settings) -> Iterator[Path]:
    """Hold the log's lock (one writer at a time, across processes) while reading and appending."""
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def append(settings: Settings, log: Log, changed: dict[str, Sealed], at: str) -> int:
    """Append a checkpoint after `log` (read under `locked`), sealing `changed`; returns its number."""
    chains = {**log.chains, **changed}
    record: dict[str, Any] = {
        "n": log.number + 1, "at": at, "prev": log.mac, "chains": len(chains),
        "events": sum(s.seq for s in chains.values()), "digest": digest(chains),
        "changed": {name: [s.agency_id, s.seq, s.head, s.fold] for name, s in sorted(changed.items())},
    }
    record["mac"] = _seal(audit_key(settings), record)
    line = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    fd = os.open(log_path(settings), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        data = line.encode()
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)
    log.number, log.mac, log.at, log.chains = int(record["n"]), str(record["mac"]), at, chains
    return log.number
