"""What changed in a submitted logbook period since it was submitted (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The fields of an entry a submission records (server bookkeeping left out).
ENTRY_FIELDS = (
    "scanned_on",
    "region",
    "side",
    "activity",
    "supervision",
    "clinical_question",
    "technical_issues",
    "findings",
    "pathway_role",
    "notes",
    "critical_incident",
)


@dataclass
class EntryChange:
    """One entry that differs from the submitted copy: changed, deleted or added."""

    entry_id: str
    kind: str  # "changed" | "deleted" | "added"
    fields: list[tuple[str, object, object]] = field(default_factory=list)


def diff_period(
    submitted: dict[str, tuple[int, dict]], current: dict[str, tuple[int, dict]]
) -> list[EntryChange]:
    """Compare {entry_id: (version, fields)} as submitted with the period's entries now.

    `current` holds the live (non-deleted) entries of the period; an entry missing from it
    was deleted or moved out of the period.
    """
    changes: list[EntryChange] = []
    for entry_id, (version, before) in submitted.items():
        if entry_id not in current:
            changes.append(EntryChange(entry_id, "deleted"))
            continue
        now_version, after = current[entry_id]
        if now_version == version:
            continue
        fields = [
            (name, before.get(name), after.get(name))
            for name in ENTRY_FIELDS
            if before.get(name) != after.get(name)
        ]
        if fields:
            changes.append(EntryChange(entry_id, "changed", fields))
    changes.extend(EntryChange(i, "added") for i in current if i not in submitted)
    return changes
