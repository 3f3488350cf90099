"""A live server on 127.0.0.1 and the Chromium launch settings, shared by tests, bench, scripts."""

from __future__ import annotations

import contextlib
import io
import json
import os
import threading
from dataclasses import dataclass, field

from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@dataclass
class LiveServer:
    """The app served on 127.0.0.1 in a thread; `hits` lists the paths it was asked for and
    `pushed_ops` the op ids of every push body that reached it."""

    app: object
    url: str = ""
    hits: list = field(default_factory=list)
    pushed_ops: list = field(default_factory=list)

    def count(self, prefix: str = "/") -> int:
        """How many requests reached the server whose path starts with `prefix`."""
        return sum(1 for path in self.hits if path.startswith(prefix))


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        """Keep test output readable: no access log."""


class _Recorder:
    def __init__(self, wsgi_app, live):
        self.wsgi_app, self.live = wsgi_app, live

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        self.live.hits.append(path)
        if path == "/api/v1/sync/push":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            with contextlib.suppress(ValueError, KeyError, TypeError):
                self.live.pushed_ops.extend(op["op_id"] for op in json.loads(body)["ops"])
        return self.wsgi_app(environ, start_response)


@contextlib.contextmanager
def serve(app):
    """Serve a Flask app on a free port of 127.0.0.1 (a secure context) in a thread."""
    live = LiveServer(app)
    app.wsgi_app = _Recorder(app.wsgi_app, live)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(5)
