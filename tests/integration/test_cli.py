"""The `petitionflow` command as an operator uses it: clear output, one error line, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main
from tests.conftest import BPMN
from tests.unit.diagrams import lane_diagram


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PETITIONFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("PETITIONFLOW_BPMN_DIR", str(BPMN))
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return CliRunner()


def test_demo_user_and_audit(runner: CliRunner) -> None:
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    assert "deployed: intake_review version 1" in first.output and "giamdoc" in first.output
    again = runner.invoke(main, ["demo"])
    assert "unchanged: intake_review version 1" in again.output and "created" not in again.output
    added = runner.invoke(main, ["user", "add", "lan", "--role", "office", "--role", "unit:khcn",
                                 "--agency", "demo", "--password-stdin"], input="a long secret\n")
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["user", "list"])
    assert "lan\tactive\tdemo: office, unit:khcn" in listed.output
    assert runner.invoke(main, ["user", "disable", "lan"]).exit_code == 0
    assert "lan\tdisabled" in runner.invoke(main, ["user", "list"]).output
    verified = runner.invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith("ok: ")


def test_bad_input_gives_one_line_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "broken.bpmn"
    bad.write_bytes(b"\x00\x01 not xml")
    result = runner.invoke(main, ["bpmn", "validate", str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line]
    assert lines == ["error: broken.bpmn: not an XML document"]
    missing = runner.invoke(main, ["bpmn", "deploy", str(tmp_path / "nowhere.bpmn")])
    assert missing.exit_code == 1 and missing.stderr.startswith("error: ") and len(missing.stderr.splitlines()) == 1
    weak = runner.invoke(main, ["user", "add", "x", "--role", "wizard", "--password-stdin"], input="short\n")
    assert weak.exit_code == 1
    assert "role 'wizard' is not known" in weak.stderr and "at least 8" in weak.stderr


def test_validate_and_deploy(runner: CliRunner) -> None:
    path = str(BPMN / "intake_review.bpmn")
    ok = runner.invoke(main, ["bpmn", "validate", path])
    assert ok.exit_code == 0 and "process 'intake_review', 3 human tasks" in ok.output
    deployed = runner.invoke(main, ["bpmn", "deploy", path])
    assert deployed.exit_code == 0 and "deployed: intake_review version 1" in deployed.output
    assert "unchanged: intake_review version 1" in runner.invoke(main, ["bpmn", "deploy", path]).output


def test_an_unrelated_diagram_with_a_taken_process_id_needs_key(runner: CliRunner, tmp_path: Path) -> None:
    text = (BPMN / "intake_review.bpmn").read_text(encoding="utf-8")
    forms = [f for f in (BPMN / "forms").glob("sample_*.form.json")]
    (tmp_path / "forms").mkdir()
    for form in forms:
        (tmp_path / "forms" / form.name).write_bytes(form.read_bytes())
    other = tmp_path / "other_intake.bpmn"
    other.write_text(text.replace('name="', 'name="x ', 1), encoding="utf-8")
    assert runner.invoke(main, ["bpmn", "deploy", str(BPMN / "intake_review.bpmn")]).exit_code == 0
    refused = runner.invoke(main, ["bpmn", "deploy", str(other)])
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
    assert "distinct id" in refused.stderr and "--key intake_review" in refused.stderr
    keyed = runner.invoke(main, ["bpmn", "deploy", "--key", "intake_review", str(other)])
    assert keyed.exit_code == 0 and "deployed: intake_review version 2" in keyed.output, keyed.output


def test_deploying_a_lane_names_the_missing_group_until_it_is_added(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["demo"]).exit_code == 0
    diagram = tmp_path / "legal_review.bpmn"
    diagram.write_bytes(lane_diagram("Phòng Pháp chế"))
    refused = runner.invoke(main, ["bpmn", "deploy", "--agency", "demo", str(diagram)])
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
    assert "needs the groups Phòng Pháp chế; agency demo does not have Phòng Pháp chế" in refused.stderr
    assert "petitionflow group add" in refused.stderr
    added = runner.invoke(main, ["group", "add", "Phòng Pháp chế", "--agency", "demo"])
    assert added.exit_code == 0 and "role group:phòng pháp chế" in added.output, added.output
    granted = runner.invoke(main, ["group", "grant", "PHÒNG PHÁP CHẾ", "vanphong", "--agency", "demo"])
    assert granted.exit_code == 0, granted.output
    listed = runner.invoke(main, ["group", "list", "--agency", "demo"]).output
    assert "Phòng Pháp chế\tgroup:phòng pháp chế\tvanphong" in listed
    deployed = runner.invoke(main, ["bpmn", "deploy", "--agency", "demo", str(diagram)])
    assert deployed.exit_code == 0 and "deployed: legal_review version 1" in deployed.output, deployed.stderr
