"""Commands for what runs on its own: `worker`, and the `incident` and `holiday` groups an admin uses.

Registered on the main `petitionflow` group by `service/cli.py`; same conventions: one `error:`
line and exit status 1 on failure.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import uuid
from datetime import date

import click

from .cli_common import clear_errors, context, fail
from .usecases import deadlines, incidents
from .usecases.context import Actor, Context
from .usecases.errors import Invalid


def _operator(ctx: Context) -> Actor:
    """The person at the console: an admin across every agency, recorded as `cli`."""
    return Actor("cli", ctx.settings.default_agency, frozenset({"admin"}), system=True)


@click.command()
@click.option("--verbose", is_flag=True, help="Also log the quiet steps (claims that found nothing due).")
def worker(verbose: bool) -> None:
    """Fire due timers, retry incidents, deliver messages; stops cleanly on SIGTERM or Ctrl-C."""
    from .worker import Worker, WorkerRefused

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("petitionflow").setLevel(logging.DEBUG if verbose else logging.INFO)
    ctx = context()
    # "ready" is printed once the signal handlers below and the SQLite lock are in place (tests wait for it)
    runner = Worker(ctx, on_ready=lambda: click.echo(f"ready: worker {runner.name}"))
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: runner.stop())
    try:
        runner.run()
    except WorkerRefused as exc:
        fail(str(exc))
    finally:
        ctx.db.dispose()


@click.group()
def incident() -> None:
    """Incidents: steps the worker could not get past."""


@incident.command("list")
@click.option("--all", "everything", is_flag=True, help="Resolved ones too.")
@clear_errors
def incident_list(everything: bool) -> None:
    """List open incidents (all with --all), newest first."""
    ctx = context()
    for row in incidents.list_incidents(ctx, _operator(ctx), status=None if everything else "open"):
        retry = f"retry {row.next_retry_at:%Y-%m-%d %H:%M:%S}" if row.next_retry_at else "waiting for admin"
        state = retry if row.status == "open" else f"resolved by {row.resolved_by}"
        click.echo(f"{row.id}\t{row.status}\t{row.kind}\tinstance {row.instance_id}\t{row.element_id or '-'}\t"
                   f"{row.attempts} attempts\t{state}\t{row.error}")


@incident.command("retry")
@click.argument("incident_id", type=int)
@clear_errors
def incident_retry(incident_id: int) -> None:
    """Retry an incident now; exit 1 when it fails again."""
    ctx = context()
    row = incidents.retry_incident(ctx, _operator(ctx), incident_id)
    if row.status != "resolved":
        fail(f"incident {row.id} failed again (attempt {row.attempts}): {row.error}")
    click.echo(f"resolved: incident {row.id}")


@incident.command("resolve")
@click.argument("incident_id", type=int)
@click.option("--note", default="", help="Why it is closed.")
@clear_errors
def incident_resolve(incident_id: int, note: str) -> None:
    """Close an incident without retrying it."""
    ctx = context()
    row = incidents.resolve_incident(ctx, _operator(ctx), incident_id, note)
    click.echo(f"resolved: incident {row.id}")


@incident.command("set-data")
@click.argument("instance_id", type=click.UUID)
@click.argument("data")
@clear_errors
def incident_set_data(instance_id: uuid.UUID, data: str) -> None:
    """Correct an instance's waiting data with a JSON object, before retrying its incident."""
    try:
        values = json.loads(data)
    except ValueError as exc:
        raise Invalid("DATA is not JSON", [str(exc)]) from None
    ctx = context()
    info = incidents.set_instance_data(ctx, _operator(ctx), instance_id, values)
    click.echo(f"data set: instance {info.id} now at version {info.version}")


@click.group()
def holiday() -> None:
    """Holidays that working-day deadlines skip."""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"'{text}' is not a date (YYYY-MM-DD)") from None


@holiday.command("add")
@click.argument("day")
@click.argument("name")
@click.option("--agency", default=None, help="Only for this agency (default: the whole province).")
@clear_errors
def holiday_add(day: str, name: str, agency: str | None) -> None:
    """Add a holiday: DATE (YYYY-MM-DD) and its NAME."""
    ctx = context()
    added = deadlines.add_holiday(ctx, _operator(ctx), _day(day), name, agency)
    click.echo(f"added: {added.day.isoformat()} {added.name} ({added.agency or 'province-wide'})")


@holiday.command("list")
@click.option("--year", type=int, default=None, help="Only this year.")
@clear_errors
def holiday_list(year: int | None) -> None:
    """List holidays by date."""
    for row in deadlines.list_holidays(context(), year):
        click.echo(f"{row.day.isoformat()}\t{row.agency or 'province'}\t{row.name}")


@holiday.command("remove")
@click.argument("day")
@click.option("--agency", default=None, help="The agency's holiday (default: the province-wide one).")
@clear_errors
def holiday_remove(day: str, agency: str | None) -> None:
    """Remove a holiday."""
    ctx = context()
    deadlines.remove_holiday(ctx, _operator(ctx), _day(day), agency)
    click.echo(f"removed: {day}")


def register(main: click.Group) -> None:
    """Add these commands to the `petitionflow` group."""
    for command in (worker, incident, holiday):
        main.add_command(command)
