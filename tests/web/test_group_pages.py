"""The groups page: an admin creates a group of any name and grants it; a designer deploying a diagram whose
lane names a group the agency lacks is told which, in Vietnamese; the group's member sees the task under
the group's label."""

from __future__ import annotations

import json
import re

from flask import Flask

from service.usecases import drafts, instances
from service.usecases.context import Context
from tests.unit.diagrams import lane_diagram
from tests.web.conftest import actor, csrf, signed_in

PLANNING = "Phòng Kế hoạch - Tài chính"
LANE = " PHÒNG KẾ HOẠCH - TÀI CHÍNH"
"""The diagram's lane: the group's name in capitals, a space before."""


def test_an_admin_creates_grants_and_revokes_a_group(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    assert signed_in(app, "vanphong").get("/admin/groups").status_code == 403
    admin = signed_in(app, "quantri")
    page = admin.get("/admin/groups")
    assert page.status_code == 200 and "Thêm nhóm" in page.text and "Văn phòng Sở" in page.text
    token = csrf(page.text)
    refused = admin.post("/admin/groups", data={"csrf_token": token, "name": "admin"})
    assert refused.status_code == 422 and "không được trùng tên một vai trò" in refused.text
    assert admin.post("/admin/groups", data={"csrf_token": token, "name": "Phòng Pháp chế"}).status_code == 302
    again = admin.post("/admin/groups", data={"csrf_token": token, "name": " PHÒNG PHÁP CHẾ"})
    assert again.status_code == 409 and "Cơ quan đã có nhóm mang tên này." in again.text
    granted = admin.post("/admin/groups/grants", data={"csrf_token": token, "group": "phòng pháp chế",
                                                       "username": "thanhtra"})
    assert granted.status_code == 302
    assert actor(ctx, "thanhtra").roles == {"inspectorate", "group:phòng pháp chế"}
    listed = admin.get("/admin/groups").text
    assert 'data-testid="group-phòng pháp chế"' in listed and "thanhtra" in listed.split("group-phòng pháp chế")[1]
    users = admin.get("/admin/users").text  # the roles form keeps the group when an admin saves it
    assert 'value="group:phòng pháp chế" checked' in users.split('data-testid="user-thanhtra"')[1]
    kept = admin.post("/admin/users/thanhtra/roles", data={"csrf_token": token, "units": "",
                                                          "role": ["inspectorate", "group:phòng pháp chế"]})
    assert kept.status_code == 302 and "group:phòng pháp chế" in actor(ctx, "thanhtra").roles
    revoked = admin.post("/admin/groups/grants", data={"csrf_token": token, "group": "Phòng Pháp chế",
                                                       "username": "thanhtra", "revoke": "1"})
    assert revoked.status_code == 302 and actor(ctx, "thanhtra").roles == {"inspectorate"}
    assert admin.post("/admin/groups/grants", data={"csrf_token": token, "group": "Không có",
                                                    "username": "thanhtra"}).status_code == 404


def test_deploying_a_lane_the_agency_lacks_names_the_group_then_its_member_works_it(
        web: tuple[Flask, Context]) -> None:
    app, ctx = web
    designer = signed_in(app, "thietke")
    draft = drafts.from_upload(ctx, actor(ctx, "thietke"), "planning.bpmn",
                               lane_diagram(LANE, "check_budget", "planning_check"))
    token = csrf(designer.get(f"/designer/drafts/{draft.id}").text)
    checked = designer.post(f"/designer/drafts/{draft.id}/validate", data={"csrf_token": token}).get_json()
    wanted = LANE.strip()
    assert checked["ok"] is False and f"chưa có {wanted}" in checked["message"]
    refused = designer.post(f"/designer/drafts/{draft.id}/deploy", data={"csrf_token": token}).get_json()
    assert refused["ok"] is False
    assert refused["message"].startswith(f"Sơ đồ cần các nhóm {wanted}; cơ quan này chưa có {wanted}.")
    assert refused["problems"][0]["text"] == f"Làn '{wanted}' cần nhóm '{wanted}', nhưng cơ quan này chưa có nhóm đó."

    admin = signed_in(app, "quantri")
    token_admin = csrf(admin.get("/admin/groups").text)
    admin.post("/admin/groups", data={"csrf_token": token_admin, "name": PLANNING})
    admin.post("/admin/groups/grants", data={"csrf_token": token_admin, "group": PLANNING, "username": "ttthongtin"})
    deployed = designer.post(f"/designer/drafts/{draft.id}/deploy", data={"csrf_token": token}).get_json()
    assert deployed["ok"] is True, deployed

    instances.start_instance(ctx, actor(ctx, "vanphong"), "planning_check", {})
    member = signed_in(app, "ttthongtin")
    page = member.get("/tasks?scope=group").text
    row = page.split("check_budget")[1].split("</tr>")[0]
    assert PLANNING in row and LANE.strip() not in row  # the group's label, not the lane as the diagram spells it
    assert f'<option value="group:{PLANNING.lower()}"' in page
    link = re.search(r'href="(/tasks/[0-9a-f-]{36})"[^<]*$', page.split("check_budget")[0])
    assert link is not None
    assert 'data-testid="task-form"' in member.get(link.group(1)).text  # the member may do it on its page
    assert 'data-testid="task-form"' not in signed_in(app, "vanphong").get(link.group(1)).text  # the office reads it


def test_the_designer_offers_the_agencys_own_groups_as_lanes(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    admin = signed_in(app, "quantri")
    token = csrf(admin.get("/admin/groups").text)
    assert admin.post("/admin/groups", data={"csrf_token": token, "name": "Tổ Tiếp công dân"}).status_code == 302
    designer = signed_in(app, "thietke")
    page = designer.get("/designer").text
    lane_select = page.split('name="lane"')[1].split("</select>")[0]
    assert '<option value="Tổ Tiếp công dân">Tổ Tiếp công dân</option>' in lane_select
    assert 'value="office"' in lane_select  # the default groups stay, labelled as people call them
    made = designer.post("/designer/new", data={"csrf_token": csrf(page), "key": "tiep_cong_dan",
                                                "name": "Tiếp công dân", "lane": "Tổ Tiếp công dân"})
    assert made.status_code == 302
    modeler = designer.get(made.headers["Location"]).text
    lanes = re.search(r'"lanes": (\[[^\]]*\])', modeler)
    assert lanes is not None and "Tổ Tiếp công dân" in json.loads(lanes.group(1)), modeler[-3000:]
    draft = next(d for d in drafts.list_drafts(ctx, actor(ctx, "thietke")) if d.key == "tiep_cong_dan")
    assert 'name="Tổ Tiếp công dân"' in drafts.get(ctx, actor(ctx, "thietke"), draft.id).bpmn_xml

