"""The app as gunicorn serves it, for the several-worker tests (tests/test_throttle_workers.py).

    gunicorn --workers 3 'tests.live_gunicorn:app'

The one addition is a test hook of this launcher only: every answer names the worker process
that gave it (X-Test-Worker), so a test can show that several workers took part.
"""

from __future__ import annotations

import os

from server import create_app

app = create_app()


@app.after_request
def _name_the_worker(response):
    response.headers["X-Test-Worker"] = str(os.getpid())
    return response
