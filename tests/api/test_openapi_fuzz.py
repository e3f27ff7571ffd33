"""Property-based fuzzing of the OpenAPI document with schemathesis, in-process against the WSGI app.

Every operation gets a few generated requests, valid and invalid ones (bounded, so `make test` stays
quick), sent with an API token of a user who holds every role, so the requests reach the use cases. No answer may be a
server error or break the document: undocumented status, content type, body or header.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from argon2 import PasswordHasher
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.app import create_app
from service.usecases import accounts, instances, tokens
from service.usecases.context import Actor, Context
from tests.api.conftest import add_demo_users
from tests.conftest import ADMIN, deploy_sample, make_context

EVERY_ROLE = ("admin", "auditor", "designer", "office", "director", "reception")
MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@dataclass
class Fuzzed:
    app: Flask
    ctx: Context

    def headers(self) -> dict[str, str]:
        """A new token for every case: a case may well revoke the token it was sent with."""
        made = tokens.create_token(self.ctx, Actor.system_actor(ADMIN.agency), "fuzzer", "fuzz")
        return {"Authorization": f"Bearer {made.token}"}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """One deployment for the whole run: demo users, the sample deployed, one instance, a token."""
    accounts._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # type: ignore[misc]
    ctx = make_context(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite3'}")
    add_demo_users(ctx, (("fuzzer", EVERY_ROLE),))
    deploy_sample(ctx)
    instances.start_instance(ctx, ADMIN, "intake_review", {"petition_id": "KN-F"}, business_key="KN-F")
    app = create_app(context=ctx)
    app.config.update(TESTING=True)
    yield Fuzzed(app, ctx)
    ctx.db.dispose()


def _fuzz(operation: Any, fuzzed: Fuzzed) -> None:
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=True, database=None)
    def run(case: Any) -> None:
        case.call_and_validate(headers=fuzzed.headers(), checks=CHECKS)

    run()


def test_api_conforms_to_its_document(fuzzed: Fuzzed) -> None:
    """schemathesis's pytest loader does not run on pytest 9 yet, so the operations are walked here."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed.app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _fuzz(operation, fuzzed)
        except (Exception, BaseExceptionGroup) as exc:  # every failing operation is reported, not just the first
            failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:3000])
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
