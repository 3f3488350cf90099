"""gunicorn settings of a ScanLog deployment: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from gunicorn.http import wsgi as _gunicorn_wsgi

bind = "127.0.0.1:8000"
workers = 3
# gunicorn's own limit answers in HTML before the app runs: raised to its maximum, so a line
# between the app's limit (server/inputs.py, 4094) and this one gets the app's JSON 414.
limit_request_line = 8190
# The access log names the path without its query string: the tutors' record search (?q=)
# and every other query stay out of the log.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

_default_headers = _gunicorn_wsgi.Response.default_headers


def _without_server_banner(self):
    # gunicorn always writes "Server: gunicorn"; a WSGI middleware cannot remove it.
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


_gunicorn_wsgi.Response.default_headers = _without_server_banner
