"""`petitionflow user add --email`: the address notifications of the account's tasks go to."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from service.cli import main
from service.config import Settings
from service.store.tables import User
from service.usecases.context import Context


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_user_add_keeps_the_email_and_refuses_a_wrong_one(database_url: str, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    monkeypatch.setenv("PETITIONFLOW_DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["demo"]).exit_code == 0
    added = runner.invoke(main, ["user", "add", "lan", "--role", "office", "--name", "Đinh Thị Lan",
                                 "--email", "lan.dinh@sokhcn.example.vn", "--password-stdin"], input="mat-khau-dai\n")
    assert added.exit_code == 0, added.output
    wrong = runner.invoke(main, ["user", "add", "mai", "--role", "office", "--email", "mai at so",
                                 "--password-stdin"], input="mat-khau-dai\n")
    assert wrong.exit_code == 1 and wrong.output.startswith("error:") and "email" in wrong.output
    ctx = Context.from_settings(Settings(database_url=database_url))
    with ctx.uow(write=False) as uow:
        emails = {name: email for name, email in uow.session.execute(select(User.username, User.email)).all()}
    ctx.db.dispose()
    assert emails["lan"] == "lan.dinh@sokhcn.example.vn" and "mai" not in emails
