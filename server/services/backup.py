"""Backups: SQLite's online backup API, or pg_dump for PostgreSQL (safe while serving)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from ..extensions import db


class BackupError(RuntimeError):
    """The backup could not be made (the message says why and what to do)."""


@dataclass
class Backup:
    """A finished backup: where it is, how it was made and how big it is."""

    path: Path
    method: str
    size: int


def make_backup(target: Path) -> Backup:
    """Write a consistent copy of the database to `target` (it must not exist yet)."""
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder.")
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(target)
        method = "sqlite online backup"
    elif url.get_backend_name() == "postgresql":
        _pg_dump(target)
        method = "pg_dump (custom format; restore with pg_restore)"
    else:
        raise BackupError(f"No backup method for {url.get_backend_name()}.")
    return Backup(target, method, target.stat().st_size)


def _sqlite_backup(target: Path) -> None:
    # The backup API copies a snapshot under a read transaction: in WAL mode pushes go on
    # writing while it runs, and the copy is one consistent state. Writing to a temporary
    # name first means a crash never leaves a half backup under the real name.
    partial = target.with_name(target.name + ".partial")
    raw = db.engine.raw_connection()
    dest = sqlite3.connect(partial)
    try:
        raw.driver_connection.backup(dest)
    except sqlite3.Error as e:
        dest.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"The SQLite backup failed: {e}") from e
    finally:
        raw.close()
    dest.close()
    os.replace(partial, target)


def _pg_dump(target: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError(
            "This is a PostgreSQL database: back it up with pg_dump "
            "(pg_dump --format=custom --file FILE DATABASE) and restore with pg_restore."
        )
    url = make_url(db.engine.url).set(drivername="postgresql")
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    conninfo = url.set(password=None).render_as_string(hide_password=False)
    partial = target.with_name(target.name + ".partial")
    done = subprocess.run(
        [program, "--format=custom", "--no-owner", f"--file={partial}", conninfo],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    os.replace(partial, target)
