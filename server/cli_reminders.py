"""`flask --app wsgi reminders send [--dry-run]`: reminder e-mails, safe to run from cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from . import clock
from .services import reminders

reminders_cli = AppGroup("reminders", help="Reminder e-mails to tutors and students.")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Print who would get what; send nothing.")
def send(dry_run):
    """Send the reminders due today that were not sent before (each once, whatever the schedule)."""
    lines = reminders.send(clock.today(), dry_run=dry_run)
    for line in lines:
        click.echo(line)
    click.echo(
        f"{len(lines)} reminder{'' if len(lines) == 1 else 's'} {'due' if dry_run else 'handled'}."
    )
