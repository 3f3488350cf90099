"""`flask --app wsgi retention --left-before DATE [--dry-run] [--yes]`: remove old logbooks."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import clock
from ..extensions import db
from ..services import retention


def _describe(removal: retention.Removal, verb: str) -> None:
    click.echo(
        f"{verb} the logbooks of {len(removal.student_ids)} student(s) whose registration "
        f"ended before {removal.left_before.isoformat()} ({removal.total} rows):"
    )
    for table, n in sorted(removal.rows.items()):
        click.echo(f"  {table:<20} {n}")


@click.command("retention")
@click.option(
    "--left-before",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Remove students whose registration ended before this date (YYYY-MM-DD).",
)
@click.option("--dry-run", is_flag=True, help="Show what would go; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def retention_command(left_before, dry_run, yes):
    """Remove every record of students who left before a date (counts shown first)."""
    day = clock.today()
    try:
        removal = retention.plan(left_before.date(), day)
    except retention.RetentionError as e:
        raise click.ClickException(str(e)) from e
    if not removal.student_ids:
        click.echo(f"No student's registration ended before {left_before.date().isoformat()}.")
        return
    _describe(removal, "Would remove")
    if dry_run:
        click.echo("Dry run: nothing was removed.")
        return
    if not yes:
        click.confirm("Remove them for good?", abort=True)
    done = retention.remove(left_before.date(), day)
    db.session.commit()
    _describe(done, "Removed")
