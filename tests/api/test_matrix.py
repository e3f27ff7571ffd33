"""Every API operation against every role (and nobody): the expected allow/deny table, written out.

The table must cover every route registered under /api/v1, so a new route without a row fails
here. "Allowed" means the request got past authentication and authorization (any status but
401/403, and no server error); a denied anonymous request gets 401, a denied role 403.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from service.domain import dialogues, documents, petitions, receptions
from service.usecases import instances, lifecycle, tasks, tokens
from service.usecases.context import Actor, Context
from tests.api.conftest import ROLE_USERS, Api
from tests.conftest import ADMIN, BPMN, actor, deploy_sample

ANON = "anonymous"
ROLES = (ANON, "reception", "office", "inspectorate", "director", "unit:science", "infocenter", "designer",
         "auditor", "admin")
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANON}
LANE_STAFF = frozenset({"reception", "office", "inspectorate", "director", "unit:science", "infocenter"})
OFFICE = actor("vanphong", "office")
RECEPTION = actor("tiepnhan", "reception")
BPMN_XML = (BPMN / "intake_review.bpmn").read_text(encoding="utf-8")
FORMS = {f.name: f.read_text(encoding="utf-8") for f in (BPMN / "forms").glob("sample_*.form.json")}


@dataclass
class World:
    """Fresh things for probes that change state."""

    ctx: Context
    made: list[uuid.UUID] = field(default_factory=list)

    def instance(self) -> tuple[uuid.UUID, uuid.UUID]:
        """A new intake instance and its register_petition task (reception lane)."""
        info = instances.start_instance(self.ctx, OFFICE, "intake_review", {})
        return info.id, info.open_tasks[0].id

    def claimed(self) -> uuid.UUID:
        task = self.instance()[1]
        tasks.claim(self.ctx, RECEPTION, task)
        return task

    def suspended(self) -> uuid.UUID:
        instance = self.instance()[0]
        lifecycle.suspend(self.ctx, ADMIN, instance, "matrix")
        return instance

    def petition(self) -> uuid.UUID:
        """A petition just received (its intake waits for reception)."""
        return petitions.submit(self.ctx, RECEPTION, PETITION).id

    def receipt(self) -> str:
        """The download path of a new petition's receipt (issued when it is recorded)."""
        petition = self.petition()
        document = documents.list_for_petition(self.ctx, Actor.system_actor(ADMIN.agency), petition)[0]
        return f"/api/v1/petitions/{petition}/documents/{document.id}"

    def dialogue(self) -> uuid.UUID:
        """A periodic dialogue just decided by the Office."""
        return dialogues.create(self.ctx, OFFICE, "periodic", "Đối thoại định kỳ").id

    def reception(self) -> uuid.UUID:
        """A reception session just written in the book by the Office."""
        return receptions.record(self.ctx, OFFICE, date(2025, 3, 10), "periodic", "Giám đốc Sở", 1,
                                 "Hỏi thủ tục").id

    def token(self) -> int:
        return tokens.create_token(self.ctx, Actor.system_actor(ADMIN.agency), "vanphong", "matrix").info.id


Probe = Callable[[Api, World], TestResponse]


def _upload(c: Api, _w: World) -> TestResponse:
    files = {"bpmn": (io.BytesIO(BPMN_XML.encode()), "intake_review.bpmn"),
             "resources": [(io.BytesIO(text.encode()), name) for name, text in FORMS.items()]}
    return c.post("/api/v1/models", data=files, content_type="multipart/form-data")


def _login(c: Api, _w: World) -> TestResponse:
    user = c.username or "nobody"
    return c.client.post("/api/v1/auth/login", json={"username": user, "password": "petitionflow"})


BUNDLE = {"file_name": "intake_review.bpmn", "bpmn_xml": BPMN_XML, "resources": FORMS}
STAFF_READERS = frozenset({"reception", "office", "director", "auditor", "admin"})
LEADS = frozenset({"office", "director", "admin"})
INSTANCE_READERS = LEADS | {"auditor"}
DESIGN = frozenset({"designer", "admin"})
PETITION_READERS = LANE_STAFF | {"auditor", "admin"}
DIALOGUE_READERS = frozenset({"office", "inspectorate", "director", "infocenter", "auditor", "admin"})
REPORT_READERS = frozenset({"office", "inspectorate", "director", "auditor", "admin"})
RECEPTION_READERS = frozenset({"reception", "office", "inspectorate", "director", "auditor", "admin"})
RECEPTION_BODY = {"received_on": "2025-03-10", "receiver": "Giám đốc Sở", "visitors": 1, "content": "Hỏi thủ tục"}
PETITION = {"source": "citizen", "channel": "electronic", "field": "science", "title": "Đề nghị", "content": "Nội dung"}

