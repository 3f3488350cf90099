"""`flask backup`: a consistent copy while pushes go on; a restore gives every entry back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from server.auth import tokens
from server.extensions import db
from server.services import accounts
from tests.conftest import PASSWORD, make_app
from tests.sync.helpers import check_integrity, new_id, pull_all, push_ok, upsert

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _fresh(url: str):
    app = make_app(url)
    with app.app_context():
        db.create_all()
    return app


def _student(app):
    """A student and a bearer header for them, on this app's database."""
    with app.app_context():
        user = accounts.create_user(
            email="backup-student@example.org", name="B", role="student", password=PASSWORD
        )
        db.session.flush()
        raw, _ = tokens.issue_token(user, "phone")
        db.session.commit()
        return user.id, {"Authorization": f"Bearer {raw}"}


def _backup(app, path):
    return app.test_cli_runner().invoke(args=["backup", str(path)])


@pytest.fixture
def sqlite_app(tmp_path):
    """A served app on its own SQLite file (backups of SQLite, whatever TEST_DATABASE_URL is)."""
    app = _fresh(f"sqlite:///{tmp_path / 'live.sqlite'}")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_backup_while_pushes_go_on_is_a_consistent_database(sqlite_app, tmp_path):
    """Backups taken mid-traffic open as whole logbooks: counts, seqs and versions agree."""
    owner, header = _student(sqlite_app)
    stop, pushed, failures = threading.Event(), [], []

    def keep_pushing():
        client = sqlite_app.test_client()
        try:
            while not stop.is_set():
                ids = [new_id() for _ in range(3)]
                push_ok(client, header, [upsert(i) for i in ids])
                edited = push_ok(client, header, [upsert(ids[0], base=1, notes="edited")])
                assert edited[0]["status"] == "applied"
                pushed.extend(ids)
        except Exception as e:  # noqa: BLE001  (any failure of the writer fails the test)
            failures.append(e)

    writer = threading.Thread(target=keep_pushing)
    writer.start()
    paths = []
    try:
        for n in range(4):
            while len(pushed) < 30 * (n + 1) and writer.is_alive():
                stop.wait(0.01)
            path = tmp_path / f"backup-{n}.sqlite"
            result = _backup(sqlite_app, path)
            assert result.exit_code == 0, result.output
            assert "Backed up to" in result.output
            paths.append(path)
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    sizes = []
    for path in paths:
        assert not path.with_name(path.name + ".partial").exists()
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copy = make_app(f"sqlite:///{path}")
        check_integrity(copy, owner)  # daily counts, seqs and versions of one moment
        with copy.app_context():
            sizes.append(db.session.execute(text("SELECT count(*) FROM entries")).scalar())
            db.engine.dispose()
    assert sizes == sorted(sizes) and sizes[0] >= 30 and sizes[-1] <= len(pushed)


def test_restore_into_a_fresh_instance_gives_back_every_entry(sqlite_app, tmp_path):
    """README's restore (stop, copy the file back, start): every entry as it was at backup."""
    owner, header = _student(sqlite_app)
    client = sqlite_app.test_client()
    ids = [new_id() for _ in range(12)]
    push_ok(client, header, [upsert(i, notes=f"scan {n}") for n, i in enumerate(ids)])
    push_ok(client, header, [upsert(ids[0], base=1, notes="edited")])
    at_backup, _, cursor = pull_all(client, header)
    assert _backup(sqlite_app, tmp_path / "nightly.sqlite").exit_code == 0
    push_ok(client, header, [upsert(new_id())])  # lost by the restore: after the backup

    restored_file = tmp_path / "restored" / "scanlog.sqlite"
    restored_file.parent.mkdir()
    shutil.copyfile(tmp_path / "nightly.sqlite", restored_file)
    restored = make_app(f"sqlite:///{restored_file}")
    entries, _, restored_cursor = pull_all(restored.test_client(), header)
    assert sorted(entries, key=lambda e: e["id"]) == sorted(at_backup, key=lambda e: e["id"])
    assert restored_cursor == cursor
    check_integrity(restored, owner)
    with restored.app_context():
        db.engine.dispose()


def test_backup_refuses_to_overwrite(sqlite_app, tmp_path):
    """An existing file is never overwritten (yesterday's backup is kept)."""
    path = tmp_path / "kept.sqlite"
    path.write_bytes(b"yesterday")
    result = _backup(sqlite_app, path)
    assert result.exit_code != 0 and "already exists" in result.output
    assert path.read_bytes() == b"yesterday"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only (set TEST_DATABASE_URL)")
def test_postgres_backup_is_a_pg_dump_that_pg_restore_brings_back(app, tmp_path):
    """On PostgreSQL the command runs pg_dump; pg_restore into a new database gives it back."""
    import psycopg

    owner, header = _student(app)
    client = app.test_client()
    push_ok(client, header, [upsert(new_id(), notes=f"pg {n}") for n in range(8)])
    at_backup, _, _ = pull_all(client, header)
    dump = tmp_path / "scanlog.dump"
    result = _backup(app, dump)
    assert result.exit_code == 0, result.output
    assert "pg_dump" in result.output

    url = make_url(os.environ["TEST_DATABASE_URL"])
    restored_url = url.set(database=f"{url.database}_restore")
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored_url.database}"')
        conn.execute(f'CREATE DATABASE "{restored_url.database}"')
    target = restored_url.set(drivername="postgresql")
    subprocess.run(
        ["pg_restore", "--no-owner", "-d", target.render_as_string(hide_password=False), str(dump)],
        check=True,
    )
    restored = make_app(restored_url.render_as_string(hide_password=False))
    entries, _, _ = pull_all(restored.test_client(), header)
    assert sorted(entries, key=lambda e: e["id"]) == sorted(at_backup, key=lambda e: e["id"])
    check_integrity(restored, owner)
    with restored.app_context():
        db.engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{restored_url.database}"')
