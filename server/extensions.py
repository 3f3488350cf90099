"""Flask extensions, created unbound here and bound to the app in create_app()."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from flask import has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
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


# Methods that only read: their transactions take no lock until they write (_sqlite_begin).
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Statements that need no write transaction (BEGIN: ours); anything else opens one first.
_NO_WRITE = ("SELECT", "PRAGMA", "BEGIN")
# Set by reads_first(): transactions begun meanwhile behave as in a GET.
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
    """A SQLite transaction begun inside takes no write lock until it writes, as in a GET.

    For reads that take long and must not hold every writer up, such as the password check
    of a sign-in (a POST): its reads are not one snapshot, so nothing may rely on them staying
    true until the commit.
    """
    token = _reads_first.set(True)
    try:
        yield
    finally:
        _reads_first.reset(token)


def _reads_only() -> bool:
    if _reads_first.get():
        return True
    return has_request_context() and request.method in _SAFE_METHODS


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Begin a SQLite transaction IMMEDIATE, unless it is in a request that only reads.

    A deferred transaction that reads and then writes must upgrade its read snapshot to the
    write lock; if another connection committed in between, SQLite answers "database is
    locked" at once, without waiting for the busy timeout. BEGIN IMMEDIATE takes the write
    lock first, so writers queue on the busy timeout instead, and what a writer read stays
    true until it commits. POST/PUT/PATCH/DELETE and work outside a request (CLI, tests'
    setup) begin IMMEDIATE. GET/HEAD/OPTIONS begin nothing: each read is its own snapshot
    (as in PostgreSQL's READ COMMITTED), so WAL readers (pulls, exports) never wait for a
    writer, and a write such as a token's once-a-minute touch or an export's audit row opens
    BEGIN IMMEDIATE just before it (_sqlite_write_begins). PostgreSQL is untouched.
    """
    if conn.dialect.name == "sqlite" and not _reads_only():
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_write_begins(conn, _cursor, statement, _parameters, _context, _executemany):
    """In a request that only reads, open the write transaction before its first write."""
    if conn.dialect.name != "sqlite" or not conn.in_transaction():
        return
    driver = conn.connection.driver_connection
    if not driver.in_transaction and not statement.lstrip().upper().startswith(_NO_WRITE):
        driver.execute("BEGIN IMMEDIATE")
