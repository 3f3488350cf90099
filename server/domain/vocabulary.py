"""The coded vocabulary of an entry: codes the API stores, labels people recognise.

Pure data. The PWA fetches it from GET /api/v1/vocabulary, the entry schema validates against
it, and tutor pages show the labels. Codes are stable (they are stored); labels may be reworded.
"""

from __future__ import annotations

from types import MappingProxyType

REGIONS = (
    ("shoulder", "Shoulder"),
    ("elbow", "Elbow"),
    ("wrist_hand", "Wrist & hand"),
    ("hip_groin", "Hip & groin"),
    ("knee", "Knee"),
    ("ankle_foot", "Ankle & foot"),
    ("other", "Other (soft-tissue lump, muscle, nerve, abdominal wall)"),
)

SIDES = (
    ("left", "Left"),
    ("right", "Right"),
    ("bilateral", "Bilateral"),
    ("not_applicable", "Not applicable"),
)

ACTIVITIES = (
    ("diagnostic", "Diagnostic scan"),
    ("injection", "Ultrasound-guided injection"),
    ("diagnostic_injection", "Diagnostic scan with injection"),
)

SUPERVISION_LEVELS = (
    ("observed", "Observed"),
    ("direct", "Scanned under direct supervision"),
    ("indirect", "Scanned under indirect supervision"),
    ("independent", "Independent"),
    ("teaching", "Teaching or supervising another"),
)

# Suggestions for the free-text `findings` prompt (not enforced: the prompt stays free text).
FINDINGS = (
    ("normal", "Normal"),
    ("effusion", "Effusion"),
    ("synovitis", "Synovitis"),
    ("tenosynovitis", "Tenosynovitis"),
    ("bursitis", "Bursitis"),
    ("enthesopathy", "Enthesopathy"),
    ("tendinopathy", "Tendinopathy"),
    ("partial_tear", "Partial tear"),
    ("full_thickness_tear", "Full-thickness tear"),
    ("calcification", "Calcification"),
    ("ganglion_cyst", "Ganglion / cyst"),
    ("impingement", "Impingement"),
    ("erosion", "Erosion"),
    ("subluxation", "Subluxation"),
)

VOCABULARY = MappingProxyType(
    {
        "regions": REGIONS,
        "sides": SIDES,
        "activities": ACTIVITIES,
        "supervision_levels": SUPERVISION_LEVELS,
        "findings": FINDINGS,
    }
)

REGION_CODES = frozenset(code for code, _ in REGIONS)
SIDE_CODES = frozenset(code for code, _ in SIDES)
ACTIVITY_CODES = frozenset(code for code, _ in ACTIVITIES)
SUPERVISION_CODES = frozenset(code for code, _ in SUPERVISION_LEVELS)


def as_dict() -> dict[str, list[dict[str, str]]]:
    """The whole vocabulary as the API shows it: {list name: [{code, label}]}."""
    return {
        name: [{"code": code, "label": label} for code, label in items]
        for name, items in VOCABULARY.items()
    }


def label(list_name: str, code: str) -> str:
    """The label of a code (the code itself if unknown, so old data still shows)."""
    return dict(VOCABULARY[list_name]).get(code, code)
