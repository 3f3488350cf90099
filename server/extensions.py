"""Flask extensions, created unbound here and bound to the app in create_app()."""

from __future__ import annotations

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


# Methods that only read: their transactions stay deferred (see _sqlite_begin).
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL, enforced foreign keys, and our own BEGIN for every SQLite connection.

    The busy timeout is the `timeout` connect argument (config.py: SQLITE_BUSY_TIMEOUT_SECONDS).
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # pysqlite's own implicit BEGIN is always deferred; _sqlite_begin emits ours instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Begin every SQLite transaction IMMEDIATE, except in a request whose method only reads.

    A deferred transaction that reads and then writes must upgrade its read snapshot to the
    write lock; if another connection committed in between, SQLite answers "database is
    locked" at once, without waiting for the busy timeout. BEGIN IMMEDIATE takes the write
    lock first, so writers queue on the busy timeout instead. The rule is by request method:
    POST/PUT/PATCH/DELETE and work outside a request (CLI, tests' setup) may write, so they
    begin IMMEDIATE; GET/HEAD/OPTIONS begin deferred, so WAL readers (pulls, exports) never
    wait for a writer. A GET that writes (the once-a-minute touch of a token or web session)
    ends its read first, so that its write opens a transaction of its own: a deferred
    transaction whose first statement writes waits on the busy timeout like an IMMEDIATE one.
    PostgreSQL is untouched.
    """
    if conn.dialect.name != "sqlite":
        return
    reads_only = has_request_context() and request.method in _SAFE_METHODS
    conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")
