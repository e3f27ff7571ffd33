"""The `petitionflow` command: serve, migrate, validate and deploy diagrams, manage users, audit.

Every command builds what it needs from the environment when it runs; a failure prints one line
starting with `error:` on standard error and exits with status 1 (2 for wrong usage).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .cli_common import clear_errors, context, fail
from .pack import is_resource, read_bundle
from .usecases import accounts, audit_checks, groups, models
from .usecases import audit as audit_trail
from .usecases.context import Actor, Context
from .usecases.errors import Invalid


def _admin(ctx: Context, agency: str | None) -> Actor:
    return Actor("cli", agency or ctx.settings.default_agency, frozenset({"admin", "designer"}))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """petitionflow: petitions, dialogues and their deadlines, run as BPMN workflows."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Web worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and the API."""
    from .server import run_server

    run_server(host, port, workers)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@clear_errors
def db_upgrade() -> None:
    """Bring the database to the newest schema."""
    from .store.migrate import upgrade
    from .usecases.keys import SESSION_KEY, kept_secret

    ctx = context()
    revision = upgrade(ctx.db.engine)
    kept_secret(ctx, SESSION_KEY)  # drawn now, so every worker that starts later finds it
    click.echo(f"database at revision {revision}")


@main.group()
def bpmn() -> None:
    """Process models: validate and deploy BPMN diagrams with their forms and decision tables."""


def _bundles(files: tuple[Path, ...]) -> list[Any]:
    diagrams = [f for f in files if not is_resource(f)]
    extra = [f for f in files if is_resource(f)]
    if not diagrams:
        fail("give at least one .bpmn file")
    return [read_bundle(f, extra) for f in diagrams]


@bpmn.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@clear_errors
def bpmn_validate(files: tuple[Path, ...]) -> None:
    """Check diagrams (schema, lanes, forms, scripts) without deploying them."""
    bad = 0
    for bundle in _bundles(files):
        try:
            model = models.validate(bundle.bpmn, bundle.resources, bundle.file_name)
        except Invalid as exc:
            bad += 1
            click.echo("error: " + "; ".join(exc.problems), err=True)
            continue
        click.echo(f"ok: {bundle.file_name}: process '{model.key}', {len(model.human_tasks)} human tasks, "
                   f"lanes {', '.join(model.lanes) or '-'}")
    if bad:
        sys.exit(1)


@bpmn.command("deploy")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--agency", default=None,
              help="Agency whose audit trail records the deployment and whose groups the lanes name.")
@click.option("--key", default=None,
              help="Deploy as a new version of this model even if it came from another file (one diagram only).")
@clear_errors
def bpmn_deploy(files: tuple[Path, ...], agency: str | None, key: str | None) -> None:
    """Deploy diagrams as new versions of the shared pack every agency runs until it deploys its own
    (an unchanged diagram keeps its version). A diagram whose process id is already the model of
    another file is refused unless `--key` names that model."""
    ctx = context()
    bundles = _bundles(files)
    if key is not None and len(bundles) != 1:
        fail("--key applies to one diagram at a time")
    for bundle in bundles:
        info = models.deploy(ctx, _admin(ctx, agency), bundle.bpmn, bundle.resources, bundle.file_name,
                             shared=True, key=key)
        state = "deployed" if info.created else "unchanged"
        click.echo(f"{state}: {info.key} version {info.version} ({info.sha256[:12]})")


@main.group("group")
def group_command() -> None:
    """Groups of an agency: who works the lanes of a diagram named after them."""


@group_command.command("list")
@click.option("--agency", default=None, help="Agency whose groups to list.")
@clear_errors
def group_list(agency: str | None) -> None:
    """List the agency's groups (the default ones first) and their members."""
    ctx = context()
    for info in groups.list_groups(ctx, _admin(ctx, agency)):
        click.echo(f"{info.label}\t{'default' if info.default else info.role}\t{', '.join(info.members) or '-'}")


@group_command.command("add")
@click.argument("name")
@click.option("--agency", default=None, help="Agency the group belongs to.")
@clear_errors
def group_add(name: str, agency: str | None) -> None:
    """Create a group of any name (lanes of that name, in any letter case, are then worked by its members)."""
    ctx = context()
    actor = _admin(ctx, agency)
    info = groups.create_group(ctx, actor, name)
    click.echo(f"created: group '{info.label}' (role {info.role}) in {actor.agency}")


@group_command.command("grant")
@click.argument("name")
@click.argument("username")
@click.option("--agency", default=None, help="Agency the group belongs to.")
@clear_errors
def group_grant(name: str, username: str, agency: str | None) -> None:
    """Make a user of the agency a member of a group."""
    ctx = context()
    info = groups.grant_group(ctx, _admin(ctx, agency), name, username)
    click.echo(f"granted: group '{info.label}' to {username}")


@group_command.command("revoke")
@click.argument("name")
@click.argument("username")
@click.option("--agency", default=None, help="Agency the group belongs to.")
@clear_errors
def group_revoke(name: str, username: str, agency: str | None) -> None:
    """End a user's membership of a group."""
    ctx = context()
    info = groups.revoke_group(ctx, _admin(ctx, agency), name, username)
    click.echo(f"revoked: group '{info.label}' from {username}")


@main.group()
def user() -> None:
    """User accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="A role; repeat for several.")
@click.option("--agency", default=None, help="Agency the roles are granted in.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@click.option("--email", default="", help="E-mail address notifications of tasks are sent to.")
@clear_errors
def user_add(username: str, roles: tuple[str, ...], agency: str | None, display_name: str,
             password_stdin: bool, email: str) -> None:
    """Create an account, reading its password from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    ctx = context()
    actor = _admin(ctx, agency)
    info = accounts.add_user(ctx, actor, username, password, roles, actor.agency, display_name, email)
    click.echo(f"created: {info.username} ({', '.join(roles)}) in {actor.agency}")


