"""GET /vocabulary: the codes and labels of an entry, cacheable with an ETag."""

from __future__ import annotations

import hashlib
import json

from flask import current_app, request

from ..domain import vocabulary
from ..schemas.entries import VocabularySchema
from . import bp, public
from .openapi import documented

_BODY = json.dumps(vocabulary.as_dict(), separators=(",", ":"), ensure_ascii=False)
_ETAG = hashlib.sha256(_BODY.encode()).hexdigest()[:32]


@bp.get("/vocabulary")
@documented(response=VocabularySchema, not_modified=True)
@public
def get_vocabulary():
    """The vocabulary: regions, sides, activities, supervision levels, common findings."""
    response = current_app.response_class(_BODY, mimetype="application/json")
    response.set_etag(_ETAG)
    response.headers["Cache-Control"] = "no-cache"  # revalidate each time: a 304 is cheap
    return response.make_conditional(request)
