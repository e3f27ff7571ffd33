"""The forwarding form's choice of an agency on the deployment (issue 13 point 9): the choices are the agencies
it is given, a copy of the pack's form is shaped, and an agency outside the deployment is named in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service import plan_rules
from service.usecases.errors import Invalid
from service.usecases.forms import check_submission

FORM = Path(__file__).resolve().parents[2] / "bpmn" / "forms" / "petition_forward_petition.form.json"


def test_the_forwarding_form_offers_the_agencies_it_is_given_and_refuses_others() -> None:
    form = json.loads(FORM.read_text(encoding="utf-8"))
    shaped = plan_rules.with_agencies(form, [("sonla-noivu", "Sở Nội vụ tỉnh Sơn La")])
    [select] = [c for c in shaped["components"] if c.get("key") in plan_rules.AGENCY_KEYS]
    assert select["values"] == [{"value": "sonla-noivu", "label": "Sở Nội vụ tỉnh Sơn La"}]
    assert next(c for c in form["components"] if c.get("key") == "forward_agency")["values"] == []  # a copy
    base = {"forwarded_on": "2022-08-24", "petitioner_notified": True}
    assert check_submission(shaped, {**base, "forward_agency": "sonla-noivu"}, "forward")["forward_agency"]
    with pytest.raises(Invalid, match="forward_agency"):
        check_submission(shaped, {**base, "forward_agency": "hagiang-khcn"}, "forward")
    with pytest.raises(Invalid, match="forward_to"):  # outside the deployment, the agency is named in full
        check_submission(shaped, base, "forward")
    assert check_submission(shaped, {**base, "forward_to": "Thanh tra tỉnh Sơn La"}, "forward")
