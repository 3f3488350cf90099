"""flask logbook export / import: a student's logbook as a file, and a file into a logbook."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from . import clock
from .exports.files import logbook_file
from .exports.readers import FileProblem, read_table
from .extensions import db
from .services import accounts, exports, logbook_import
from .services.exports import FORMATS

logbook_cli = AppGroup("logbook", help="Export or import a student's logbook.")


def _student(email: str):
    user = accounts.find_user_by_email(email)
    if user is None or user.role != "student":
        raise click.BadParameter(f"No student with the email {email}.", param_hint="--student")
    return user


@logbook_cli.command("export")
@click.option("--student", "email", required=True, help="The student's email.")
@click.option("--period", type=click.IntRange(min=1), default=None, help="One logbook year.")
@click.option("--format", "fmt", required=True, type=click.Choice(tuple(FORMATS)))
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
def export_command(email, period, fmt, out):
    """Write a student's logbook (one year, or every year) as PDF, CSV or XLSX."""
    student = _student(email)
    export = exports.logbook_export(student, period, clock.today())
    if export is None:
        raise click.BadParameter(f"This logbook has no year {period}.", param_hint="--period")
    file = logbook_file(export, fmt, student.name)
    Path(out).write_bytes(file.data)
    entries = sum(len(y.entries) for y in export.years)
    click.echo(f"Wrote {out}: {entries} entries, {len(file.data)} bytes.")


@logbook_cli.command("import")
@click.option("--student", "email", required=True, help="The student's email.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
def import_command(email, file, dry_run):
    """Import a CSV, XLSX or Word (.docx) logbook file into a student's logbook."""
    student = _student(email)
    try:
        table = read_table(Path(file).name, Path(file).read_bytes())
    except FileProblem as e:
        raise click.BadParameter(str(e), param_hint="FILE") from e
    today = clock.today()
    if dry_run:
        plan = logbook_import.plan_import(student, table, today)
    else:
        plan = logbook_import.run_import(None, student, table, today)
    for line in [*plan.table.problems, *plan.refused]:
        click.echo(line)
    for (name, _key), shown in plan.table.unknown.items():
        click.echo(f"Unknown {name}: “{shown}” (map it in the web import page).")
    verb = "Would import" if dry_run or not plan.ready else "Imported"
    click.echo(f"{verb} {len(plan.new)} entries; {plan.present} already in the logbook.")
    if not plan.ready:
        db.session.rollback()
        raise click.ClickException("Nothing imported: fix or map the rows above first.")
    if not dry_run:
        db.session.commit()
