"""One JSON error body for every /api path; HTML error pages elsewhere."""

from __future__ import annotations

import logging
import sqlite3
import traceback
from http import HTTPStatus

from flask import Flask, Response, jsonify, render_template, request
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, StatementError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .extensions import db

log = logging.getLogger(__name__)

DEFAULT_MESSAGES = {
    400: "The request could not be read.",
    401: "Sign in to continue.",
    403: "You do not have permission to do that.",
    404: "Not found.",
    405: "That method is not allowed here.",
    409: "That conflicts with the current state.",
    413: "The request is too large.",
    414: "The address is too long.",
    422: "The request is not valid.",
    429: "Too many attempts. Wait a moment and try again.",
    431: "The request's headers are too large.",
    500: "Something went wrong on our side. Nothing was changed; try again.",
    503: "The server is busy. Nothing was changed; try again in a moment.",
}
# Seconds a client waits before trying again after a 503 (the database was busy).
BUSY_RETRY_AFTER = 2
# SQLite's primary result codes for a lock held by another connection (BUSY) or by this one
# (LOCKED); extended codes such as SQLITE_BUSY_SNAPSHOT share the low byte.
_SQLITE_BUSY_CODES = frozenset({5, 6})
# PostgreSQL's transient SQLSTATEs: lock_not_available (lock_timeout), deadlock_detected,
# serialization_failure, query_canceled (statement_timeout).
_PG_BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001", "57014"})


def wants_json() -> bool:
    """True for API paths: they always answer with the JSON error body."""
    return request.path.startswith("/api/")


def error_body(code: int, message: str | None = None, errors: dict | None = None) -> dict:
    """The contract's error body."""
    body = {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "message": message or DEFAULT_MESSAGES.get(code, HTTPStatus(code).phrase),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def json_error(code: int, message: str | None = None, errors: dict | None = None) -> Response:
    """A JSON error response with the contract's body."""
    response = jsonify(error_body(code, message, errors))
    response.status_code = code
    return response


def _message(e: HTTPException) -> str | None:
    # Werkzeug's stock descriptions are long and technical; only keep ours.
    if e.description and e.description != type(e).description:
        return e.description
    return None


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        code = e.code or 500
        if code >= 500:
            db.session.rollback()
        original = e.get_response()
        if wants_json():
            response = json_error(code, _message(e), getattr(e, "data", None))
        else:
            response = app.response_class(
                render_template(
                    "error.html",
                    code=code,
                    title=HTTPStatus(code).phrase,
                    message=_message(e) or DEFAULT_MESSAGES.get(code, ""),
                ),
                status=code,
            )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in original.headers:
                response.headers[header] = original.headers[header]
        if code == 401 and wants_json():
            response.headers.setdefault("WWW-Authenticate", 'Bearer realm="scanlog"')
        return response

    @app.errorhandler(ValidationError)
    def _validation_error(e: ValidationError):
        db.session.rollback()
        messages = e.messages if isinstance(e.messages, dict) else {"_schema": e.messages}
        return json_error(422, "Invalid request.", messages)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        # No rollback here: _http_error does it for every 5xx, this one included.
        if is_busy(e):
            log.warning(
                "Database busy (%s) on %s %s: answered 503",
                type(e.orig).__name__,
                request.method,
                request.path,
            )
            return _http_error(ServiceUnavailable(retry_after=BUSY_RETRY_AFTER))
        if isinstance(e, StatementError):
            _log_statement_error(e)
        else:
            log.exception("Unhandled error on %s %s", request.method, request.path)
        return _http_error(InternalServerError())


def is_busy(e: BaseException) -> bool:
    """True for a database error that only means "busy now": a lock wait ran out, a deadlock
    or a serialization failure. Nothing was changed and the same request may succeed later."""
    if not isinstance(e, DBAPIError):
        return False
    if isinstance(e.orig, sqlite3.Error):
        return (getattr(e.orig, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_BUSY_CODES
    return getattr(e.orig, "sqlstate", None) in _PG_BUSY_SQLSTATES


def _log_statement_error(e: StatementError) -> None:
    """Log a failed statement by its kind, its SQL and where it ran: never its message, which
    on PostgreSQL quotes the row's values ("DETAIL: Key (...)=(...)"), nor its parameters."""
    kind = type(e.orig).__name__ if e.orig is not None else type(e).__name__
    log.error(
        "Database error %s on %s %s; statement: %s\n%s",
        kind,
        request.method,
        request.path,
        e.statement,
        "".join(traceback.format_tb(e.__traceback__)),
    )
