"""Invitation e-mails go out through the configured SMTP server (a real one on 127.0.0.1)."""

from __future__ import annotations

import re
import socketserver
import threading
from types import SimpleNamespace

import pytest

from tests.conftest import make_app, wipe


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message."""

    def handle(self):
        self.wfile.write(b"220 test ready\r\n")
        while line := self.rfile.readline():
            verb = line.decode().strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 test\r\n")
            elif verb == "DATA":
                self.wfile.write(b"354 go on\r\n")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data)
                self.server.messages.append(b"".join(body).decode())
                self.wfile.write(b"250 queued\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    """An SMTP server on a free local port, collecting the messages it receives."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_invitation_is_emailed_when_a_mail_server_is_set(database_url, _schema, smtp_server):
    from tests.web.conftest import WebSession

    app = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1])
    try:
        from server.extensions import db
        from server.services import accounts

        with app.app_context():
            admin = SimpleNamespace(id=accounts.create_user("ada@example.org", "Ada", "admin").id)
            db.session.commit()
        web = WebSession(app.test_client(), admin)
        response = web.post(
            "/admin/users/new",
            {
                "name": "Nia Novak",
                "email": "nia@example.org",
                "role": "tutor",
                "annual_target": "300",
            },
        )
        html = response.get_data(as_text=True)
        assert "We e-mailed this link to nia@example.org." in html
        (message,) = smtp_server.messages
        assert "To: nia@example.org" in message and "Set your ScanLog password" in message
        link = re.search(r'value="(http[^"]+/invitation/[^"]+)"', html).group(1)
        assert link in message
    finally:
        wipe(app)
