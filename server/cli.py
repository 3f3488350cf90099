"""Flask CLI commands: users create, tutors assign, demo."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import clock
from .cli_logbook import logbook_cli
from .cli_reminders import reminders_cli
from .commands.backup import backup_command
from .commands.retention import retention_command
from .domain.roles import ROLES
from .extensions import db
from .services import accounts, demo

users_cli = AppGroup("users", help="Manage user accounts.")
tutors_cli = AppGroup("tutors", help="Assign tutors to students.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--pgcert-completed", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--registration-ends", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--annual-target", type=click.IntRange(min=1), default=300, show_default=True)
@click.option(
    "--region-minimum",
    type=click.IntRange(1, accounts.REGION_MINIMUM_MAX),
    default=None,
    help="Scans per region a year (default: config REGION_MINIMUM; unset: none).",
)
def create_user(
    email, name, role, password, pgcert_completed, registration_ends, annual_target, region_minimum
):
    """Create a user (students get logbook dates, a target and a region minimum)."""
    if role != "student" and (pgcert_completed or registration_ends or region_minimum):
        raise click.UsageError("Logbook settings apply to students only.")
    try:
        user = accounts.create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            pgcert_completed_on=pgcert_completed.date() if pgcert_completed else None,
            registration_ends_on=registration_ends.date() if registration_ends else None,
            annual_target=annual_target,
            region_minimum=accounts.FROM_CONFIG if region_minimum is None else region_minimum,
        )
    except accounts.AccountError as e:
        raise click.ClickException(str(e)) from e
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@tutors_cli.command("assign")
@click.option("--tutor", "tutor_email", required=True, help="The tutor's email.")
@click.option("--student", "student_email", required=True, help="The student's email.")
def assign(tutor_email, student_email):
    """Assign a tutor to a student."""
    try:
        accounts.assign_tutor(tutor_email, student_email)
    except accounts.AccountError as e:
        raise click.ClickException(str(e)) from e
    db.session.commit()
    click.echo(f"{tutor_email.lower()} now tutors {student_email.lower()}.")


@click.command("demo")
@with_appcontext
@click.option("--seed", default=7, show_default=True, help="Random seed for the entries.")
def demo_command(seed):
    """Load a demo cohort: an admin, a tutor and students with realistic entries."""
    if accounts.find_user_by_email(demo.TUTOR_EMAIL):
        click.echo("The demo cohort is already loaded.")
    else:
        fade_days = current_app.config.get("SKILL_FADE_DAYS", 14)
        summary = demo.load(today=clock.today(), seed=seed, skill_fade_days=fade_days)
        db.session.commit()
        for line in summary:
            click.echo(line)
    click.echo(f"Sign in as the tutor: {demo.TUTOR_EMAIL} / {demo.PASSWORD}")
    click.echo(f"Or as a student:      {demo.STUDENTS[0].email} / {demo.PASSWORD}")
    click.echo(f"Or as the admin:      {demo.ADMIN_EMAIL} / {demo.PASSWORD}")


def register_cli(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(users_cli)
    app.cli.add_command(tutors_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(logbook_cli)
    app.cli.add_command(reminders_cli)