@user.command("list")
@clear_errors
def user_list() -> None:
    """List accounts and their roles."""
    for info in accounts.list_users(context()):
        roles = "; ".join(f"{agency}: {', '.join(r)}" for agency, r in info.roles.items())
        click.echo(f"{info.username}\t{'active' if info.active else 'disabled'}\t{roles}")


@user.command("disable")
@click.argument("username")
@clear_errors
def user_disable(username: str) -> None:
    """Disable an account (it is kept, with its history)."""
    ctx = context()
    accounts.set_active(ctx, _admin(ctx, None), username, False)
    click.echo(f"disabled: {username}")


@user.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the new password from standard input.")
@clear_errors
def user_password(username: str, password_stdin: bool) -> None:
    """Set an account's password, reading it from standard input; its open sessions end."""
    password = sys.stdin.readline().rstrip("\r\n")
    ctx = context()
    accounts.set_password(ctx, _admin(ctx, None), username, password)
    click.echo(f"password changed: {username} (its sessions have ended)")


@main.command()
@click.option("--pack", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Process pack folder (default: PETITIONFLOW_BPMN_DIR).")
@clear_errors
def demo(pack: Path | None) -> None:
    """Load the process pack and the demo users (safe to run again)."""
    from .domain.demo import DEMO_PASSWORD, load_demo

    ctx = context()
    report = load_demo(ctx, pack or Path(ctx.settings.bpmn_dir))
    for info in report.versions:
        click.echo(f"{'deployed' if info.created else 'unchanged'}: {info.key} version {info.version}")
    for plan_info in report.plans:
        click.echo(f"plan {plan_info.code} of {plan_info.agency}: {plan_info.reports_started} reports scheduled")
    if report.users_created:
        click.echo(f"demo users created (password '{DEMO_PASSWORD}'): {', '.join(report.users_created)}")


@main.group()
def plan() -> None:
    """Plans: one department's year of petitions, dialogues and reports."""


@plan.command("load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@clear_errors
def plan_load(file: Path) -> None:
    """Load a plan file (TOML); its agency is created if new and its reports are scheduled."""
    from .domain.plans import load_plan

    ctx = context()
    info = load_plan(ctx, _admin(ctx, None), file.read_bytes(), file.name)
    state = "loaded" if info.created else "updated"
    click.echo(f"{state}: plan {info.code} of {info.agency} for {info.year}, {info.reports_started} reports scheduled")


@main.group()
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
@clear_errors
def audit_verify() -> None:
    """Recompute every hash chain against the latest checkpoint; exit 1 and name every chain that lost something."""
    result = audit_checks.verify_deployment(context())
    against = f"checkpoint {result.checkpoint}" if result.checkpoint else "no checkpoint yet"
    if not result.ok:
        for problem in result.problems:
            event = f" (event id {problem.event_id})" if problem.event_id else ""
            click.echo(f"broken: {problem.chain}{event}: {problem.reason}")
        fail(f"audit trail broken: {len(result.problems)} problems, against {against}; first: "
             f"{result.broken_chain}: {result.reason}")
    click.echo(f"ok: {result.events_checked} events in {result.chains_checked} chains verified, against {against}")


@audit.command("checkpoint")
@clear_errors
def audit_checkpoint() -> None:
    """Check every agency since the last checkpoint and append a sealed checkpoint of every chain head."""
    ctx = context()
    done = audit_checks.checkpoint(ctx)
    for code, result in sorted(done.results.items()):
        state = "ok" if result.ok else f"broken: {result.broken_chain}: {result.reason}"
        click.echo(f"{code}: {state} ({result.events_checked} new events in {result.chains_checked} chains)")
    written = "written" if done.written else "unchanged"
    click.echo(f"checkpoint {done.number} {written}: {done.chains_sealed} chains sealed, "
               f"log {audit_checks.log_path(ctx)}")
    if any(not r.ok for r in done.results.values()):
        fail("the audit trail is broken; the broken chains were not sealed")


@audit.command("export-checkpoints")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@clear_errors
def audit_export_checkpoints(file: Path) -> None:
    """Copy the checkpoint log to FILE (after checking its seals), to keep where the database cannot reach."""
    number = audit_checks.export_checkpoints(context(), file)
    click.echo(f"exported {number} checkpoints to {file}")


@main.command("backup")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@clear_errors
def backup_command(file: Path) -> None:
    """Copy the whole database to FILE, safely while the service runs (SQLite: online backup; PostgreSQL: pg_dump)."""
    from .backup import BackupError, backup
    from .config import Settings

    try:
        result = backup(Settings.from_env(), file)
    except BackupError as exc:
        fail(str(exc))
    click.echo(f"backup written: {result.file} ({result.size} bytes, {result.kind})")


@main.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the contents of a database that is not empty.")
@clear_errors
def restore_command(file: Path, force: bool) -> None:
    """Restore a backup FILE into the database (refused when it is not empty, unless --force), then verify it."""
    from .backup import BackupError, restore

    ctx = context()
    try:
        restore(ctx.settings, ctx.db.engine, file, force)
    except BackupError as exc:
        fail(str(exc))
    result = audit_trail.verify_trail(ctx)
    if not result.ok:
        fail(f"restored, but the audit trail is broken at event {result.broken_event_id} of "
             f"{result.broken_chain}: {result.reason}")
    click.echo(f"restored {file}: {result.events_checked} audit events in {result.chains_checked} chains verified")


from .cli_worker import register as _register_worker_commands  # noqa: E402  (worker, incident, holiday)

_register_worker_commands(main)