# (method, rule) -> (probe, roles allowed)
MATRIX: dict[tuple[str, str], tuple[Probe, frozenset[str]]] = {
    ("GET", "/api/v1/openapi.json"): (lambda c, w: c.get("/api/v1/openapi.json"), EVERYONE),
    ("GET", "/api/v1/docs"): (lambda c, w: c.get("/api/v1/docs"), EVERYONE),
    ("GET", "/api/v1/docs/assets/<path:filename>"):
        (lambda c, w: c.get("/api/v1/docs/assets/swagger-ui.css"), EVERYONE),
    ("POST", "/api/v1/auth/login"): (_login, SIGNED_IN),
    ("POST", "/api/v1/auth/logout"): (lambda c, w: c.post("/api/v1/auth/logout"), EVERYONE),
    ("GET", "/api/v1/auth/me"): (lambda c, w: c.get("/api/v1/auth/me"), SIGNED_IN),
    ("GET", "/api/v1/petitions"): (lambda c, w: c.get("/api/v1/petitions"), PETITION_READERS),
    ("POST", "/api/v1/petitions"):
        (lambda c, w: c.post("/api/v1/petitions", json=PETITION),
         frozenset({ANON, "reception", "office", "inspectorate", "admin"})),
    ("GET", "/api/v1/petitions/<uuid:petition_id>"):
        (lambda c, w: c.get(f"/api/v1/petitions/{w.petition()}"), PETITION_READERS),
    ("POST", "/api/v1/petitions/<uuid:petition_id>/withdraw"):
        (lambda c, w: c.post(f"/api/v1/petitions/{w.petition()}/withdraw", json={"reason": "rút đơn"}),
         frozenset({"reception", "office", "inspectorate", "admin"})),
    ("GET", "/api/v1/petitions/<uuid:petition_id>/comments"):
        (lambda c, w: c.get(f"/api/v1/petitions/{w.petition()}/comments"), PETITION_READERS),
    ("POST", "/api/v1/petitions/<uuid:petition_id>/comments"):
        (lambda c, w: c.post(f"/api/v1/petitions/{w.petition()}/comments", json={"body": "Ý kiến"}),
         PETITION_READERS - {"auditor"}),
    ("GET", "/api/v1/petitions/<uuid:petition_id>/documents"):
        (lambda c, w: c.get(f"/api/v1/petitions/{w.petition()}/documents"), PETITION_READERS),
    ("GET", "/api/v1/petitions/<uuid:petition_id>/documents/<uuid:document_id>.<any(docx, pdf):fmt>"):
        (lambda c, w: c.get(f"{w.receipt()}.pdf"), PETITION_READERS),
    ("GET", "/api/v1/petitions/<uuid:petition_id>/attachments"):
        (lambda c, w: c.get(f"/api/v1/petitions/{w.petition()}/attachments"), PETITION_READERS),
    ("POST", "/api/v1/petitions/<uuid:petition_id>/attachments"):
        (lambda c, w: c.post(f"/api/v1/petitions/{w.petition()}/attachments", content_type="multipart/form-data",
                             data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "don.pdf")}),
         PETITION_READERS - {"auditor"}),
    ("GET", "/api/v1/petitions/<uuid:petition_id>/attachments/<uuid:attachment_id>"):  # none such: 404 for readers
        (lambda c, w: c.get(f"/api/v1/petitions/{w.petition()}/attachments/{uuid.uuid4()}"), PETITION_READERS),
    ("POST", "/api/v1/petitions/<uuid:petition_id>/extensions"):
        (lambda c, w: c.post(f"/api/v1/petitions/{w.petition()}/extensions", json={
            "decision_number": "1/QĐ-SKHCN", "decided_on": "2025-03-10", "reason": "Cần xác minh thêm"}),
         frozenset({"director"})),
    ("GET", "/api/v1/alerts"): (lambda c, w: c.get("/api/v1/alerts"), SIGNED_IN),
    ("POST", "/api/v1/alerts/<int:alert_id>/read"): (lambda c, w: c.post("/api/v1/alerts/1/read"), SIGNED_IN),
    ("GET", "/api/v1/public/petitions/<string:tracking_code>"):
        (lambda c, w: c.get("/api/v1/public/petitions/no-such-code"), EVERYONE),
    ("GET", "/api/v1/public/agencies/<string:agency>/publications"):
        (lambda c, w: c.get("/api/v1/public/agencies/demo/publications"), EVERYONE),
    ("GET", "/api/v1/dialogues"): (lambda c, w: c.get("/api/v1/dialogues"), DIALOGUE_READERS),
    ("POST", "/api/v1/dialogues"):
        (lambda c, w: c.post("/api/v1/dialogues", json={"kind": "periodic", "title": "Định kỳ"}), LEADS),
    ("GET", "/api/v1/dialogues/<uuid:dialogue_id>"):
        (lambda c, w: c.get(f"/api/v1/dialogues/{w.dialogue()}"), DIALOGUE_READERS),
    ("POST", "/api/v1/dialogues/<uuid:dialogue_id>/agenda"):
        (lambda c, w: c.post(f"/api/v1/dialogues/{w.dialogue()}/agenda", json={"petition_ids": [], "chair": "GĐ"}),
         frozenset({"office", "admin"})),
    ("POST", "/api/v1/dialogues/<uuid:dialogue_id>/outcomes"):
        (lambda c, w: c.post(f"/api/v1/dialogues/{w.dialogue()}/outcomes",
                             json={"held_on": "2026-09-15", "minutes": "Biên bản", "outcomes": []}),
         frozenset({"director", "admin"})),
    ("POST", "/api/v1/dialogues/<uuid:dialogue_id>/cancel"):
        (lambda c, w: c.post(f"/api/v1/dialogues/{w.dialogue()}/cancel", json={"reason": "Hoãn theo chỉ đạo"}),
         LEADS),
    ("GET", "/api/v1/reports/periodic"):
        (lambda c, w: c.get("/api/v1/reports/periodic?from=2026-01-01&to=2026-06-30"), REPORT_READERS),
    ("GET", "/api/v1/receptions"): (lambda c, w: c.get("/api/v1/receptions"), RECEPTION_READERS),
    ("POST", "/api/v1/receptions"):
        (lambda c, w: c.post("/api/v1/receptions", json=RECEPTION_BODY),
         frozenset({"reception", "office", "inspectorate", "director"})),
    ("GET", "/api/v1/receptions/calendar"):
        (lambda c, w: c.get("/api/v1/receptions/calendar?year=2025"), RECEPTION_READERS),
    ("GET", "/api/v1/receptions/export.xlsx"):
        (lambda c, w: c.get("/api/v1/receptions/export.xlsx?from=2025-01-01&to=2025-12-31"), RECEPTION_READERS),
    ("GET", "/api/v1/receptions/<uuid:reception_id>"):
        (lambda c, w: c.get(f"/api/v1/receptions/{w.reception()}"), RECEPTION_READERS),
    ("GET", "/api/v1/auth/csrf"): (lambda c, w: c.get("/api/v1/auth/csrf"), EVERYONE),
    ("GET", "/api/v1/tokens"): (lambda c, w: c.get("/api/v1/tokens"), frozenset({"admin"})),
    ("POST", "/api/v1/tokens"):
        (lambda c, w: c.post("/api/v1/tokens", json={"name": "x"}), frozenset({"admin"})),
    ("DELETE", "/api/v1/tokens/<int(max=2147483647):token_id>"):
        (lambda c, w: c.delete(f"/api/v1/tokens/{w.token()}"), frozenset({"admin"})),
    ("GET", "/api/v1/tasks"): (lambda c, w: c.get("/api/v1/tasks"), LANE_STAFF | {"auditor", "admin"}),
    ("GET", "/api/v1/tasks/<uuid:task_id>"):
        (lambda c, w: c.get(f"/api/v1/tasks/{w.instance()[1]}"), STAFF_READERS),
    ("POST", "/api/v1/tasks/<uuid:task_id>/claim"):
        (lambda c, w: c.post(f"/api/v1/tasks/{w.instance()[1]}/claim"), frozenset({"reception"})),
    ("POST", "/api/v1/tasks/<uuid:task_id>/unclaim"):
        (lambda c, w: c.post(f"/api/v1/tasks/{w.claimed()}/unclaim"), LEADS | {"reception"}),  # tiepnhan claimed it
    ("POST", "/api/v1/tasks/<uuid:task_id>/assign"):
        (lambda c, w: c.post(f"/api/v1/tasks/{w.instance()[1]}/assign", json={"username": "tiepnhan2"}), LEADS),
    ("POST", "/api/v1/tasks/<uuid:task_id>/move"):
        (lambda c, w: c.post(f"/api/v1/tasks/{w.instance()[1]}/move", json={"unit": "science"}),
         LEADS | {"inspectorate"}),
    ("POST", "/api/v1/tasks/<uuid:task_id>/complete"):
        (lambda c, w: c.post(f"/api/v1/tasks/{w.instance()[1]}/complete", json={"data": {
            "title": "t", "source": "citizen", "content": "c"}}), frozenset({"reception", "admin"})),
    ("GET", "/api/v1/instances"): (lambda c, w: c.get("/api/v1/instances"), INSTANCE_READERS),
    ("POST", "/api/v1/instances"):
        (lambda c, w: c.post("/api/v1/instances", json={"model_key": "intake_review", "data": {}}), LEADS),
    ("GET", "/api/v1/instances/<uuid:instance_id>"):
        (lambda c, w: c.get(f"/api/v1/instances/{w.instance()[0]}"), INSTANCE_READERS),
    ("GET", "/api/v1/instances/<uuid:instance_id>/diagram-state"):
        (lambda c, w: c.get(f"/api/v1/instances/{w.instance()[0]}/diagram-state"), INSTANCE_READERS),
    ("POST", "/api/v1/instances/<uuid:instance_id>/suspend"):
        (lambda c, w: c.post(f"/api/v1/instances/{w.instance()[0]}/suspend", json={"reason": "x"}), LEADS),
    ("POST", "/api/v1/instances/<uuid:instance_id>/resume"):
        (lambda c, w: c.post(f"/api/v1/instances/{w.suspended()}/resume"), LEADS),
    ("POST", "/api/v1/instances/<uuid:instance_id>/terminate"):
        (lambda c, w: c.post(f"/api/v1/instances/{w.instance()[0]}/terminate", json={"reason": "x"}),
         frozenset({"director", "admin"})),
    ("GET", "/api/v1/models"): (lambda c, w: c.get("/api/v1/models"), DESIGN | {"auditor"}),
    ("POST", "/api/v1/models"): (_upload, DESIGN),
    ("POST", "/api/v1/models/validate"): (lambda c, w: c.post("/api/v1/models/validate", json=BUNDLE), DESIGN),
    ("POST", "/api/v1/models/<string:key>/versions"):
        (lambda c, w: c.post("/api/v1/models/intake_review/versions", json=BUNDLE), DESIGN),
    ("GET", "/api/v1/models/<string:key>/versions/<int(max=2147483647):version>"):
        (lambda c, w: c.get("/api/v1/models/intake_review/versions/1"), DESIGN | {"auditor"}),
    ("GET", "/api/v1/models/<string:key>/versions/<int(max=2147483647):version>/diff/<int(max=2147483647):other>"):
        (lambda c, w: c.get("/api/v1/models/intake_review/versions/1/diff/1"), DESIGN | {"auditor"}),
    ("POST", "/api/v1/models/<string:key>/versions/<int(max=2147483647):version>/migrations"):
        (lambda c, w: c.post("/api/v1/models/intake_review/versions/1/migrations", json={"to_version": 1}), DESIGN),
    ("GET", "/api/v1/models/<string:key>/drafts"): (lambda c, w: c.get("/api/v1/models/intake_review/drafts"), DESIGN),
    ("POST", "/api/v1/models/<string:key>/drafts"):
        (lambda c, w: c.post("/api/v1/models/intake_review/drafts", json=BUNDLE), DESIGN),
    ("POST", "/api/v1/models/<string:key>/drafts/<int(max=2147483647):draft_id>"):
        (lambda c, w: c.post("/api/v1/models/intake_review/drafts/999999", json=BUNDLE), DESIGN),
    ("POST", "/api/v1/models/<string:key>/drafts/<int(max=2147483647):draft_id>/publish"):
        (lambda c, w: c.post("/api/v1/models/intake_review/drafts/999999/publish"), DESIGN),
    ("POST", "/api/v1/instances/<uuid:instance_id>/migrate"):
        (lambda c, w: c.post(f"/api/v1/instances/{w.instance()[0]}/migrate", json={"to_version": 1, "dry_run": True}),
         DESIGN),
    ("POST", "/api/v1/messages"):
        (lambda c, w: c.post("/api/v1/messages", json={"name": "nobody_waits", "correlations": {"k": "v"}}), LEADS),
    ("GET", "/api/v1/audit"): (lambda c, w: c.get("/api/v1/audit"), frozenset({"auditor"})),
    ("GET", "/api/v1/audit/export"): (lambda c, w: c.get("/api/v1/audit/export"), frozenset({"auditor"})),
    ("GET", "/api/v1/audit/verify"): (lambda c, w: c.get("/api/v1/audit/verify"), frozenset({"auditor"})),
    ("GET", "/api/v1/users"): (lambda c, w: c.get("/api/v1/users"), frozenset({"admin"})),
    ("POST", "/api/v1/users"):
        (lambda c, w: c.post("/api/v1/users", json={"username": f"u{uuid.uuid4().hex[:8]}",
                                                    "password": "a long password", "roles": ["office"]}),
         frozenset({"admin"})),
    ("POST", "/api/v1/users/<string:username>/disable"):
        (lambda c, w: c.post("/api/v1/users/donvi2/disable"), frozenset({"admin"})),
    ("GET", "/api/v1/groups"):
        (lambda c, w: c.get("/api/v1/groups"), frozenset({"admin", "designer", "auditor", "office", "director"})),
    ("POST", "/api/v1/groups"):
        (lambda c, w: c.post("/api/v1/groups", json={"name": f"Nhóm {uuid.uuid4().hex[:8]}"}), frozenset({"admin"})),
    ("POST", "/api/v1/users/<string:username>/groups"):  # a group the user has already: nothing changes
        (lambda c, w: c.post("/api/v1/users/tiepnhan2/groups", json={"group": "reception"}), frozenset({"admin"})),
    ("DELETE", "/api/v1/users/<string:username>/groups/<string:group>"):  # not a member: 404 past the check
        (lambda c, w: c.delete("/api/v1/users/tiepnhan2/groups/office"), frozenset({"admin"})),
    ("GET", "/api/v1/notifications/preferences"):
        (lambda c, w: c.get("/api/v1/notifications/preferences"), SIGNED_IN),
    ("POST", "/api/v1/notifications/preferences"):
        (lambda c, w: c.post("/api/v1/notifications/preferences", json={"mode": "immediate"}), SIGNED_IN),
    ("GET", "/api/v1/notifications/outbox"):
        (lambda c, w: c.get("/api/v1/notifications/outbox"), frozenset({"admin"})),
    ("POST", "/api/v1/notifications/<int:notification_id>/retry"):
        (lambda c, w: c.post("/api/v1/notifications/1/retry"), frozenset({"admin"})),
    ("POST", "/api/v1/notifications/users/<string:username>/email"):
        (lambda c, w: c.post("/api/v1/notifications/users/donvi2/email", json={"email": "donvi2@so.example.vn"}),
         frozenset({"admin"})),
}


