"""What gunicorn itself sends, made ScanLog's: no `Server` banner, and the contract's JSON error
body when gunicorn refuses a request before the app runs (a request line past 8190 characters,
too many or too large headers, a line it cannot parse).

How: `install()` (called by gunicorn.conf.py) replaces `handle_error` on gunicorn's base
`Worker` class. That is the one method every worker class (sync, gthread, gevent...) calls for
a request it cannot serve, and it still knows the exception, so a too-long line can be a 414
rather than gunicorn's 400. The alternatives are more fragile: a worker subclass is dropped
silently by any `--worker-class gthread` on the command line (the load bench and the scale-out
tests pass one), and patching `gunicorn.util.write_error` sees only gunicorn's status and
message text, not which limit was hit. The method's signature `(req, client, addr, exc)` has
not changed since gunicorn 19; tests/test_gunicorn_errors.py checks the result through a real
gunicorn with both worker classes the project uses.

The JSON body goes to every path, /api or not: when the line cannot be parsed there is no path
to tell them apart, and it is right anyway. No browser sends an 8 KB address or 100 headers, so
the HTML page loses nobody, while a phone's outbox must read a JSON error to keep its entry
and report the refusal instead of retrying a request that can never pass.
"""

from __future__ import annotations

import json
from datetime import datetime
from http import HTTPStatus
from ssl import SSLError

from gunicorn import util
from gunicorn.http import errors as gunicorn_errors
from gunicorn.http import wsgi as gunicorn_wsgi
from gunicorn.workers.base import Worker

from .errors import error_body
from .headers import SECURITY_HEADERS

# First match wins: the subclasses before their base ParseException (any other refusal, 400).
_STATUS_OF = (
    (gunicorn_errors.LimitRequestLine, 414),
    (gunicorn_errors.LimitRequestHeaders, 431),
    (gunicorn_errors.ForbiddenProxyRequest, 403),  # forwarded_allow_ips: as gunicorn answers
    (SSLError, 403),
    (gunicorn_errors.UnsupportedTransferCoding, 501),
    (gunicorn_errors.ConfigurationProblem, 500),
    (gunicorn_errors.ParseException, 400),
)
_default_headers = gunicorn_wsgi.Response.default_headers


def status_of(exc: BaseException) -> int:
    """The HTTP status for an exception gunicorn hands its worker: 500 for any it did not raise."""
    return next((code for kind, code in _STATUS_OF if isinstance(exc, kind)), 500)


def error_response(code: int) -> bytes:
    """A whole HTTP/1.1 answer with the contract's JSON error body; the connection then closes."""
    # Without Strict-Transport-Security: the app sends it only when its settings say HTTPS,
    # and a refusal read before the app ran has nothing to gain from it.
    body = json.dumps(error_body(code)).encode()
    headers = {
        **SECURITY_HEADERS,
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Cache-Control": "no-store",
        "Connection": "close",
    }
    head = f"HTTP/1.1 {code} {HTTPStatus(code).phrase}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (head + "\r\n").encode("latin-1") + body


def handle_error(self: Worker, req, client, addr, exc: BaseException) -> None:
    """gunicorn's Worker.handle_error with ScanLog's JSON answer; the log lines name the error's
    kind and the path, never the query string nor the offending line (it may hold a name)."""
    started = datetime.now()
    code = status_of(exc)
    ip = (addr or ("",))[0]  # no address on a unix socket
    if isinstance(exc, (gunicorn_errors.ParseException, SSLError)):
        self.log.warning("Invalid request from ip=%s: %s", ip, type(exc).__name__)
        req = req or getattr(exc, "req", None)  # an invalid header keeps its request line
    else:
        self.log.exception("Error handling request %s", getattr(req, "path", "(no URI read)"))
    answer = error_response(code)
    if req is not None:
        environ = gunicorn_wsgi.default_environ(req, client, self.cfg)
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = ip, str((addr or ("", -1))[1])
        response = gunicorn_wsgi.Response(req, client, self.cfg)
        response.status = f"{code} {HTTPStatus(code).phrase}"
        response.response_length = len(answer)
        self.log.access(response, req, environ, datetime.now() - started)
    try:
        util.write_nonblock(client, answer)
    except OSError:  # the client is gone: nothing left to tell it
        self.log.debug("Failed to send error message.")


def _without_server_banner(self) -> list[str]:
    # gunicorn always writes "Server: gunicorn"; a WSGI middleware cannot remove it.
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


def install() -> None:
    """Patch gunicorn in this process (its master, before the workers fork)."""
    gunicorn_wsgi.Response.default_headers = _without_server_banner
    Worker.handle_error = handle_error
