"""Bad input stopped at the door: bounded path numbers, storable path texts, shallow JSON.

What the schemas cannot see (the URL, the query string, the form, the JSON parser's own
limits) is checked here, so it gets a 4xx instead of reaching the database as a 500.
"""

from __future__ import annotations

from flask import Flask, Request, abort, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, UnicodeConverter

from .schemas.fields import INT_MAX

# gunicorn's default limit_request_line: gunicorn.conf.py raises gunicorn's own to its maximum
# (8190) so that a line between the two gets this app's JSON 414 rather than gunicorn's HTML.
MAX_REQUEST_LINE = 4094
_FORMS = frozenset(("application/x-www-form-urlencoded", "multipart/form-data"))


class BoundedInt(IntegerConverter):
    """`<int:...>`: at most INT_MAX (an Integer column), so /students/<2**70> is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


class StorableText(UnicodeConverter):
    """`<name>`: a path segment without a NUL byte (PostgreSQL refuses it in text)."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\x00]", 1)


class BoundedRequest(Request):
    """A request whose chunked body past MAX_CONTENT_LENGTH is a 413 (not a cut-off body read
    as bad JSON), and whose JSON too deep for the parser is a 400, like any bad JSON."""

    def get_data(self, cache=True, as_text=False, parse_form_data=False):
        """The body; without a Content-Length, reaching the size limit means it went past."""
        data = super().get_data(cache=cache, as_text=as_text, parse_form_data=parse_form_data)
        limit = self.max_content_length
        if limit is not None and self.content_length is None and len(data) >= limit:
            raise RequestEntityTooLarge()
        return data

    def get_json(self, force=False, silent=False, cache=True):
        """The parsed JSON body; nesting past the parser's recursion limit reads as bad JSON."""
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError as e:
            if silent:
                return None
            return self.on_json_loading_failed(e)


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def register(app: Flask) -> None:
    """Install the converters, the request class and the request-line and NUL checks."""
    app.url_map.converters["int"] = BoundedInt
    app.url_map.converters["default"] = StorableText
    app.url_map.converters["string"] = StorableText
    app.request_class = BoundedRequest

    @app.before_request
    def _screen_request():
        uri = request.environ.get("RAW_URI") or request.full_path
        if len(request.method) + len(uri) + len(" HTTP/1.1") + 1 > MAX_REQUEST_LINE:
            abort(414, description="The address is too long.")
        if _has_nul(request.args):
            abort(400, description="The query must not contain NUL bytes.")
        if request.mimetype in _FORMS and _has_nul(request.form):
            abort(400, description="The form must not contain NUL bytes.")