def api_routes(app: Flask) -> set[tuple[str, str]]:
    """(method, rule) of every route under /api/v1, without the automatic HEAD and OPTIONS."""
    return {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
            for method in (rule.methods or ()) if method not in ("HEAD", "OPTIONS")}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_matrix_covers_every_route(app: Flask) -> None:
    routes = api_routes(app)
    assert not routes - MATRIX.keys(), f"routes without a row in the authorization matrix: {routes - MATRIX.keys()}"
    assert not MATRIX.keys() - routes, f"rows for routes that do not exist: {MATRIX.keys() - routes}"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_operation_for_every_role(app: Flask, ctx: Context) -> None:
    for diagram in ("intake_review.bpmn", "petition.bpmn", "dialogue.bpmn"):
        deploy_sample(ctx, diagram)
    world = World(ctx)
    clients = {role: Api(app, None if role == ANON else ROLE_USERS[role]) for role in ROLES}
    wrong: list[str] = []
    for (method, rule), (probe, allowed) in MATRIX.items():
        for role in ROLES:
            client = clients[role]
            response = probe(client, world)
            status = response.status_code
            expected = "allowed" if role in allowed else (401 if role == ANON else 403)
            ok = (status not in (401, 403) and status < 500) if expected == "allowed" else status == expected
            if not ok:
                wrong.append(f"{method} {rule} as {role}: got {status}, expected {expected}: "
                             f"{response.get_data(as_text=True)[:200]}")
            if rule in ("/api/v1/auth/logout", "/api/v1/auth/login") and role != ANON:
                clients[role] = Api(app, ROLE_USERS[role])  # signed out (or in anew): sign in again
    assert not wrong, "\n".join(wrong)
