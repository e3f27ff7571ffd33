"""The fine grain of issue 13 points 5 and 6: who handles a denunciation, what a redaction takes out, which
restriction applies, and the conditions intake flags."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from service.domain import identity, intake_checks
from service.usecases.context import Actor


@dataclass(frozen=True)
class Row:
    petition_type: str | None = "to_cao"
    assigned_unit: str | None = "science"
    stage: str = "draft_answer"
    submitted_by: str = "tiepnhan"


def _actor(username: str, *roles: str) -> Actor:
    return Actor(username, "demo", frozenset(roles))


@pytest.mark.parametrize(("who", "sees"), [
    (_actor("giamdoc", "director"), True),
    (_actor("thanhtra", "inspectorate"), True),
    (_actor("donvi", "unit:science"), True),
    (_actor("tiepnhan", "reception"), True),  # recorded it
    (_actor("tiepnhan2", "reception"), False),  # another receptionist, after intake
    (_actor("donvi2", "unit:other"), False),
    (_actor("vanphong", "office"), False),
    (_actor("ttthongtin", "infocenter"), False),
    (_actor("kiemtoan", "auditor"), False),
    (_actor("quantri", "admin"), False),
])
def test_only_those_handling_a_denunciation_see_its_denouncer(who: Actor, sees: bool) -> None:
    assert identity.may_see_identity(who, Row()) is sees
    assert identity.may_see_identity(who, Row(petition_type="khieu_nai")) is True  # nothing to hide


def test_reception_sees_the_identity_while_the_intake_is_open() -> None:
    other = _actor("tiepnhan2", "reception")
    assert identity.may_see_identity(other, Row(stage="intake")) is True
    assert identity.may_see_identity(other, Row(stage="consolidate_inspectorate")) is False
    assert identity.may_see_identity(Actor("system", "demo", frozenset(), system=True), Row()) is True


def test_the_restriction_says_what_is_restricted() -> None:
    assert identity.restriction_of(False, None) == "none"
    assert identity.restriction_of(True, "khieu_nai") == "confidential"
    assert identity.restriction_of(False, "to_cao") == "identity_protected"
    assert identity.restriction_of(True, "to_cao") == "confidential_identity_protected"


def test_a_redaction_takes_the_identity_out_at_any_depth_and_from_free_text() -> None:
    data = {"submitted": {"petitioner_name": "Đinh Văn Kín", "petitioner_contact": "0912 345 678",
                          "content": "Tôi là ĐINH VĂN KÍN, tố cáo.", "urgency": "high"},
            "items": [{"representatives": "A Páo, Lò Văn Hặc"}], "identity_document": ""}
    secrets = identity.secrets_of({"petitioner_name": "Đinh Văn Kín", "representatives": "A Páo, Lò Văn Hặc"})
    assert "Lò Văn Hặc" in secrets and "Đinh Văn Kín" in secrets
    shown = identity.redact(data, secrets)
    assert shown["submitted"]["petitioner_name"] == identity.HIDDEN
    assert shown["submitted"]["petitioner_contact"] == identity.HIDDEN
    assert shown["submitted"]["content"] == f"Tôi là {identity.HIDDEN}, tố cáo."
    assert shown["submitted"]["urgency"] == "high" and shown["items"][0]["representatives"] == identity.HIDDEN
    assert shown["identity_document"] == ""  # nothing there, nothing to hide
    assert data["submitted"]["petitioner_name"] == "Đinh Văn Kín"  # a copy: the original is untouched


def test_short_values_are_not_searched_for_in_text() -> None:
    assert identity.secrets_of({"petitioner_name": "An"}) == []


def test_intake_flags_each_unmet_condition() -> None:
    complete = {"petitioner_name": "Nguyễn Văn An", "petition_date": "2026-03-01", "signed": True, "channel": "paper"}
    assert intake_checks.flags(complete, duplicate=False) == []
    assert intake_checks.flags({**complete, "petition_date": None}, duplicate=False) == ["undated"]
    assert intake_checks.flags({**complete, "signed": False}, duplicate=False) == ["unsigned"]
    assert intake_checks.flags({**complete, "signed": None}, duplicate=False) == []  # not checked yet
    assert intake_checks.flags({**complete, "channel": "reception"}, duplicate=False) == ["no_identity_document"]
    assert intake_checks.flags({**complete, "channel": "reception", "identity_document": "CCCD 1"}, False) == []
    assert intake_checks.flags({**complete, "petitioner_name": " "}, duplicate=False) == ["anonymous"]
    denunciation = {**complete, "petitioner_name": "", "petition_type": "to_cao"}
    assert intake_checks.flags(denunciation, duplicate=False) == ["anonymous"]
    assert intake_checks.flags({**denunciation, "evidence_clear": True}, False) == ["anonymous_with_evidence"]
    assert intake_checks.flags({**complete, "evidence_clear": True, "petitioner_name": ""}, False) == ["anonymous"]
    assert intake_checks.flags(complete, duplicate=True) == ["duplicate"]
    assert intake_checks.flags({**complete, "signer_count": 5}, False) == ["representatives_missing"]
    assert intake_checks.flags({**complete, "signer_count": 5, "representatives": "A, B"}, False) == []
    assert intake_checks.flags({**complete, "signer_count": 1}, False) == []


def test_intake_fields_are_typed_for_the_register() -> None:
    columns = intake_checks.columns_of({"petition_date": "2026-03-01", "signed": "yes", "signer_count": "12",
                                        "representatives": "  A, B ", "duplicate_of": "not-a-uuid"})
    assert str(columns["petition_date"]) == "2026-03-01" and columns["signed"] is None
    assert columns["signer_count"] == 12 and columns["representatives"] == "A, B"
    assert "duplicate_of" not in columns
    assert intake_checks.columns_of({"signer_count": True})["signer_count"] is None
