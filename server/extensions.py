"""Flask extensions, created unbound here and bound to the app in create_app()."""

from __future__ import annotations

import contextlib
import sqlite3
from contextvars import ContextVar

from flask import has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention, so migrations stay stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()


# Methods that only read: their reads take no lock (_sqlite_begin).
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Statements that need no write transaction: anything else opens one first.
_NO_WRITE = ("SELECT", "PRAGMA")
# Set by reads_first(): statements run meanwhile behave as in a GET.
_reads_first = ContextVar("sqlite_reads_first", default=False)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL, enforced foreign keys, and no implicit BEGIN for every SQLite connection.

    The busy timeout is the `timeout` connect argument (config.py: SQLITE_BUSY_TIMEOUT_SECONDS).
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # pysqlite's own implicit BEGIN is always deferred: _sqlite_begin emits ours instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextlib.contextmanager
def reads_first():
    """On SQLite, reads run inside take no write lock (as in a GET), even in a POST.

    For reads before a POST's real work that must not hold every writer up: the device token
    check, the password check of a sign-in. They are not part of the write transaction that
    follows, so nothing may rely on them staying true until its commit.
    """
    token = _reads_first.set(True)
    try:
        yield
    finally:
        _reads_first.reset(token)


def _reads_only() -> bool:
    if _reads_first.get():
        return True
    # Outside a request (a CLI command, a test's set-up) reads take no lock either: a read
    # held open there must not block the server's writers, nor a nested app context's own.
    return not has_request_context() or request.method in _SAFE_METHODS


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin(conn, _cursor, statement, _parameters, _context, _executemany):
    """Open each SQLite transaction with BEGIN IMMEDIATE, just before the statement needing it.

    A deferred transaction that reads and then writes must upgrade its read snapshot to the
    write lock; if another connection committed in between, SQLite answers "database is
    locked" at once, without waiting for the busy timeout. BEGIN IMMEDIATE takes the write
    lock first, so writers queue on the busy timeout instead, and what a writer read stays
    true until it commits. In POST/PUT/PATCH/DELETE the first statement of a transaction
    opens it. In GET/HEAD/OPTIONS, outside a request (CLI, tests' set-up) and inside
    reads_first(), reads open nothing: each is its own snapshot (as in PostgreSQL's READ
    COMMITTED), so WAL readers (pulls, exports) never wait for a writer, and a write there
    (a token's once-a-minute touch, an export's audit row, a command's change) opens BEGIN
    IMMEDIATE just before it. PostgreSQL is untouched.
    """
    if conn.dialect.name != "sqlite" or not conn.in_transaction():
        return
    driver = conn.connection.driver_connection
    if driver.in_transaction:
        return
    if not _reads_only() or not statement.lstrip().upper().startswith(_NO_WRITE):
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            # Emitted past SQLAlchemy: wrap it as SQLAlchemy would (errors.is_busy -> 503).
            raise OperationalError("BEGIN IMMEDIATE", None, e) from e
