"""`flask --app wsgi backup PATH`: a consistent copy of the database, safe while serving."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..services import backup


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Back up the database to PATH (SQLite: online backup; PostgreSQL: pg_dump)."""
    try:
        made = backup.make_backup(path)
    except backup.BackupError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Backed up to {made.path} ({made.size} bytes, {made.method}).")
