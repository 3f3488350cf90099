"""gunicorn settings of a ScanLog deployment: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from server import gunicorn_hooks

bind = "127.0.0.1:8000"
workers = 3
# gunicorn's own limit is checked before the app runs: raised to its maximum, so a line between
# the app's limit (server/inputs.py, 4094) and this one gets the app's JSON 414, and one past
# it gunicorn's 414 in the same JSON (server/gunicorn_hooks.py).
limit_request_line = 8190
# gunicorn's defaults, stated: at most 100 header fields of at most 8190 bytes each (as nginx's
# default 8 KB header buffers): a phone or a browser sends about ten short ones (a bearer token,
# a session cookie); past either limit, gunicorn answers a JSON 431.
limit_request_fields = 100
limit_request_field_size = 8190
# The access log names the path without its query string: the tutors' record search (?q=)
# and every other query stay out of the log.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# No `Server: gunicorn` banner, and gunicorn's own errors (a line or headers past the limits
# above, a line it cannot parse) answer with the API's JSON error body.
gunicorn_hooks.install()
