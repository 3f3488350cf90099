"""The phone and the server find the same identifiers: pwa/js/identifiers.js under node."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from server.domain.identifier_report import as_dicts, js_findings
from server.domain.identifiers import find_identifiers

CASE_FILE = Path(__file__).parents[1] / "data" / "identifiers.json"
CASES = json.loads(CASE_FILE.read_text())["cases"]


def _texts():
    """Every case, and variants of it: upper and lower case, padded, and cases run together."""
    texts = [c["text"] for c in CASES]
    variants = [t.upper() for t in texts] + [t.lower() for t in texts]
    variants += [f"x  {t}\n\u00a0y" for t in texts]
    variants += [f"{a}; {b}" for a, b in zip(texts, texts[1:], strict=False)]
    return texts + variants


@pytest.fixture(scope="module")
def node():
    """node on PATH: under CI a missing node fails, elsewhere the test is skipped."""
    if shutil.which("node") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is needed for the identifier parity test")
        pytest.skip("node not on PATH: phone/server identifier parity not checked")


def test_phone_and_server_give_identical_findings(node):
    """Kinds, offsets, reasons and confidence agree on every case and every variant."""
    texts = _texts()
    js = js_findings(texts)
    differ = [
        (text, python, script)
        for text, python, script in zip(
            texts, (as_dicts(find_identifiers(t)) for t in texts), js, strict=True
        )
        if python != script
    ]
    assert not differ, differ[:5]
    assert sum(bool(found) for found in js) > len(CASES) / 3  # the variants find things too
