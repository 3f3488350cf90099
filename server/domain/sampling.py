"""The sample of a submitted year a tutor checks: its size, the draw, the summary (pure)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass


def sample_size(entries: int, minimum: int, percent: int) -> int:
    """`minimum` entries or `percent` of them, whichever is larger, capped at the entries."""
    return min(entries, max(minimum, math.ceil(entries * percent / 100)))


def draw(entry_ids: Iterable[str], size: int, seed: str) -> list[str]:
    """A reproducible random sample: the same ids and seed always give the same draw."""
    # A string seed is hashed with SHA-512 by random, so it does not depend on PYTHONHASHSEED.
    return random.Random(seed).sample(sorted(entry_ids), size)


@dataclass(frozen=True)
class SampleCounts:
    """How far the tutor got with a sample: sampled, checked, queried, queries resolved."""

    size: int
    checked: int
    queried: int
    resolved: int

    @property
    def complete(self) -> bool:
        """True when every sampled entry is checked or queried."""
        return self.checked + self.queried >= self.size


def summary(counts: SampleCounts) -> str:
    """The summary ("30 sampled, 29 checked, 1 queried, resolved") for sign-off and the PDF."""
    words = [f"{counts.size} sampled", f"{counts.checked} checked"]
    if counts.queried:
        words.append(f"{counts.queried} queried")
        open_queries = counts.queried - counts.resolved
        words.append("resolved" if not open_queries else f"{open_queries} open")
    left = counts.size - counts.checked - counts.queried
    if left > 0:
        words.append(f"{left} not looked at yet")
    return ", ".join(words)
