"""Model keys do not collide: an unrelated diagram whose process id is already a model is not its next version."""

from __future__ import annotations

import pytest

from service.usecases import models
from service.usecases.context import Context
from service.usecases.errors import Invalid
from tests.conftest import ADMIN
from tests.unit.diagrams import definitions, linear, process


def _main(task: str) -> bytes:
    return definitions(process(linear([("manualTask", task, "")]), process_id="main", lane="office"))


def test_a_diagram_from_another_file_does_not_become_a_version_of_main(ctx: Context) -> None:
    first = models.deploy(ctx, ADMIN, _main("read"), {}, "reading.bpmn")
    assert (first.key, first.version) == ("main", 1)
    assert models.deploy(ctx, ADMIN, _main("read_twice"), {}, "reading.bpmn").version == 2  # its own next version
    with pytest.raises(Invalid) as refused:
        models.deploy(ctx, ADMIN, _main("sign"), {}, "signing.bpmn")
    text = " ".join(refused.value.problems)
    assert "reading.bpmn" in text and "distinct id" in text and "--key main" in text
    assert [v.version for v in models.list_versions(ctx, "main")] == [2, 1]
    on_purpose = models.deploy(ctx, ADMIN, _main("sign"), {}, "signing.bpmn", key="main")
    assert (on_purpose.key, on_purpose.version) == ("main", 3)
