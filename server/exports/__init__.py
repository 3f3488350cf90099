"""File formats: the logbook's PDF, CSV and XLSX renderers, and the readers of imported files."""

from ..domain import vocabulary


def short_label(list_name: str, code: str) -> str:
    """A vocabulary label without its bracketed gloss: "Other", not "Other (soft-tissue...)"."""
    return vocabulary.label(list_name, code).split(" (")[0]


def status_word(status: str | None) -> str:
    """A progress status in the tutor pages' words ("On track")."""
    from ..web.filters import status_word as words  # late: the web package imports exports

    return words(status)
