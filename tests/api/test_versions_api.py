"""The version endpoints: compare, bulk dry run and move, one instance's move; errors are RFC 7807."""

from __future__ import annotations

from typing import Any

from service.pack import read_bundle
from service.usecases import instances, models
from service.usecases.context import Context
from tests.api.conftest import problem_of
from tests.conftest import BPMN, actor, deploy_sample
from tests.integration.version_diagrams import intake_v2

OFFICE = actor("vanphong", "office")
RECEPTION = actor("tiepnhan", "reception")


def _v2(ctx: Context) -> None:
    deploy_sample(ctx)
    bundle = read_bundle(BPMN / "intake_review.bpmn")
    models.deploy_bundle(ctx, actor("thietke", "designer"), intake_v2().encode(), bundle.resources,
                         bundle.file_name, key="intake_review")


def test_compare_and_migrate_over_http(as_role: Any, ctx: Context) -> None:
    _v2(ctx)
    at_register = instances.start_instance(ctx, OFFICE, "intake_review", {}, version=1)
    at_classify = instances.start_instance(ctx, OFFICE, "intake_review", {}, version=1)
    instances.complete_task(ctx, RECEPTION, at_classify.open_tasks[0].id,
                            {"title": "T", "source": "citizen", "content": "C"})
    client = as_role("designer")
    diff: dict[str, Any] = client.get("/api/v1/models/intake_review/versions/1/diff/2").get_json()
    assert [e["element_id"] for e in diff["removed"]] == ["classify_petition"]
    assert [e["element_id"] for e in diff["added"]] == ["review_summary"]
    dry = client.post("/api/v1/models/intake_review/versions/1/migrations", json={"to_version": 2})
    assert dry.status_code == 200 and dry.get_json()["dry_run"] is True
    assert [b["instance_id"] for b in dry.get_json()["blocked"]] == [str(at_classify.id)]
    one = client.post(f"/api/v1/instances/{at_register.id}/migrate", json={"to_version": 2})
    assert one.status_code == 200 and one.get_json()["moved"] is True
    problem_of(client.get("/api/v1/models/intake_review/versions/1/diff/9"), 404)
    problem_of(client.post("/api/v1/models/intake_review/versions/1/migrations", json={"to_version": 1}), 422)
    refused = as_role("office").post(f"/api/v1/instances/{at_register.id}/migrate", json={"to_version": 1})
    assert refused.status_code == 403


def test_a_saved_draft_runs_only_once_published(as_role: Any, ctx: Context) -> None:
    deploy_sample(ctx)
    client = as_role("designer")
    bundle = read_bundle(BPMN / "intake_review.bpmn")
    body = {"file_name": "intake_review.bpmn", "bpmn_xml": intake_v2(),
            "resources": {k: v.decode("utf-8") for k, v in bundle.resources.items()}}
    saved = client.post("/api/v1/models/intake_review/drafts", json=body)
    assert saved.status_code == 201, saved.get_data(as_text=True)
    draft = saved.get_json()["id"]
    assert [v.version for v in models.list_versions(ctx, "intake_review")] == [1]  # saving deploys nothing
    assert [d["id"] for d in client.get("/api/v1/models/intake_review/drafts").get_json()] == [draft]
    assert client.post(f"/api/v1/models/intake_review/drafts/{draft}", json=body).status_code == 200
    problem_of(client.post(f"/api/v1/models/petition/drafts/{draft}/publish"), 404)  # another model's draft
    published = client.post(f"/api/v1/models/intake_review/drafts/{draft}/publish")
    assert published.status_code == 201 and published.get_json()["version"] == 2
    assert sorted(v.version for v in models.list_versions(ctx, "intake_review")) == [1, 2]
