"""The shared progress cases (tests/data/progress_cases.json), also run by node --test."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from server.domain.progress import EntryTally, Logbook, progress_report
from server.schemas.progress import ProgressSchema

CASE_FILE = Path(__file__).parents[1] / "data" / "progress_cases.json"
CASES = json.loads(CASE_FILE.read_text())["cases"]


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def expand(entries):
    """(scanned_on, region, activity, deleted) records, repeating an entry `n` times."""
    return [
        (_date(e["scanned_on"]), e["region"], e["activity"], e.get("deleted", False))
        for e in entries
        for _ in range(e.get("n", 1))
    ]


def assert_matches(actual, expected, path="result"):
    """Every key of `expected` equals `actual` (dicts partially, lists element by element)."""
    if isinstance(expected, dict) and path.endswith(("by_region", "by_activity", "shortfalls")):
        assert actual == expected, path
    elif isinstance(expected, dict):
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            assert_matches(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{path}: {len(actual)} items"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(a, e, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_case(case):
    """The Python rules, dumped as GET /progress answers, give the shared case file's answers."""
    lb = case["logbook"]
    logbook = Logbook(
        _date(lb["pgcert_completed_on"]),
        _date(lb["registration_ends_on"]),
        lb["annual_target"],
        lb.get("region_minimum"),
    )
    options = case.get("options", {})
    report = progress_report(
        logbook,
        EntryTally(expand(case["entries"])),
        _date(case["today"]),
        skill_fade_days=options.get("skill_fade_days", 14),
    )
    assert_matches(ProgressSchema().dump(report), case["expect"])
