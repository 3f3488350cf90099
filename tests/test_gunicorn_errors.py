"""What gunicorn refuses before the app runs answers with the API's JSON error body, not its
HTML page (server/gunicorn_hooks.py), through a real gunicorn with gunicorn.conf.py and each
worker class the project runs: sync (the README's deployment) and gthread (the load bench and
the scale-out tests)."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
from http import HTTPStatus

import pytest

from server.errors import DEFAULT_MESSAGES
from tests.gunicorn_conf_server import get, gunicorn_conf_server
from tests.sync.helpers import PUSH

ME = "/api/v1/me"
SECRET = "Secretname"


@pytest.fixture(params=["sync", "gthread"])
def server(request, database_url, tmp_path, _schema):
    """(port, error log path) of gunicorn -c gunicorn.conf.py with one worker of each class."""
    error_log = tmp_path / "error.log"
    options = ("--worker-class", request.param, "--error-logfile", str(error_log))
    with gunicorn_conf_server(database_url, *options) as port:
        yield port, error_log


@pytest.fixture
def header(make_user, auth_header):
    """A student's phone."""
    return auth_header(make_user("student"))


def _raw(port: int, data: bytes) -> tuple[int, dict, bytes]:
    """(status, headers, body) of bytes sent as they are on a fresh connection.

    gunicorn stops reading at the limit and closes at once, so the kernel may reset the
    connection while the rest is still being sent: the answer, sent first, is read anyway."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(data)
        with contextlib.suppress(ConnectionResetError):
            while chunk := conn.recv(65536):
                received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _get_line(path: str, headers: bytes = b"") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: scanlog\r\n".encode() + headers + b"\r\n"


def _assert_json_error(answer: tuple[int, dict, bytes], code: int) -> None:
    status, headers, body = answer
    assert status == code, body[:300]
    assert json.loads(body) == {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "message": DEFAULT_MESSAGES[code],
    }
    assert headers["content-type"] == "application/json"
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["connection"] == "close"
    assert "server" not in headers


def test_a_request_line_past_gunicorns_limit_gets_the_apps_json_414(server, header):
    """9000 characters (past 8190): the same 414 body the app gives a 5000-character line."""
    port, _ = server
    token = f"Authorization: {header['Authorization']}\r\n".encode()
    answer = _raw(port, _get_line(f"{ME}?pad={'x' * 9000}", token))
    _assert_json_error(answer, 414)
    apps, apps_body = get(port, f"{ME}?pad={'x' * 5000}", header)
    assert apps.status == 414
    assert json.loads(apps_body) == json.loads(answer[2])


@pytest.mark.parametrize(
    "headers",
    [
        b"".join(b"X-Pad-%d: %s\r\n" % (i, b"y" * 8000) for i in range(200)),
        b"".join(b"X-Pad-%d: y\r\n" % i for i in range(101)),
        b"X-Pad: " + b"y" * 9000 + b"\r\n",
    ],
    ids=["200 headers of 8000 bytes", "101 headers", "one header of 9000 bytes"],
)
def test_too_many_or_too_large_headers_get_a_json_431(server, headers):
    """Past limit_request_fields (100) or limit_request_field_size (8190): 431, in JSON."""
    port, _ = server
    _assert_json_error(_raw(port, _get_line(ME, headers)), 431)


def test_a_line_gunicorn_cannot_read_gets_a_json_400_and_stays_out_of_the_log(server):
    """Garbage, or a line with a space too many: 400 in JSON; the log names no query."""
    port, error_log = server
    _assert_json_error(_raw(port, b"NOT A REQUEST\r\n\r\n"), 400)
    bad_line = f"GET /students?q=left {SECRET} HTTP/1.1\r\nHost: scanlog\r\n\r\n".encode()
    _assert_json_error(_raw(port, bad_line), 400)
    assert "Invalid request" in error_log.read_text()
    assert SECRET not in error_log.read_text()


def test_a_request_within_the_limits_is_served_as_before(server, header):
    """Long (4000) but within every limit, with 90 extra headers: the app answers."""
    port, _ = server
    extra = {f"X-Pad-{i}": "y" * 80 for i in range(90)}
    response, body = get(port, f"{ME}?pad={'x' * 4000}", {**header, **extra})
    assert response.status == 200, body[:300]
    assert json.loads(body)["role"] == "student"


def test_a_chunked_body_past_the_size_limit_gets_the_json_413(server, header):
    """No Content-Length, a body over MAX_CONTENT_LENGTH (2 MB) sent in chunks: our JSON 413."""
    port, _ = server
    filler = json.dumps({"device_id": "p", "ops": [], "pad": "x" * (3 * 1024 * 1024)}).encode()
    chunks = (filler[i : i + 65536] for i in range(0, len(filler), 65536))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {**header, "Content-Type": "application/json"}
        conn.request("POST", PUSH, body=chunks, headers=headers, encode_chunked=True)
        response = conn.getresponse()
        status, body = response.status, response.read()
    except (BrokenPipeError, ConnectionResetError):
        pytest.fail("the server closed the connection instead of answering 413")
    finally:
        conn.close()
    assert status == 413, body[:300]
    assert json.loads(body)["code"] == 413
